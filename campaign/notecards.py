"""Note cards to copy by hand: one drafted thank-you note per card, in a PDF under output/."""

from __future__ import annotations

import importlib.util
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

from campaign.errors import CampaignError
from campaign.interview import NOTE

if TYPE_CHECKING:
    from campaign.store import Store

# A folded A2 note card (5.5 x 4.25 in), in points.
CARD_SIZE = (5.5 * 72, 4.25 * 72)
FONT_NAME = "CampaignNoteSerif"


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
        if task.kind != NOTE:
            continue
        cards.append(
            NoteCard(
                task_id=task.id,
                person=str(task.detail.get("person", row.contact.name if row.contact else "")),
                company=row.prospect.company if row.prospect else "",
                due=task.due,
                text=str(task.detail.get("draft", "")),
            )
        )
    return cards


def font_path() -> Path | None:
    """DejaVu Serif as shipped by matplotlib (wide coverage), found without importing it."""
    spec = importlib.util.find_spec("matplotlib")
    for root in (spec.submodule_search_locations or []) if spec else []:
        path = Path(root) / "mpl-data" / "fonts" / "ttf" / "DejaVuSerif.ttf"
        if path.is_file():
            return path
    return None


def _font() -> str:
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont

    if FONT_NAME in pdfmetrics.getRegisteredFontNames():
        return FONT_NAME
    path = font_path()
    if path is None:
        return "Times-Roman"  # Latin-1 only, but better than no cards
    pdfmetrics.registerFont(TTFont(FONT_NAME, str(path)))
    return FONT_NAME


def free_path(folder: Path, stem: str) -> Path:
    """``folder/stem.pdf``, or ``stem-2.pdf``... : an earlier run's cards are never overwritten."""
    path = folder / f"{stem}.pdf"
    n = 2
    while path.exists():
        path = folder / f"{stem}-{n}.pdf"
        n += 1
    return path


def write_note_cards(cards: Sequence[NoteCard], output_dir: Path, today: date) -> Path:
    """One card per note (a long note runs onto the next card); returns the PDF's path."""
    from xml.sax.saxutils import escape

    from reportlab.lib.styles import ParagraphStyle
    from reportlab.platypus import PageBreak, Paragraph, SimpleDocTemplate, Spacer

    font = _font()
    header = ParagraphStyle("header", fontName=font, fontSize=7.5, leading=9, textColor="#666666")
    body = ParagraphStyle("body", fontName=font, fontSize=10.5, leading=14)
    story: list[object] = []
    for index, card in enumerate(cards):
        if index:
            story.append(PageBreak())
        # Paragraph reads a mini-markup: every value is escaped so it prints as typed.
        head = f"Task {card.task_id} · for {card.person}"
        if card.company:
            head += f" · {card.company}"
        head += f" · write by {card.due.isoformat()}"
        story.append(Paragraph(escape(head), header))
        story.append(Spacer(1, 8))
        for paragraph in card.text.strip().split("\n"):
            story.append(Paragraph(escape(paragraph) or "&nbsp;", body))
    folder = output_dir / "notes"
    try:
        folder.mkdir(parents=True, exist_ok=True)
        path = free_path(folder, f"note-cards-{today.isoformat()}")
        doc = SimpleDocTemplate(
            str(path),
            pagesize=CARD_SIZE,
            leftMargin=28,
            rightMargin=28,
            topMargin=22,
            bottomMargin=22,
            title="Thank-you notes to copy by hand",
            author="campaign",
            invariant=1,
        )
        doc.build(story)
    except OSError as exc:
        raise CampaignError(f"{folder}: can't write the note cards: {exc}") from None
    return path
