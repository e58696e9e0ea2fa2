"""A letter as a Word document: the default block-format layout, or the user's docxtpl file.

python-docx escapes every run's text itself, and docxtpl renders with autoescape on,
so ``&``, ``<``, ``>`` and quotes come out exactly as in the data.
"""

from __future__ import annotations

import re
import zipfile
from collections.abc import Iterable, Mapping, Sequence
from datetime import date
from functools import cache
from io import BytesIO
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

from campaign.documents.files import atomic_file
from campaign.errors import TemplateError
from campaign.models import Paragraph, Rendered
from campaign.templating import check_text, render, word_environment

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
def blank_document() -> bytes:
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


# -- the default layout, written as text ---------------------------------------------------

DOCUMENT_PART = "word/document.xml"
CORE_PART = "docProps/core.xml"
PROPERTY_LIMIT = 255  # characters Word (and python-docx) allow in a title, author, ...
# Reproducible files: every part of every package carries this time, not the clock's.
ZIP_TIME = (1980, 1, 1, 0, 0, 0)
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
_RUN_BREAKS = re.compile(r"(\t|\r\n|\r|\n)")


def cut(value: str, limit: int = PROPERTY_LIMIT) -> str:
    """A document property within Word's limit: ``limit`` characters, the last an ellipsis."""
    return value if len(value) <= limit else value[: limit - 1].rstrip() + "\u2026"


def _text(value: str) -> str:
    return escape(_NOT_XML.sub("\ufffd", value))


def _run_content(text: str) -> str:
    """A run's text as python-docx writes it: tabs and line breaks as their elements."""
    out = []
    for piece in _RUN_BREAKS.split(text):
        if piece == "\t":
            out.append("<w:tab/>")
        elif piece in ("\r\n", "\r", "\n"):
            out.append("<w:br/>")
        elif piece:
            space = ' xml:space="preserve"' if len(piece.strip()) < len(piece) else ""
            out.append(f"<w:t{space}>{_text(piece)}</w:t>")
    return "".join(out)


def _spacing(after: float, keep: bool | None = None) -> str:
    keep_next = {None: "", True: "<w:keepNext/>", False: '<w:keepNext w:val="0"/>'}[keep]
    return f'<w:pPr>{keep_next}<w:spacing w:after="{round(after * 20)}"/></w:pPr>'


def _block(
    lines: Sequence[str], after: float, first_bold: bool = False, keep: bool | None = None
) -> str:
    runs = []
    for index, line in enumerate(lines):
        props = '<w:rPr><w:b/><w:sz w:val="26"/></w:rPr>' if index == 0 and first_bold else ""
        brk = "<w:br/>" if index < len(lines) - 1 else ""
        runs.append(f"<w:r>{props}{_run_content(line)}{brk}</w:r>")
    return f"<w:p>{_spacing(after, keep)}{''.join(runs)}</w:p>"


def _runs(paragraph: Paragraph) -> str:
    out = []
    for run in paragraph:
        props = ("<w:b/>" if run.bold else "") + ("<w:i/>" if run.italic else "")
        style = f"<w:rPr>{props}</w:rPr>" if props else "<w:rPr/>"
        out.append(f"<w:r>{style}{_run_content(run.text)}</w:r>")
    return "".join(out)


def body_xml(rendered: Rendered) -> str:
    """The letter's paragraphs in block format, as python-docx would write them."""
    parts = [
        _block(rendered.sender_lines, 22, first_bold=True),
        _block((rendered.date_line,), 22),
        _block(rendered.recipient_lines, 11),
    ]
    *body, closing = rendered.paragraphs
    parts += [f"<w:p>{_spacing(8)}{_runs(p)}</w:p>" for p in body]
    parts.append(f"<w:p>{_spacing(44, keep=True)}{_runs(closing)}</w:p>")  # room to sign
    enclosed = bool(rendered.enclosures)
    parts.append(_block(rendered.signature, 11 if enclosed else 0, keep=enclosed))
    if enclosed:
        label = "Enclosure" if len(rendered.enclosures) == 1 else "Enclosures"
        parts.append(_block((f"{label}: {', '.join(rendered.enclosures)}",), 0))
    return "".join(parts)


def _stamp(rendered: Rendered) -> str:
    today = rendered.context.get("today")
    day = today if isinstance(today, date) else rendered.call_date
    return f"{day.isoformat()}T09:00:00Z"  # as the email's Date: the core reads no clock


# ``blank_document()`` as made once and shipped, so a merge needs no python-docx at all.
BLANK = Path(__file__).resolve().parent.parent / "data" / "letter.docx"


def write_blank(path: Path = BLANK) -> Path:
    """Write ``blank_document()`` as the shipped ``data/letter.docx`` (after an upgrade)."""
    blank = zipfile.ZipFile(BytesIO(blank_document()))
    path.write_bytes(_zip_parts((name, blank.read(name)) for name in blank.namelist()))
    return path


