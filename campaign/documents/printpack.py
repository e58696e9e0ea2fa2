"""The print pack: what goes to the post office for one run.

* ``letters.pdf``: every printed letter in order, each from a new page; a ``cover``
  letter is followed by the pages of the sender's resume (``[sender] resume``, a PDF);
* ``envelopes.pdf``: one #10 envelope (9.5 x 4.125 in) per letter, in the same order:
  return address top left, the recipient's block where a window-less envelope wants it;
* ``labels.pdf``: the same addresses on Avery 5160-style sheets (30 per Letter page), for
  those who prefer labels to printing on envelopes;
* ``manifest.csv``: who gets which letter, on which pages, with which envelope and label
  (spreadsheet-safe: no cell starts a formula).

Each file is written under a temporary name and renamed when complete; the send run
also builds the whole pack in a hidden folder (``campaign.sending``).
"""

from __future__ import annotations

import csv
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from io import BytesIO
from itertools import chain
from pathlib import Path
from typing import Any

from campaign import addresses
from campaign.documents.files import atomic_file, spreadsheet_safe
from campaign.documents.fonts import FAMILY
from campaign.documents.pdf import lay_out, typefaces_for, write_pages
from campaign.documents.pdfpages import Page, PdfFile, Typefaces
from campaign.errors import InputError
from campaign.models import COVER, Prospect, Rendered

INCH = 72.0
ENVELOPE = (9.5 * INCH, 4.125 * INCH)  # a #10 envelope, landscape
# Avery 5160: 3 x 10 labels of 2 5/8 x 1 in on Letter paper.
LABEL_SIZE = (2.625 * INCH, 1.0 * INCH)
LABEL_COLUMNS, LABEL_ROWS = 3, 10
LABEL_LEFT, LABEL_TOP, LABEL_PITCH_X = 0.1875 * INCH, 0.5 * INCH, 2.75 * INCH
MANIFEST_COLUMNS = (
    "number",
    "prospect_id",
    "company",
    "contact",
    "letter",
    "first_page",
    "pages",
    "envelope_page",
    "label_sheet",
    "label_position",
    "address",
)


@dataclass(frozen=True)
class PrintPack:
    """The files of one print pack and how many pages the letters take."""

    letters_pdf: Path
    envelopes_pdf: Path
    manifest_csv: Path
    labels_pdf: Path | None
    pages: int


def _resume_pages(path: Path | None) -> list[Any]:
    from pypdf import PdfReader
    from pypdf.errors import PyPdfError

    if path is None:
        return []
    try:
        return list(PdfReader(str(path)).pages)
    except (PyPdfError, OSError, ValueError) as exc:
        raise InputError(f"[sender] resume {path}: not a readable PDF: {exc}") from None


class LaidOut:
    """Letters' pages (and envelopes, when drawn with them) by prospect id, with their typefaces.

    The pages may still be coming (a merge's workers hand them over in the letters'
    order): each letter is taken once, when the print pack reaches it. ``envelopes``:
    whether each comes with its envelope page (else the print pack draws them).
    """

    def __init__(
        self,
        typefaces: Typefaces,
        pages: Iterable[tuple[int, Sequence[Page], Page | None]],
        envelopes: bool = False,
    ) -> None:
        self.typefaces = typefaces
        self.envelopes = envelopes
        self._source = iter(pages)
        self._ready: dict[int, tuple[Sequence[Page], Page | None]] = {}

    def take(self, prospect_id: int) -> tuple[Sequence[Page], Page | None]:
        """This prospect's letter pages and envelope page (each letter is taken once)."""
        while prospect_id not in self._ready:
            try:
                key, pages, envelope = next(self._source)
            except StopIteration:
                raise KeyError(prospect_id) from None
            self._ready[key] = (pages, envelope)
        return self._ready.pop(prospect_id)


def pack_chars(rendered: Rendered) -> list[str]:
    """What the envelope and the label of a letter print (for the batch's typefaces)."""
    return [*rendered.return_lines, *rendered.sender_lines, *label_lines(rendered.prospect), "…"]


