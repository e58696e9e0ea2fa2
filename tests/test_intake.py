"""Reading lists, matching columns, checking rows, and importing into a real store."""

from __future__ import annotations

import csv
import tempfile
from datetime import date, timedelta
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from nameparser import HumanName

from campaign.errors import InputError
from campaign.intake.columns import header_key, match_columns, parse_mapping
from campaign.intake.importing import import_file
from campaign.intake.rows import check_row, parse_priority
from campaign.intake.tables import read_table
from campaign.people import parse_name
from campaign.store import Store, open_store
from campaign.templating import field_name
from tests.conftest import cli_words, examples

DATA = Path(__file__).parent / "data"
TODAY = date(2026, 11, 16)
HEADER = ["Company", "Hiring Manager", "Email", "Address", "City", "State", "Zip", "Priority"]


def write_csv(path: Path, rows: list[list[str]], header: list[str] = HEADER) -> Path:
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(header)
        writer.writerows(rows)
    return path


def store_in(folder: Path) -> Store:
    return open_store(f"sqlite:///{folder / 'campaign.db'}")


def snapshot(store: Store) -> list[tuple]:
    return [tuple(sorted(vars(p).items())) for p in store.list_prospects()]


# --- reading ---------------------------------------------------------------------------


def test_cp1252_file_from_excel_reads_accents_and_keeps_leading_zeros() -> None:
    table = read_table(DATA / "cp1252.csv")
    assert table.encoding == "cp1252"
    assert table.rows[0] == (
        2,
        [
            "Café Olé Roasters", "Zoë Müller", "Directrice Générale", "zoe@cafe-ole.example",
            "217-555-0101", "1 Rue Main", "Springfield", "IL", "02134", "1",
        ],
    )  # fmt: skip
    assert table.rows[1][1][8] == "00501"


def test_utf8_with_bom_does_not_leak_the_bom_into_the_first_header() -> None:
    table = read_table(DATA / "utf8-bom.csv")
    assert table.encoding == "utf-8-sig"
    assert table.header[0] == "Employer"
    assert table.rows[0][1][1] == "Łukasz Wiśniewski"


@pytest.mark.parametrize(("name", "delimiter"), [("semicolon.csv", ";"), ("tab.tsv", "\t")])
def test_delimiter_is_sniffed(name: str, delimiter: str) -> None:
    table = read_table(DATA / name)
    assert table.delimiter == delimiter
    assert len(table.header) == len(table.rows[0][1])


def test_quoted_delimiter_stays_inside_its_field() -> None:
    table = read_table(DATA / "semicolon.csv")
    assert table.rows[0][1][-1] == "Tools; hardware"


def test_xlsx_reads_text_numbers_and_the_named_sheet(tmp_path: Path) -> None:
    from openpyxl import Workbook

    book = Workbook()
    first = book.active
    first.title = "Old"
    first.append(["nothing", "here"])
    sheet = book.create_sheet("Q3")
    sheet.append(["Company", "Contact", "Email", "Zip", "Priority"])
    sheet.append(["Acme", "Ada Okafor", "ada@acme.example", "02134", 1])
    sheet.append(["Beta", "Bo Li", "bo@beta.example", None, 2.0])
    path = tmp_path / "list.xlsx"
    book.save(path)

    table = read_table(path, sheet="Q3")
    assert table.encoding == "xlsx"
    assert table.header == ["Company", "Contact", "Email", "Zip", "Priority"]
    assert table.rows == [
        (2, ["Acme", "Ada Okafor", "ada@acme.example", "02134", "1"]),
        (3, ["Beta", "Bo Li", "bo@beta.example", "", "2"]),
    ]
    with pytest.raises(InputError, match=r"list.xlsx: no sheet named 'Q4' \(sheets: Old, Q3\)"):
        read_table(path, sheet="Q4")


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "is empty"),
        (b"  \n\n", "is empty"),
        (b"\x00\x01\x02binary\x00", "is not a CSV or XLSX file (binary data)"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1rest", "is an old Excel .xls file"),
        (b"PK\x03\x04not really a zip", "can't be read as XLSX"),
    ],
)
def test_unreadable_files_name_the_file_and_the_problem(
    tmp_path: Path, content: bytes, message: str
) -> None:
    path = tmp_path / "bad.csv"
    path.write_bytes(content)
    with pytest.raises(InputError) as caught:
        read_table(path)
    assert str(caught.value).startswith(f"{path}: {message}")


def test_missing_file() -> None:
    with pytest.raises(InputError, match=r"nope.csv: no such file$"):
        read_table(Path("nope.csv"))


