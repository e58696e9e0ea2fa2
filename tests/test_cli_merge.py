"""``campaign merge`` through the real CLI: what it writes, what it says, what it refuses."""

from __future__ import annotations

import email
import email.policy
from email.utils import getaddresses
from pathlib import Path

import pytest
from docx import Document
from pypdf import PdfReader

from tests.factories import add_prospect, store_at


def three(home: Path) -> None:
    store = store_at(home)
    add_prospect(store, company='Łódź & Ødegaard <Zoë> "Müller" {{ 7*7 }}', priority=1)
    add_prospect(store, company="../../etc/passwd", email="", priority=2)
    add_prospect(store, company="CON", priority=3)
    store.close()


def test_merge_writes_every_format_and_says_what_next(
    run, sender_config: Path, campaign_home: Path
) -> None:
    three(campaign_home)
    result = run("merge")
    assert result.exit_code == 0, result.output
    assert result.output == (
        "Merged the marketing letter for 3 prospects into output/merge-2026-11-16-1/\n"
        "     3 Word   output/merge-2026-11-16-1/docx/\n"
        "     3 PDF    output/merge-2026-11-16-1/pdf/\n"
        "     2 email  output/merge-2026-11-16-1/email/\n"
        "       no email address (printed only): prospect 2\n"
        "  print pack output/merge-2026-11-16-1/print-pack/: 3 pages of letters, envelopes, "
        "labels, manifest.csv\n"
        "Next: read them over; edit templates/marketing.txt and merge again if needed, then "
        "`campaign send --batch top20 --letter marketing`.\n"
    )
    folder = campaign_home / "output" / "merge-2026-11-16-1"
    assert sorted(p.name for p in (folder / "docx").iterdir()) == [
        "001-lodz-odegaard-zoe-muller-7-7-p1.docx",
        "002-etc-passwd-p2.docx",
        "003-con-p3.docx",
    ]
    assert sorted(p.name for p in (folder / "email").iterdir()) == [
        "001-lodz-odegaard-zoe-muller-7-7-p1.eml",
        "003-con-p3.eml",
    ]
    for path in folder.rglob("*"):
        assert path.resolve().is_relative_to(folder.resolve())
    text = "\n".join(p.text for p in Document(str(folder / "docx" / "003-con-p3.docx")).paragraphs)
    assert "CON may be facing the same pressure" in text
    pdf = PdfReader(str(folder / "pdf" / "001-lodz-odegaard-zoe-muller-7-7-p1.pdf"))
    assert 'Łódź & Ødegaard <Zoë> "Müller" {{ 7*7 }}' in pdf.pages[0].extract_text()
    message = email.message_from_bytes(
        (folder / "email" / "003-con-p3.eml").read_bytes(), policy=email.policy.default
    )
    assert getaddresses(message.get_all("To")) == [("Ms. Alex Person3", "alex3@company3.example")]
    # No SMTP: every letter would be printed, so the print pack holds all three.
    pack = PdfReader(str(folder / "print-pack" / "letters.pdf"))
    assert len(pack.pages) == 3
    assert len(PdfReader(str(folder / "print-pack" / "envelopes.pdf")).pages) == 3


def test_merge_records_no_send_and_never_reuses_a_folder(
    run, sender_config: Path, campaign_home: Path
) -> None:
    three(campaign_home)
    assert run("merge", "--to", "pdf").exit_code == 0
    second = run("merge", "--to", "pdf")
    assert "into output/merge-2026-11-16-2/" in second.output
    store = store_at(campaign_home)
    assert store.list_sends() == []
    store.close()
    assert not (campaign_home / "output" / "merge-2026-11-16-2" / "docx").exists()


def test_with_smtp_only_letters_without_email_are_printed(
    run, sender_config: Path, campaign_home: Path
) -> None:
    with sender_config.open("a") as f:
        f.write('[smtp]\nhost = "smtp.example.com"\n')
    three(campaign_home)
    result = run("merge", "--to", "pdf,email")
    assert result.exit_code == 0, result.output
    assert "print pack output/merge-2026-11-16-1/print-pack/: 1 page" in result.output
    assert "Word" not in result.output


def test_merge_needs_a_sender(run, campaign_home: Path) -> None:
    three(campaign_home)
    result = run("merge")
    assert result.exit_code == 1
    assert result.output.startswith(
        f"Error: {campaign_home / 'campaign.toml'}: no [sender] section"
    )
    assert not (campaign_home / "output").exists()


def test_a_template_mistake_stops_before_anything_is_written(
    run, sender_config: Path, campaign_home: Path
) -> None:
    three(campaign_home)
    (campaign_home / "templates").mkdir()
    (campaign_home / "templates" / "marketing.txt").write_text(
        "Subject: Hello\n{{ salutation }}\n\nAt {{ compnay }}.\n", encoding="utf-8"
    )
    result = run("merge")
    assert result.exit_code == 1
    assert result.output == "Error: templates/marketing.txt:4: 'compnay' is undefined\n"
    assert not (campaign_home / "output").exists()


