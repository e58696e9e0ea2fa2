"""PDF files put together from pages drawn once: one layout, as many files as need it.

reportlab lays out and draws every page (letters, envelopes, labels); it does not write
the files. A document per letter would make reportlab subset, compress and write the
same fonts again for every letter, and splitting one big document with pypdf costs as
much as laying it out. Instead each page is kept as its content stream (``Page``) and
written here into every file that holds it: the letter's own PDF and the print pack.

That works because every canvas of a batch is given the same encoding up front
(``Typefaces.seed``): the batch's characters get the same codes in every face on every
canvas, in every process, so a page's stream reads the same in any file, and each
font subset is built and compressed once for the whole batch. A character that was not
seeded can't sneak in: the seeded encodings are frozen.
"""

from __future__ import annotations

import re
import zlib
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache, partial
from pathlib import Path
from typing import IO, Any

from campaign.documents.files import publish, temporary_twin
from campaign.documents.fonts import FACES, register_fonts

PROC_SET = b"/ProcSet [ /PDF /Text /ImageB /ImageC /ImageI ]"
HELVETICA = (
    b"<< /BaseFont /Helvetica /Encoding /WinAnsiEncoding /Name /F1 /Subtype /Type1 /Type /Font >>"
)
_FONT_NAME = re.compile(r"/(F\d+(?:\+\d+)?) ")


@dataclass(frozen=True)
class Page:
    """One drawn page: its compressed content stream, the fonts it names, its size."""

    content: bytes  # zlib-compressed
    fonts: tuple[str, ...]  # resource names, e.g. ("F1", "F2+0")
    size: tuple[float, float]


def number(value: float) -> str:
    """A number as reportlab writes it (``612``, ``595.2756``)."""
    from reportlab.lib.rl_accel import fp_str

    return str(fp_str(value))


def text_string(value: str) -> bytes:
    """A PDF text string: ``(Letters)``, or UTF-16 for anything beyond ASCII."""
    if value.isascii():
        escaped = value.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")
        return f"({escaped})".encode("ascii", "replace")
    return b"<FEFF" + value.encode("utf-16-be").hex().upper().encode("ascii") + b">"