def write_print_pack(
    rendered: Sequence[Rendered],
    folder: Path,
    resume: Path | None = None,
    labels: bool = True,
    pages: LaidOut | None = None,
) -> PrintPack:
    """Write letters, envelopes, labels (unless ``labels=False``) and manifest into ``folder``.

    ``resume``: the PDF printed after each cover letter. ``pages``: the letters already
    laid out, to reuse; without them the letters are laid out here.
    """
    folder.mkdir(parents=True, exist_ok=True)
    if pages is None:
        faces = typefaces_for(rendered, *(pack_chars(r) for r in rendered))
        laid = lay_out(rendered, faces)
        pairs = zip(rendered, laid, strict=True)
        pages = LaidOut(faces, ((r.prospect.id, mine, None) for r, mine in pairs))
    faces = pages.typefaces
    author = _author(rendered)
    resume_pages = _resume_pages(resume) if any(r.letter == COVER for r in rendered) else []
    # Labels (and envelopes) first: a merge's workers are still drawing letters meanwhile.
    envelopes_path = folder / "envelopes.pdf"
    if not pages.envelopes:
        write_envelopes(rendered, envelopes_path, faces)
    labels_path = (
        write_labels(rendered, folder / "labels.pdf", faces) if labels and rendered else None
    )
    letters_path = folder / "letters.pdf"
    firsts: list[int] = []
    cover_at: list[int] = []  # where a resume goes: after these many pages
    buffer = BytesIO()  # with a resume, pypdf puts its pages in afterwards
    with (
        PdfFile(buffer if resume_pages else letters_path, faces, "Letters", author) as pdf,
        PdfFile(
            envelopes_path if pages.envelopes else BytesIO(), faces, "Envelopes", author
        ) as envelopes,
    ):
        for one in rendered:
            firsts.append(pdf.pages + 1 + len(cover_at) * len(resume_pages))
            mine, envelope = pages.take(one.prospect.id)
            for page in mine:
                pdf.add(page)
            if envelope is not None:
                envelopes.add(envelope)
            if one.letter == COVER and resume_pages:
                cover_at.append(pdf.pages)
        total = pdf.pages + len(cover_at) * len(resume_pages)
    if resume_pages:
        _with_resume(buffer, letters_path, cover_at, resume_pages)
    manifest = folder / "manifest.csv"
    with (
        atomic_file(manifest) as temporary,
        temporary.open("w", newline="", encoding="utf-8") as out,
    ):
        table = csv.writer(out)
        table.writerow(MANIFEST_COLUMNS)
        for index, one in enumerate(rendered):
            sheet, position = divmod(index, LABEL_COLUMNS * LABEL_ROWS)
            first = firsts[index]
            last = firsts[index + 1] if index + 1 < len(firsts) else total + 1
            p = one.prospect
            row = [
                index + 1,
                p.id,
                p.company,
                p.contact,
                one.letter,
                first,
                last - first,
                index + 1,
                sheet + 1 if labels_path else "",
                position + 1 if labels_path else "",
                " / ".join(one.recipient_lines),
            ]
            table.writerow([spreadsheet_safe(cell) for cell in row])
    return PrintPack(letters_path, envelopes_path, manifest, labels_path, total)


def _author(rendered: Sequence[Rendered]) -> str:
    return rendered[0].sender_lines[0] if rendered and rendered[0].sender_lines else ""


def _with_resume(
    letters: BytesIO, path: Path, cover_at: Sequence[int], resume: Sequence[Any]
) -> None:
    """letters.pdf with the resume's pages after each cover letter (pypdf: a foreign PDF)."""
    from pypdf import PdfReader, PdfWriter

    letters.seek(0)
    reader = PdfReader(letters)
    writer = PdfWriter()
    at = 0
    for end, then_resume in [*((end, True) for end in cover_at), (len(reader.pages), False)]:
        for page in reader.pages[at:end]:
            writer.add_page(page)
        for page in resume if then_resume else ():
            writer.add_page(page)
        at = end
    writer.add_metadata({"/Title": "Letters", "/Producer": "campaign"})
    with atomic_file(path) as temporary, temporary.open("wb") as out:
        writer.write(out)


