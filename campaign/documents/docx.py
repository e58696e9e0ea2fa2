"""A letter as a Word document: the default block-format layout, or the user's docxtpl file.

python-docx escapes every run's text itself, and docxtpl renders with autoescape on,
so ``&``, ``<``, ``>`` and quotes come out exactly as in the data.
"""

from __future__ import annotations

import zipfile
from datetime import UTC, datetime
from functools import cache
from io import BytesIO
from pathlib import Path
from typing import Any

from campaign.errors import TemplateError
from campaign.models import Rendered
from campaign.templating import word_environment

W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
FONT = "Georgia"  # on every Word install; LibreOffice falls back to a serif (DejaVu Serif)
# The font table tells Word what Georgia is, so a machine without it substitutes a serif.
_FONT_ENTRY = (
    f'<w:font xmlns:w="{W_NS}" w:name="{FONT}"><w:panose1 w:val="02040502050405020303"/>'
    '<w:charset w:val="00"/><w:family w:val="roman"/><w:pitch w:val="variable"/>'
    '<w:sig w:usb0="00000287" w:usb1="00000000" w:usb2="00000000" w:usb3="00000000"'
    ' w:csb0="0000009F" w:csb1="00000000"/></w:font>'
)
THUMBNAIL = "http://schemas.openxmlformats.org/package/2006/relationships/metadata/thumbnail"
FONT_TABLE = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/fontTable"


@cache
def _blank_document() -> bytes:
    """The default letter's empty document, styled once and copied for each letter.

    One-inch margins on US Letter, Georgia 11 pt everywhere (the document defaults too,
    not only the Normal style), widow control, and nothing left over from python-docx's
    own template: no blank-page thumbnail, no "python-docx" author or comment.
    """
    from docx import Document
    from docx.oxml.ns import qn
    from docx.shared import Inches, Pt
    from lxml import etree

    document = Document()
    section = document.sections[0]
    section.page_width, section.page_height = Inches(8.5), Inches(11)
    section.left_margin = section.right_margin = Inches(1)
    section.top_margin = section.bottom_margin = Inches(1)
    styles = document.styles
    fonts = styles.element.find(qn("w:docDefaults")).find(qn("w:rPrDefault")).find(qn("w:rPr"))
    fonts = fonts.find(qn("w:rFonts"))
    for theme in ("w:asciiTheme", "w:hAnsiTheme", "w:cstheme"):  # a theme font beats w:ascii
        fonts.attrib.pop(qn(theme), None)
    for script in ("w:ascii", "w:hAnsi", "w:cs"):
        fonts.set(qn(script), FONT)
    normal = styles["Normal"]
    normal.font.name = FONT
    normal.font.size = Pt(11)
    fmt = normal.paragraph_format
    fmt.space_before, fmt.space_after, fmt.line_spacing = Pt(0), Pt(0), 1.1
    fmt.widow_control = True
    font_table = document.part.part_related_by(FONT_TABLE)
    table = etree.fromstring(font_table.blob)
    table.append(etree.fromstring(_FONT_ENTRY))
    font_table._blob = etree.tostring(
        table, xml_declaration=True, encoding="UTF-8", standalone=True
    )
    package = document.part.package
    for rid, rel in list(package.rels.items()):
        if rel.reltype == THUMBNAIL:  # python-docx's picture of an empty page
            del package.rels[rid]
    properties = document.core_properties
    properties.author = properties.comments = properties.last_modified_by = ""
    buffer = BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def _block(document: Any, lines: tuple[str, ...], after: float, first_bold: bool = False) -> Any:
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
    return paragraph


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
    element = document.element.body
    for child in list(element):
        if child.tag != qn("w:sectPr"):
            element.remove(child)
    properties = document.core_properties  # File > Properties: the sender's, dated today
    properties.author = properties.last_modified_by = rendered.sender_lines[0]
    properties.title = rendered.subject
    properties.created = properties.modified = datetime.now(UTC).replace(microsecond=0)
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
    signature = _block(document, rendered.signature, 11 if rendered.enclosures else 0)
    signature.paragraph_format.keep_with_next = bool(rendered.enclosures)
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
            jinja_env=word_environment(),
            autoescape=True,
        )
    except JinjaError as exc:
        raise TemplateError(f"{where}: {exc}") from None
    except (KeyError, ValueError, OSError) as exc:  # not a Word file, or a broken one
        raise TemplateError(f"{where}: can't be used as a Word template: {exc}") from None
    return document


@cache
def _package_without_body() -> bytes:
    """The blank package, compressed once, less the parts each letter writes itself."""
    out = BytesIO()
    with (
        zipfile.ZipFile(BytesIO(_blank_document())) as blank,
        zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as package,
    ):
        for name in blank.namelist():
            if name not in (DOCUMENT_PART, CORE_PART):
                package.writestr(name, blank.read(name))
    return out.getvalue()


class DocxWriter:
    """Writes many default-layout letters fast: one parsed document, re-filled per letter.

    Only ``word/document.xml`` and ``docProps/core.xml`` differ between letters (paragraphs,
    runs and properties; no new relationships), so the other parts are compressed once.
    """

    def __init__(self) -> None:
        self._document: Any = None
        self._core: Any = None

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
            package.writestr(CORE_PART, self._core_part().blob)
        return path

    def _core_part(self) -> Any:
        if self._core is None:
            package = self._document.part.package
            self._core = next(p for p in package.iter_parts() if p.partname == f"/{CORE_PART}")
        return self._core


DOCUMENT_PART = "word/document.xml"
CORE_PART = "docProps/core.xml"


def write_docx(rendered: Rendered, path: Path) -> Path:
    """Write one letter as .docx (the user's template when there is one); returns the path."""
    return DocxWriter().write(rendered, path)