# --- columns ---------------------------------------------------------------------------


def test_headers_match_case_spacing_and_punctuation_aside() -> None:
    header = [" COMPANY NAME", "Hiring-Manager", "E-Mail", "Address 1", "city", "ZIP code", "Rank"]
    columns = match_columns(Path("x.csv"), header, {})
    assert columns.fields == {
        "company": 0, "contact": 1, "email": 2, "street": 3, "city": 4, "postal_code": 5,
        "priority": 6,
    }  # fmt: skip
    assert header_key("Postal Code") == "postalcode"
    assert header_key("Téléphone") == "telephone"


def test_unknown_columns_become_identifier_merge_fields() -> None:
    header = ["Company", "Name", "Email", "Industry Sector", "2024 Revenue ($)", "", "Status"]
    columns = match_columns(Path("x.csv"), header, {})
    assert columns.extra == {"industry_sector": 3, "column_2024_revenue": 4, "status_2": 6}
    assert field_name("Héllo Wörld!") == "hello_world"


def test_map_option_reads_an_odd_column_as_a_field() -> None:
    mapping = parse_mapping(["The Boss=contact", "Shop = company"])
    columns = match_columns(Path("x.csv"), ["Shop", "The Boss", "Email"], mapping)
    assert columns.fields == {"company": 0, "contact": 1, "email": 2}


@pytest.mark.parametrize(
    ("item", "message"),
    [
        ("Boss", 'write it as "Their Column=field"'),
        ("Boss=boss", "unknown field 'boss'; use one of: company, contact,"),
    ],
)
def test_bad_map_options(item: str, message: str) -> None:
    with pytest.raises(InputError, match=message):
        parse_mapping([item])


def test_map_wins_over_an_alias_elsewhere_in_the_header() -> None:
    mapping = parse_mapping(["Boss=contact"])
    columns = match_columns(Path("x.csv"), ["Company", "Name", "Boss", "Email"], mapping)
    assert columns.fields == {"company": 0, "contact": 2, "email": 3}
    assert columns.extra == {"name_2": 1}  # "name" is the merge field for the person


def test_map_naming_a_missing_column_names_the_file() -> None:
    with pytest.raises(InputError) as err:
        match_columns(Path("x.csv"), ["Company", "Name", "Email"], {"boss": "contact"})
    assert cli_words(err.value).startswith("x.csv: --map names a column the file does not have")


def test_missing_required_columns_are_all_named_at_once() -> None:
    with pytest.raises(InputError) as caught:
        match_columns(Path("x.csv"), ["Firm Size", "Phone"], {})
    assert cli_words(caught.value) == (
        "x.csv: no column for company (Company, Employer, Organization); hiring-authority "
        "name (Hiring Manager, Contact, Name, or First/Last Name); found: Firm Size, Phone (use "
        '--map "Their Column=field")'
    )


# --- rows ------------------------------------------------------------------------------


def check(**cells: str):
    header = HEADER
    columns = match_columns(Path("x.csv"), header, {})
    values = {
        "Company": "Acme",
        "Hiring Manager": "Dr. Ada Okafor",
        "Email": "Ada@Acme.Example",
        "Address": "",
        "City": "",
        "State": "",
        "Zip": "",
        "Priority": "",
        **cells,
    }
    return check_row([values[h] for h in header], header, columns, "US")


def test_a_good_row_is_parsed_into_name_parts_and_a_normalised_email() -> None:
    record = check().record
    assert record is not None
    assert (record["honorific"], record["first_name"], record["last_name"]) == (
        "Dr.",
        "Ada",
        "Okafor",
    )
    assert record["email"] == "ada@acme.example"
    assert record["identity"] == "ada@acme.example"
    assert record["priority"] is None


@pytest.mark.parametrize(
    ("cells", "reason"),
    [
        ({"Company": "  "}, "no company"),
        ({"Hiring Manager": ""}, "no hiring-authority name"),
        ({"Company": "Acme\nBcc: x@evil.example"}, "line break or control character in 'Company'"),
        (
            {"Hiring Manager": "Ada\x00Okafor"},
            "line break or control character in 'Hiring Manager'",
        ),
        (
            {"Priority": "urgent"},
            "'Priority' is 'urgent', not a whole number >= 1 (1 = best) or high/medium/low",
        ),
        ({"Priority": "0"}, "'Priority' is '0', not a whole number >= 1"),
    ],
)
def test_rejected_rows_say_why(cells: dict[str, str], reason: str) -> None:
    checked = check(**cells)
    assert checked.record is None
    assert checked.reason.startswith(reason)


