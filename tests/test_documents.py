"""The files a letter becomes, read back: DOCX (python-docx), PDF (pypdf), .eml (email)."""

from __future__ import annotations

import csv
import email
import email.policy
import re
from dataclasses import replace
from email.utils import getaddresses
from pathlib import Path

import pytest
from docx import Document
from hypothesis import given
from hypothesis import strategies as st
from pypdf import PdfReader

from campaign.config import Settings
from campaign.documents.docx import DocxWriter, write_docx
from campaign.documents.email import email_message, message_id, write_eml
from campaign.documents.files import file_name, new_run_folder, slug
from campaign.documents.pdf import write_letter_pdf
from campaign.documents.printpack import write_print_pack
from campaign.errors import InputError
from campaign.letters import check_resume, load_letter, render_batch
from campaign.models import Prospect, Rendered
from tests.factories import SENDER
from tests.test_merge import TODAY, make_settings, prospect

HOSTILE = [
    prospect(
        id=1,
        company='Łódź & Ødegaard <Zoë> "Müller" {{ 7*7 }}',
        contact="Ms. Zoë Müller",
        last_name="Müller",
        title="Head of <Ops> & 'Logistics'",
        street="ul. Piotrkowska 1",
        city="Łódź",
        region="",
        postal_code="90-001",
        country="PL",
    ),
    prospect(
        id=2,
        company="Ødegaard AS",
        contact="Dr. Ola Ødegaard",
        honorific="Dr.",
        last_name="Ødegaard",
        email="",
    ),
    prospect(
        id=3,
        company="Plain Co",
        contact="Jordan Lee",
        honorific="",
        first_name="Jordan",
        last_name="Lee",
        title="",
    ),
]


def rendered(
    home: Path,
    letter: str = "marketing",
    prospects: list[Prospect] | None = None,
    **changes: object,
) -> list[Rendered]:
    settings = make_settings(home, **changes)
    return render_batch(load_letter(settings, letter), prospects or HOSTILE, settings, TODAY)


def normal(text: str) -> str:
    return " ".join(text.split())


# -- DOCX --------------------------------------------------------------------------------


def test_docx_is_a_block_format_letter_with_data_as_written(
    campaign_home: Path, tmp_path: Path
) -> None:
    r = rendered(campaign_home)[0]
    path = write_docx(r, tmp_path / "a.docx")
    paragraphs = [p.text for p in Document(str(path)).paragraphs]
    assert (
        paragraphs[0]
        == "Pat Example\n12 Elm Street\nSpringfield, IL 62701\n(217) 555-0100 · pat@example.com"
    )
    assert paragraphs[1] == "November 16, 2026"
    assert paragraphs[2] == (
        "Ms. Zoë Müller\nHead of <Ops> & 'Logistics'\n"
        'Łódź & Ødegaard <Zoë> "Müller" {{ 7*7 }}\nul. Piotrkowska 1\n90-001 ŁÓDŹ\nPOLAND'
    )
    assert paragraphs[3] == "Dear Ms. Müller:"
    assert 'Łódź & Ødegaard <Zoë> "Müller" {{ 7*7 }} may be facing' in paragraphs[4]
    assert paragraphs[-2:] == ["Sincerely,", "Pat Example"]
    bold = [run.text for p in Document(str(path)).paragraphs for run in p.runs if run.bold]
    assert "Freight." in bold


def test_the_shipped_blank_letter_is_the_one_python_docx_makes() -> None:
    """data/letter.docx saves a merge python-docx's import; it must not drift from the code."""
    import zipfile
    from io import BytesIO

    from campaign.documents.docx import BLANK, blank_document

    shipped, made = zipfile.ZipFile(BLANK), zipfile.ZipFile(BytesIO(blank_document()))
    assert shipped.namelist() == made.namelist()
    for name in made.namelist():
        assert shipped.read(name) == made.read(name), f"{name}: run docx.write_blank()"


