"""Reading a prospect list (CSV or XLSX) into checked records, and importing them.

The pipeline: ``read_table`` (bytes -> header + text cells, encoding and delimiter
found), ``match_columns`` (headers -> fields, by alias or ``--map``), ``check_row``
(cells -> a record or a reason to reject it), then ``import_file`` ties them to the
store (one transaction) and writes the rejects CSV under ``output/``.

CSV goes through the standard ``csv`` module rather than pandas: every cell stays the
exact text of the file (no "nan", leading zeros kept), a ragged row is rejected on its
own instead of failing the file, and the CLI is spared pandas' start-up cost. XLSX goes
through pandas (``dtype=str``) with openpyxl. Heavy libraries are imported inside the
functions that use them.
"""

from __future__ import annotations

import csv
import dataclasses
import io
import re
import unicodedata
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from campaign.errors import InputError
from campaign.models import Prospect
from campaign.store.prospects import person_key

if TYPE_CHECKING:
    from campaign.store import Store

# Fields a column can fill, and the header spellings that mean each (compared after
# ``header_key``: lower case, letters and digits only).
ALIASES: dict[str, tuple[str, ...]] = {
    "company": (
        "company", "companyname", "employer", "employername", "organization",
        "organisation", "organizationname", "org", "firm", "business", "account",
    ),
    "contact": (
        "hiringmanager", "hiringauthority", "hiringmanagername", "contact", "contactname",
        "name", "fullname", "decisionmaker", "person",
    ),
    "honorific": ("honorific", "prefix", "nameprefix", "courtesytitle", "salutationtitle"),
    "first_name": ("firstname", "first", "givenname", "forename", "contactfirstname"),
    "middle_name": ("middlename", "middle", "middleinitial"),
    "last_name": ("lastname", "last", "surname", "familyname", "contactlastname"),
    "suffix": ("suffix", "namesuffix"),
    "title": ("title", "jobtitle", "position", "role", "contacttitle"),
    "email": ("email", "emailaddress", "mail", "contactemail", "workemail"),
    "phone": (
        "phone", "telephone", "tel", "phonenumber", "telephonenumber", "workphone",
        "officephone", "directphone", "directline", "mobile", "cell",
    ),
    "street": (
        "address", "street", "address1", "addressline1", "streetaddress", "street1",
        "mailingaddress", "addr", "addr1", "mailingstreet", "streetaddress1",
        "businessstreet", "businessaddress",
    ),
    "street2": (
        "address2", "addressline2", "street2", "suite", "unit", "addr2", "streetaddress2",
        "mailingstreet2", "businessstreet2",
    ),
    "city": ("city", "town", "locality", "mailingcity", "businesscity"),
    "region": (
        "state", "province", "region", "stateprovince", "st", "county", "stateregion",
        "stateorprovince", "provincestate", "stateprovinceregion", "mailingstate",
        "mailingstateprovince", "businessstate",
    ),
    "postal_code": (
        "zip", "zipcode", "postalcode", "postcode", "postal", "zip4", "zippostalcode",
        "postalzip", "zipcodepostalcode", "mailingzip", "mailingzipcode",
        "mailingpostalcode", "businesspostalcode", "businesszip",
    ),
    "country": (
        "country", "countrycode", "nation", "countryregion", "mailingcountry",
        "businesscountry",
    ),
    "priority": ("priority", "rank", "tier", "ranking"),
    "notes": ("notes", "note", "comments", "comment", "remarks"),
}  # fmt: skip
FIELDS = tuple(ALIASES)
NAME_PARTS = ("honorific", "first_name", "middle_name", "last_name", "suffix")
ADDRESS = ("street", "city", "postal_code", "region")

# Words for priority, as people write them in a spreadsheet (1 = best).
PRIORITY_WORDS = {"high": 1, "medium": 2, "med": 2, "normal": 2, "low": 3}

