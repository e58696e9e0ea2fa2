"""The naive way to mail-merge a batch, as a user would write it: one letter at a time.

For each prospect: render the text template with Jinja2, render a Word template with
docxtpl and save it, build a PDF with reportlab (a document per letter), build the email
with the standard ``email`` package and save it; then the print pack: pypdf appends the
letters' PDFs into one, reportlab draws the #10 envelopes and the Avery 5160 labels, and
the csv module writes the manifest. The same work ``campaign merge`` does, for
``benchmarks/bench_merge.py`` to time side by side. Templates are read and compiled
once, the fonts registered once: a user would do that much.

    python benchmarks/naive/merge_naive.py 200 /tmp/naive-out
"""

from __future__ import annotations

import csv
import sys
from datetime import date
from email.message import EmailMessage
from email.utils import format_datetime
from html import escape
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape as xml_escape

HERE = Path(__file__).resolve().parent
INCH = 72.0


def word_template(path: Path) -> Path:
    """A Word template laid out like campaign's letter: letterhead, date, address, body."""
    from docx import Document
    from docx.shared import Pt

    document = Document()
    for text, after in (
        ("{{ sender_block }}", 22),
        ("{{ date }}", 22),
        ("{{ inside_address }}", 11),
        ("{{r body }}", 0),
        ("{{ sender.name }}", 0),
    ):
        paragraph = document.add_paragraph(text)
        paragraph.paragraph_format.space_after = Pt(after)
    document.save(str(path))
    return path


