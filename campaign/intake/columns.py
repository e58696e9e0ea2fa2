"""Which column of a list fills which field: by the usual aliases, or the user's mapping."""

from __future__ import annotations

import dataclasses
import itertools
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from campaign.errors import InputError, arg
from campaign.intake.exports import Export, detect, signature_score
from campaign.models import Prospect
from campaign.people import word_key
from campaign.templating import field_name

# Fields a column can fill, and the header spellings that mean each (compared after
# ``header_key``: lower case, letters and digits only).
ALIASES: dict[str, tuple[str, ...]] = {
    "company": (
        "company", "companyname", "employer", "employername", "organization",
        "organisation", "organizationname", "org", "firm", "business", "account",
        "accountname",
    ),
    "contact": (
        "hiringmanager", "hiringauthority", "hiringmanagername", "contact", "contactname",
        "name", "fullname", "decisionmaker", "person",
    ),
    "honorific": (
        "honorific", "prefix", "nameprefix", "courtesytitle", "salutationtitle", "salutation",
    ),
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
    "gatekeeper": ("gatekeeper", "assistant", "assistantsname", "assistantname", "secretary"),
}  # fmt: skip
FIELDS = tuple(ALIASES)
IGNORE = ("ignore", "skip")  # --map "Column=ignore": the column is not read at all
REJECT_REASON = r"(import_)*reason"  # the last column of a rejects file (write_rejects)


@dataclass(frozen=True)
class Columns:
    """Which column index fills each field; the rest become extra merge fields.

    ``fields`` is the first column for a field; ``fallbacks`` the further columns a known
    export offers for it (the first non-blank wins); ``addresses`` whole groups of address
    columns in order of preference (the first with a street or city is taken whole);
    ``split`` the separator of several values in one cell.
    """

    fields: dict[str, int]
    extra: dict[str, int]
    fallbacks: dict[str, tuple[int, ...]] = dataclasses.field(default_factory=dict)
    addresses: tuple[dict[str, tuple[int, ...]], ...] = ()
    labels: tuple[int | None, ...] = ()
    split: str = ""
    export: Export | None = None

    @property
    def used(self) -> frozenset[int]:
        """Every column the import reads (only these can reject a row)."""
        found = set(self.fields.values()) | set(self.extra.values())
        for more in self.fallbacks.values():
            found.update(more)
        for group in self.addresses:
            for more in group.values():
                found.update(more)
        return frozenset(found)


def header_key(text: str) -> str:
    """A header as compared: case, accents, spacing and punctuation aside."""
    return word_key(text)


def _map_target(target: str) -> str:
    return target.strip().lower().replace(" ", "_").replace("-", "_")


def map_item_problem(item: str) -> str | None:
    """What is wrong with one mapping ``"Their Column=field"``, or None when it is fine."""
    column, sep, target = item.partition("=")
    target = _map_target(target)
    if not sep or not column.strip() or not target:
        return 'write it as "Their Column=field"'
    if target not in FIELDS and target not in IGNORE:
        return f"unknown field {target!r}; use one of: {', '.join(FIELDS)}, or ignore"
    return None


def parse_mapping(items: Iterable[str]) -> dict[str, str]:
    """Mappings ``"Their Column=field"`` as {header key: field}."""
    mapping: dict[str, str] = {}
    for item in items:
        problem = map_item_problem(item)
        if problem is not None:
            raise InputError(f"{arg('mapping')} {item!r}: {problem}")
        column, _, target = item.partition("=")
        mapping[header_key(column)] = _map_target(target)
    return mapping


# A merge field must not shadow a prospect's own field (a "Status" column is not its status).
_RESERVED = {f.name for f in dataclasses.fields(Prospect)} | {"identity", "name", "salutation"}
_ALIAS_FIELD = {alias: name for name, aliases in ALIASES.items() for alias in aliases}


def duplicate_headers(path: Path, header: Sequence[str]) -> None:
    """InputError naming both columns when two have the same name (which one is meant?)."""
    seen: dict[str, int] = {}
    for index, name in enumerate(header):
        key = header_key(name)
        if not key:
            continue
        if key in seen:
            first = seen[key]
            raise InputError(
                f"{path}: columns {first + 1} ({header[first]!r}) and {index + 1} "
                f"({name!r}) have the same name; rename or delete one"
            )
        seen[key] = index


def header_score(cells: Sequence[str], mapping: Mapping[str, str]) -> int:
    """How many fields a row would fill as the header: aliases, the user's map, an export."""
    matched = {_ALIAS_FIELD.get(header_key(c)) for c in cells} - {None}
    matched |= {mapping[header_key(c)] for c in cells if header_key(c) in mapping}
    return max(len(matched), signature_score(cells))