# Not a person: a letter must reach someone with the power to hire, not a department.
NOT_A_PERSON = {
    "hr", "humanresources", "humanresourcesdepartment", "hrdepartment", "hrmanager",
    "recruiting", "recruitment", "recruiter", "recruiters", "talentacquisition",
    "personnel", "hiringmanager", "hiringteam", "tosomeone", "towhomitmayconcern",
    "careers", "jobs", "staffing",
}  # fmt: skip

# A line break or control character inside a field could smuggle a header into an
# email or break a printed letter: such rows are rejected, never cleaned silently.
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]")
_NOT_ALNUM = re.compile(r"[^0-9a-z]+")
_SIMPLE_NAME = re.compile(r"^(?:(Dr|Mr|Mrs|Ms|Mx|Prof)\. )?([^\W\d_][\w'’-]*) ([^\W\d_][\w'’-]*)$")

XLSX_SUFFIXES = (".xlsx", ".xlsm")
REJECT_REASON = r"(import_)*reason"  # the last column of a rejects file (write_rejects)


def identity_track(items: Sequence[Any]) -> Iterable[Any]:
    """The default progress tracker: the items, as they are."""
    return items


@dataclass(frozen=True)
class Table:
    """A file's header and rows as text, with how it was read."""

    path: Path
    header: list[str]
    rows: list[tuple[int, list[str]]]  # (row number as a spreadsheet shows it, cells)
    encoding: str  # "utf-8", "utf-8-sig", "cp1252", "utf-16" or "xlsx"
    delimiter: str = ","


@dataclass(frozen=True)
class Columns:
    """Which column index fills each field; the rest become extra merge fields."""

    fields: dict[str, int]
    extra: dict[str, int]


@dataclass
class Reject:
    """A row that was not imported, and why."""

    row: int
    reason: str
    cells: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class RowWarning:
    """A row imported with a caveat the user should know about."""

    row: int
    message: str


@dataclass
class ImportReport:
    """What an import did: counts, the rows it skipped and why, and where they went."""

    path: Path
    encoding: str
    source: str = ""  # the file as the user knows it (relative to the campaign folder)
    new: int = 0
    updated: list[tuple[int, str, list[str]]] = field(default_factory=list)
    unchanged: int = 0
    rejects: list[Reject] = field(default_factory=list)
    warnings: list[RowWarning] = field(default_factory=list)
    rejects_file: Path | None = None

    @property
    def summary(self) -> str:
        """The one-line summary the CLI prints."""
        line = (
            f"{self.source or self.path}: {self.new} new, {len(self.updated)} updated, "
            f"{self.unchanged} unchanged, {len(self.rejects)} rejected "
            f"({'read as XLSX' if self.encoding == 'xlsx' else f'encoding {self.encoding}'})"
        )
        if self.rejects_file is not None:
            shown = self.rejects_file.relative_to(self.rejects_file.parent.parent)
            line += f"; rejected rows are in {shown}"
        return line


# --- reading -------------------------------------------------------------------------


def resolve_source(name: str, home: Path, cwd: Path) -> Path:
    """The file the user means: relative to the current directory, else to the campaign."""
    path = Path(name).expanduser()
    if path.is_absolute():
        return path
    for base in (cwd, home):
        if (base / path).exists():
            return base / path
    return cwd / path


def read_table(path: Path, sheet: str | None = None) -> Table:
    """Read a CSV or XLSX file as text; an InputError naming the file if it can't be."""
    if not path.exists():
        raise InputError(f"{path}: no such file")
    if not path.is_file():
        raise InputError(f"{path}: is not a file")
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise InputError(f"{path}: can't be read: {exc.strerror or exc}") from None
    if not data.strip():
        raise InputError(f"{path}: is empty")
    if data.startswith(b"PK\x03\x04") or path.suffix.lower() in XLSX_SUFFIXES:
        table = _read_xlsx(path, sheet)
    elif data.startswith(b"\xd0\xcf\x11\xe0"):
        raise InputError(f"{path}: is an old Excel .xls file; save it as .xlsx or CSV")
    else:
        if sheet is not None:
            raise InputError(f"{path}: --sheet applies to XLSX files only")
        table = _read_csv(path, data)
    if not any(h.strip() for h in table.header):
        raise InputError(f"{path}: has no header row")
    return table