class Typefaces:
    """The batch's faces, every one encoding ``chars`` alike on every canvas.

    ASCII always has its own codes; the other characters are given codes in sorted
    order, so two processes seeded with the same characters draw the same bytes.
    """

    def __init__(self, chars: Iterable[str]) -> None:
        register_fonts()
        self.chars = "".join(sorted({c for text in chars for c in text if not c.isascii()}))
        self._resources: dict[str, list[bytes]] = {}
        self._subsets: dict[str, list[list[int]]] = {}

    def seed(self, doc: Any) -> None:
        """Give a canvas's document the batch's encoding (F1 is reportlab's Helvetica)."""
        from reportlab.pdfbase import pdfmetrics

        doc.getInternalFontName("Helvetica")  # F1, as every reportlab canvas starts
        for face in FACES:
            font = pdfmetrics.getFont(face)
            font.splitString(self.chars, doc)
            font.getSubsetInternalName(0, doc)
            state = font.state[doc]
            state.frozen = 1  # a character nobody seeded would be encoded differently
            self._subsets.setdefault(state.internalName, [list(s) for s in state.subsets])

    def prepare(self) -> None:
        """Build every font subset now (a process forked after this inherits them)."""
        from reportlab.pdfbase import pdfmetrics
        from reportlab.pdfbase.pdfdoc import PDFDocument

        doc = PDFDocument(invariant=True)
        self.seed(doc)
        self.resource("F1")
        for prefix, subsets in self._subsets.items():
            for index in range(len(subsets)):
                self.resource(f"{prefix}+{index}")
        for face in FACES:
            pdfmetrics.getFont(face).state.pop(doc, None)

    def canvas(self, *args: Any, **kwargs: Any) -> Any:
        """A recording canvas (same arguments as reportlab's ``Canvas``)."""
        return _recorder()(*args, typefaces=self, **kwargs)

    def canvas_maker(self) -> Any:
        """What platypus' ``build(canvasmaker=...)`` needs to record its pages."""
        return partial(_recorder(), typefaces=self)

    def resource(self, name: str) -> list[bytes]:
        """The objects of one font resource, the first being the font itself.

        References inside are relative: ``{1}`` is the second object, and so on.
        """
        if name not in self._resources:
            self._resources[name] = self._font_objects(name)
        return self._resources[name]

    def _font_objects(self, name: str) -> list[bytes]:
        from reportlab.pdfbase import pdfmetrics
        from reportlab.pdfbase.pdfdoc import pdfdocEnc
        from reportlab.pdfbase.ttfonts import (
            FF_NONSYMBOLIC,
            FF_SYMBOLIC,
            SUBSETN,
            makeToUnicodeCMap,
        )

        if name == "F1":
            return [HELVETICA]
        prefix, _, index = name.partition("+")
        subset = self._subsets[prefix][int(index)]
        face_name = FACES[int(prefix[1:]) - 2]
        face = pdfmetrics.getFont(face_name).face
        base = (SUBSETN(int(index)) + b"+" + face.name + face.subfontNameX).decode("ascii")
        widths = " ".join(number(face.getCharWidth(code)) for code in subset)
        font = (
            f"<< /BaseFont /{base} /FirstChar 0 /FontDescriptor {{2}} /LastChar "
            f"{len(subset) - 1} /Name /{name} /Subtype /TrueType /ToUnicode {{1}} /Type /Font "
            f"/Widths [ {widths} ] >>"
        ).encode("ascii")
        cmap = stream(pdfdocEnc(makeToUnicodeCMap(base, subset)))
        flags = (face.flags & ~FF_NONSYMBOLIC) | FF_SYMBOLIC
        box = " ".join(number(v) for v in face.bbox)
        descriptor = (
            f"<< /Ascent {number(face.ascent)} /CapHeight {number(face.capHeight)} /Descent "
            f"{number(face.descent)} /Flags {flags} /FontBBox [ {box} ] /FontFile2 {{3}} "
            f"/FontName /{base} /ItalicAngle {number(face.italicAngle)} /MissingWidth "
            f"{number(face.defaultWidth)} /StemV {number(face.stemV)} /Type /FontDescriptor >>"
        ).encode("ascii")
        program = face.makeSubset(subset)
        return [font, cmap, descriptor, stream(program, f"/Length1 {len(program)}")]


def stream(data: bytes, extra: str = "") -> bytes:
    """A compressed stream object's body."""
    packed = zlib.compress(data)
    head = f"<< /Filter /FlateDecode /Length {len(packed)}{' ' if extra else ''}{extra} >>"
    return head.encode("ascii") + b"\nstream\n" + packed + b"\nendstream"


def page(code: str, size: tuple[float, float]) -> Page:
    """A page from its content stream as reportlab drew it."""
    from reportlab.pdfbase.pdfdoc import pdfdocEnc

    fonts = tuple(dict.fromkeys(_FONT_NAME.findall(code)))
    return Page(zlib.compress(pdfdocEnc(code)), fonts, size)


@cache
def _recorder() -> Any:
    """reportlab's canvas, keeping each page's drawing instead of writing a document."""
    from reportlab.pdfgen.canvas import Canvas

    class Recorder(Canvas):
        """Draws as reportlab does; ``pages`` holds what it drew."""

        def __init__(self, *args: Any, typefaces: Typefaces, **kwargs: Any) -> None:
            super().__init__(*args, **kwargs)
            typefaces.seed(self._doc)
            self.pages: list[Page] = []

        def showPage(self) -> None:
            # The stream reportlab's PDFPage.setStream would make, without the document.
            self._code.append(" ")
            parts = [*self._psCommandsBeforePage, self._preamble, *self._code]
            code = "\n".join([*parts, *self._psCommandsAfterPage]) + "\n"
            self.pages.append(page(code, (self._pagesize[0], self._pagesize[1])))
            if self._onPage:
                self._onPage(self._pageNumber)
            self._startPage()

        def save(self) -> None:
            """Show a page still open, and let the fonts forget this canvas's encoding."""
            if len(self._code) > 0:  # a page begun and not shown (a plain canvas user)
                self.showPage()
            from reportlab.pdfbase import pdfmetrics

            for face in FACES:  # reportlab keeps each document's state until it is saved
                pdfmetrics.getFont(face).state.pop(self._doc, None)

    return Recorder