def test_docx_page_and_type_are_a_typists(campaign_home: Path, tmp_path: Path) -> None:
    """US Letter, one-inch margins, Georgia 11 pt down to the document defaults."""
    from docx.oxml.ns import qn
    from docx.shared import Inches, Pt

    document = Document(str(write_docx(rendered(campaign_home)[0], tmp_path / "a.docx")))
    section = document.sections[0]
    assert (section.page_width, section.page_height) == (Inches(8.5), Inches(11))
    margins = (section.top_margin, section.bottom_margin, section.left_margin)
    assert margins == (Inches(1),) * 3 and section.right_margin == Inches(1)
    normal = document.styles["Normal"]
    assert (normal.font.name, normal.font.size) == ("Georgia", Pt(11))
    assert normal.paragraph_format.widow_control is True
    defaults = document.styles.element.find(qn("w:docDefaults")).find(qn("w:rPrDefault"))
    fonts = defaults.find(qn("w:rPr")).find(qn("w:rFonts"))
    assert fonts.get(qn("w:ascii")) == fonts.get(qn("w:hAnsi")) == "Georgia"
    assert fonts.get(qn("w:asciiTheme")) is None  # a theme font would win over Georgia
    table = document.part.part_related_by(
        "http://schemas.openxmlformats.org/officeDocument/2006/relationships/fontTable"
    ).blob
    assert b'w:name="Georgia"><w:panose1' in table and b'<w:family w:val="roman"/>' in table