def merge(prospects: list[Any], sender: Any, today: date, text_template: Path, out: Path) -> None:
    """Write every prospect's letter as DOCX, PDF and .eml, then the print pack, into ``out``."""
    import matplotlib  # the DejaVu fonts ship with it
    from docxtpl import DocxTemplate, RichText
    from jinja2 import Environment, StrictUndefined
    from pypdf import PdfWriter
    from reportlab.lib.pagesizes import LETTER
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont
    from reportlab.pdfgen.canvas import Canvas
    from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer

    fonts = Path(matplotlib.__file__).parent / "mpl-data" / "fonts" / "ttf"
    for name, file in (("Serif", "DejaVuSerif.ttf"), ("Serif-Bold", "DejaVuSerif-Bold.ttf")):
        pdfmetrics.registerFont(TTFont(name, str(fonts / file)))
    pdfmetrics.registerFont(TTFont("Serif-Italic", str(fonts / "DejaVuSerif-Italic.ttf")))
    from reportlab.lib.fonts import addMapping

    addMapping("Serif", 0, 0, "Serif")
    addMapping("Serif", 1, 0, "Serif-Bold")
    addMapping("Serif", 0, 1, "Serif-Italic")
    addMapping("Serif", 1, 1, "Serif-Bold")
    body_style = ParagraphStyle("body", fontName="Serif", fontSize=11, leading=15, spaceAfter=11)
    name_style = ParagraphStyle("name", fontName="Serif-Bold", fontSize=13, leading=17)

    env = Environment(undefined=StrictUndefined, keep_trailing_newline=True, trim_blocks=True)
    template = env.from_string(text_template.read_text(encoding="utf-8"))
    word = out / "marketing.docx"
    out.mkdir(parents=True, exist_ok=True)
    word_template(word)
    for folder in ("docx", "pdf", "email", "print-pack"):
        (out / folder).mkdir(exist_ok=True)

    city = f"{sender.city}, {sender.region} {sender.postal_code}"
    sender_lines = [sender.name, sender.street, city]
    date_line = f"{today:%B} {today.day}, {today.year}"
    printed = []
    for number, p in enumerate(prospects, start=1):
        fields = dict(vars(p))
        fields.update(
            salutation=f"Dear {p.honorific} {p.last_name}:",
            date=date_line,
            call_date="Friday, November 27",
            sender=vars(sender),
        )
        text = template.render(fields)
        first, *rest = text.split("\n")
        subject = first.removeprefix("Subject:").strip()
        paragraphs = [" ".join(b.split()) for b in "\n".join(rest).split("\n\n") if b.strip()]
        address = [p.contact, p.title, p.company, p.street, f"{p.city}, {p.region} {p.postal_code}"]
        stem = f"{number:03d}-p{p.id}"

        # Word, through the template
        rich = RichText()
        for index, paragraph in enumerate(paragraphs):
            if index:
                rich.add("\a")
            for k, piece in enumerate(paragraph.split("**")):
                rich.add(piece.replace("*", ""), bold=k % 2 == 1)
        document = DocxTemplate(str(word))
        document.render(
            {
                **fields,
                "body": rich,
                "sender_block": "\n".join(sender_lines),
                "inside_address": "\n".join(address),
            },
            autoescape=True,
        )
        document.save(str(out / "docx" / f"{stem}.docx"))

        # PDF, a document per letter
        def para(text: str, style: Any = body_style) -> Any:
            marked = xml_escape(text)
            while "**" in marked:
                marked = marked.replace("**", "<b>", 1).replace("**", "</b>", 1)
            return Paragraph(marked.replace("*", ""), style)

        story = [para(sender_lines[0], name_style), para("<br/>".join(sender_lines[1:]))]
        story += [Spacer(1, 30), para(date_line), Spacer(1, 30)]
        story += [Paragraph("<br/>".join(xml_escape(line) for line in address), body_style)]
        story += [para(paragraph) for paragraph in paragraphs]
        story += [Spacer(1, 40), para(sender.name)]
        pdf_path = out / "pdf" / f"{stem}.pdf"
        SimpleDocTemplate(
            str(pdf_path), pagesize=LETTER, leftMargin=INCH, rightMargin=INCH, topMargin=0.9 * INCH
        ).build(story)

        # email
        if p.email:
            message = EmailMessage()
            message["From"] = f"{sender.name} <{sender.email}>"
            message["To"] = f"{p.contact} <{p.email}>"
            message["Subject"] = subject
            message["Date"] = format_datetime(__import__("datetime").datetime(2026, 11, 16, 9))
            plain = "\n\n".join(paragraph.replace("*", "") for paragraph in paragraphs)
            message.set_content(plain + f"\n\n{sender.name}\n")
            html = "".join(f"<p>{escape(paragraph)}</p>" for paragraph in paragraphs)
            message.add_alternative(f"<html><body>{html}</body></html>", subtype="html")
            (out / "email" / f"{stem}.eml").write_bytes(message.as_bytes())
        printed.append((p, pdf_path, address))

    # the print pack
    pack = PdfWriter()
    for _, path, _ in printed:
        pack.append(str(path))
    with (out / "print-pack" / "letters.pdf").open("wb") as f:
        pack.write(f)
    envelope = (9.5 * INCH, 4.125 * INCH)
    envelopes = Canvas(str(out / "print-pack" / "envelopes.pdf"), pagesize=envelope)
    for _, _, address in printed:
        envelopes.setFont("Serif", 9)
        for k, line in enumerate(sender_lines):
            envelopes.drawString(0.35 * INCH, 4.125 * INCH - 0.45 * INCH - 11 * k, line)
        envelopes.setFont("Serif", 11)
        for k, line in enumerate(address):
            envelopes.drawString(3.9 * INCH, 2.4 * INCH - 14 * k, line)
        envelopes.showPage()
    envelopes.save()
    labels = Canvas(str(out / "print-pack" / "labels.pdf"), pagesize=LETTER)
    for index, (_, _, address) in enumerate(printed):
        if index and index % 30 == 0:
            labels.showPage()
        row, column = divmod(index % 30, 3)
        labels.setFont("Serif", 8)
        for k, line in enumerate(address):
            x, y = 0.33 * INCH + column * 2.75 * INCH, 10.3 * INCH - row * INCH - 10 * k
            labels.drawString(x, y, line)
    labels.showPage()
    labels.save()
    with (out / "print-pack" / "manifest.csv").open("w", newline="", encoding="utf-8") as f:
        table = csv.writer(f)
        table.writerow(["number", "prospect_id", "company", "contact", "address"])
        for number, (p, _, address) in enumerate(printed, start=1):
            table.writerow([number, p.id, p.company, p.contact, " / ".join(address)])


if __name__ == "__main__":
    sys.path.insert(0, str(HERE.parent))
    from bench_merge import SENDER, TODAY, prospects

    sys.path.insert(0, str(HERE.parent.parent))
    merge(
        prospects(int(sys.argv[1])),
        SENDER,
        TODAY,
        HERE.parent.parent / "campaign" / "templates" / "marketing.txt",
        Path(sys.argv[2]),
    )