@pytest.mark.parametrize(
    ("cells", "flag"),
    [
        ({"Hiring Manager": "Human Resources"}, "'Human Resources' is a department, not a person"),
        ({"Hiring Manager": "H.R."}, "'H.R.' is a department, not a person"),
        ({"Hiring Manager": "recruiting"}, "'Recruiting' is a department, not a person"),
    ],
)
def test_hr_and_recruiting_are_kept_and_flagged(cells: dict[str, str], flag: str) -> None:
    checked = check(**cells)
    assert checked.record is not None
    assert checked.flag == flag


@pytest.mark.parametrize(
    ("cells", "warning"),
    [
        ({"Email": ""}, ""),
        ({"Email": "", "Address": "1 Main St"}, ""),
        (
            {"Email": "ada@"},
            "invalid email 'ada@' (There must be something after the @-sign.); kept without "
            "it: it needs an address or email",
        ),
    ],
)
def test_a_person_no_letter_can_reach_yet_is_kept(cells: dict[str, str], warning: str) -> None:
    from campaign.models import needs_address

    checked = check(**cells)
    assert checked.record is not None and needs_address(checked.record)
    assert checked.warning == warning


def test_invalid_email_with_a_postal_address_is_kept_for_a_printed_letter() -> None:
    checked = check(Email="ada@@acme", Address="1 Main St", City="Springfield", State="IL")
    assert checked.record is not None
    assert checked.record["email"] == ""
    assert checked.warning.startswith("invalid email 'ada@@acme'")
    assert checked.warning.endswith("imported for a printed letter")


def test_extra_cells_beyond_the_header_reject_the_row() -> None:
    columns = match_columns(Path("x.csv"), HEADER, {})
    cells = ["Acme", "Ada Okafor", "a@acme.example", "", "", "", "", "", "spill"]
    assert check_row(cells, HEADER, columns, "US").reason == (
        "9 cells but the header has 8 columns"
    )


@pytest.mark.parametrize(
    ("text", "value"), [("", None), ("1", 1), ("1.0", 1), (" 3 ", 3), ("High", 1), ("low", 3)]
)
def test_priority(text: str, value: int | None) -> None:
    assert parse_priority(text.strip()) == value


@pytest.mark.parametrize("text", ["0", "-1", "1.5", "soon"])
def test_bad_priority(text: str) -> None:
    with pytest.raises(ValueError):
        parse_priority(text)


def test_names_with_honorifics_suffixes_and_commas_go_through_nameparser() -> None:
    assert parse_name("Prof. Dr. Hans Weber Jr.") == {
        "honorific": "Prof. Dr.",
        "first_name": "Hans",
        "middle_name": "",
        "last_name": "Weber",
        "suffix": "Jr.",
    }
    assert parse_name("Okafor, Ada")["first_name"] == "Ada"
    assert parse_name("Ludwig van Beethoven")["last_name"] == "van Beethoven"


_LETTERS = st.text(
    st.characters(categories=("Lu", "Ll"), exclude_characters="ǅǈǋǲ"), min_size=1, max_size=8
)
# Names as the fast path admits them: letters, with inner hyphens or apostrophes (O'Brien).
_WORD = st.builds(
    lambda head, joins: head + "".join(j + w for j, w in joins),
    _LETTERS,
    st.lists(st.tuples(st.sampled_from(["-", "'", "’"]), _LETTERS), max_size=2),
) | st.sampled_from(
    ["Petrovich", "Ivanovna", "oglu", "MacDonald", "IV", "x", "De", "St", "Jr", "Van", "Ii",
     "Ph", "Mc", "Bin", "Abu", "Del", "La", "Le", "Di", "Sr", "Esq", "Dr", "Ms", "Ida"]
)  # fmt: skip


@settings(max_examples=examples(500), deadline=None)
@given(honorific=st.sampled_from(["", "Dr. ", "Mr. ", "Mrs. ", "Ms. ", "Mx. ", "Prof. "]),
       first=_WORD, last=_WORD)  # fmt: skip
def test_the_fast_path_agrees_with_nameparser(honorific: str, first: str, last: str) -> None:
    name = f"{honorific}{first} {last}"
    parsed = HumanName(name)
    assert parse_name(name) == {
        "honorific": parsed.title,
        "first_name": parsed.first,
        "middle_name": parsed.middle,
        "last_name": parsed.last,
        "suffix": parsed.suffix,
    }