def test_docx_holds_one_page_and_nothing_stray(campaign_home: Path, tmp_path: Path) -> None:
    for r in rendered(campaign_home, "marketing") + rendered(campaign_home, "cover"):
        document = Document(str(write_docx(r, tmp_path / "a.docx")))
        paragraphs = document.paragraphs
        assert all(p.text.strip() for p in paragraphs)  # no empty paragraph as a spacer
        # 6.5 in of 11 pt Georgia holds ~80 characters a line, 9 in holds ~46 lines at 1.1.
        lines = sum(-(-len(line) // 80) for p in paragraphs for line in p.text.split("\n"))
        space = sum(p.paragraph_format.space_after.pt for p in paragraphs) / 14
        assert lines + space < 46, (r.prospect.company, lines, space)
        closing = next(p for p in paragraphs if p.text == "Sincerely,")
        assert closing.paragraph_format.keep_with_next  # never signed on a page of its own


def test_docx_properties_are_the_senders(campaign_home: Path, tmp_path: Path) -> None:
    """File > Properties names the sender and the letter, not python-docx's 2013 template."""
    import zipfile

    writer = DocxWriter()  # one writer for the batch: each letter gets its own properties
    for index, r in enumerate(rendered(campaign_home)):
        path = writer.write(r, tmp_path / f"{index}.docx")
        properties = Document(str(path)).core_properties
        assert (properties.author, properties.title) == ("Pat Example", r.subject)
        assert properties.created is not None and properties.created.year >= 2025
        with zipfile.ZipFile(path) as package:
            assert not any("thumbnail" in name for name in package.namelist())
            assert not any(b"python-docx" in package.read(name) for name in package.namelist())


def test_docx_from_a_user_docxtpl_template(campaign_home: Path, tmp_path: Path) -> None:
    (campaign_home / "templates").mkdir()
    (campaign_home / "templates" / "mine.txt").write_text(
        "Subject: s\nHello **{{ company }}**.\n\nBye.\n"
    )
    template = Document()
    template.add_paragraph("{{ date }} for {{ contact }} at {{ company }}")
    template.add_paragraph("{{r body }}")
    template.save(str(campaign_home / "templates" / "mine.docx"))
    r = rendered(campaign_home, "mine")[0]
    assert r.docx_template == campaign_home / "templates" / "mine.docx"
    path = write_docx(r, tmp_path / "t.docx")
    texts = [p.text for p in Document(str(path)).paragraphs]
    assert (
        texts[0]
        == 'November 16, 2026 for Ms. Zoë Müller at Łódź & Ødegaard <Zoë> "Müller" {{ 7*7 }}'
    )
    assert texts[1:] == ['Hello Łódź & Ødegaard <Zoë> "Müller" {{ 7*7 }}.', "Bye."]


# -- PDF ---------------------------------------------------------------------------------


def test_pdf_renders_every_character_of_the_data(campaign_home: Path, tmp_path: Path) -> None:
    r = rendered(campaign_home)[0]
    path = write_letter_pdf(r, tmp_path / "a.pdf")
    reader = PdfReader(str(path))
    assert len(reader.pages) == 1
    text = normal(reader.pages[0].extract_text())
    assert normal('Łódź & Ødegaard <Zoë> "Müller" {{ 7*7 }}') in text
    assert "Head of <Ops> & 'Logistics'" in text
    assert "Dear Ms. Müller:" in text and "Sincerely, Pat Example" in text
    fonts = {
        k: v.get_object()["/BaseFont"] for k, v in reader.pages[0]["/Resources"]["/Font"].items()
    }
    assert {f.split("+")[-1] for f in fonts.values()} >= {"DejaVuSerif", "DejaVuSerif-Bold"}
    # reportlab's initial Helvetica is selected once and never draws a character.
    content = reader.pages[0].get_contents().get_data()
    assert content.count(b"/F1 ") == 1 and fonts["/F1"] == "/Helvetica"


def _long_letter(home: Path, paragraphs: int) -> Rendered:
    words = "We cut freight cost by a fifth while delivery times improved in every region. " * 5
    body = "\n\n".join(f"{n}. {words}" for n in range(paragraphs))
    (home / "templates").mkdir(exist_ok=True)
    (home / "templates" / "long.txt").write_text(
        f"Subject: s\n{{{{ salutation }}}}\n\n{body}\n\nSincerely,\n", encoding="utf-8"
    )
    settings = make_settings(home)
    return render_batch(load_letter(settings, "long"), [prospect()], settings, TODAY)[0]


def test_a_letter_just_too_long_is_closed_up_onto_one_page(
    campaign_home: Path, tmp_path: Path
) -> None:
    r = _long_letter(campaign_home, 4)  # at the usual spacing, the signature spills over
    path = write_letter_pdf(r, tmp_path / "a.pdf")
    pages = PdfReader(str(path)).pages
    assert len(pages) == 1
    text = normal(pages[0].extract_text())
    assert "3. We cut freight" in text and "Sincerely, Pat Example" in text


def test_a_two_page_letter_heads_its_second_page(campaign_home: Path, tmp_path: Path) -> None:
    r = _long_letter(campaign_home, 7)
    pack = write_print_pack([r, rendered(campaign_home)[2]], tmp_path / "pack")
    pages = PdfReader(str(pack.letters_pdf)).pages
    assert len(pages) == 3
    second = normal(pages[1].extract_text())
    assert "Ms. Maria Baptiste Page 2 November 16, 2026" in second
    assert "Sincerely, Pat Example" in second
    # The next letter starts afresh: no heading on its first page.
    assert "Page" not in pages[2].extract_text()
    with pack.manifest_csv.open(encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    assert [(r["first_page"], r["pages"]) for r in rows] == [("1", "2"), ("3", "1")]


def test_print_pack_letters_envelopes_labels_manifest(campaign_home: Path, tmp_path: Path) -> None:
    letters = rendered(campaign_home)
    pack = write_print_pack(letters, tmp_path / "pack")
    reader = PdfReader(str(pack.letters_pdf))
    assert pack.pages == len(reader.pages) == 3
    assert "Dear Dr. Ødegaard:" in reader.pages[1].extract_text()
    envelopes = PdfReader(str(pack.envelopes_pdf))
    assert len(envelopes.pages) == 3
    for page in envelopes.pages:
        assert (float(page.mediabox.width) / 72, float(page.mediabox.height) / 72) == (9.5, 4.125)
    first = envelopes.pages[0].extract_text()
    assert first.index("Pat Example") < first.index("Ms. Zoë Müller")
    # Poland's order, the city in capitals and the country in full, as mail abroad wants.
    assert "90-001 ŁÓDŹ\nPOLAND" in first and "+1 217" not in first
    assert pack.labels_pdf is not None
    assert "Jordan Lee" in PdfReader(str(pack.labels_pdf)).pages[0].extract_text()
    with pack.manifest_csv.open(encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    assert [(r["prospect_id"], r["first_page"], r["pages"], r["envelope_page"]) for r in rows] == [
        ("1", "1", "1", "1"),
        ("2", "2", "1", "2"),
        ("3", "3", "1", "3"),
    ]
    assert rows[0]["company"] == 'Łódź & Ødegaard <Zoë> "Müller" {{ 7*7 }}'


def test_labels_always_keep_the_city_line(campaign_home: Path, tmp_path: Path) -> None:
    full = prospect(id=1, street="700 Industrial Parkway", street2="Suite 318", city="Indianapolis",
                    region="IN", postal_code="46204")  # fmt: skip
    long = prospect(id=2, street="700 Extremely Long Avenue Name Boulevard", company="Plain Co")
    abroad = prospect(id=3, street="ul. Piotrkowska 1", street2="lok. 4", city="Łódź",
                      region="", postal_code="90-001", country="PL")  # fmt: skip
    letters = rendered(campaign_home, prospects=[full, long, abroad])
    pack = write_print_pack(letters, tmp_path / "pack")
    assert pack.labels_pdf is not None
    text = PdfReader(str(pack.labels_pdf)).pages[0].extract_text()
    lines = [line.strip() for line in text.splitlines()]
    # Six lines with the title: the title goes.
    assert lines[:5] == [
        "Ms. Maria Baptiste", "Baptiste Freight", "700 Industrial Parkway", "Suite 318",
        "Indianapolis, IN 46204",
    ]  # fmt: skip
    assert "Director of Operations" not in text
    assert "700 Extremely Long Avenue Name Boulevard" in lines  # smaller type, not cut
    # Still six abroad (the country line): the second street line joins the first.
    assert lines[-5:] == ["Ms. Maria Baptiste", "Baptiste Freight", "ul. Piotrkowska 1, lok. 4",
                          "90-001 ŁÓDŹ", "POLAND"]  # fmt: skip
    assert "…" not in text


def _resume(path: Path, pages: int) -> None:
    from reportlab.pdfgen.canvas import Canvas

    canvas = Canvas(str(path))
    for n in range(pages):
        canvas.drawString(72, 700, f"RESUME PAGE {n + 1}")
        canvas.showPage()
    canvas.save()


def test_cover_letters_are_followed_by_the_resume(campaign_home: Path, tmp_path: Path) -> None:
    (campaign_home / "lists").mkdir()
    _resume(campaign_home / "lists" / "resume.pdf", 2)
    sender = replace(SENDER, resume="lists/resume.pdf")
    letters = rendered(campaign_home, "cover", HOSTILE[:2], sender=sender)
    settings = make_settings(campaign_home, sender=sender)
    resume = check_resume(settings, "cover")
    pack = write_print_pack(letters, tmp_path / "pack", resume, labels=False)
    texts = [p.extract_text() for p in PdfReader(str(pack.letters_pdf)).pages]
    assert pack.pages == 6 and pack.labels_pdf is None
    assert ["RESUME" in t for t in texts] == [False, True, True, False, True, True]
    assert "Sincerely,\nPat Example\nEnclosure: Resume" in texts[0]
    assert "my resume is enclosed" in " ".join(texts[0].split())
    with pack.manifest_csv.open(encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    assert [(r["first_page"], r["pages"]) for r in rows] == [("1", "3"), ("4", "3")]


def test_a_resume_that_is_not_a_pdf_is_named(campaign_home: Path, tmp_path: Path) -> None:
    (campaign_home / "lists").mkdir()
    (campaign_home / "lists" / "resume.pdf").write_text("not a pdf")
    sender = replace(SENDER, resume="lists/resume.pdf")
    letters = rendered(campaign_home, "cover", HOSTILE[:1], sender=sender)
    with pytest.raises(InputError, match=r"\[sender\] resume .*resume.pdf: not a readable PDF"):
        resume = check_resume(make_settings(campaign_home, sender=sender), "cover")
        write_print_pack(letters, tmp_path / "p", resume)


# -- email -------------------------------------------------------------------------------


def parse(path: Path) -> email.message.EmailMessage:
    return email.message_from_bytes(path.read_bytes(), policy=email.policy.default)  # type: ignore[return-value]


def test_eml_has_one_recipient_both_parts_and_a_unique_id(
    campaign_home: Path, tmp_path: Path
) -> None:
    r = rendered(campaign_home)[0]
    r = replace(r, prospect=replace(r.prospect, email="zoe@lodz.example"))
    message = parse(write_eml(email_message(r, SENDER, TODAY), tmp_path / "a.eml"))
    assert message["From"] == "Pat Example <pat@example.com>"
    assert getaddresses(message.get_all("To")) == [("Ms. Zoë Müller", "zoe@lodz.example")]
    assert message["Cc"] is None and message["Bcc"] is None
    assert (
        message["Subject"]
        == "Cutting operating cost at " + HOSTILE[0].company + " without cutting service"
    )
    assert message["Date"] == "Mon, 16 Nov 2026 09:00:00 +0000"
    # Unique worldwide: a random part, never prospect id + sender (which repeat across
    # campaigns); the send run keeps it in the ledger so a retry reuses it.
    assert re.fullmatch(r"<marketing\.[0-9a-f]{24}@example\.com>", message["Message-ID"])
    assert message["Message-ID"] != email_message(r, SENDER, TODAY)["Message-ID"]
    assert message_id("marketing", "pat@example.com") != message_id("marketing", "pat@example.com")
    plain = message.get_body(("plain",)).get_content()
    rich = message.get_body(("html",)).get_content()
    assert 'Łódź & Ødegaard <Zoë> "Müller" {{ 7*7 }} may be facing' in plain
    assert "Łódź &amp; Ødegaard &lt;Zoë&gt; &quot;Müller&quot; {{ 7*7 }}" in rich
    assert plain.endswith("Sincerely,\n\nPat Example\n(217) 555-0100\npat@example.com\n")


def test_line_breaks_can_never_add_headers(campaign_home: Path) -> None:
    evil = prospect(contact="Eve\r\nBcc: all@evil.example", email="eve@evil.example")
    (campaign_home / "templates").mkdir()
    (campaign_home / "templates" / "mine.txt").write_text(
        "Subject: {{ contact }}\r\nBcc: x@evil.example\nHi\n"
    )
    r = rendered(campaign_home, "mine", [evil])[0]
    r = replace(r, subject="Hello\r\nBcc: x@evil.example")
    raw = email_message(r, replace(SENDER, name="Pat\nX-Evil: 1"), TODAY).as_bytes()
    message = email.message_from_bytes(raw, policy=email.policy.default)
    assert message["Bcc"] is None and message["X-Evil"] is None
    assert getaddresses(message.get_all("To")) == [
        ("Eve Bcc: all@evil.example", "eve@evil.example")
    ]
    assert message["Subject"] == "Hello Bcc: x@evil.example"


def test_a_list_of_addresses_is_refused(campaign_home: Path) -> None:
    r = rendered(campaign_home, prospects=[prospect(email="a@x.example, b@y.example")])[0]
    with pytest.raises(
        InputError, match=r"prospect 7 email: 'a@x\.example, b@y\.example' is not one"
    ):
        email_message(r, SENDER, TODAY)


def test_cover_emails_carry_the_resume(campaign_home: Path, tmp_path: Path) -> None:
    _resume(tmp_path / "resume.pdf", 1)
    r = rendered(campaign_home, "cover", [prospect()])[0]
    message = email_message(r, SENDER, TODAY, [tmp_path / "resume.pdf"])
    [attachment] = list(message.iter_attachments())
    assert attachment.get_filename() == "resume.pdf"
    assert attachment.get_content_type() == "application/pdf"
    assert message.get_body(("plain",)) is not None


# -- names and folders -------------------------------------------------------------------

HOSTILE_NAMES = ["../../x", "/etc/passwd", "CON", "x" * 300, "🎉🎉", "..", "", 'a/b\\c:d*?"<>|']


@pytest.mark.parametrize("company", HOSTILE_NAMES)
def test_hostile_company_names_stay_inside(tmp_path: Path, company: str) -> None:
    r = Rendered(
        prospect=Prospect(id=9, company=company, contact="x"),
        letter="m",
        subject="s",
        paragraphs=(),
        body_text="",
        body_html="",
        date_line="",
        sender_lines=(),
        recipient_lines=(),
        signature=(),
        channel="post",
        call_date=TODAY,
        position=4,
    )
    name = file_name(r, ".pdf")
    assert name.startswith("004-") and name.endswith("-p9.pdf") and len(name) < 60
    target = tmp_path / name
    assert target.resolve().parent == tmp_path.resolve()
    target.write_text("x")
    assert target.is_file()


@given(st.text(max_size=400))
def test_slugs_are_short_and_plain(text: str) -> None:
    result = slug(text)
    assert result and len(result) <= 40
    assert set(result) <= set("abcdefghijklmnopqrstuvwxyz0123456789-")


def test_slug_transliterates() -> None:
    assert slug("Łódź Ødegaard Zoë Müller & Söhne") == "lodz-odegaard-zoe-muller-sohne"


def test_run_folders_are_never_reused(tmp_path: Path) -> None:
    out = tmp_path / "output"
    first = new_run_folder(out, "merge", TODAY)
    second = new_run_folder(out, "merge", TODAY)
    assert (first.name, second.name) == ("merge-2026-11-16-1", "merge-2026-11-16-2")
    assert new_run_folder(out, "../print pack", TODAY).parent == out


def test_settings_type_is_used(campaign_home: Path) -> None:
    assert isinstance(make_settings(campaign_home), Settings)


def test_new_file_never_reuses_a_name(tmp_path: Path) -> None:
    from campaign.documents.files import new_file

    first = new_file(tmp_path / "out", "report-2026-11-16", ".html")
    first.write_text("first", encoding="utf-8")
    second = new_file(tmp_path / "out", "report-2026-11-16", ".html")
    third = new_file(tmp_path / "out", "report-2026-11-16", ".html")
    assert [first.name, second.name, third.name] == [
        "report-2026-11-16.html",
        "report-2026-11-16-2.html",
        "report-2026-11-16-3.html",
    ]
    assert first.read_text(encoding="utf-8") == "first"


# -- a whole merge, in one process and over worker processes ---------------------------


def _merged(
    home: Path, letter: str, count: int, monkeypatch: pytest.MonkeyPatch, pool: bool
) -> Path:
    from campaign import merge

    monkeypatch.setattr(merge, "POOL_FROM", 2 if pool else 10**9)
    monkeypatch.setattr(merge, "CHUNK", 3)
    settings = make_settings(home)
    batch = [
        prospect(
            id=n, company=f"{HOSTILE[n % 3].company} {n}", email=f"p{n}@x.example" * (n % 4 == 0)
        )
        for n in range(1, count + 1)
    ]
    result = merge.merge_letters(load_letter(settings, letter), batch, settings, TODAY)
    assert result.count == count and len(result.docx) == len(result.pdf) == count
    assert result.pack is not None
    return result.folder


def _fixed(path: Path) -> bytes:
    """A file's bytes, an email's Date and Message-ID headers left out."""
    data = path.read_bytes()
    if path.suffix != ".eml":
        return data
    return b"\n".join(
        line for line in data.split(b"\n") if not line.startswith((b"Date:", b"Message-ID:"))
    )


@pytest.mark.parametrize("letter", ["marketing", "mine"])
def test_worker_processes_write_what_one_process_writes(
    campaign_home: Path, monkeypatch: pytest.MonkeyPatch, letter: str
) -> None:
    """Same files, same bytes, same order, with the default layout and a Word template."""
    (campaign_home / "templates").mkdir()
    (campaign_home / "templates" / "mine.txt").write_text(
        "Subject: For {{ company }}\n{{ salutation }}\n\n**Bold** {{ company }}.\n\nBye,\n"
    )
    template = Document()
    template.add_paragraph("{{ inside_address }}")
    template.add_paragraph("{{r body }}")
    template.save(str(campaign_home / "templates" / "mine.docx"))
    alone = _merged(campaign_home, letter, 11, monkeypatch, pool=False)
    shared = _merged(campaign_home, letter, 11, monkeypatch, pool=True)
    files = sorted(p.relative_to(alone) for p in alone.rglob("*") if p.is_file())
    assert files == sorted(p.relative_to(shared) for p in shared.rglob("*") if p.is_file())
    for name in files:
        # An email's Date and Message-ID are its own (the moment of writing, a random id).
        assert _fixed(alone / name) == _fixed(shared / name), name
    pack = PdfReader(str(shared / "print-pack" / "letters.pdf"))
    assert len(pack.pages) == 11
    assert [f"{HOSTILE[n % 3].company} {n}" in normal(page.extract_text()) for n, page in
            enumerate(pack.pages, start=1)] == [True] * 11  # fmt: skip
