"""People as letters and calls need them: names, honorifics, emails, phones, and who is who.

One home for every rule about a person, used by import, letters, meetings, contacts,
referrals and the call sheet alike:

* names: ``parse_name`` (nameparser, with a fast path for "First Last"), names typed in
  capitals or as "Last, First" written as a letter writes them, the honorific sets;
* the salutation of a letter (``salutation``) and a person met at a meeting
  (``parse_person``);
* an email checked (``check_email``) and a phone written as people write it at home
  (``format_phone``), the one display rule for phones;
* identity: ``person_key`` and ``identity_keys`` (the same prospect across files and
  re-imports), ``same_contact`` (one networking contact per person), and
  ``is_hiring_authority`` (the prospect's own contact met at a meeting).

Heavy libraries (nameparser, email-validator, phonenumbers) are imported where used.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Mapping
from functools import lru_cache
from typing import Any

from campaign.errors import InputError, arg
from campaign.models import Person, Prospect

# -- words -----------------------------------------------------------------------------

_NOT_ALNUM = re.compile(r"[^0-9a-z]+")


def fold(text: str) -> str:
    """``text`` lower-cased with accents dropped: ``Téléphone`` -> ``telephone``."""
    return unicodedata.normalize("NFKD", text.casefold()).encode("ascii", "ignore").decode()


def word_key(text: str) -> str:
    """``text`` as compared: case, accents, spacing and punctuation aside."""
    return _NOT_ALNUM.sub("", fold(text))


def name_key(text: str) -> str:
    """A name or company as identity compares it: case and spacing aside."""
    return " ".join(text.split()).casefold()


# Not a person: a letter must reach someone with the power to hire, not a department.
DEPARTMENTS = frozenset({
    "hr", "humanresources", "humanresourcesdepartment", "hrdepartment", "hrmanager",
    "recruiting", "recruitment", "recruiter", "recruiters", "talentacquisition",
    "personnel", "hiringmanager", "hiringteam", "tosomeone", "towhomitmayconcern",
    "careers", "jobs", "staffing",
})  # fmt: skip


def is_department(name: str) -> bool:
    """Whether ``name`` is a department or a placeholder ("HR", "Hiring Manager"), not a person."""
    return word_key(name) in DEPARTMENTS


# -- honorifics ---------------------------------------------------------------------------

# Written with a full stop in US usage: "Dr. Okafor".
ABBREVIATED_HONORIFICS = ("Mr", "Mrs", "Ms", "Mx", "Dr", "Prof")
# Go with the first name: "Dear Sir Elton:", "Dear Dame Judi:".
FIRST_NAME_HONORIFICS = ("Sir", "Dame")
HONORIFICS = frozenset(h.lower() for h in (*ABBREVIATED_HONORIFICS, "Miss", *FIRST_NAME_HONORIFICS))


def honorific_word(text: str) -> str:
    """An honorific as the sets hold it: ``Dr.`` -> ``dr``."""
    return text.strip().rstrip(".").lower()


def written_honorific(text: str) -> str:
    """``Dr`` -> ``Dr.``: an abbreviated honorific with its full stop, others as given."""
    honorific = text.strip()
    abbreviated = {h.lower() for h in ABBREVIATED_HONORIFICS}
    if honorific and not honorific.endswith(".") and honorific.lower() in abbreviated:
        honorific += "."
    return honorific


# -- names --------------------------------------------------------------------------------

_SIMPLE_NAME = re.compile(
    rf"^(?:({'|'.join(ABBREVIATED_HONORIFICS)})\. )?([^\W\d_][\w'’-]*) ([^\W\d_][\w'’-]*)$"
)
NAME_PARTS = ("honorific", "first_name", "middle_name", "last_name", "suffix")


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


def cased(name: str) -> str:
    """A name typed all in capitals or all in lower case, as it is written in a letter."""
    letters = [c for c in name if c.isalpha()]
    if len(letters) < 2 or not (name.isupper() or name.islower()):
        return name
    from nameparser import HumanName

    parsed = HumanName(name)
    parsed.capitalize(force=True)
    return str(parsed) or name


def written_out(contact: str, parts: Mapping[str, str]) -> str:
    """``O'Brien, Sean`` (a list's "Last, First") as a letter writes it: ``Sean O'Brien``."""
    head = contact.split(",", 1)[0].strip()
    if "," not in contact or not parts["first_name"] or head != parts["last_name"]:
        return contact
    name = " ".join(
        p for p in (parts["honorific"], parts["first_name"], parts["middle_name"], head) if p
    )
    return f"{name}, {parts['suffix']}" if parts["suffix"] else name


def salutation(prospect: Prospect) -> str:
    """``Dear Ms. Baptiste:``, ``Dear Dr. Okafor:``, or ``Dear Jordan Lee:`` without honorific."""
    honorific = written_honorific(prospect.honorific)
    first, last = prospect.first_name.strip(), prospect.last_name.strip()
    if honorific_word(honorific) in {h.lower() for h in FIRST_NAME_HONORIFICS} and first:
        return f"Dear {honorific} {first}:"  # Sir Elton, Dame Judi
    if honorific and last:
        return f"Dear {honorific} {last}:"
    # An initial alone reads oddly ("Dear J. Smith:"): keep the middle one with it.
    middle = prospect.middle_name.strip() if re.fullmatch(r"\w\.?", first) else ""
    name = " ".join(p for p in (first, middle, last) if p)
    return f"Dear {name or prospect.contact.strip()}:"