def _decode(path: Path, data: bytes) -> tuple[str, str]:
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8", errors="strict"), "utf-8-sig"
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return data.decode("utf-16"), "utf-16"
        except UnicodeDecodeError:
            raise InputError(f"{path}: is not valid UTF-16 text") from None
    if b"\x00" in data[:8192]:
        raise InputError(f"{path}: is not a CSV or XLSX file (binary data)")
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    try:
        # What Excel on Windows writes for "CSV (Comma delimited)".
        return data.decode("cp1252"), "cp1252"
    except UnicodeDecodeError as exc:
        raise InputError(
            f"{path}: is neither UTF-8 nor Windows-1252 text (byte {exc.start}); "
            "save it as CSV UTF-8"
        ) from None


def _sniff_delimiter(text: str) -> str:
    """The delimiter that splits the header line most, outside quotes."""
    first = next((line for line in text.splitlines() if line.strip()), "")
    unquoted = re.sub(r'"[^"]*"', "", first)
    counts = {d: unquoted.count(d) for d in (",", ";", "\t", "|")}
    best = max(counts, key=lambda d: counts[d])
    return best if counts[best] else ","


def _read_csv(path: Path, data: bytes) -> Table:
    text, encoding = _decode(path, data)
    delimiter = _sniff_delimiter(text)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    rows: list[tuple[int, list[str]]] = []
    header: list[str] | None = None
    try:
        for number, cells in enumerate(reader, start=1):
            if header is None:
                if any(c.strip() for c in cells):
                    header = cells
                continue
            rows.append((number, cells))
    except csv.Error as exc:
        raise InputError(f"{path}: row {reader.line_num}: not valid CSV: {exc}") from None
    return Table(path, header or [], rows, encoding, delimiter)


def _read_xlsx(path: Path, sheet: str | None) -> Table:
    import pandas as pd

    try:
        frame = pd.read_excel(
            path,
            sheet_name=sheet if sheet is not None else 0,
            header=None,
            dtype=str,
            keep_default_na=False,
            na_filter=False,
            engine="openpyxl",
        )
    except ValueError as exc:
        if sheet is not None and "not found" in str(exc):
            sheets = _sheet_names(path)
            raise InputError(
                f"{path}: no sheet named {sheet!r} (sheets: {', '.join(sheets)})"
            ) from None
        raise InputError(f"{path}: can't be read as XLSX: {exc}") from None
    except Exception as exc:  # openpyxl/zipfile raise many types on a damaged file
        raise InputError(f"{path}: can't be read as XLSX: {exc or type(exc).__name__}") from None
    rows: list[tuple[int, list[str]]] = []
    header: list[str] | None = None
    for index, values in enumerate(frame.itertuples(index=False, name=None)):
        cells = [_xlsx_cell(v) for v in values]
        if header is None:
            if any(c.strip() for c in cells):
                header = cells
            continue
        rows.append((index + 1, cells))
    return Table(path, header or [], rows, "xlsx")


def _xlsx_cell(value: Any) -> str:
    text = "" if value is None else str(value)
    # Excel stores whole numbers as floats: 1 arrives as "1.0" (a zip code or priority).
    if text.endswith(".0") and text[:-2].isdigit():
        return text[:-2]
    return text


def _sheet_names(path: Path) -> list[str]:
    from openpyxl import load_workbook

    workbook = load_workbook(path, read_only=True)
    try:
        return list(workbook.sheetnames)
    finally:
        workbook.close()


# --- columns ---------------------------------------------------------------------------


def header_key(text: str) -> str:
    """A header as compared: case, accents, spacing and punctuation aside."""
    return _NOT_ALNUM.sub("", _fold(text))


def _fold(text: str) -> str:
    return unicodedata.normalize("NFKD", text.casefold()).encode("ascii", "ignore").decode()


def extra_key(text: str) -> str:
    """An unknown column's name as a merge field: an ASCII snake_case identifier."""
    # Accents folded ("Activité" -> "activite") so templates can be typed on any keyboard.
    key = _NOT_ALNUM.sub("_", _fold(text)).strip("_")
    if not key:
        return "column"
    return f"column_{key}" if key[0].isdigit() else key