def find_header(
    path: Path,
    records: Sequence[tuple[int, list[str]]],
    mapping: Mapping[str, str],
    header_row: int | None = None,
) -> int:
    """The index in ``records`` of the header row.

    ``header_row`` (the line or row number the user sees) when given; else the first of
    the opening rows that names two fields or more (a preamble such as LinkedIn's
    "Notes:", a title row above a spreadsheet's table, are skipped); else the first row
    that is not blank.
    """
    if header_row is not None:
        for index, (number, _) in enumerate(records):
            if number == header_row:
                return index
            if number > header_row:
                break
        raise InputError(f"{path}: {arg('header_row')} {header_row}: that row is blank or missing")
    filled = (i for i, (_, cells) in enumerate(records) if "".join(cells).strip())
    opening = list(itertools.islice(filled, 30))
    for index in opening:
        if header_score(records[index][1], mapping) >= 2:
            return index
    return opening[0] if opening else 0


def match_columns(
    path: Path, header: Sequence[str], mapping: Mapping[str, str], kind: str = "csv"
) -> Columns:
    """Which column fills which field; InputError naming the file if a required one is missing.

    A known export (``exports.detect``) is read by its own meaning of each column; any
    other list by the aliases. The user's mapping wins over both; ``ignore`` drops a
    column. The ``reason`` column a rejects file ends with is not read: a corrected
    rejects file imports like the list it came from.
    """
    keys = [header_key(h) for h in header]
    if header and re.fullmatch(REJECT_REASON, header[-1]) and keys[-1] not in mapping:
        keys[-1] = ""
        header = [*header[:-1], ""]
    for wanted in mapping:
        if wanted not in keys:
            raise InputError(
                f"{path}: {arg('mapping')} names a column the file does not have ({wanted!r}; "
                f"columns: {', '.join(h for h in header if h.strip())})"
            )
    ignored = {i for i, k in enumerate(keys) if mapping.get(k) in IGNORE}
    export = detect(header, kind)
    if export is not None:
        columns = _export_columns(export, keys, mapping, ignored)
    else:
        columns = _alias_columns(header, keys, mapping, ignored)
    missing = []
    if "company" not in columns.fields:
        missing.append("company (Company, Employer, Organization)")
    if not {"contact", "last_name"} & set(columns.fields):
        missing.append("hiring-authority name (Hiring Manager, Contact, Name, or First/Last Name)")
    if missing:
        raise InputError(
            f"{path}: no column for {'; '.join(missing)}; "
            f"found: {', '.join(h for h in header if h.strip()) or 'none'} "
            f'(use {arg("mapping")} "Their Column=field")'
        )
    return columns


def _alias_columns(
    header: Sequence[str], keys: Sequence[str], mapping: Mapping[str, str], ignored: set[int]
) -> Columns:
    # The mapping first, so the user's choice wins over an alias elsewhere in the header.
    fields: dict[str, int] = {}
    for index, key in enumerate(keys):
        if key in mapping and mapping[key] not in IGNORE and mapping[key] not in fields:
            fields[mapping[key]] = index
    extra: dict[str, int] = {}
    for index, key in enumerate(keys):
        target = _ALIAS_FIELD.get(key)
        if index in fields.values() or index in ignored:
            continue
        if target is not None and target not in fields and key not in mapping:
            fields[target] = index
        elif key or header[index].strip():
            extra[_extra_name(header[index], extra)] = index
    return Columns(fields, extra)


def _extra_name(header: str, taken: Mapping[str, int]) -> str:
    name = field_name(header)
    while name in taken or name in _RESERVED:
        name += "_2"
    return name


def _export_columns(
    export: Export, keys: Sequence[str], mapping: Mapping[str, str], ignored: set[int]
) -> Columns:
    where = {key: i for i, key in reversed(list(enumerate(keys))) if key and i not in ignored}
    mapped = {i for i, k in enumerate(keys) if k in mapping}

    def indexes(names: Sequence[str]) -> tuple[int, ...]:
        found = (where.get(header_key(n)) for n in names)
        return tuple(i for i in found if i is not None and i not in mapped)

    fields: dict[str, int] = {}
    fallbacks: dict[str, tuple[int, ...]] = {}
    for name, columns in export.fields.items():
        found = indexes(columns)
        if found:
            fields[name], fallbacks[name] = found[0], found[1:]
    for index, key in enumerate(keys):
        target = mapping.get(key)
        if target is not None and target not in IGNORE:
            fields[target] = index
            fallbacks.pop(target, None)
    groups = []
    labels: list[int | None] = []
    for number, group in enumerate(export.addresses):
        found_group = {name: indexes(names) for name, names in group.items()}
        if any(found_group.values()):
            groups.append(found_group)
            label = export.labels[number] if number < len(export.labels) else ""
            labels.append(where.get(header_key(label)) if label else None)
    extra: dict[str, int] = {}
    for name in export.keep:
        kept = where.get(header_key(name))
        if kept is not None and kept not in mapped:
            extra[_extra_name(name, extra)] = kept
    return Columns(
        fields,
        extra,
        fallbacks={k: v for k, v in fallbacks.items() if v},
        addresses=tuple(groups),
        labels=tuple(labels),
        split=export.split,
        export=export,
    )