def one_line(text: str) -> str:
    """Line breaks and runs of spaces closed up: a value typed for a subject or a card."""
    return " ".join(text.split())


def parse_person(text: str) -> Person:
    """``"Ms. Ana Ruiz, VP Sales"`` -> Person(name="Ana Ruiz", honorific="Ms.", title=...).

    InputError (naming the ``people`` argument) when no name is left.
    """
    flat = one_line(text)
    named, _, title = flat.partition(",")
    words = named.split()
    honorific = ""
    if len(words) > 1 and honorific_word(words[0]) in HONORIFICS:
        honorific, words = words[0], words[1:]
    if not words:
        raise InputError(f'{arg("people")} {text!r}: give a name, e.g. "Ms. Ana Ruiz, VP Sales"')
    return Person(
        name=" ".join(words),
        honorific=honorific,
        first_name=words[0] if len(words) > 1 else "",
        last_name=words[-1],
        title=title.strip(),
    )


# -- emails and phones ----------------------------------------------------------------------


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


def ascii_domain(domain: str) -> str | None:
    """A domain as DNS and SMTP know it: ``bücher.de`` -> ``xn--bcher-kva.de`` (None: not one)."""
    if domain.isascii():
        return domain.lower()
    import idna

    try:
        return str(idna.encode(domain, uts46=True).decode("ascii"))
    except (idna.IDNAError, UnicodeError, ValueError):
        return None


def mailbox(email: str) -> str:
    """The mailbox an address reaches, for "already sent there": lower-cased, the domain as
    its A-label (``Ana@Bücher.de`` and ``ana@xn--bcher-kva.de`` are one mailbox)."""
    text = email.strip().lower()
    local, at, domain = text.rpartition("@")
    if not at:
        return text
    return f"{local}@{ascii_domain(domain) or domain}"


_EXTENSION = re.compile(r"(?:\bext\b|\bx\s*\d|#\s*\d)", re.IGNORECASE)


def format_phone(text: str, region: str = "US") -> str:
    """A phone number as people write it in ``region``: ``(217) 555-0100``, ``+33 1 23 45 67 89``.

    A number of ``region`` in its national form, any other valid one in the international
    form; a number with an extension, or one that does not parse as a real number, keeps
    every digit the user wrote (spaces tidied).
    """
    tidy = " ".join(text.split())
    if not tidy or _EXTENSION.search(tidy):
        return tidy
    import phonenumbers

    try:
        number = phonenumbers.parse(tidy, region or None)
    except phonenumbers.NumberParseException:
        return tidy
    # Checking the home region first is the cheap common case: finding the region of a
    # +1 number otherwise means trying every country that shares the code.
    if region and phonenumbers.is_valid_number_for_region(number, region):
        return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.NATIONAL)
    if phonenumbers.is_valid_number(number):
        return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.INTERNATIONAL)
    return tidy


def contact_card(
    email: str, phone: str, region: str, complaint: Callable[[str, str], str]
) -> tuple[str, str]:
    """An email checked and a phone written as import does (a business card, a contact).

    A bad email is an InputError worded by ``complaint(email, why)``.
    """
    if email:
        valid, why = check_email(email)
        if not valid:
            raise InputError(complaint(email, why))
        email = valid
    return email, format_phone(phone, region) if phone else ""


# -- who is who ---------------------------------------------------------------------------------


def person_key(company: str, contact: str, first_name: str = "", last_name: str = "") -> str:
    """Company and person as identity compares them: case, spacing and honorifics aside."""
    person = f"{first_name} {last_name}" if first_name and last_name else contact
    return f"{name_key(company)}|{name_key(person)}"


def record_key(record: Mapping[str, Any]) -> str:
    """``person_key`` of a prospect record (a dict as import makes it, or a stored row)."""
    return person_key(
        record["company"],
        record["contact"],
        record.get("first_name") or "",
        record.get("last_name") or "",
    )


def identity_keys(record: Mapping[str, Any]) -> list[str]:
    """Every key by which ``record`` is a known prospect: its email first, then its person."""
    email = str(record.get("email") or "").lower()
    return [email, record_key(record)] if email else [record_key(record)]


def identity(record: Mapping[str, Any]) -> str:
    """The prospect's identity as stored: the lower-cased email, else company and person."""
    return identity_keys(record)[0]


def same_contact(a: Mapping[str, Any], b: Mapping[str, Any]) -> bool:
    """Two contacts are one person: the same email, or the same name at the same company."""
    if a.get("email") and name_key(str(a["email"])) == name_key(str(b.get("email") or "")):
        return True
    return name_key(str(a["name"])) == name_key(str(b["name"])) and name_key(
        str(a.get("company") or "")
    ) == name_key(str(b.get("company") or ""))


def is_hiring_authority(person: Person, prospect: Prospect) -> bool:
    """Whether someone met is the prospect's own contact (``Dr. Ada Okafor`` is ``Ada Okafor``)."""
    if person.first_name and prospect.first_name and prospect.last_name:
        return (person.first_name.casefold(), person.last_name.casefold()) == (
            prospect.first_name.casefold(),
            prospect.last_name.casefold(),
        )
    contact = parse_person(prospect.contact).name if prospect.contact.strip() else ""
    return person.name.casefold() == contact.casefold()