def _map_target(target: str) -> str:
    return target.strip().lower().replace(" ", "_").replace("-", "_")


def map_item_problem(item: str) -> str | None:
    """What is wrong with one ``--map "Their Column=field"`` value, or None when it is fine."""
    column, sep, target = item.partition("=")
    target = _map_target(target)
    if not sep or not column.strip() or not target:
        return 'write it as "Their Column=field"'
    if target not in FIELDS:
        return f"unknown field {target!r}; use one of: {', '.join(FIELDS)}"
    return None


def parse_mapping(items: Iterable[str]) -> dict[str, str]:
    """``--map "Their Column=field"`` options as {header key: field}."""
    mapping: dict[str, str] = {}
    for item in items:
        problem = map_item_problem(item)
        if problem is not None:
            raise InputError(f"--map {item!r}: {problem}")
        column, _, target = item.partition("=")
        mapping[header_key(column)] = _map_target(target)
    return mapping


# A merge field must not shadow a prospect's own field (a "Status" column is not its status).
_RESERVED = {f.name for f in dataclasses.fields(Prospect)} | {"identity", "name", "salutation"}
_ALIAS_FIELD = {alias: name for name, aliases in ALIASES.items() for alias in aliases}


def match_columns(path: Path, header: Sequence[str], mapping: Mapping[str, str]) -> Columns:
    """Which column fills which field; InputError naming the file if a required one is missing.

    The ``reason`` column a rejects file ends with is not read: a corrected rejects file
    imports like the list it came from.
    """
    keys = [header_key(h) for h in header]
    if header and re.fullmatch(REJECT_REASON, header[-1]) and keys[-1] not in mapping:
        keys[-1] = ""
        header = [*header[:-1], ""]
    for wanted in mapping:
        if wanted not in keys:
            raise InputError(
                f"{path}: --map names a column the file does not have ({wanted!r}; "
                f"columns: {', '.join(h for h in header if h.strip())})"
            )
    # --map first, so the user's choice wins over an alias elsewhere in the header.
    fields: dict[str, int] = {}
    for index, key in enumerate(keys):
        if key in mapping and mapping[key] not in fields:
            fields[mapping[key]] = index
    extra: dict[str, int] = {}
    for index, key in enumerate(keys):
        target = _ALIAS_FIELD.get(key)
        if index in fields.values():
            continue
        if target is not None and target not in fields and key not in mapping:
            fields[target] = index
        elif key or header[index].strip():
            name = extra_key(header[index])
            while name in extra or name in _RESERVED:
                name += "_2"
            extra[name] = index
    missing = []
    if "company" not in fields:
        missing.append("company (Company, Employer, Organization)")
    if "contact" not in fields and "last_name" not in fields:
        missing.append("hiring-authority name (Hiring Manager, Contact, Name, or First/Last Name)")
    has_address = "street" in fields and "city" in fields
    if "email" not in fields and not has_address:
        missing.append("email or postal address (Email, or Address + City + Zip/State)")
    if missing:
        raise InputError(
            f"{path}: no column for {'; '.join(missing)}; "
            f"found: {', '.join(h for h in header if h.strip()) or 'none'} "
            f'(use --map "Their Column=field")'
        )
    return Columns(fields, extra)


# --- rows ------------------------------------------------------------------------------


def clean(text: str) -> str:
    """Spaces collapsed and trimmed."""
    return " ".join(text.split())


@lru_cache(maxsize=1)
def _name_words() -> frozenset[str]:
    from nameparser.config import CONSTANTS as C

    words: set[str] = set()
    for name in (
        "titles", "suffix_acronyms", "suffix_not_acronyms", "prefixes", "conjunctions",
        "bound_first_names", "first_name_titles", "non_first_name_prefixes",
    ):  # fmt: skip
        words.update(str(w).lower() for w in getattr(C, name, ()))
    return frozenset(words)


