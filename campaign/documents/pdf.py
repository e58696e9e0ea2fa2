"""A letter as a PDF (reportlab): block format, one-inch margins, an embedded serif font.

Every value is escaped before it meets reportlab's Paragraph markup, so data is printed
as written; emphasis comes only from the template's own ``*`` and ``**``.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from functools import cache
from itertools import chain
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

from campaign.documents.fonts import register_fonts
from campaign.documents.pdfpages import Page, PdfFile, Typefaces
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


_REMEMBERED = 4_096  # paragraphs kept laid out and drawn, per process


@cache
def _paragraph() -> Any:
    """reportlab's Paragraph, remembering how a paragraph breaks and draws.

    Most of a batch's paragraphs are the same in every letter (the letterhead, the date,
    the template's own words): each is parsed, broken into lines and drawn once, and
    its drawing (relative to the paragraph's corner, as reportlab draws it) is replayed
    for the other letters. A paragraph split across pages is laid out afresh.
    """
    from reportlab.lib.rl_accel import fp_str
    from reportlab.platypus import Paragraph

    wrapped: dict[tuple[Any, ...], tuple[Any, float]] = {}
    drawn: dict[tuple[Any, ...], list[str]] = {}

    class Parsed:
        """``frags``, parsed from the markup the first time a paragraph needs it."""

        def __get__(self, paragraph: Any, owner: Any) -> Any:
            if paragraph is None:
                return self
            Paragraph.__init__(paragraph, paragraph.__dict__.pop("source"), paragraph.style)
            return paragraph.__dict__["frags"]

    class Remembered(Paragraph):
        """A Paragraph parsed only when it has to be, laid out and drawn once per text."""

        frags = Parsed()  # the instance's own, once parsed, hides this

        def __init__(self, text: str | None, style: Any, **kwargs: Any) -> None:
            self.key: tuple[Any, ...] | None = None
            self.remembered = text is not None and not kwargs
            if not self.remembered:  # the parts of a split paragraph: as reportlab does
                super().__init__(text, style, **kwargs)
                return
            self.source, self.text, self.style, self.markup = text, text, style, text
            self.bulletText, self.debug, self.caseSensitive, self.encoding = None, 0, 1, "utf8"

        def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:
            if not self.remembered:
                return super().wrap(availWidth, availHeight)
            self.key = (self.markup, id(self.style), availWidth)
            known = wrapped.get(self.key)
            if known is None:
                super().wrap(availWidth, availHeight)
                if len(wrapped) >= _REMEMBERED:
                    wrapped.clear()
                    drawn.clear()
                wrapped[self.key] = (self.blPara, self.height)
            else:
                self.__dict__.update(blPara=known[0], height=known[1], width=availWidth)
                self._wrapWidths = [availWidth, availWidth]
            return self.width, self.height

        def split(self, availWidth: float, availHeight: float) -> Any:
            self.key = None
            return super().split(availWidth, availHeight)

        def drawOn(self, canvas: Any, x: float, y: float, _sW: float = 0) -> None:
            code = None
            if self.key is not None:
                code = drawn.get((*self.key, canvas._fontname, canvas._fontsize, canvas._leading))
            if code is None:
                super().drawOn(canvas, x, y, _sW)
                return
            # What Flowable.drawOn emits around draw(): save, translate, restore.
            x = self._hAlignAdjust(x, _sW)
            canvas._code.extend(("q", f"{fp_str(1, 0, 0, 1, x, y)} cm", *code, "Q"))

        def draw(self) -> None:
            canvas = self.canv
            if self.key is None:
                super().draw()
                return
            key = (*self.key, canvas._fontname, canvas._fontsize, canvas._leading)
            code = drawn.get(key)
            if code is not None:
                canvas._code.extend(code)
                return
            start = len(canvas._code)
            super().draw()
            drawn[key] = canvas._code[start:]

        @staticmethod
        def encoded_for(chars: str) -> None:
            """Drawings replay only under the encoding they were drawn in: a batch whose
            typefaces encode other characters (a later merge in the same process) starts
            afresh, or a replayed line would print another batch's glyph codes."""
            if encoding[0] != chars:
                encoding[0] = chars
                drawn.clear()

    encoding = [""]
    return Remembered


def letter_flowables(rendered: Rendered, compact: bool = False) -> list[Any]:
    """The flowables of one letter, from the letterhead to the typed signature.

    ``compact`` closes up the leading and the gaps around the date and inside address,
    as a typist would to keep a long letter on one page.
    """
    from reportlab.platypus import KeepTogether, Spacer

    P = _paragraph()
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


def _document(target: Any) -> Any:
    from reportlab.lib.pagesizes import LETTER
    from reportlab.platypus import SimpleDocTemplate

    return SimpleDocTemplate(
        target,
        pagesize=LETTER,
        leftMargin=INCH,
        rightMargin=INCH,
        topMargin=0.9 * INCH,
        bottomMargin=INCH,
        invariant=True,  # the same letter gives the same bytes: easy to compare and to cache
    )


# Drawn by the layout besides the letters' own text: headings of later pages, enclosures.
EXTRA_CHARS = "Enclosures: Page 0123456789"


def letter_chars(rendered: Rendered) -> Iterator[str]:
    """Every text a letter's PDF may draw, for the batch's ``Typefaces``."""
    yield from rendered.sender_lines
    yield from rendered.return_lines
    yield from rendered.recipient_lines
    yield from rendered.signature
    yield from rendered.enclosures
    yield rendered.date_line
    for paragraph in rendered.paragraphs:
        for run in paragraph:
            yield run.text


def typefaces_for(rendered: Iterable[Rendered], *more: Iterable[str]) -> Typefaces:
    """The typefaces that can draw every one of these letters (and ``more`` texts)."""
    return Typefaces(chain([EXTRA_CHARS], *(letter_chars(r) for r in rendered), *more))


def lay_out(rendered: Sequence[Rendered], typefaces: Typefaces) -> list[list[Page]]:
    """Each letter's pages, each letter from a new page.

    A letter that runs past its first page is laid out again closed up; one that still
    runs on gets a continuation heading (addressee, date, page) on each later page, as
    a business letter should.
    """
    _paragraph().encoded_for(typefaces.chars)
    pages = _layout(rendered, typefaces, compact=False)
    long = [index for index, mine in enumerate(pages) if len(mine) > 1]
    if long:
        again = _layout([rendered[index] for index in long], typefaces, compact=True)
        for index, mine in zip(long, again, strict=True):
            pages[index] = mine
    return pages


def write_pages(
    pages: Sequence[Page], path: Path, typefaces: Typefaces, title: str, author: str
) -> Path:
    """Write pages already laid out as a PDF at ``path``; returns the path."""
    with PdfFile(path, typefaces, title, author) as pdf:
        for one in pages:
            pdf.add(one)
    return path


def write_letter_pdf(rendered: Rendered, path: Path, typefaces: Typefaces | None = None) -> Path:
    """Write one letter as its own PDF; returns the path."""
    faces = typefaces or typefaces_for([rendered])
    [pages] = lay_out([rendered], faces)
    return write_pages(pages, path, faces, pdf_title(rendered), pdf_author(rendered))


def write_letter_pdfs(
    rendered: Sequence[Rendered], paths: Sequence[Path], typefaces: Typefaces
) -> list[list[Page]]:
    """Lay out the letters once and write each as its own PDF at ``paths``.

    Returns each letter's pages, for the print pack to reuse.
    """
    pages = lay_out(rendered, typefaces)
    for one, mine, path in zip(rendered, pages, paths, strict=True):
        write_pages(mine, path, typefaces, pdf_title(one), pdf_author(one))
    return pages


def pdf_title(rendered: Rendered) -> str:
    """The title a letter's own PDF carries."""
    return f"Letter to {rendered.prospect.company}"


def pdf_author(rendered: Rendered) -> str:
    """The author a letter's PDF names: the sender."""
    return rendered.sender_lines[0] if rendered.sender_lines else ""


def _layout(rendered: Sequence[Rendered], typefaces: Typefaces, compact: bool) -> list[list[Page]]:
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
        story += letter_flowables(one, compact=compact)
    doc = _document(None)
    made: list[Any] = []

    def canvas(*args: Any, **kwargs: Any) -> Any:
        made.append(typefaces.canvas(*args, **kwargs))
        return made[-1]

    def continued() -> None:
        page = doc.canv.getPageNumber()
        if starts and starts[-1][0] != page:
            first, letter = starts[-1]
            _continuation(doc.canv, letter, page - first + 1)

    doc.afterPage = continued
    if story:
        doc.build(story, canvasmaker=canvas)
    drawn = made[0].pages if made else []
    ends = [start for start, _ in starts[1:]] + [len(drawn) + 1]
    return [drawn[start - 1 : end - 1] for (start, _), end in zip(starts, ends, strict=True)]


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
