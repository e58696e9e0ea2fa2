"""A letter as a PDF (reportlab): block format, one-inch margins, an embedded serif font.

Every value is escaped before it meets reportlab's Paragraph markup, so data is printed
as written; emphasis comes only from the template's own ``*`` and ``**``.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import cache
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

from campaign.documents.fonts import register_fonts
from campaign.models import Paragraph, Rendered

FONT_SIZE = 11
LEADING = 15
COMPACT_LEADING = 14
INCH = 72.0


def markup(paragraph: Paragraph) -> str:
    """A paragraph's runs as reportlab markup, every character of the text escaped."""
    parts = []
    for run in paragraph:
        text = escape(run.text)
        if run.bold:
            text = f"<b>{text}</b>"
        if run.italic:
            text = f"<i>{text}</i>"
        parts.append(text)
    return "".join(parts)


def _lines(lines: Sequence[str]) -> str:
    return "<br/>".join(escape(line) for line in lines)


@cache
def _styles(compact: bool = False) -> dict[str, Any]:
    from reportlab.lib.styles import ParagraphStyle

    family = register_fonts()
    leading = COMPACT_LEADING if compact else LEADING
    body = ParagraphStyle(
        "body", fontName=family, fontSize=FONT_SIZE, leading=leading, spaceAfter=leading * 0.75
    )
    return {
        "body": body,
        "block": ParagraphStyle("block", parent=body, spaceAfter=0),
        "name": ParagraphStyle(
            "name", parent=body, fontName=f"{family}-Bold", fontSize=13, leading=17, spaceAfter=2
        ),
        "continued": ParagraphStyle("continued", parent=body, fontSize=9, leading=11),
    }


def letter_flowables(rendered: Rendered, compact: bool = False) -> list[Any]:
    """The flowables of one letter, from the letterhead to the typed signature.

    ``compact`` closes up the leading and the gaps around the date and inside address,
    as a typist would to keep a long letter on one page.
    """
    from reportlab.platypus import KeepTogether, Spacer
    from reportlab.platypus import Paragraph as P

    styles = _styles(compact)
    gap = LEADING * (1 if compact else 2)
    head, *rest = rendered.sender_lines or ("",)
    story: list[Any] = [P(escape(head), styles["name"]), P(_lines(rest), styles["block"])]
    story += [Spacer(1, gap), P(escape(rendered.date_line), styles["block"])]
    story += [Spacer(1, gap), P(_lines(rendered.recipient_lines), styles["block"])]
    story.append(Spacer(1, LEADING))
    *body, closing = rendered.paragraphs
    story += [P(markup(p), styles["body"]) for p in body]
    # The closing and the signature space never part across a page break.
    story.append(
        KeepTogether(
            [
                P(markup(closing), styles["block"]),
                Spacer(1, LEADING * (2.6 if compact else 3.2)),
                P(_lines(rendered.signature), styles["block"]),
            ]
        )
    )
    if rendered.enclosures:
        story.append(Spacer(1, LEADING))
        label = "Enclosure" if len(rendered.enclosures) == 1 else "Enclosures"
        story.append(P(escape(f"{label}: {', '.join(rendered.enclosures)}"), styles["block"]))
    return story


def _document(target: Any, title: str, author: str) -> Any:
    from reportlab.lib.pagesizes import LETTER
    from reportlab.platypus import SimpleDocTemplate

    return SimpleDocTemplate(
        target,
        pagesize=LETTER,
        leftMargin=INCH,
        rightMargin=INCH,
        topMargin=0.9 * INCH,
        bottomMargin=INCH,
        title=title,
        author=author,
        invariant=True,  # the same letter gives the same bytes: easy to compare and to cache
    )


def write_letter_pdf(rendered: Rendered, path: Path) -> Path:
    """Write one letter as its own PDF; returns the path."""
    with path.open("wb") as out:
        letters_pdf([rendered], out, title=f"Letter to {rendered.prospect.company}")
    return path


def letters_pdf(rendered: Sequence[Rendered], target: Any, title: str = "Letters") -> list[int]:
    """All letters in one PDF written to ``target``, each from a new page.

    A letter that runs past its first page is laid out again closed up; one that still
    runs on gets a continuation heading (addressee, date, page) on each later page, as
    a business letter should. Returns each letter's page count.
    """
    from io import BytesIO

    compact: set[int] = set()
    buffer = BytesIO()
    counts = _layout(rendered, buffer, compact, title)
    long = {index for index, count in enumerate(counts) if count > 1}
    if long:
        compact = long
        buffer = BytesIO()
        counts = _layout(rendered, buffer, compact, title)
    target.write(buffer.getvalue())
    return counts


def _layout(rendered: Sequence[Rendered], target: Any, compact: set[int], title: str) -> list[int]:
    from reportlab.platypus import Flowable, PageBreak

    starts: list[tuple[int, Rendered]] = []  # (first page, letter), as they are laid out

    class Mark(Flowable):
        """Records the page a letter starts on, as it is laid out."""

        def __init__(self, letter: Rendered) -> None:
            super().__init__()
            self.letter = letter

        def wrap(self, *args: Any) -> tuple[int, int]:
            return (0, 0)

        def draw(self) -> None:
            starts.append((self.canv.getPageNumber(), self.letter))

    story: list[Any] = []
    for index, one in enumerate(rendered):
        if index:
            story.append(PageBreak())
        story.append(Mark(one))
        story += letter_flowables(one, compact=index in compact)
    author = rendered[0].sender_lines[0] if rendered and rendered[0].sender_lines else ""
    doc = _document(target, title, author)

    def continued() -> None:
        page = doc.canv.getPageNumber()
        if starts and starts[-1][0] != page:
            first, letter = starts[-1]
            _continuation(doc.canv, letter, page - first + 1)

    doc.afterPage = continued
    doc.build(story)
    total = doc.page
    ends = [start for start, _ in starts[1:]] + [total + 1]
    return [end - start for (start, _), end in zip(starts, ends, strict=True)]


def _continuation(canvas: Any, letter: Rendered, page: int) -> None:
    """The heading of a letter's later page: addressee, date and page number."""
    from reportlab.lib.pagesizes import LETTER

    style = _styles()["continued"]
    addressee = letter.recipient_lines[0] if letter.recipient_lines else ""
    canvas.saveState()
    canvas.setFont(style.fontName, style.fontSize)
    y = LETTER[1] - 0.55 * INCH
    canvas.drawString(INCH, y, addressee)
    canvas.drawCentredString(LETTER[0] / 2, y, f"Page {page}")
    canvas.drawRightString(LETTER[0] - INCH, y, letter.date_line)
    canvas.restoreState()


def write_letter_pdfs(rendered: Sequence[Rendered], paths: Sequence[Path]) -> dict[int, list[Any]]:
    """Lay out all letters at once and split them, one PDF per letter at ``paths``.

    Returns each letter's pages (pypdf pages) by prospect id, for the print pack to reuse.
    """
    from io import BytesIO

    from pypdf import PdfReader, PdfWriter

    buffer = BytesIO()
    counts = letters_pdf(rendered, buffer)
    reader = PdfReader(buffer)
    pages: dict[int, list[Any]] = {}
    at = 0
    for one, count, path in zip(rendered, counts, paths, strict=True):
        mine = pages[one.prospect.id] = list(reader.pages[at : at + count])
        at += count
        writer = PdfWriter()
        for page in mine:
            writer.add_page(page)
        writer.add_metadata(
            {"/Title": f"Letter to {one.prospect.company}", "/Producer": "campaign"}
        )
        with path.open("wb") as out:
            writer.write(out)
    return pages