def _spellings(*words: str) -> set[str]:
    # nameparser compares case-blind; "ı".upper().lower() is "i", a roman-numeral suffix.
    return {form for w in words for form in (w.lower(), w.casefold(), w.upper().lower())}


@lru_cache(maxsize=1)
def _special_word() -> re.Pattern[str]:
    """Words nameparser treats by rule: initials, roman numerals, patronymics."""
    from nameparser.config import CONSTANTS as C

    rules: list[Any] = [
        C.regexes.east_slavic_patronymic,
        C.regexes.east_slavic_patronymic_cyrillic,
        C.regexes.turkic_patronymic_marker,
        C.regexes.turkic_patronymic_marker_cyrillic,
    ]
    return re.compile("|".join(f"(?:{r.pattern})" for r in rules), re.IGNORECASE)


def _plain_word(word: str) -> bool:
    return (
        len(word) > 1
        and not re.fullmatch(r"[ivxlcdm]+", word.upper().lower())
        and not _special_word().search(word)
    )


def parse_name(text: str) -> dict[str, str]:
    """Honorific, first, middle, last and suffix of a person's name (nameparser)."""
    simple = _SIMPLE_NAME.match(text)
    # "First Last" (or "Dr. First Last") with neither name a title, suffix or particle
    # is what most rows hold; nameparser gives the same answer ~100x slower, so it
    # handles everything else. A property test holds the two to agreement.
    if (
        simple
        and _plain_word(simple[2])
        and _plain_word(simple[3])
        and not _spellings(simple[2], simple[3]) & _name_words()
    ):
        return {
            "honorific": f"{simple[1]}." if simple[1] else "",
            "first_name": simple[2],
            "middle_name": "",
            "last_name": simple[3],
            "suffix": "",
        }
    from nameparser import HumanName

    parsed = HumanName(text)
    return {
        "honorific": parsed.title,
        "first_name": parsed.first,
        "middle_name": parsed.middle,
        "last_name": parsed.last,
        "suffix": parsed.suffix,
    }


def _cased(name: str) -> str:
    """A name typed all in capitals or all in lower case, as it is written in a letter."""
    letters = [c for c in name if c.isalpha()]
    if len(letters) < 2 or not (name.isupper() or name.islower()):
        return name
    from nameparser import HumanName

    parsed = HumanName(name)
    parsed.capitalize(force=True)
    return str(parsed) or name


def _written_out(contact: str, parts: Mapping[str, str]) -> str:
    """``O'Brien, Sean`` (a list's "Last, First") as a letter writes it: ``Sean O'Brien``."""
    head = contact.split(",", 1)[0].strip()
    if "," not in contact or not parts["first_name"] or head != parts["last_name"]:
        return contact
    name = " ".join(
        p for p in (parts["honorific"], parts["first_name"], parts["middle_name"], head) if p
    )
    return f"{name}, {parts['suffix']}" if parts["suffix"] else name


US = ("", "US", "USA", "UNITED STATES")


def us_zip(text: str, country: str) -> str:
    """A US ZIP code with the leading zeros a spreadsheet dropped (2134 -> 02134).

    Excel keeps zip codes as numbers, so 02134 arrives as 2134 (and 02134-1234 as
    21341234); other countries' postal codes are left as they are.
    """
    if country.strip().upper() not in US:
        return text
    if re.fullmatch(r"\d{3,4}", text):
        return text.zfill(5)
    if re.fullmatch(r"\d{7,9}", text):
        digits = text.zfill(9)
        return f"{digits[:5]}-{digits[5:]}"
    return text


def check_email(text: str) -> tuple[str, str]:
    """(normalised email, "") if valid, else ("", why not); syntax only, no network."""
    from email_validator import EmailNotValidError, validate_email

    try:
        # test_environment admits fictional *.test addresses (samples, rehearsals);
        # no deliverability check means no DNS lookups.
        valid = validate_email(text, check_deliverability=False, test_environment=True)
    except EmailNotValidError as exc:
        return "", str(exc)
    # Lower-cased whole: mailboxes are case-blind in practice, and a re-typed capital
    # must not count as a change or a new prospect.
    return valid.normalized.lower(), ""