class PdfFile:
    """A PDF written page by page from ``Page``s: fonts once each, nothing held back.

    ``with PdfFile(path, typefaces, title="Letters") as pdf: pdf.add(page)``; the file
    is complete when the block ends.
    """

    def __init__(
        self, target: Path | IO[bytes], typefaces: Typefaces, title: str, author: str = ""
    ):
        self._own = isinstance(target, Path)
        # A file is written under a temporary name and renamed when complete: a PDF cut
        # short (a full disk, a crash) never looks finished.
        self._path = target if isinstance(target, Path) else None
        self._temporary = temporary_twin(target) if isinstance(target, Path) else None
        self._out: IO[bytes] = self._temporary.open("wb") if self._temporary else target  # type: ignore[assignment]
        self._typefaces = typefaces
        self._info = b"<< /Author %s /Creator (campaign) /Producer (campaign) /Title %s >>" % (
            text_string(author),
            text_string(title),
        )
        self._offsets: dict[int, int] = {}
        self._next = 4  # 1 catalog, 2 pages, 3 info
        self._fonts: dict[str, int] = {}
        self._kids: list[int] = []
        self._at = 0
        self._write(b"%PDF-1.4\n%\x93\x8c\x8b\x9e campaign\n")

    def __enter__(self) -> PdfFile:
        return self

    def __exit__(self, kind: Any, value: Any, tb: Any) -> None:
        if kind is None:
            self.close()
        elif self._own:
            self._out.close()
            if self._temporary is not None:
                self._temporary.unlink(missing_ok=True)

    @property
    def pages(self) -> int:
        """How many pages have been added."""
        return len(self._kids)

    def _write(self, data: bytes) -> None:
        self._out.write(data)
        self._at += len(data)

    def _object(self, body: bytes, number: int | None = None) -> int:
        if number is None:
            number, self._next = self._next, self._next + 1
        self._offsets[number] = self._at
        self._write(b"%d 0 obj\n" % number + body + b"\nendobj\n")
        return number

    def _font(self, name: str) -> int:
        if name not in self._fonts:
            bodies = self._typefaces.resource(name)
            first = self._next
            self._next += len(bodies)
            refs = [f"{first + k} 0 R" for k in range(len(bodies))]
            for k, body in enumerate(bodies):
                if k in (0, 2) and len(bodies) > 1:  # the font and its descriptor refer on
                    body = body.decode("ascii").format(*refs).encode("ascii")
                self._object(body, first + k)
            self._fonts[name] = first
        return self._fonts[name]

    def add(self, one: Page) -> None:
        """Append a page."""
        fonts = " ".join(f"/{name} {self._font(name)} 0 R" for name in one.fonts)
        head = b"<< /Filter /FlateDecode /Length %d >>\nstream\n" % len(one.content)
        content = self._object(head + one.content + b"\nendstream")
        width, height = (number(v) for v in one.size)
        self._kids.append(
            self._object(
                (
                    f"<< /Contents {content} 0 R /MediaBox [ 0 0 {width} {height} ] /Parent 2 0 R "
                    f"/Resources << /Font << {fonts} >> "
                ).encode("ascii")
                + PROC_SET
                + b" >> /Rotate 0 /Trans << >> /Type /Page >>"
            )
        )

    def close(self) -> None:
        """Write the page tree, catalog, info and cross-reference table."""
        kids = " ".join(f"{k} 0 R" for k in self._kids)
        self._object(f"<< /Count {len(self._kids)} /Kids [ {kids} ] /Type /Pages >>".encode(), 2)
        self._object(b"<< /PageMode /UseNone /Pages 2 0 R /Type /Catalog >>", 1)
        self._object(self._info, 3)
        start = self._at
        size = self._next
        rows = [b"xref\n0 %d\n0000000000 65535 f \n" % size]
        rows += [b"%010d 00000 n \n" % self._offsets[n] for n in range(1, size)]
        rows.append(b"trailer\n<< /Info 3 0 R /Root 1 0 R /Size %d >>\n" % size)
        rows.append(b"startxref\n%d\n%%%%EOF\n" % start)
        self._write(b"".join(rows))
        if self._own:
            self._out.close()
            if self._temporary is not None and self._path is not None:
                publish(self._temporary, self._path)
