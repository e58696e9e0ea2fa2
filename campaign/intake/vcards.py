"""vCard files (Apple Contacts, Thunderbird, Nextcloud, Google; 3.0 and 4.0) as rows.

Each card becomes one row under a fixed header that the column aliases read like any
list's (``VCARD_HEADER``). Parsing is vobject's (unfolding, escapes, parameters); the
choices are ours:

* the work address (``TYPE=WORK``), else the preferred one (``type=pref``, ``PREF=1``),
  else the first; its street lines and extended address are the two street lines, and
  Apple's ``itemN.X-ABADR`` (the address's country code) fills an empty country;
* the preferred email and phone the same way (``tel:`` URIs are read as numbers);
* ``ORG`` is the company, its second part the department; ``N`` gives the name's parts;
* Apple's assistant (``itemN.X-ABRELATEDNAMES`` labelled ``_$!<Assistant>!$_``) is the
  gatekeeper.

A card vobject can't parse is one rejected row (with its line), not a failed file.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

VCARD_HEADER = [
    "Prefix", "First Name", "Middle Name", "Last Name", "Suffix", "Full Name", "Company",
    "Department", "Title", "Email", "Phone", "Street", "Street 2", "City", "Region",
    "Postal Code", "Country", "Gatekeeper", "Notes",
]  # fmt: skip
_BEGIN = re.compile(r"^BEGIN:VCARD\s*$", re.IGNORECASE | re.MULTILINE)


Card = tuple[int, list[str]]  # (the line its BEGIN:VCARD is on, cells under VCARD_HEADER)


def read_vcards(text: str) -> tuple[list[Card], list[tuple[int, str, list[str]]]]:
    """Every card as a row under ``VCARD_HEADER`` (first, as line 0), and the cards that
    can't be read as (line, reason, text)."""
    import vobject

    records: list[Card] = [(0, list(VCARD_HEADER))]
    bad: list[tuple[int, str, list[str]]] = []
    starts = [m.start() for m in _BEGIN.finditer(text)]
    for number, start in enumerate(starts):
        end = starts[number + 1] if number + 1 < len(starts) else len(text)
        chunk = text[start:end]
        line = text.count("\n", 0, start) + 1
        try:
            card = vobject.readOne(chunk)
            records.append((line, _row(card)))
        except Exception as exc:  # vobject raises ParseError and others on a damaged card
            reason = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
            bad.append((line, f"not a valid vCard: {reason}", [chunk.strip()[:2000]]))
    return records, bad


def _types(prop: Any) -> set[str]:
    found: set[str] = set()
    for value in prop.params.get("TYPE", []):
        found.update(v.strip().strip('"').lower() for v in str(value).split(","))
    if prop.params.get("PREF"):
        found.add("pref")
    return found


def _pick(props: Iterable[Any], labels: dict[str, str]) -> Any | None:
    """The work one, else the preferred one, else the first; never one labelled Recruiting."""
    usable = [p for p in props if "recruit" not in labels.get(p.group or "", "").lower()]
    for wanted in ("work", "pref"):
        for prop in usable:
            if wanted in _types(prop):
                return prop
    return usable[0] if usable else None


def _text(value: Any) -> str:
    if isinstance(value, list | tuple):
        return " ".join(str(v) for v in value if str(v).strip())
    return str(value or "")


def _row(card: Any) -> list[str]:
    contents = card.contents
    labels = {p.group: str(p.value) for p in contents.get("x-ablabel", []) if p.group}
    values = dict.fromkeys(VCARD_HEADER, "")
    for prop in contents.get("n", [])[:1]:
        name = prop.value
        values["Prefix"] = _text(name.prefix)
        values["First Name"] = _text(name.given)
        values["Middle Name"] = _text(name.additional)
        values["Last Name"] = _text(name.family)
        values["Suffix"] = _text(name.suffix)
    if "fn" in contents:
        values["Full Name"] = _text(contents["fn"][0].value)
    if "org" in contents:
        org = contents["org"][0].value
        parts = org if isinstance(org, list) else [org]
        values["Company"] = str(parts[0]) if parts else ""
        values["Department"] = " / ".join(str(p) for p in parts[1:] if str(p).strip())
    if "title" in contents:
        values["Title"] = _text(contents["title"][0].value)
    email = _pick(contents.get("email", []), labels)
    if email is not None:
        values["Email"] = _text(email.value)
    phone = _pick(contents.get("tel", []), labels)
    if phone is not None:
        values["Phone"] = re.sub(r"^tel:", "", _text(phone.value)).replace("-", " ")
    address = _pick(contents.get("adr", []), labels)
    if address is not None:
        adr = address.value
        streets = [line for line in _text(adr.street).split("\n") if line.strip()]
        extended = _text(adr.extended).strip()
        values["Street"] = streets[0] if streets else extended
        rest = [*streets[1:], *([extended] if extended and streets else [])]
        values["Street 2"] = ", ".join(rest)
        values["City"] = _text(adr.city)
        values["Region"] = _text(adr.region)
        values["Postal Code"] = _text(adr.code)
        values["Country"] = _text(adr.country)
        if not values["Country"].strip() and address.group:
            codes = [p for p in contents.get("x-abadr", []) if p.group == address.group]
            values["Country"] = _text(codes[0].value).upper() if codes else ""
    for prop in contents.get("x-abrelatednames", []):
        if "assistant" in labels.get(prop.group or "", "").lower():
            values["Gatekeeper"] = _text(prop.value)
    if "note" in contents:
        values["Notes"] = _text(contents["note"][0].value)
    return [values[h] for h in VCARD_HEADER]
