"""Checking one row: its cells become a prospect record, or a reason it can't be imported.

Only the columns the import reads are looked at (``Columns.used``): a column it does not
use can never reject a row. A person with no way to reach them yet (no email, no
complete postal address: most LinkedIn connections) is kept; the import gives them a
research task. Someone who looks like HR or recruiting is kept too, and flagged.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from campaign.addresses import country_code, domestic_problems
from campaign.glyphs import unprintable
from campaign.intake.columns import Columns
from campaign.people import (
    GENERATIONAL,
    NAME_PARTS,
    cased,
    check_email,
    format_phone,
    hr_flag,
    identity,
    is_honorific,
    parse_name,
    written_honorific,
    written_out,
)

# Words for priority, as people write them in a spreadsheet (1 = best).
PRIORITY_WORDS = {"high": 1, "medium": 2, "med": 2, "normal": 2, "low": 3}

# A line break or control character inside a one-line field could smuggle a header into
# an email or break a printed letter: such rows are rejected, never cleaned silently.
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]")
_BREAKS = re.compile(r"\r\n|\r|\n|\u2028|\u2029")
_NOT_TEXT = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
# Fields that may span lines: a street's second line goes to street2, notes keep theirs.
MULTILINE = ("street", "street2", "notes")


def clean(text: str) -> str:
    """Spaces collapsed and trimmed."""
    return " ".join(text.split())


def us_zip(text: str, country: str) -> str:
    """A US ZIP code with the leading zeros a spreadsheet dropped (2134 -> 02134).

    Excel keeps zip codes as numbers, so 02134 arrives as 2134 (and 02134-1234 as
    21341234); other countries' postal codes are left as they are.
    """
    if not (text.isascii() and text.isdigit()) or country_code(country) not in ("", "US"):
        return text
    if 3 <= len(text) <= 4:
        return text.zfill(5)
    if 7 <= len(text) <= 9:
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
    warnings: list[str] = field(default_factory=list)
    flag: str = ""  # why the person looks like HR or recruiting, if they do
    who: tuple[str, str] = ("", "")  # (company, contact) as the row gives them

    @property
    def warning(self) -> str:
        """The first warning, or ""."""
        return self.warnings[0] if self.warnings else ""


def extract(cells: Sequence[str], columns: Columns) -> dict[str, str]:
    """The raw text of each field in ``cells``: fallback columns, the address group chosen."""
    n = len(cells)
    values: dict[str, str] = {}
    for name, index in columns.fields.items():
        value = cells[index] if index < n else ""
        if not value.strip():
            for other in columns.fallbacks.get(name, ()):
                if other < n and cells[other].strip():
                    value = cells[other]
                    break
        values[name] = value
    if columns.addresses:
        _choose_address(cells, columns, values)
    if columns.split:
        for name in ("email", "phone"):
            if columns.split in values.get(name, ""):
                values[name] = values[name].split(columns.split)[0]
    return values


def _choose_address(cells: Sequence[str], columns: Columns, values: dict[str, str]) -> None:
    """The first address group with a street or city (a Work-labelled one first), whole."""
    n = len(cells)

    def text(indexes: Sequence[int]) -> list[str]:
        return [cells[i] for i in indexes if i < n and cells[i].strip()]

    order = list(range(len(columns.addresses)))
    labels = columns.labels

    def is_work(k: int) -> bool:
        label = labels[k] if k < len(labels) else None
        return label is not None and label < n and "work" in cells[label].lower()

    order.sort(key=lambda k: not is_work(k))
    for k in order:
        group = columns.addresses[k]
        if text(group.get("street", ())) or text(group.get("city", ())):
            for name, indexes in group.items():
                found = text(indexes)
                values[name] = ", ".join(found) if name == "street2" else (found or [""])[0]
            return
    for name in ("street", "street2", "city", "region", "postal_code", "country"):
        values.setdefault(name, "")


# Emoji and pictographs (with their joiners and variation selectors): never part of a name.
_SYMBOLS = re.compile(
    "[\U0001f000-\U0001faff\u2600-\u27bf\u2b00-\u2bff\u2300-\u23ff\ufe0f\u200d\u20e3]"
)


def _symbols_out(text: str) -> str:
    """Emoji and pictographs dropped: "Chen 🌱" is "Chen" on a letter."""
    return text if text.isascii() else _SYMBOLS.sub("", text)


_NICKNAME = re.compile(r"\s*[(\"“][^)\"”]*[)\"”]\s*")


def _name_parts(values: dict[str, str], warnings: list[str]) -> dict[str, str]:
    """The name's parts from the columns that hold them, tidied as lists type them."""
    parts = {p: values.get(p, "") for p in NAME_PARTS}
    for p, text in parts.items():
        if text and not text.isascii():
            parts[p] = clean(_symbols_out(text))
    first = _NICKNAME.sub(" ", parts["first_name"]).strip()  # "Chloé (Clo)": a nickname
    words = first.split()
    while len(words) > 1 and is_honorific(words[0]):  # LinkedIn's "Dr. Katrin"
        parts["honorific"] = parts["honorific"] or written_honorific(words.pop(0))
    parts["first_name"] = " ".join(words)
    last = parts["last_name"].split()
    if len(last) > 1 and last[-1].replace(".", "").lower() in GENERATIONAL:
        parts["suffix"] = parts["suffix"] or last.pop()  # Salesforce's "Webb Jr."
    parts["last_name"] = " ".join(last)
    if parts["honorific"]:
        parts["honorific"] = written_honorific(parts["honorific"])
    return parts


