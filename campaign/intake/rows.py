"""Checking one row: its cells become a prospect record, or a reason it can't be imported."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from campaign.intake.columns import Columns
from campaign.people import (
    NAME_PARTS,
    cased,
    check_email,
    format_phone,
    identity,
    is_department,
    parse_name,
    written_out,
)

# Words for priority, as people write them in a spreadsheet (1 = best).
PRIORITY_WORDS = {"high": 1, "medium": 2, "med": 2, "normal": 2, "low": 3}

# A line break or control character inside a field could smuggle a header into an
# email or break a printed letter: such rows are rejected, never cleaned silently.
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]")


def clean(text: str) -> str:
    """Spaces collapsed and trimmed."""
    return " ".join(text.split())


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
    if is_department(contact):
        return Checked(None, f"hiring authority {contact!r} is not a person: name who can hire you")
    contact = cased(contact)
    parts = parse_name(contact)
    for part in NAME_PARTS:
        if values.get(part):
            parts[part] = values[part]
    values.update(parts)
    values["contact"] = written_out(contact, parts)

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
    values["identity"] = identity(values)
    return Checked(values, warning=warning)
