"""Import rejects rows, not files; keeps what is known; says what it found; reads as told."""

from __future__ import annotations

import csv
import json
import struct
import zipfile
from datetime import date
from pathlib import Path

from campaign.models import Channel
from tests.factories import store_at
from tests.history import add_send

HEADER = "Company,Hiring Manager,Email,Phone,Address,City,State,Zip\n"


def _write(path: Path, body: str, header: str = HEADER) -> Path:
    path.write_bytes((header + body).encode("utf-8"))
    return path


def test_a_nul_a_huge_field_and_a_bad_quote_reject_their_rows_only(run, tmp_path: Path) -> None:
    huge = "x" * 200_000
    _write(
        tmp_path / "l.csv",
        "Acme,Ada Okafor,ada@acme.test,,,,,\n"
        "Beta,Bo\x00Li,bo@beta.test,,,,,\n"
        f"Gamma,Cy Young,cy@gamma.test,,{huge},,,\n"
        'Delta,"Di Lee,di@delta.test,,,,,\n'
        "Eps,Ed Stone,ed@eps.test,,,,,\n",
    )
    result = run("import", "l.csv")
    assert result.exit_code == 0, result.output
    assert result.stderr.splitlines() == [
        "row 3: rejected: a NUL byte in field 2 (the file is damaged here)",
        "row 4: rejected: a field longer than 10,000 characters",
        'row 5: rejected: a quote (") opens a field that is never closed',
    ]
    assert "2 new, 0 updated, 0 unchanged, 3 rejected" in result.stdout
    names = [p["contact"] for p in json.loads(run("prospects", "--format", "json").stdout)]
    assert names == ["Ada Okafor", "Ed Stone"]


def test_duplicate_headers_are_an_error_naming_both(run, tmp_path: Path) -> None:
    _write(tmp_path / "l.csv", "Acme,Ada,a@a.test,x\n", header="Company,Name,Email,email\n")
    result = run("import", "l.csv")
    assert (result.exit_code, result.stderr) == (
        1,
        f"Error: {tmp_path / 'l.csv'}: columns 3 ('Email') and 4 ('email') have the same name; "
        "rename or delete one\n",
    )


def test_encrypted_and_zip_bomb_workbooks_are_refused_cheaply(run, tmp_path: Path) -> None:
    encrypted = tmp_path / "locked.xlsx"
    # What Excel writes for a password-protected workbook: an OLE file, not a zip.
    encrypted.write_bytes(
        b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 500 + "EncryptedPackage".encode("utf-16-le")
    )
    result = run("import", "locked.xlsx")
    assert (result.exit_code, result.stderr) == (
        1,
        f"Error: {encrypted}: is a password-protected (encrypted) workbook; remove the password "
        "in Excel (File > Info > Protect Workbook) and save it again\n",
    )
    bomb = tmp_path / "bomb.xlsx"
    with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/worksheets/sheet1.xml", b"0" * 1000)
    data = bytearray(bomb.read_bytes())
    central = data.index(b"PK\x01\x02")
    struct.pack_into("<I", data, central + 24, 4_000_000_000)  # declared unpacked size
    bomb.write_bytes(bytes(data))
    result = run("import", "bomb.xlsx")
    assert result.exit_code == 1
    assert result.stderr == (
        f"Error: {bomb}: declares 3,815 MB of unpacked data (at most 256 MB for a list): not "
        "opened\n"
    )


def test_the_rejects_file_is_safe_to_open_in_a_spreadsheet(
    run, campaign_home: Path, tmp_path: Path
) -> None:
    _write(tmp_path / "l.csv", ',=HYPERLINK("http://x.test"),@SUM(A1),+1 217,-2,,,\n')
    assert run("import", "l.csv").exit_code == 0
    (rejects,) = (campaign_home / "output").glob("rejects-*.csv")
    with rejects.open(encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.reader(handle))
    assert rows[1][:5] == ["", '\'=HYPERLINK("http://x.test")', "'@SUM(A1)", "'+1 217", "'-2"]