def test_a_blank_field_names_the_prospect(run, sender_config: Path, campaign_home: Path) -> None:
    store = store_at(campaign_home)
    add_prospect(store, company="Acme", title="")
    store.close()
    (campaign_home / "templates").mkdir()
    (campaign_home / "templates" / "mine.txt").write_text("Subject: Hi\n\nAs {{ title }}.\n")
    result = run("merge", "--letter", "mine")
    assert result.exit_code == 1
    assert result.output == "Error: templates/mine.txt:3: 'title' is blank for prospect 1 (Acme)\n"


def test_unknown_letter_and_format(run, sender_config: Path, campaign_home: Path) -> None:
    three(campaign_home)
    result = run("merge", "--letter", "thanks")
    assert result.exit_code == 1
    assert result.output == (
        "Error: no letter 'thanks': add templates/thanks.txt (known letters: cover, marketing)\n"
    )
    result = run("merge", "--to", "pdf,fax")
    assert result.exit_code == 2
    assert result.stderr == (
        "Usage: cli merge [OPTIONS]\n"  # CliRunner names the program after the function
        "Try 'cli merge --help' for help.\n\n"
        "Error: Invalid value for '--to': 'pdf,fax': unknown format 'fax'; "
        "use any of docx,pdf,email\n"
    )
    assert run("merge", "--to", " ,").exit_code == 2


def test_cover_needs_its_resume(run, sender_config: Path, campaign_home: Path) -> None:
    with sender_config.open("a") as f:
        f.write('resume = "lists/resume.pdf"\n')
    three(campaign_home)
    result = run("merge", "--letter", "cover")
    assert result.exit_code == 1
    assert result.output == (
        f"Error: {sender_config}: [sender] resume 'lists/resume.pdf': no such file "
        f"{campaign_home / 'lists' / 'resume.pdf'}\n"
    )


def test_nothing_waiting(run, sender_config: Path, campaign_home: Path) -> None:
    store_at(campaign_home).close()
    result = run("merge", "--batch", "all")
    assert result.exit_code == 0
    assert result.output == (
        "Nothing to merge: no active prospect is waiting for the marketing letter "
        "(`campaign import` a list, or choose another --letter).\n"
    )
    assert not (campaign_home / "output").exists()


def test_a_full_week_says_the_cap_not_nobody(run, sender_config: Path, campaign_home: Path) -> None:
    sender_config.write_text(
        sender_config.read_text(encoding="utf-8") + "[schedule]\nweekly_cap = 2\n", "utf-8"
    )
    three(campaign_home)
    assert run("send").exit_code == 0
    result = run("merge")
    assert result.exit_code == 0
    assert result.output == (
        "Nothing to merge: this week's cap is used (2 of 2 in 2026-W47); 1 waiting for the "
        "marketing letter from Mon 23 Nov 2026 (`--batch all` merges them all for review).\n"
    )


def test_merge_help_has_an_example(run) -> None:
    result = run("merge", "--help")
    assert result.exit_code == 0
    assert "campaign merge --batch top20 --letter marketing --to docx,pdf" in result.output


def test_a_word_template_mistake_stops_before_anything_is_written(
    run, sender_config: Path, campaign_home: Path
) -> None:
    three(campaign_home)
    (campaign_home / "templates").mkdir()
    (campaign_home / "templates" / "mine.txt").write_text("Subject: s\nHello.\n")
    template = Document()
    template.add_paragraph("{{ company }} {{ nope }}")
    template.save(str(campaign_home / "templates" / "mine.docx"))
    result = run("merge", "--letter", "mine")
    assert result.exit_code == 1
    assert result.output == "Error: templates/mine.docx: 'nope' is undefined\n"
    assert not (campaign_home / "output").exists()
    assert run("merge", "--letter", "mine", "--to", "pdf").exit_code == 0


def test_letters_without_a_postal_address_stay_out_of_the_print_pack(
    run, sender_config: Path, campaign_home: Path
) -> None:
    store = store_at(campaign_home)
    add_prospect(store, company="Street Co")
    add_prospect(store, company="Inbox Co", street="", city="")
    store.close()
    result = run("merge", "--to", "pdf")
    assert result.exit_code == 0, result.output
    assert (
        "       left out (no postal address, and no [smtp] to email them): prospect 2; add "
        "their street, city and zip to the list and `campaign import` it again (or set up "
        "[smtp] in campaign.toml for those with an email)\n" in result.output
    )
    assert "print-pack/: 1 page of letters" in result.output


