"""Which column of a list fills which field: by the usual aliases, or the user's mapping."""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from campaign.errors import InputError, arg
from campaign.models import Prospect
from campaign.people import word_key
from campaign.templating import field_name

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
REJECT_REASON = r"(import_)*reason"  # the last column of a rejects file (write_rejects)


@dataclass(frozen=True)
class Columns:
    """Which column index fills each field; the rest become extra merge fields."""

    fields: dict[str, int]
    extra: dict[str, int]


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
    if target not in FIELDS:
        return f"unknown field {target!r}; use one of: {', '.join(FIELDS)}"
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
                f"{path}: {arg('mapping')} names a column the file does not have ({wanted!r}; "
                f"columns: {', '.join(h for h in header if h.strip())})"
            )
    # The mapping first, so the user's choice wins over an alias elsewhere in the header.
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
            name = field_name(header[index])
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
            f'(use {arg("mapping")} "Their Column=field")'
        )
    return Columns(fields, extra)