def test_a_blank_cell_never_erases_and_a_change_says_from_what_to_what(run, tmp_path: Path) -> None:
    _write(tmp_path / "a.csv", "Acme,Ada Okafor,ada@acme.test,(312) 555-0110,,,,\n")
    _write(tmp_path / "b.csv", "Acme,Ada Okafor,ada@acme.test,,,,,\n")
    _write(tmp_path / "c.csv", "Acme,Ada Okafor,ada@acme.test,(312) 555-0199,,,,\n")
    assert run("import", "a.csv").exit_code == 0
    blank = run("import", "b.csv")
    assert "0 new, 0 updated, 1 unchanged" in blank.stdout
    changed = run("import", "c.csv")
    assert changed.stdout.splitlines()[0] == (
        "updated #1 Acme (Ada Okafor): phone: (312) 555-0110 -> (312) 555-0199"
    )


def test_header_row_and_ignore(run, tmp_path: Path) -> None:
    _write(
        tmp_path / "l.csv",
        "Company,Name,Email,Notes\nAcme,Ada Okafor,ada@acme.test,private\n",
        header="Exported 2026-11-16\nCompany,Name,Email,Notes,\n",
    )
    result = run("import", "l.csv", "--header-row", "3", "--map", "Notes=ignore")
    assert result.exit_code == 0, result.output
    assert "header on row 3, 2 rows above it skipped" in result.stdout
    (prospect,) = json.loads(run("prospects", "--format", "json").stdout)
    assert (prospect["contact"], prospect["notes"]) == ("Ada Okafor", "")
    missing = run("import", "l.csv", "--header-row", "9")
    assert missing.stderr == (
        f"Error: {tmp_path / 'l.csv'}: --header-row 9: that row is blank or missing\n"
    )


def test_addresses_are_stored_as_sent_and_a_mailed_address_is_named(
    run, campaign_home: Path, tmp_path: Path
) -> None:
    _write(
        tmp_path / "a.csv",
        "Acme Corp,Ana Smith,ana@acme.test,,,,,\nBücher,Bob Roe,bob@bücher.de,,,,,\n"
        "Qa,Jürgen Weiß,jürgen@qa.test,,1 Main St,Boston,MA,02110\n",
    )
    first = run("import", "a.csv")
    assert first.exit_code == 0, first.output
    assert first.stderr.splitlines() == [
        "row 4: warning: invalid email 'jürgen@qa.test' (the part before the @ is not plain "
        "ASCII, which needs SMTPUTF8; ask for an ASCII address); imported for a printed letter"
    ]
    emails = {p["contact"]: p["email"] for p in json.loads(run("prospects", "--format",
                                                              "json").stdout)}  # fmt: skip
    assert emails["Bob Roe"] == "bob@xn--bcher-kva.de"
    store = store_at(campaign_home)
    add_send(store, 1, date(2026, 11, 16), channel=Channel.EMAIL)
    store.close()
    assert run("edit", "1", "--email", "ana.smith@acme.test").exit_code == 0
    _write(tmp_path / "b.csv", "Acme Corporation,Ana Smith,ana@acme.test,,,,,\n")
    again = run("import", "b.csv")
    assert again.stderr == (
        "row 2: warning: ana@acme.test was already mailed as prospect #1 (Acme Corp, Ana "
        "Smith): the same mailbox does not get the same letter twice\n"
    )


def test_a_japanese_name_is_named_at_import_and_no_pdf_prints_boxes(
    run, sender_config: Path, campaign_home: Path, tmp_path: Path
) -> None:
    _write(
        tmp_path / "l.csv",
        "Tanaka Shoji,田中 太郎,,,1-1 Chiyoda,Tokyo,,100-0001,Japan\n",
        header=HEADER.replace("Zip", "Zip,Country"),
    )
    result = run("import", "l.csv")
    assert result.stderr == (
        "row 2: warning: contact '田中 太郎' is in a script the PDF letter font cannot print "
        "(Chinese/Japanese: 田中太郎): DOCX and email keep it; a PDF is refused\n"
    )
    merged = run("merge")
    assert (merged.exit_code, merged.stderr) == (
        1,
        "Error: the PDF letter font can't print prospect 1 (Tanaka Shoji): contact '田中 太郎' "
        "(Chinese/Japanese: 田中太郎); correct them with `campaign edit` or the list (in Latin "
        "letters for a PDF), or leave the PDF out (--to "
        "docx,email)\n",
    )
    assert not (campaign_home / "output").exists() or not list(
        (campaign_home / "output").glob("merge-*")
    )
    assert run("merge", "--to", "docx").exit_code == 0