# --- the import ------------------------------------------------------------------------


def test_import_then_an_edited_file_updates_only_what_changed(tmp_path: Path) -> None:
    store = store_in(tmp_path)
    rows = [
        ["Acme", "Ada Okafor", "ada@acme.example", "", "", "", "", "2"],
        ["Beta", "Bo Li", "", "1 Elm St", "Springfield", "IL", "62701", ""],
    ]
    path = write_csv(tmp_path / "list.csv", rows)
    first = import_file(store, path, today=TODAY, output_dir=tmp_path / "out")
    assert (first.new, first.updated, first.unchanged, first.rejects) == (2, [], 0, [])

    rows[0][7] = "1"  # re-prioritised
    rows[1][2] = "bo@beta.example"  # an email found for the postal-only prospect
    rows.insert(0, ["Gamma", "Cy Young", "cy@gamma.example", "", "", "", "", ""])
    later = TODAY + timedelta(days=3)
    second = import_file(store, write_csv(path, rows), today=later, output_dir=tmp_path / "out")
    assert second.new == 1
    assert second.unchanged == 0
    assert [(i, who, [str(c) for c in changes]) for i, who, changes in second.updated] == [
        (1, "Acme (Ada Okafor)", ["priority: 2 -> 1"]),
        (2, "Beta (Bo Li)", ["email: (blank) -> bo@beta.example"]),
    ]
    by_company = {p.company: p for p in store.list_prospects()}
    assert by_company["Acme"].priority == 1
    assert by_company["Acme"].updated_on == later
    assert by_company["Acme"].created_on == TODAY
    assert by_company["Beta"].email == "bo@beta.example"
    # New rows come after everyone already known, whatever their place in the file.
    assert [p.seq for p in (by_company["Acme"], by_company["Beta"], by_company["Gamma"])] == [
        1,
        2,
        3,
    ]


def test_a_list_without_a_column_leaves_that_field_alone(tmp_path: Path) -> None:
    store = store_in(tmp_path)
    write_csv(tmp_path / "a.csv", [["Acme", "Ada Okafor", "ada@acme.example", "", "", "", "", "2"]])
    import_file(store, tmp_path / "a.csv", today=TODAY, output_dir=tmp_path)
    path = write_csv(
        tmp_path / "b.csv",
        [["ACME ", "ada  okafor", "ADA@acme.example", "x"]],
        header=["Company", "Name", "Email", "Notes"],
    )
    report = import_file(store, path, today=TODAY, output_dir=tmp_path)
    # A name typed in lower case is written as a name: only company and notes changed.
    assert [(i, w, [c.field for c in ch]) for i, w, ch in report.updated] == [
        (1, "Acme (Ada Okafor)", ["company", "notes"])
    ]
    (prospect,) = store.list_prospects()
    assert (prospect.priority, prospect.email, prospect.notes) == (2, "ada@acme.example", "x")


def test_a_later_duplicate_row_is_rejected_naming_the_first(tmp_path: Path) -> None:
    store = store_in(tmp_path)
    rows = [
        ["Acme", "Ada Okafor", "ada@acme.example", "", "", "", "", ""],
        ["Acme Corp", "A. Okafor", "ADA@acme.example", "", "", "", "", ""],
        ["acme", "ADA OKAFOR", "", "1 Elm", "Springfield", "IL", "", ""],
    ]
    report = import_file(
        store, write_csv(tmp_path / "l.csv", rows), today=TODAY, output_dir=tmp_path / "out"
    )
    assert report.new == 1
    assert [(r.row, r.reason) for r in report.rejects] == [
        (3, "the same prospect as row 2"),
        (4, "the same prospect as row 2"),
    ]


def test_rejects_file_holds_the_rows_unchanged_plus_a_reason(tmp_path: Path) -> None:
    store = store_in(tmp_path)
    rows = [
        ["", "Ada Okafor", "ada@acme.example", "", "", "", "", ""],
        ["Beta", "Bo Li", "bo@beta.example", "", "", "", "", "1"],
    ]
    path = write_csv(tmp_path / "l.csv", rows)
    out = tmp_path / "output"
    first = import_file(store, path, today=TODAY, output_dir=out)
    second = import_file(store, path, today=TODAY, output_dir=out)
    assert first.rejects_file == out / "rejects-l-2026-11-16.csv"
    assert second.rejects_file == out / "rejects-l-2026-11-16-2.csv"
    with first.rejects_file.open(encoding="utf-8-sig", newline="") as handle:
        assert list(csv.reader(handle)) == [
            [*HEADER, "reason"],
            ["", "Ada Okafor", "ada@acme.example", "", "", "", "", "", "row 2: no company"],
        ]


