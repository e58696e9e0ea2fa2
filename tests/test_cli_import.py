"""``campaign import`` through the real CLI: messages, exit codes, files written."""

from __future__ import annotations

import csv
import json
import shutil
from pathlib import Path

import pytest

from tests.factories import store_at

REPO = Path(__file__).resolve().parent.parent
DATA = Path(__file__).parent / "data"
HEADER = "Company,Hiring Manager,Title,Email,Phone,Address,City,State,Zip,Priority,Industry\n"


def write(path: Path, body: str, header: str = HEADER) -> Path:
    path.write_text(header + body, encoding="utf-8")
    return path


def test_the_sample_campaign_imports_every_row(run, campaign_home: Path) -> None:
    result = run("import", str(REPO / "lists" / "sample-prospects.csv"))
    assert result.exit_code == 0, result.output
    assert result.stderr == ""
    assert (
        f"{REPO / 'lists' / 'sample-prospects.csv'}: 120 new, 0 updated, 0 unchanged, "
        "0 rejected (encoding utf-8)\n"
    ) in result.stdout
    store = store_at(campaign_home)
    prospects = store.list_prospects()
    store.close()
    assert len(prospects) == 120
    assert sum(1 for p in prospects if not p.email) >= 25
    assert all(p.has_postal_address for p in prospects)
    assert any(p.honorific == "Dr." for p in prospects)
    assert all(set(p.extra) == {"industry"} and p.extra["industry"] for p in prospects)
    assert any(p.street2 for p in prospects)
    assert {"Zoë", "Łukasz"} <= {p.first_name for p in prospects}


def test_import_reports_rejects_warnings_and_writes_the_rejects_file(
    run, campaign_home: Path, tmp_path: Path
) -> None:
    path = write(
        tmp_path / "leads.csv",
        "Acme,Dr. Ada Okafor,CTO,ada@acme.example,217-555-0101,,,,,1,Widgets\n"
        "Beta,Human Resources,,hr@beta.example,,,,,,,\n"
        ",Bo Li,,bo@x.example,,,,,,,\n"
        "Gamma,Zoë Müller,CEO,zoe@,217-555-0102,5 Oak Ave,Boston,MA,02110,high,Software\n"
        "Delta,Ed Stone,,,,,,,,,\n"
        "Acme,ADA OKAFOR,,,,1 Elm St,Springfield,IL,,,\n"
        'Eps,"Al\nBcc: x@evil.example",,al@eps.example,,,,,,,\n'
        "Zeta,Cy Young,,cy@zeta.example,,,,,,urgent,\n",
    )
    result = run("import", "leads.csv")
    assert result.exit_code == 0, result.output
    assert result.stderr.splitlines() == [
        "row 4 (Bo Li): rejected: no company",
        "row 7 (Acme, Ada Okafor): rejected: the same prospect as row 2",
        "row 8 (Eps, Al Bcc: x@evil.example): rejected: line break or control character in "
        "'Hiring Manager'",
        # The quoted line break above is still one spreadsheet row: Zeta is row 9.
        "row 9 (Zeta, Cy Young): rejected: 'Priority' is 'urgent', not a whole number >= 1 "
        "(1 = best) or high/medium/low",
        "row 5: warning: invalid email 'zoe@' (There must be something after the @-sign.); "
        "imported for a printed letter",
    ]
    # "Human Resources" is kept but flagged; Ed Stone, with no way to reach him yet, is kept
    # with a research task.
    assert result.stdout.splitlines()[:4] == [
        f"{path}: 4 new, 0 updated, 0 unchanged, 4 rejected (encoding utf-8); "
        "rejected rows are in output/rejects-leads-2026-11-16.csv",
        "1 prospect needs an address or email before a letter can reach them: kept, with a "
        "research task on `campaign agenda` (`campaign prospects --incomplete`; `campaign "
        "edit ID --email E` completes one).",
        "1 prospect looks like HR or recruiting rather than the person who hires (kept, and "
        "flagged in `campaign status`):",
        "  #2 Beta (Human Resources): 'Human Resources' is a department, not a person",
    ]
    rejects = campaign_home / "output" / "rejects-leads-2026-11-16.csv"
    with rejects.open(encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.reader(handle))
    assert rows[0] == [*HEADER.strip().split(","), "reason"]
    assert rows[2] == [
        "Acme", "ADA OKAFOR", "", "", "", "1 Elm St", "Springfield", "IL", "", "", "",
        "row 7: the same prospect as row 2",
    ]  # fmt: skip
    assert rows[3][1] == "Al\nBcc: x@evil.example"  # whole and unchanged
    assert len(rows) == 5