@cache
def _default_parts() -> tuple[str, str, str, bytes]:
    """The blank document around its body, the core properties as a format, the rest zipped."""
    blank = zipfile.ZipFile(BLANK)
    document = blank.read(DOCUMENT_PART).decode("utf-8")
    head, _, tail = document.partition("<w:body>")
    core = (
        "<?xml version='1.0' encoding='UTF-8' standalone='yes'?>\n"
        '<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/'
        'core-properties" xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:dcterms="http://'
        'purl.org/dc/terms/" xmlns:dcmitype="http://purl.org/dc/dcmitype/" xmlns:xsi="http://'
        'www.w3.org/2001/XMLSchema-instance"><dc:title>{title}</dc:title><dc:subject/>'
        "<dc:creator>{author}</dc:creator><cp:keywords/><dc:description/><cp:lastModifiedBy>"
        "{author}</cp:lastModifiedBy><cp:revision>1</cp:revision><dcterms:created xsi:type="
        '"dcterms:W3CDTF">{stamp}</dcterms:created><dcterms:modified xsi:type="dcterms:W3CDTF">'
        "{stamp}</dcterms:modified><cp:category/></cp:coreProperties>"
    )
    rest = _zip_parts(
        (name, blank.read(name))
        for name in blank.namelist()
        if name not in (DOCUMENT_PART, CORE_PART)
    )
    return head + "<w:body>", tail, core, rest


def _zip_parts(parts: Iterable[tuple[str, bytes]], into: bytes = b"") -> bytes:
    """``parts`` compressed into a zip (appended to the zip ``into``, which is kept as is)."""
    out = BytesIO(into)
    out.seek(0, 2)
    with zipfile.ZipFile(out, "a" if into else "w", zipfile.ZIP_DEFLATED) as package:
        for name, data in parts:
            info = zipfile.ZipInfo(name, ZIP_TIME)
            info.compress_type = zipfile.ZIP_DEFLATED
            package.writestr(info, data)
    return out.getvalue()


def default_docx_bytes(rendered: Rendered) -> bytes:
    """The letter in the default block-format layout, as the bytes of a .docx file."""
    head, tail, core, rest = _default_parts()
    author = _text(cut(rendered.sender_lines[0] if rendered.sender_lines else ""))
    properties = core.format(
        title=_text(cut(rendered.subject)), author=author, stamp=_stamp(rendered)
    )
    document = head + body_xml(rendered) + tail
    return _zip_parts(
        [(DOCUMENT_PART, document.encode("utf-8")), (CORE_PART, properties.encode("utf-8"))], rest
    )


# -- the user's Word template (docxtpl), compiled once ---------------------------------------


# The core properties docxtpl renders as templates (the others can't be set as text).
_TEMPLATE_PROPERTIES = ("author", "comments", "identifier", "language", "subject", "title")