# Cells as people type them: blanks, stray spaces, case, a few bad values.
_cell = st.sampled_from(["", " ", "Acme", "acme ", "Beta", "Ødegaard AS", "x"])
_name = st.sampled_from(["", "Ada Okafor", "ada  okafor", "Dr. Bo Li", "HR", "Zoë Müller"])
_email = st.sampled_from(["", "ada@acme.example", "ADA@acme.example", "bo@beta.test", "bad@"])
_row = st.tuples(
    _cell,
    _name,
    _email,
    st.sampled_from(["", "1 Elm St"]),
    st.sampled_from(["", "Springfield"]),
    st.sampled_from(["", "IL"]),
    st.sampled_from(["", "02134"]),
    st.sampled_from(["", "1", "2.0", "high", "soon"]),
)


@settings(max_examples=examples(30), deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(rows=st.lists(_row, max_size=12))
def test_importing_the_same_file_twice_changes_nothing(rows: list[tuple[str, ...]]) -> None:
    with tempfile.TemporaryDirectory() as folder:
        base = Path(folder)
        store = store_in(base)
        try:
            path = write_csv(base / "list.csv", [list(r) for r in rows])
            first = import_file(store, path, today=TODAY, output_dir=base / "out")
            before = snapshot(store)
            second = import_file(store, path, today=TODAY + timedelta(days=1), output_dir=base)
            assert snapshot(store) == before
            assert (second.new, second.updated) == (0, [])
            assert second.unchanged == first.new
            assert len(second.rejects) == len(first.rejects)
        finally:
            store.close()


def test_lists_as_exported_come_out_as_letters_write_them(tmp_path: Path) -> None:
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.append(["Company Name", "Contact", "E-mail Address", "Street Address", "City",
                  "State/Region", "Zip Code", "Country/Region"])  # fmt: skip
    rows = [
        ["Acme", "O'Brien, Sean", "", "1 Main St", "Boston", "MA", 2134, ""],
        ["Beta", "MARIA GARCIA", "", "2 Elm St", "Hartford", "CT", 61031234, "US"],
        ["Gamma", "jean-luc mcdonald", "", "3 Rue Neuve", "Montreal", "QC", "123", "CA"],
        ["Delta", "Dr. Ada Okafor", "ada@delta.example", "", "", "", "", ""],
    ]
    for row in rows:
        sheet.append(row)
    book.save(tmp_path / "export.xlsx")
    store = store_in(tmp_path)
    report = import_file(store, tmp_path / "export.xlsx", today=TODAY, output_dir=tmp_path)
    assert report.rejects == []
    got = {p.company: p for p in store.list_prospects()}
    assert (got["Acme"].contact, got["Acme"].first_name, got["Acme"].last_name) == (
        "Sean O'Brien", "Sean", "O'Brien",
    )  # fmt: skip
    assert (got["Acme"].region, got["Acme"].postal_code) == ("MA", "02134")
    assert (got["Beta"].contact, got["Beta"].postal_code) == ("Maria Garcia", "06103-1234")
    assert got["Gamma"].contact == "Jean-Luc McDonald"
    assert got["Gamma"].postal_code == "123"  # not a US ZIP: as written
    assert got["Delta"].contact == "Dr. Ada Okafor"
    again = import_file(store, tmp_path / "export.xlsx", today=TODAY, output_dir=tmp_path)
    assert (again.new, again.updated, again.unchanged) == (0, [], 4)


def test_a_corrected_rejects_file_imports_without_its_reason_column(tmp_path: Path) -> None:
    store = store_in(tmp_path)
    path = write_csv(tmp_path / "list.csv", [["Acme", "Ada Okafor", "", "", "", "", "", "x"]])
    report = import_file(store, path, today=TODAY, output_dir=tmp_path)
    assert report.rejects_file is not None
    with report.rejects_file.open(encoding="utf-8-sig", newline="") as f:
        header, row = list(csv.reader(f))
    assert header[-1] == "reason"
    row[7] = "1"  # the user corrects the priority
    fixed = tmp_path / "fixed.csv"
    with fixed.open("w", encoding="utf-8", newline="") as f:
        csv.writer(f).writerows([header, row])
    again = import_file(store, fixed, today=TODAY, output_dir=tmp_path)
    assert (again.new, again.rejects) == (1, [])
    (prospect,) = store.list_prospects()
    assert prospect.extra == {}