def check_row(
    cells: Sequence[str], header: Sequence[str], columns: Columns, region: str
) -> Checked:
    """Turn one row's cells into a prospect record, or say why it can't be imported."""
    if len(cells) > len(header) and any(c.strip() for c in cells[len(header) :]):
        return Checked(None, f"{len(cells)} cells but the header has {len(header)} columns")
    raw = extract(cells, columns)
    who = (clean(raw.get("company", "")), clean(raw.get("contact", "")) or clean(
        " ".join(raw.get(p, "") for p in ("first_name", "last_name"))
    ))  # fmt: skip
    # One search over the used cells (a space can't be a control character), then find
    # the culprit only when there is one: most rows are clean.
    joined = " ".join(raw.values())
    if _CONTROL.search(joined):
        problem = _control_problem(raw, header, columns)
        if problem:
            return Checked(None, problem, who=who)
    values: dict[str, Any] = {}
    for name, text in raw.items():
        values[name] = _BREAKS.sub("\n", text).strip() if name in MULTILINE else clean(text)
    _street_lines(values)
    warnings: list[str] = []
    return _check_values(values, cells, header, columns, region, warnings, who)


def _control_problem(raw: Mapping[str, str], header: Sequence[str], columns: Columns) -> str:
    for name, text in raw.items():
        bad = _NOT_TEXT if name in MULTILINE else _CONTROL
        if bad.search(text):
            index = columns.fields.get(name)
            where = header[index] if index is not None and index < len(header) else name
            return f"line break or control character in {where!r}"
    return ""


def _street_lines(values: dict[str, Any]) -> None:
    """``55 Harvard Ave\\nSuite 300`` in one street cell is two street lines."""
    street = str(values.get("street", ""))
    if "\n" in street:
        lines = [clean(line) for line in street.split("\n") if line.strip()]
        values["street"] = lines[0] if lines else ""
        more = [*lines[1:], *([values["street2"]] if values.get("street2") else [])]
        values["street2"] = ", ".join(more)
    if "\n" in str(values.get("street2", "")):
        values["street2"] = ", ".join(
            clean(line) for line in str(values["street2"]).split("\n") if line.strip()
        )


def _check_values(
    values: dict[str, Any],
    cells: Sequence[str],
    header: Sequence[str],
    columns: Columns,
    region: str,
    warnings: list[str],
    who: tuple[str, str],
) -> Checked:
    company = values.get("company", "")
    if not company:
        return Checked(None, "no company", who=who)
    parts = _name_parts(values, warnings)
    contact = values.get("contact", "")
    if not contact.isascii():
        contact = clean(_symbols_out(contact))
    if not contact:
        contact = clean(" ".join(parts[p] for p in NAME_PARTS[:4]))
    if not contact:
        return Checked(None, "no hiring-authority name", who=who)
    contact = cased(contact)
    parsed = parse_name(contact)
    for part in NAME_PARTS:
        if parts.get(part):
            parsed[part] = parts[part]
    values.update(parsed)
    values["contact"] = written_out(contact, parsed)
    if "?" in contact or "?" in company:
        warnings.append(
            f"'?' in {contact if '?' in contact else company!r}: characters the export's "
            "encoding could not hold were lost; correct the name before writing"
        )
    if values.get("gatekeeper"):
        values["gatekeeper"] = clean(_symbols_out(values["gatekeeper"]))

    has_address = bool(
        values.get("street") and values.get("city")
        and (values.get("postal_code") or values.get("region"))
    )  # fmt: skip
    raw_email = values.get("email", "")
    if raw_email:
        email, why = check_email(raw_email)
        if not email:
            ending = (
                "imported for a printed letter"
                if has_address
                else "kept without it: it needs an address or email"
            )
            warnings.append(f"invalid email {raw_email!r} ({why}); {ending}")
        values["email"] = email

    if "priority" in values:
        try:
            values["priority"] = parse_priority(values["priority"])
        except ValueError:
            name = header[columns.fields["priority"]]
            return Checked(
                None,
                f"{name!r} is {values['priority']!r}, not a whole number >= 1 "
                "(1 = best) or high/medium/low",
                who=who,
            )
    if values.get("postal_code"):
        values["postal_code"] = us_zip(values["postal_code"], values.get("country") or region)
    if has_address and not str(values.get("country", "")).strip():
        problems = domestic_problems(
            str(values.get("city", "")),
            str(values.get("region", "")),
            str(values.get("postal_code", "")),
            region,
        )
        if problems:
            warnings.append(
                f"no country, and not a valid {region} address ({', '.join(problems)}): "
                "give the country, or the letter goes as domestic mail"
            )
    if values.get("phone"):
        values["phone"] = format_phone(
            values["phone"], region, country_code(str(values.get("country", "")))
        )
    if columns.extra:
        extra = {}
        for name, index in columns.extra.items():
            text = clean(cells[index]) if index < len(cells) else ""
            if _NOT_TEXT.search(text):
                return Checked(None, f"control character in {header[index]!r}", who=who)
            extra[name] = text
        values["extra"] = extra
    else:
        values["extra"] = {}
    printed = ("contact", "company", "street", "street2", "city")
    if not "".join(str(values.get(n, "")) for n in printed).isascii():
        for name in printed:
            missing = unprintable(str(values.get(name, "")))
            if missing:
                warnings.append(
                    f"{name.replace('_', ' ')} {values[name]!r} is in a script the PDF letter "
                    f"font cannot print ({missing}): DOCX and email keep it; a PDF is refused"
                )
    values["identity"] = identity(values)
    flag = hr_flag(values["contact"], str(values.get("title", "")))
    return Checked(values, warnings=warnings, flag=flag, who=(company, values["contact"]))