def format_phone(text: str, region: str) -> str:
    """A phone number as people write it in ``region``; the original if it won't parse."""
    import phonenumbers

    try:
        number = phonenumbers.parse(text, region or None)
    except phonenumbers.NumberParseException:
        return text
    # Checking the home region first is the cheap common case: finding the region of a
    # +1 number otherwise means trying every country that shares the code.
    if region and phonenumbers.is_valid_number_for_region(number, region):
        return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.NATIONAL)
    if phonenumbers.is_valid_number(number):
        return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.INTERNATIONAL)
    return text


def parse_priority(text: str) -> int | None:
    """A priority cell as a whole number >= 1 (blank: None); ValueError if it isn't one."""
    if not text:
        return None
    word = PRIORITY_WORDS.get(text.lower())
    if word is not None:
        return word
    number = float(text)  # ValueError for words; "1.0" from Excel is 1
    if not number.is_integer() or number < 1:
        raise ValueError(text)
    return int(number)


@dataclass
class Checked:
    """One row's verdict: the record for the store, or why it was rejected."""

    record: dict[str, Any] | None
    reason: str = ""
    warning: str = ""


def check_row(
    cells: Sequence[str], header: Sequence[str], columns: Columns, region: str
) -> Checked:
    """Turn one row's cells into a prospect record, or say why it can't be imported."""
    if len(cells) > len(header) and any(c.strip() for c in cells[len(header) :]):
        return Checked(None, f"{len(cells)} cells but the header has {len(header)} columns")
    # One search over the whole row (a space can't be a control character), then find
    # the culprit only when there is one: most rows are clean.
    if _CONTROL.search(" ".join(cells)):
        index = next(i for i, text in enumerate(cells) if _CONTROL.search(text))
        where = header[index] if index < len(header) else f"column {index + 1}"
        return Checked(None, f"line break or control character in {where!r}")

    def cell(name: str) -> str:
        index = columns.fields.get(name)
        return clean(cells[index]) if index is not None and index < len(cells) else ""

    values: dict[str, Any] = {name: cell(name) for name in columns.fields}
    company = values.get("company", "")
    if not company:
        return Checked(None, "no company")

    contact = values.get("contact", "")
    if not contact:
        contact = clean(" ".join(values.get(p, "") for p in NAME_PARTS))
    if not contact:
        return Checked(None, "no hiring-authority name")
    if header_key(contact) in NOT_A_PERSON:
        return Checked(None, f"hiring authority {contact!r} is not a person: name who can hire you")
    contact = _cased(contact)
    parts = parse_name(contact)
    for part in NAME_PARTS:
        if values.get(part):
            parts[part] = values[part]
    values.update(parts)
    values["contact"] = _written_out(contact, parts)

    warning = ""
    has_address = bool(
        values.get("street") and values.get("city")
        and (values.get("postal_code") or values.get("region"))
    )  # fmt: skip
    raw_email = values.get("email", "")
    if raw_email:
        email, why = check_email(raw_email)
        if not email and not has_address:
            return Checked(None, f"invalid email {raw_email!r} ({why}) and no postal address")
        if not email:
            warning = f"invalid email {raw_email!r} ({why}); imported for a printed letter"
        values["email"] = email
    if not values.get("email") and not has_address:
        lacking = [n.replace("_", " ") for n in ("street", "city") if not values.get(n)]
        if not values.get("postal_code") and not values.get("region"):
            lacking.append("zip or state")
        return Checked(
            None,
            f"no way to reach them: no email, and the postal address lacks {', '.join(lacking)}",
        )

    if "priority" in values:
        try:
            values["priority"] = parse_priority(values["priority"])
        except ValueError:
            name = header[columns.fields["priority"]]
            return Checked(
                None,
                f"{name!r} is {values['priority']!r}, not a whole number >= 1 "
                "(1 = best) or high/medium/low",
            )
    if values.get("postal_code"):
        values["postal_code"] = us_zip(values["postal_code"], values.get("country") or region)
    if values.get("phone"):
        country = values.get("country", "")
        values["phone"] = format_phone(
            values["phone"], country.upper() if len(country) == 2 else region
        )
    values["extra"] = {
        name: clean(cells[index]) if index < len(cells) else ""
        for name, index in columns.extra.items()
    }
    values["identity"] = (
        values["email"]
        if values.get("email")
        else person_key(company, contact, values["first_name"], values["last_name"])
    )
    return Checked(values, warning=warning)


