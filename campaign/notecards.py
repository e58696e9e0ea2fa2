"""Note cards to copy by hand: one drafted thank-you note per card, in a PDF under output/."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from campaign.documents.files import write_new
from campaign.documents.fonts import register_fonts
from campaign.models import TaskKind
from campaign.store import Store
from campaign.wording import task_ref

# A folded A2 note card (5.5 x 4.25 in), in points.
CARD_SIZE = (5.5 * 72, 4.25 * 72)


@dataclass(frozen=True)
class NoteCard:
    """One note: who it is for and the draft to copy."""

    task_id: int
    person: str
    company: str
    due: date
    text: str


def open_note_cards(store: Store, until: date | None) -> list[NoteCard]:
    """The notes still to write, due by ``until`` (all when None)."""
    cards = []
    for row in store.open_agenda(until):
        task = row.task
        if task.kind != TaskKind.NOTE:
            continue
        cards.append(
            NoteCard(
                task_id=task.id,
                person=str(
                    task.detail.get("person", row.contact.display_name if row.contact else "")
                ),
                company=row.prospect.company if row.prospect else "",
                due=task.due,
                text=str(task.detail.get("draft", "")),
            )
        )
    return cards


def write_note_cards(cards: Sequence[NoteCard], output_dir: Path, today: date) -> Path:
    """One card per note (a long note runs onto the next card); returns the PDF's path."""
    from xml.sax.saxutils import escape

    from reportlab.lib.styles import ParagraphStyle
    from reportlab.platypus import PageBreak, Paragraph, SimpleDocTemplate, Spacer

    font = register_fonts()
    header = ParagraphStyle("header", fontName=font, fontSize=7.5, leading=9, textColor="#666666")
    body = ParagraphStyle("body", fontName=font, fontSize=10.5, leading=14)
    story: list[object] = []
    for index, card in enumerate(cards):
        if index:
            story.append(PageBreak())
        # Paragraph reads a mini-markup: every value is escaped so it prints as typed.
        head = f"Task {task_ref(card.task_id)} · for {card.person}"
        if card.company:
            head += f" · {card.company}"
        head += f" · write by {card.due.isoformat()}"
        story.append(Paragraph(escape(head), header))
        story.append(Spacer(1, 8))
        for paragraph in card.text.strip().split("\n"):
            story.append(Paragraph(escape(paragraph) or "&nbsp;", body))

    def build(path: Path) -> None:
        SimpleDocTemplate(
            str(path),
            pagesize=CARD_SIZE,
            leftMargin=28,
            rightMargin=28,
            topMargin=22,
            bottomMargin=22,
            title="Thank-you notes to copy by hand",
            author="campaign",
            invariant=1,
        ).build(story)

    return write_new(output_dir / "notes", f"note-cards-{today.isoformat()}", ".pdf", build)