def test_reimporting_changes_nothing_and_an_edit_says_what_changed(
    run, campaign_home: Path, tmp_path: Path
) -> None:
    body = "Acme,Ada Okafor,CTO,ada@acme.example,217-555-0101,,,,,1,Widgets\n"
    body += "Beta,Bo Li,CEO,bo@beta.example,,,,,,2,Software\n"
    path = write(tmp_path / "leads.csv", body)
    assert run("import", str(path)).exit_code == 0

    again = run("import", str(path), env={"CAMPAIGN_TODAY": "2026-11-20"})
    assert again.stdout.splitlines()[0] == (
        f"{path}: 0 new, 0 updated, 2 unchanged, 0 rejected (encoding utf-8)"
    )
    write(path, body.replace("217-555-0101", "217-555-0199").replace("Software", "SaaS"))
    edited = run("import", str(path), env={"CAMPAIGN_TODAY": "2026-11-20"})
    assert edited.stdout.splitlines()[:3] == [
        "updated #1 Acme (Ada Okafor): phone: (217) 555-0101 -> (217) 555-0199",
        "updated #2 Beta (Bo Li): extra.industry: Software -> SaaS",
        f"{path}: 0 new, 2 updated, 0 unchanged, 0 rejected (encoding utf-8)",
    ]
    shown = run("prospects", "--format", "json")
    phones = {p["id"]: (p["phone"], p["extra"], p["updated_on"]) for p in _json(shown.stdout)}
    assert phones == {
        1: ("(217) 555-0199", {"industry": "Widgets"}, "2026-11-20"),
        2: ("", {"industry": "SaaS"}, "2026-11-20"),
    }


def _json(text: str):
    import json

    return json.loads(text)


def test_cp1252_bom_semicolon_and_tab_files_name_their_encoding(run, tmp_path: Path) -> None:
    expected = {
        "cp1252.csv": "2 new, 0 updated, 0 unchanged, 0 rejected (encoding cp1252)",
        "utf8-bom.csv": "2 new, 0 updated, 0 unchanged, 0 rejected (encoding utf-8-sig)",
        "semicolon.csv": "2 new, 0 updated, 0 unchanged, 0 rejected (encoding utf-8)",
        "tab.tsv": "2 new, 0 updated, 0 unchanged, 0 rejected (encoding utf-8)",
    }
    for name, summary in expected.items():
        shutil.copy(DATA / name, tmp_path / name)
        result = run("import", name)
        assert result.exit_code == 0, result.output
        assert result.stdout.splitlines()[0] == f"{tmp_path / name}: {summary}"
    people = {p["contact"]: p for p in _json(run("prospects", "--format", "json").stdout)}
    assert people["Zoë Müller"]["title"] == "Directrice Générale"
    assert people["Dr. José Peña"]["postal_code"] == "00501"
    assert people["Dr. José Peña"]["honorific"] == "Dr."
    assert people["Hans Weber"]["extra"] == {"industry": "Tools; hardware"}
    assert people["Hans Weber"]["phone"] == "+49 30 1234567"
    assert people["Ms. Grace Hopper"]["extra"] == {"sector": "Computing"}


def test_xlsx_with_sheet_and_map(run, tmp_path: Path) -> None:
    from openpyxl import Workbook

    book = Workbook()
    book.active.append(["ignored"])
    sheet = book.create_sheet("Leads")
    sheet.append(["Shop", "The Boss", "Mail", "Priority"])
    sheet.append(["Acme", "Ada Okafor", "ada@acme.example", 2])
    book.save(tmp_path / "leads.xlsx")

    result = run(
        "import", "leads.xlsx", "--sheet", "Leads", "--map", "Shop=company",
        "--map", "The Boss=contact", "--map", "mail=email",
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    assert "1 new, 0 updated, 0 unchanged, 0 rejected (read as XLSX, sheet 'Leads')" in (
        result.stdout
    )
    (prospect,) = _json(run("prospects", "--format", "json").stdout)
    assert (prospect["company"], prospect["contact"], prospect["priority"]) == (
        "Acme",
        "Ada Okafor",
        2,
    )


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("missing.csv", None, "no such file"),
        ("empty.csv", b"", "is empty"),
        ("blob.csv", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "is not a CSV or XLSX file"),
        (
            "cols.csv",
            b"Firm Size,Phone\n10,555\n",
            "no column for company (Company, Employer, Organization);",
        ),
    ],
)
def test_a_file_that_cant_be_used_changes_nothing_and_exits_1(
    run, campaign_home: Path, tmp_path: Path, name: str, content: bytes | None, message: str
) -> None:
    if content is not None:
        (tmp_path / name).write_bytes(content)
    result = run("import", name)
    assert result.exit_code == 1
    assert result.stdout == ""
    assert result.stderr.startswith(f"Error: {tmp_path / name}: {message}")
    assert len(result.stderr.strip().splitlines()) == 1
    assert not (campaign_home / "campaign.db").exists()
    assert not (campaign_home / "output").exists()