def _text_block(canvas: Any, x: float, y: float, lines: Sequence[str], size: float) -> None:
    text = canvas.beginText(x, y)
    text.setFont(FAMILY, size, leading=size * 1.25)
    for line in lines:
        text.textLine(line)
    canvas.drawText(text)


def _fit(
    lines: Sequence[str], width: float, size: float, smallest: float | None = None
) -> tuple[list[str], float]:
    """The lines and the type size that fit ``width``: smaller type first, then shortening.

    The size steps down from ``size`` to ``smallest`` until every line fits; only a line
    still too long at the smallest size (a 300-character company name) is shortened.
    """
    from reportlab.pdfbase.pdfmetrics import stringWidth

    low = size if smallest is None else smallest
    while size > low and any(stringWidth(line, FAMILY, size) > width for line in lines):
        size = max(size - 0.5, low)
    fitted = []
    for line in lines:
        while line and stringWidth(line, FAMILY, size) > width:
            line = line[:-2] + "…"
        fitted.append(line)
    return fitted, size


def label_lines(prospect: Prospect) -> list[str]:
    """The address on a label (``addresses.label_lines``, for domestic mail)."""
    return addresses.label_lines(prospect)


def draw_envelope(canvas: Any, one: Rendered) -> None:
    """One #10 envelope page for this letter (shown: the canvas is on the next page)."""
    width, height = ENVELOPE
    sender = one.return_lines or one.sender_lines
    # The return address: top left, about a third of an inch in.
    back, back_size = _fit(sender, 3.6 * INCH, 9, 7)
    _text_block(canvas, 0.35 * INCH, height - 0.45 * INCH, back, back_size)
    # USPS reads the address block in the middle of the envelope, left-aligned
    # a little left of centre, clear of the bottom 5/8 in barcode zone.
    recipient, size = _fit(one.recipient_lines, width - 4.2 * INCH, 11, 8)
    top = height / 2 + len(recipient) * size * 1.25 / 2
    low = 0.9 * INCH + len(recipient) * size * 1.25
    _text_block(canvas, 3.9 * INCH, max(top, low), recipient, size)
    canvas.showPage()


def envelope_canvas(typefaces: Typefaces) -> Any:
    """A recording canvas the size of a #10 envelope, for ``draw_envelope``."""
    return typefaces.canvas(None, pagesize=ENVELOPE, invariant=True)


def write_envelopes(
    rendered: Sequence[Rendered], path: Path, typefaces: Typefaces | None = None
) -> Path:
    """One #10 envelope page per letter, in the letters' order."""
    faces = typefaces or Typefaces(chain(*(pack_chars(r) for r in rendered)))
    canvas = envelope_canvas(faces)
    for one in rendered:
        draw_envelope(canvas, one)
    canvas.save()
    return write_pages(canvas.pages, path, faces, "Envelopes", _author(rendered))


def write_labels(
    rendered: Sequence[Rendered], path: Path, typefaces: Typefaces | None = None
) -> Path:
    """Avery 5160-style address labels, 30 a sheet, in the letters' order."""
    from reportlab.lib.pagesizes import LETTER

    faces = typefaces or Typefaces(chain(*(pack_chars(r) for r in rendered)))
    canvas = faces.canvas(None, pagesize=LETTER, invariant=True)
    per_sheet = LABEL_COLUMNS * LABEL_ROWS
    label_w, label_h = LABEL_SIZE
    for index, one in enumerate(rendered):
        if index and index % per_sheet == 0:
            canvas.showPage()
        row, column = divmod(index % per_sheet, LABEL_COLUMNS)
        x = LABEL_LEFT + column * LABEL_PITCH_X + 0.15 * INCH
        top = LETTER[1] - LABEL_TOP - row * label_h
        lines, size = _fit(
            list(one.label_lines) or label_lines(one.prospect), label_w - 0.3 * INCH, 8, 6
        )
        block = len(lines) * size * 1.25
        _text_block(canvas, x, top - (label_h - block) / 2 - size, lines, size)
    canvas.showPage()
    canvas.save()
    return write_pages(canvas.pages, path, faces, "Address labels", _author(rendered))
