"""A letter as a Word document: the default block-format layout, or the user's docxtpl file.

python-docx escapes every run's text itself, and docxtpl renders with autoescape on,
so ``&``, ``<``, ``>`` and quotes come out exactly as in the data.
"""

from __future__ import annotations

import zipfile
from functools import cache
from io import BytesIO
from pathlib import Path
from typing import TYPE_CHECKING, Any

from campaign.errors import TemplateError

if TYPE_CHECKING:
    from campaign.merge import Rendered

FONT = "Georgia"  # on every Word and LibreOffice install; close to the PDF's serif


@cache
def _blank_document() -> bytes:
    """The default letter's empty document, styled once and copied for each letter."""
    from docx import Document
    from docx.shared import Inches, Pt

    document = Document()
    section = document.sections[0]
    section.page_width, section.page_height = Inches(8.5), Inches(11)
    section.left_margin = section.right_margin = Inches(1)
    section.top_margin, section.bottom_margin = Inches(0.9), Inches(1)
    normal = document.styles["Normal"]
    normal.font.name = FONT
    normal.font.size = Pt(11)
    fmt = normal.paragraph_format
    fmt.space_before, fmt.space_after, fmt.line_spacing = Pt(0), Pt(0), 1.1
    buffer = BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def _block(document: Any, lines: tuple[str, ...], after: float, first_bold: bool = False) -> None:
    from docx.shared import Pt

    paragraph = document.add_paragraph()
    for index, line in enumerate(lines):
        run = paragraph.add_run(line)
        if index == 0 and first_bold:
            run.bold = True
            run.font.size = Pt(13)
        if index < len(lines) - 1:
            run.add_break()
    paragraph.paragraph_format.space_after = Pt(after)


def default_docx(rendered: Rendered, document: Any = None) -> Any:
    """The letter laid out in block format with python-docx (a docx.Document).

    ``document``: a document from an earlier call to lay out again (its body is cleared),
    which saves parsing the package for every letter of a batch.
    """
    from docx import Document
    from docx.oxml.ns import qn
    from docx.shared import Pt

    if document is None:
        document = Document(BytesIO(_blank_document()))
    body = document.element.body
    for child in list(body):
        if child.tag != qn("w:sectPr"):
            body.remove(child)
    _block(document, rendered.sender_lines, 22, first_bold=True)
    _block(document, (rendered.date_line,), 22)
    _block(document, rendered.recipient_lines, 11)
    *body, closing = rendered.paragraphs
    for runs in body:
        paragraph = document.add_paragraph()
        paragraph.paragraph_format.space_after = Pt(8)
        for run in runs:
            made = paragraph.add_run(run.text)
            made.bold, made.italic = run.bold or None, run.italic or None
    last = document.add_paragraph()
    last.paragraph_format.keep_with_next = True
    last.paragraph_format.space_after = Pt(44)  # room to sign
    for run in closing:
        made = last.add_run(run.text)
        made.bold, made.italic = run.bold or None, run.italic or None
    _block(document, rendered.signature, 11 if rendered.enclosures else 0)
    if rendered.enclosures:
        label = "Enclosure" if len(rendered.enclosures) == 1 else "Enclosures"
        _block(document, (f"{label}: {', '.join(rendered.enclosures)}",), 0)
    return document


@cache
def _template_bytes(path: Path) -> bytes:
    return path.read_bytes()


def templated_docx(rendered: Rendered, template: Path) -> Any:
    """The letter through the user's docxtpl template: ``{{r body }}`` holds the wording."""
    from docxtpl import DocxTemplate, RichText
    from jinja2 import Environment, StrictUndefined
    from jinja2 import TemplateError as JinjaError

    body = RichText()
    for index, runs in enumerate(rendered.paragraphs):
        if index:
            body.add("\a")
        for run in runs:
            body.add(run.text, bold=run.bold, italic=run.italic)
    context = {**rendered.context, "body": body}
    context["sender_block"] = "\n".join(rendered.sender_lines)
    context["inside_address"] = "\n".join(rendered.recipient_lines)
    where = f"templates/{template.name}"
    try:
        document = DocxTemplate(BytesIO(_template_bytes(template)))
        document.render(
            context,
            jinja_env=Environment(undefined=StrictUndefined, autoescape=True),
            autoescape=True,
        )
    except JinjaError as exc:
        raise TemplateError(f"{where}: {exc}") from None
    except (KeyError, ValueError, OSError) as exc:  # not a Word file, or a broken one
        raise TemplateError(f"{where}: can't be used as a Word template: {exc}") from None
    return document


@cache
def _package_without_body() -> bytes:
    """The blank package, compressed once, less ``word/document.xml``."""
    out = BytesIO()
    with (
        zipfile.ZipFile(BytesIO(_blank_document())) as blank,
        zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as package,
    ):
        for name in blank.namelist():
            if name != DOCUMENT_PART:
                package.writestr(name, blank.read(name))
    return out.getvalue()


class DocxWriter:
    """Writes many default-layout letters fast: one parsed document, re-filled per letter.

    Only ``word/document.xml`` differs between letters (paragraphs and runs, no new
    relationships), so the other parts of the package are written once, compressed.
    """

    def __init__(self) -> None:
        self._document: Any = None

    def write(self, rendered: Rendered, path: Path) -> Path:
        """Write one letter as .docx (the user's template when there is one); returns the path."""
        if rendered.docx_template is not None:
            templated_docx(rendered, rendered.docx_template).save(str(path))
            return path
        from lxml import etree

        self._document = default_docx(rendered, self._document)
        xml = etree.tostring(
            self._document.element, xml_declaration=True, encoding="UTF-8", standalone=True
        )
        # Appending to the pre-compressed package compresses only this letter's part.
        path.write_bytes(_package_without_body())
        with zipfile.ZipFile(path, "a", zipfile.ZIP_DEFLATED) as package:
            package.writestr(DOCUMENT_PART, xml)
        return path


DOCUMENT_PART = "word/document.xml"


def write_docx(rendered: Rendered, path: Path) -> Path:
    """Write one letter as .docx (the user's template when there is one); returns the path."""
    return DocxWriter().write(rendered, path)