def test_a_bad_map_option_is_a_usage_error(run, tmp_path: Path, campaign_home: Path) -> None:
    write(tmp_path / "l.csv", "")
    result = run("import", "l.csv", "--map", "Boss")
    assert result.exit_code == 2
    assert result.stderr.endswith(
        "Error: Invalid value for '--map': 'Boss': write it as \"Their Column=field\"\n"
    )
    assert result.stderr.startswith("Usage: cli import [OPTIONS] FILE\n")
    result = run("import", "l.csv", "--map", "Boss=boss")
    assert result.exit_code == 2
    assert "'Boss=boss': unknown field 'boss'; use one of: company, contact," in result.stderr
    assert not (campaign_home / "campaign.db").exists()


def test_a_relative_path_falls_back_to_the_campaign_folder(run, campaign_home: Path) -> None:
    (campaign_home / "lists").mkdir()
    write(campaign_home / "lists" / "mine.csv", "Acme,Ada Okafor,,ada@acme.example,,,,,,,\n")
    result = run("import", "lists/mine.csv")
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith("lists/mine.csv: 1 new,")


def test_referred_by_marks_only_the_new_prospects_as_the_contacts_referrals(
    run, campaign_home: Path, tmp_path: Path
) -> None:
    write(tmp_path / "mine.csv", "Acme,Ada Okafor,,ada@acme.example,,,,,,,\n")
    assert run("import", "mine.csv").exit_code == 0
    assert run("contact", "add", "Dana Lee").exit_code == 0
    write(
        tmp_path / "from-dana.csv",
        "Acme,Ada Okafor,,ada@acme.example,,,,,,,\nBeta,Bo Li,,bo@beta.example,,,,,,,\n",
    )
    result = run("import", "from-dana.csv", "--referred-by", "1")
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines()[-2:] == [
        "1 new prospect recorded as referred by contact 1 (Dana Lee).",
        "Next: `campaign prospects --batch top20` shows this week's wave.",
    ]
    store = store_at(campaign_home)
    assert [(p.company, p.referred_by) for p in store.list_prospects()] == [
        ("Acme", None),
        ("Beta", 1),
    ]
    store.close()
    (dana,) = json.loads(run("contact", "list", "--format", "json").stdout)
    assert dana["referrals"] == ["Beta (active)"]
    agenda = run("agenda", "--due", "all", "--format", "json")
    (catch_up,) = [i for i in json.loads(agenda.stdout) if i["contact_id"] == 1]
    assert catch_up["reason"] == (
        "catch-up: news of the search and of any referral; referrals: Beta (active)"
    )
    again = run("import", "from-dana.csv", "--referred-by", "1")
    assert "0 new, 0 updated, 2 unchanged" in again.stdout
    assert "recorded as referred" not in again.stdout


def test_referred_by_an_unknown_contact_exits_1_and_imports_nothing(
    run, campaign_home: Path, tmp_path: Path
) -> None:
    write(tmp_path / "l.csv", "Acme,Ada Okafor,,ada@acme.example,,,,,,,\nBeta,,,,,,,,,,\n")
    result = run("import", "l.csv", "--referred-by", "9")
    assert (result.exit_code, result.stdout) == (1, "")
    assert result.stderr == (
        "Error: --referred-by 9: no contact with that id (see `campaign contact list`); "
        "nothing imported\n"
    )
    store = store_at(campaign_home)
    assert store.list_prospects() == []
    store.close()
    assert not list((campaign_home / "output").glob("rejects-*"))