def test_an_unknown_batch_is_a_usage_error_as_in_send(run, sender_config: Path) -> None:
    for command in ("merge", "send", "prospects"):
        result = run(command, "--batch", "bogus")
        assert result.exit_code == 2, command
        assert "Invalid value for '--batch': 'bogus' is not one of 'top20', 'all'" in result.stderr


HOSTILE_TEMPLATES = Path(__file__).parent / "data" / "hostile-templates"


TOO_LARGE = "the result would be too large (the limit is 1,000,000 characters)"
NO_PRINT = "delete it (no letter can print it)"
UNSAFE = "access to attribute {!r} of {!r} object is unsafe."


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("mro", "4: " + UNSAFE.format("__class__", "str")),
        ("popen", "4: " + UNSAFE.format("__init__", "type")),
        ("repeat", "4: " + TOO_LARGE),
        ("wide", "4: " + TOO_LARGE),
        ("power", "4: 10**100000 is too large a number"),
        ("recursive-macro", "2: calls itself too deeply (a macro that never stops?)"),
        ("control-byte", f"4: control character U+0001 in the template; {NO_PRINT}"),
        ("endless-loop", "4: still rendering after 0.3 s (a loop that never ends?)"),
    ],
)  # fmt: skip
def test_a_hostile_template_is_one_line_error_and_runs_nothing(
    run, sender_config: Path, campaign_home: Path, monkeypatch: pytest.MonkeyPatch,
    name: str, message: str,
) -> None:  # fmt: skip
    """Shared templates run in a sandbox: no shell, no hang, no traceback, nothing written."""
    monkeypatch.setattr("campaign.templating.TIME_LIMIT", 0.3)
    three(campaign_home)
    (campaign_home / "templates").mkdir()
    source = (HOSTILE_TEMPLATES / f"{name}.txt").read_bytes()
    (campaign_home / "templates" / "mine.txt").write_bytes(source)
    for command in (("merge", "--letter", "mine"), ("send", "--letter", "mine", "--dry-run")):
        result = run(*command)
        assert (result.exit_code, result.output) == (1, f"Error: templates/mine.txt:{message}\n")
    assert not (campaign_home / "output").exists()
    assert not any(p.name == "pwned" for p in campaign_home.parent.rglob("pwned"))


def test_a_300_character_company_is_merged_with_its_title_cut(
    run, sender_config: Path, campaign_home: Path
) -> None:
    """Word allows 255 characters in a title: the subject is cut there, the letter is whole."""
    store = store_at(campaign_home)
    add_prospect(store, company="Wide " * 60)
    store.close()
    result = run("merge")
    assert result.exit_code == 0, result.output
    [path] = (campaign_home / "output" / "merge-2026-11-16-1" / "docx").iterdir()
    document = Document(str(path))
    title = document.core_properties.title
    assert len(title) == 255 and title.startswith("Cutting operating cost at Wide Wide")
    assert title.endswith("\u2026")
    assert ("Wide " * 60).strip() in "\n".join(p.text for p in document.paragraphs)


def test_a_word_template_runs_in_the_sandbox(run, sender_config: Path, campaign_home: Path) -> None:
    three(campaign_home)
    (campaign_home / "templates").mkdir()
    (campaign_home / "templates" / "mine.txt").write_text("Subject: s\nHello.\n")
    template = Document()
    template.add_paragraph("{{ cycler.__init__.__globals__.os.popen('touch pwned').read() }}")
    template.save(str(campaign_home / "templates" / "mine.docx"))
    result = run("merge", "--letter", "mine")
    assert result.output == (
        "Error: templates/mine.docx: access to attribute '__init__' of 'type' object is unsafe.\n"
    )
    assert result.exit_code == 1
    assert not any(campaign_home.parent.rglob("pwned"))


def test_the_same_batch_merges_to_the_same_files(
    run, sender_config: Path, campaign_home: Path
) -> None:
    """Deterministic output: byte for byte, but the emails' Date and Message-ID headers."""
    three(campaign_home)
    assert run("merge").exit_code == 0
    assert run("merge").exit_code == 0
    first, second = (campaign_home / "output" / f"merge-2026-11-16-{n}" for n in (1, 2))
    names = sorted(p.relative_to(first) for p in first.rglob("*") if p.is_file())
    assert names == sorted(p.relative_to(second) for p in second.rglob("*") if p.is_file())
    for name in names:
        ours, again = (first / name).read_bytes(), (second / name).read_bytes()
        if name.suffix == ".eml":
            ours, again = (_without_date_and_id(raw) for raw in (ours, again))
        assert ours == again, name


def _without_date_and_id(raw: bytes) -> bytes:
    lines = raw.split(b"\n")
    return b"\n".join(line for line in lines if not line.startswith((b"Date:", b"Message-ID:")))