class WordTemplate:
    """A user's docxtpl template compiled once; each letter renders its parts' XML.

    docxtpl itself parses the package, patches the XML and compiles it again for every
    letter, then python-docx writes every part; here the patched parts (body, headers,
    footers, footnotes, properties) are compiled once in the sandbox, each letter is
    rendered (and so checked) cheaply, and only the parts it changes are written into a
    copy of the template's package. docxtpl's own clean-ups run on the rendered XML.
    """

    def __init__(self, path: Path) -> None:
        from docx.opc.constants import RELATIONSHIP_TYPE as REL
        from docxtpl import DocxTemplate
        from jinja2 import TemplateSyntaxError

        self.where = f"templates/{path.name}"
        env = word_environment()
        try:
            tpl = DocxTemplate(BytesIO(path.read_bytes()))
            tpl.render_init()
            document = tpl.docx
            rels = list(document.part.rels.values())
            parts: list[tuple[str, str, Any]] = []
            body = tpl.patch_xml(tpl.get_xml())
            parts.append(("body", "", body))
            for rel in rels:
                if (
                    rel.reltype in (REL.HEADER, REL.FOOTER)
                    and not rel.is_external
                    and rel.target_part.blob
                ):
                    xml = tpl.get_part_xml(rel.target_part)
                    parts.append(
                        (
                            rel.target_part.partname.lstrip("/"),
                            tpl.get_headers_footers_encoding(xml),
                            tpl.patch_xml(xml),
                        )
                    )
            for part in document.part.package.parts:
                if part.content_type.endswith(".footnotes+xml"):
                    blob = part.blob.decode("utf-8") if isinstance(part.blob, bytes) else part.blob
                    parts.append((part.partname.lstrip("/") + "#raw", "utf-8", tpl.patch_xml(blob)))
            properties = document.core_properties
            initial = {name: getattr(properties, name) or "" for name in _TEMPLATE_PROPERTIES}
            saved = BytesIO()
            document.save(saved)  # the package as python-docx writes it, before rendering
        except (zipfile.BadZipFile, KeyError, ValueError, OSError) as exc:
            raise TemplateError(f"{self.where}: can't be used as a Word template: {exc}") from None
        try:
            self._parts = [
                (name, encoding, env.from_string(re.sub(r"<w:p([ >])", r"\n<w:p\1", xml)))
                for name, encoding, xml in parts
            ]
            self._properties = {name: env.from_string(value) for name, value in initial.items()}
        except TemplateSyntaxError as exc:
            raise TemplateError(f"{self.where}: {exc.message}") from None
        self._tpl = tpl
        root = document.element
        marker = "\ue001BODY\ue001"
        body_element = root.body
        from lxml import etree

        placeholder = etree.SubElement(root, "placeholder")
        root.replace(body_element, placeholder)
        placeholder.text = marker
        whole = etree.tostring(root, encoding="unicode")
        root.replace(placeholder, body_element)
        self._head, _, self._tail = whole.partition(f"<placeholder>{marker}</placeholder>")
        package = zipfile.ZipFile(saved)
        written = {DOCUMENT_PART, CORE_PART} | {name.removesuffix("#raw") for name, _, _ in parts}
        self._core = package.read(CORE_PART) if CORE_PART in package.namelist() else None
        self._rest = _zip_parts(
            (name, package.read(name)) for name in package.namelist() if name not in written
        )

    def context(self, rendered: Rendered) -> dict[str, Any]:
        """The letter's merge fields, ``body`` as rich text with its emphasis."""
        from docxtpl import RichText

        body = RichText()
        for index, runs in enumerate(rendered.paragraphs):
            if index:
                body.add("\a")
            for run in runs:
                body.add(run.text, bold=run.bold, italic=run.italic)
        context = {**rendered.context, "body": body}
        context["sender_block"] = "\n".join(rendered.sender_lines)
        context["inside_address"] = "\n".join(rendered.recipient_lines)
        return context

    def render(self, rendered: Rendered) -> list[tuple[str, bytes]]:
        """The parts this letter changes, rendered and checked; TemplateError on a fault."""
        from docx.opc.oxml import serialize_part_xml
        from docx.oxml.parser import parse_xml
        from lxml import etree

        context = self.context(rendered)
        out: list[tuple[str, bytes]] = []
        for name, encoding, template in self._parts:
            xml = render(template, self.where, context, xml=True)
            xml = re.sub(r"\n<w:p([ >])", r"<w:p\1", xml)
            xml = (
                xml.replace("{_{", "{{")
                .replace("}_}", "}}")
                .replace("{_%", "{%")
                .replace("%_}", "%}")
            )
            xml = self._tpl.resolve_listing(xml)
            check_text(xml, self.where)
            if name == "body":
                tree = self._tpl.fix_tables(xml)
                self._tpl.docx_ids_index = 1000
                self._tpl.fix_docpr_ids(tree)
                body = etree.tostring(tree, encoding="unicode")
                document = self._head + body + self._tail
                declaration = "<?xml version='1.0' encoding='UTF-8' standalone='yes'?>\n"
                out.append((DOCUMENT_PART, (declaration + document).encode("utf-8")))
            elif name.endswith("#raw"):
                out.append((name.removesuffix("#raw"), xml.encode(encoding)))
            else:
                out.append((name, serialize_part_xml(parse_xml(xml.encode(encoding)))))
        out.append((CORE_PART, self._core_part(context)))
        return out

    def _core_part(self, context: Mapping[str, Any]) -> bytes:
        from docx.opc.oxml import serialize_part_xml
        from docx.oxml.coreprops import CT_CoreProperties
        from docx.oxml.parser import parse_xml

        element = parse_xml(self._core) if self._core else CT_CoreProperties.new()
        for name, template in self._properties.items():
            value = cut(render(template, self.where, context))
            setattr(element, f"{name}_text", value)
        return serialize_part_xml(element)

    def package(self, rendered: Rendered) -> bytes:
        """The letter as the bytes of a .docx file."""
        return _zip_parts(self.render(rendered), self._rest)


class DocxWriter:
    """Writes many letters fast: the default layout as text, a Word template compiled once."""

    def __init__(self) -> None:
        self._word: dict[Path, WordTemplate] = {}

    def word(self, template: Path) -> WordTemplate:
        """The user's Word template, compiled on first use."""
        if template not in self._word:
            self._word[template] = WordTemplate(template)
        return self._word[template]

    def prepare(self, template: Path | None) -> None:
        """Compile the Word template, or ready the default layout's package, now."""
        if template is None:
            _default_parts()
        else:
            self.word(template)

    def check(self, rendered: Rendered) -> None:
        """Render the letter's Word template without writing it; TemplateError on a fault."""
        if rendered.docx_template is not None:
            self.word(rendered.docx_template).render(rendered)

    def write(self, rendered: Rendered, path: Path) -> Path:
        """Write one letter as .docx (the user's template when there is one); returns the path."""
        if rendered.docx_template is not None:
            data = self.word(rendered.docx_template).package(rendered)
        else:
            data = default_docx_bytes(rendered)
        with atomic_file(path) as temporary:
            temporary.write_bytes(data)
        return path


def write_docx(rendered: Rendered, path: Path) -> Path:
    """Write one letter as .docx (the user's template when there is one); returns the path."""
    return DocxWriter().write(rendered, path)
