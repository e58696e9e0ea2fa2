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
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from io import BytesIO
from pathlib import Path
from typing import Any

from campaign import addresses
from campaign.documents.files import atomic_file, spreadsheet_safe
from campaign.documents.fonts import FAMILY, register_fonts
from campaign.documents.pdf import letters_pdf
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


def write_print_pack(
    rendered: Sequence[Rendered],
    folder: Path,
    resume: Path | None = None,
    labels: bool = True,
    pages: Mapping[int, Sequence[Any]] | None = None,
) -> PrintPack:
    """Write letters, envelopes, labels (unless ``labels=False``) and manifest into ``folder``.

    ``resume``: the PDF printed after each cover letter. ``pages``: the letters already
    laid out (pypdf pages by prospect id), to reuse.
    """
    from pypdf import PdfReader, PdfWriter

    folder.mkdir(parents=True, exist_ok=True)
    laid_out: dict[int, Sequence[Any]] = dict(pages or {})
    missing = [r for r in rendered if r.prospect.id not in laid_out]
    if missing:
        buffer = BytesIO()
        counts = letters_pdf(missing, buffer)
        fresh = PdfReader(buffer).pages
        at = 0
        for one, count in zip(missing, counts, strict=True):
            laid_out[one.prospect.id] = fresh[at : at + count]
            at += count
    letters_path = folder / "letters.pdf"
    resume_pages = _resume_pages(resume) if any(r.letter == COVER for r in rendered) else []
    writer = PdfWriter()
    firsts: list[int] = []
    if rendered:
        for one in rendered:
            firsts.append(len(writer.pages) + 1)
            for page in laid_out[one.prospect.id]:
                writer.add_page(page)
            if one.letter == COVER:
                for page in resume_pages:
                    writer.add_page(page)
    writer.add_metadata({"/Title": "Letters", "/Producer": "campaign"})
    with atomic_file(letters_path) as temporary, temporary.open("wb") as out:
        writer.write(out)
    total = len(writer.pages)
    envelopes_path = write_envelopes(rendered, folder / "envelopes.pdf")
    labels_path = write_labels(rendered, folder / "labels.pdf") if labels and rendered else None
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


def write_envelopes(rendered: Sequence[Rendered], path: Path) -> Path:
    """One #10 envelope page per letter, in the letters' order."""
    from reportlab.pdfgen.canvas import Canvas

    register_fonts()
    with atomic_file(path) as temporary:
        _envelope_pages(Canvas(str(temporary), pagesize=ENVELOPE, invariant=True), rendered)
    return path


def _envelope_pages(canvas: Any, rendered: Sequence[Rendered]) -> None:
    width, height = ENVELOPE
    canvas.setTitle("Envelopes")
    for one in rendered:
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
    canvas.save()


def write_labels(rendered: Sequence[Rendered], path: Path) -> Path:
    """Avery 5160-style address labels, 30 a sheet, in the letters' order."""
    from reportlab.lib.pagesizes import LETTER
    from reportlab.pdfgen.canvas import Canvas

    register_fonts()
    with atomic_file(path) as temporary:
        _label_sheets(Canvas(str(temporary), pagesize=LETTER, invariant=True), rendered)
    return path


def _label_sheets(canvas: Any, rendered: Sequence[Rendered]) -> None:
    from reportlab.lib.pagesizes import LETTER

    canvas.setTitle("Address labels")
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