# --- the import ------------------------------------------------------------------------


def import_file(
    store: Store | Callable[[], Store],
    path: Path,
    *,
    today: date,
    output_dir: Path,
    source_name: str | None = None,
    sheet: str | None = None,
    mapping: Iterable[str] = (),
    region: str = "US",
    track: Callable[[Sequence[Any]], Iterable[Any]] = identity_track,
    referred_by: int | None = None,
) -> ImportReport:
    """Import the prospect list at ``path``: new prospects added, known ones updated.

    Rows that can't be imported are reported and written, whole plus a ``reason``
    column, to a new rejects CSV under ``output_dir``; the rest go into the store in one
    transaction. A file that can't be read or lacks a required column raises
    InputError before anything changes: ``store`` may be a function that opens it,
    so a bad file does not even create the database. ``referred_by`` (a contact id)
    marks the prospects new in this import as that contact's referrals.
    """
    wanted = parse_mapping(mapping)
    table = read_table(path, sheet)
    columns = match_columns(path, table.header, wanted)
    report = ImportReport(path=path, encoding=table.encoding, source=source_name or str(path))

    records: list[dict[str, Any]] = []
    seen: dict[str, int] = {}  # identity key -> first row that used it in this file
    for number, cells in track(table.rows):
        if not any(c.strip() for c in cells):
            continue  # a blank line or an empty spreadsheet row: nothing to report
        checked = check_row(cells, table.header, columns, region)
        if checked.record is None:
            report.rejects.append(Reject(number, checked.reason, list(cells)))
            continue
        record = checked.record
        keys = [
            person_key(
                record["company"], record["contact"], record["first_name"], record["last_name"]
            )
        ]
        if record.get("email"):
            keys.insert(0, record["email"].lower())
        first = next((seen[k] for k in keys if k in seen), None)
        if first is not None:
            report.rejects.append(Reject(number, f"the same prospect as row {first}", list(cells)))
            continue
        for key in keys:
            seen[key] = number
        if checked.warning:
            report.warnings.append(RowWarning(number, checked.warning))
        record["source_row"] = number
        records.append(record)

    if report.rejects:
        report.rejects_file = write_rejects(output_dir, path, today, table.header, report.rejects)
    try:
        opened = store() if callable(store) else store
        result = opened.upsert_prospects(records, report.source, today, referred_by)
    except BaseException:
        if report.rejects_file is not None:
            report.rejects_file.unlink(missing_ok=True)
        raise
    report.new = len(result.new)
    report.updated = result.updated
    report.unchanged = result.unchanged
    return report


def write_rejects(
    output_dir: Path, source: Path, today: date, header: Sequence[str], rejects: Sequence[Reject]
) -> Path:
    """Write the rejected rows, unchanged plus a reason, to a new CSV; never overwrite."""
    from campaign.documents.files import new_file

    reason = "reason"  # matches REJECT_REASON: a corrected file imports without it
    while reason in header:
        reason = f"import_{reason}"
    width = max([len(header), *(len(r.cells) for r in rejects)])
    stem = re.sub(r"[^\w.-]+", "-", source.stem).strip("-") or "list"
    target = new_file(output_dir, f"rejects-{stem}-{today.isoformat()}", ".csv")
    try:
        with target.open("w", encoding="utf-8-sig", newline="") as handle:
            writer = csv.writer(handle)
            writer.writerow([*header, *[""] * (width - len(header)), reason])
            for reject in rejects:
                cells = reject.cells + [""] * (width - len(reject.cells))
                writer.writerow([*cells, f"row {reject.row}: {reject.reason}"])
    except OSError as exc:
        raise InputError(f"{output_dir}: can't write the rejects file: {exc}") from None
    return target
