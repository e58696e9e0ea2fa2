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


# A title that says the person screens candidates rather than hires them (any language a
# list is likely to be in): the campaign writes to the person with the power to hire.
_HR_TITLE = re.compile(
    r"\b(?:hr|human resources?|recruit\w*|talent|people (?:partner|operations)|staffing"
    r"|personnel|personal(?:leiter|abteilung)?|rh|ressources humaines|recursos humanos"
    r"|risorse umane|kadr\w*|hiring coordinator|sourc(?:er|ing))\b",
    re.IGNORECASE,
)


@lru_cache(maxsize=16384)
def hr_flag(contact: str, title: str) -> str:
    """Why a prospect looks like HR or recruiting rather than a hiring authority, or "".

    ``Human Resources`` as the name, or a title such as HR Manager, Talent Acquisition
    Partner, Recruiter, Responsable RH, Leiter Personal. Such prospects are kept (the user
    may know better) but flagged at import and in ``campaign status``.
    """
    if is_department(contact):
        return f"{contact!r} is a department, not a person"
    folded = fold(title)
    if title and _HR_TITLE.search(folded):
        return f"{title!r} sounds like HR or recruiting, not the person who hires"
    return ""


# -- honorifics ---------------------------------------------------------------------------

# Written with a full stop in US usage: "Dr. Okafor".
ABBREVIATED_HONORIFICS = ("Mr", "Mrs", "Ms", "Mx", "Dr", "Prof")
# Go with the first name: "Dear Sir Elton:", "Dear Dame Judi:".
FIRST_NAME_HONORIFICS = ("Sir", "Dame")
# Ranks and offices, as a list writes them -> as a salutation speaks them ("Dear Captain
# Landry:"). A compound rank is spoken as its last word, as US usage has it: a Lt. Col.
# is "Colonel", a Maj. Gen. "General".
RANKS: dict[str, str] = {
    "capt": "Captain", "captain": "Captain", "cpt": "Captain",
    "gen": "General", "general": "General",
    "col": "Colonel", "colonel": "Colonel",
    "lt": "Lieutenant", "lieutenant": "Lieutenant",
    "maj": "Major", "major": "Major",
    "sgt": "Sergeant", "sergeant": "Sergeant",
    "adm": "Admiral", "admiral": "Admiral",
    "cmdr": "Commander", "cdr": "Commander", "commander": "Commander",
    "prof": "Professor", "professor": "Professor",
    "rev": "Reverend", "reverend": "Reverend",
    "fr": "Father", "father": "Father",
    "rabbi": "Rabbi", "judge": "Judge", "justice": "Justice",
    "gov": "Governor", "governor": "Governor",
    "sen": "Senator", "senator": "Senator",
    "rep": "Representative", "mayor": "Mayor", "ambassador": "Ambassador",
    "cpl": "Corporal",
    "corporal": "Corporal",
    "ens": "Ensign",
    "ensign": "Ensign",
    "pastor": "Pastor",
    "representative": "Representative",
    "sheriff": "Sheriff",
    "chief": "Chief",
    "det": "Detective",
    "detective": "Detective",
    "officer": "Officer",
}  # fmt: skip
# "The Honorable" goes on the envelope only; the salutation uses the name.
HONORABLE = frozenset({"hon", "honorable", "thehonorable", "thehon"})
COURTESY = frozenset({"mr", "mrs", "ms", "mx", "miss", "mme", "mlle", "herr", "frau"})
HONORIFICS = (
    frozenset(
        h.lower() for h in (*ABBREVIATED_HONORIFICS, "Miss", "Mme", "Mlle", *FIRST_NAME_HONORIFICS)
    )
    | frozenset(RANKS)
    | HONORABLE
)
# Retired officers keep their rank: "Gen. (Ret.) Ann Lee" is still "Dear General Lee:".
_RETIRED = re.compile(r"\s*[(,]?\s*\b(?:ret(?:ired)?)\b\.?\s*\)?", re.IGNORECASE)


def honorific_word(text: str) -> str:
    """An honorific as the sets hold it: ``Dr.`` -> ``dr``, ``Gen. (Ret.)`` -> ``gen``."""
    words = _RETIRED.sub("", text).replace(".", " ").split()
    return words[-1].lower() if words else ""


def written_honorific(text: str) -> str:
    """``Dr`` -> ``Dr.``: an abbreviated honorific with its full stop, others as given."""
    honorific = " ".join(text.split())
    abbreviated = {h.lower() for h in ABBREVIATED_HONORIFICS} | {
        "capt", "gen", "col", "lt", "maj", "sgt", "adm", "cmdr", "rev", "hon", "fr", "gov", "sen",
    }  # fmt: skip
    if honorific and not honorific.endswith((".", ")")) and honorific.lower() in abbreviated:
        honorific += "."
    return honorific


def spoken_honorific(honorific: str) -> str:
    """How a salutation says an honorific: ``Capt.`` -> ``Captain``, ``Dr.`` -> ``Dr.``.

    Courtesy titles and ``Dr.`` keep their written form; ranks and offices are spelled
    out; "The Honorable" is not spoken at all (the salutation uses the name).
    """
    word = honorific_word(honorific)
    if (
        not word
        or word in HONORABLE
        or honorific.replace(".", "").replace(" ", "").lower() in HONORABLE
    ):
        return ""
    if word in RANKS:
        return RANKS[word]
    return written_honorific(_RETIRED.sub("", honorific).strip())


def is_honorific(text: str) -> bool:
    """Whether ``text`` (``Dr.``, ``Capt.``, ``Gen. (Ret.)``, ``Lt. Col.``) is an honorific."""
    words = _RETIRED.sub("", text).replace(".", " ").split()
    return bool(words) and all(w.lower() in HONORIFICS for w in words)


# Post-nominals: degrees and credentials written after a name ("Amelia Hartley, PhD").
# A doctorate makes the salutation "Dr."; it is never written beside "Dr." on the address.
DOCTORATES = frozenset(
    {"phd", "md", "dds", "dmd", "do", "edd", "dvm", "pharmd", "dphil", "psyd", "dsc", "dba"}
)
# Generational suffixes belong to the name itself ("Marcus Webb Jr.").
GENERATIONAL = frozenset({"jr", "sr", "ii", "iii", "iv", "v"})


def _suffix_words(suffix: str) -> list[str]:
    return [w.strip() for w in re.split(r"[,\s]+", suffix) if w.strip()]


def _suffix_key(word: str) -> str:
    return word.replace(".", "").lower()


def addressee(
    honorific: str, first: str, middle: str, last: str, suffix: str, fallback: str = ""
) -> str:
    """The name line of an inside address or envelope, in US business style.

    ``Dr. Amelia Hartley`` (not "Dr. Amelia Hartley PhD"), ``Amelia Hartley, PhD``,
    ``Capt. Marie Landry``, ``Gen. (Ret.) Ann Lee``, ``Mr. Marcus T. Webb Jr.``,
    ``Jane Doe, CPA`` (a courtesy title is not written together with credentials),
    ``The Honorable Ann Lee``. ``fallback`` (the name as listed) when no part is known.
    """
    name = " ".join(p for p in (first, middle, last) if p.strip())
    if not name:
        return fallback.strip()
    words = _suffix_words(suffix)
    generational = [w for w in words if _suffix_key(w) in GENERATIONAL]
    credentials = [w for w in words if _suffix_key(w) not in GENERATIONAL]
    written = written_honorific(honorific)
    word = honorific_word(written)
    if word == "dr":
        credentials = [w for w in credentials if _suffix_key(w) not in DOCTORATES]
    if credentials and word in COURTESY:
        written = ""
    if written.replace(".", "").replace(" ", "").lower() in HONORABLE:
        written = "The Honorable"
    line = " ".join(p for p in (written, name, *generational) if p)
    return f"{line}, {', '.join(credentials)}" if credentials else line


def greeting(
    honorific: str, first: str, last: str, middle: str = "", suffix: str = "", fallback: str = ""
) -> str:
    """Who a salutation names: ``Captain Landry``, ``Dr. Hartley``, ``Sir Elton``, ``Jordan Lee``.

    Ranks and offices are spelled out (``Capt.`` -> ``Captain``); a doctorate among the
    post-nominals makes it ``Dr.``; credentials never appear. Without an honorific, the
    full name (an initial keeps the middle name with it: "J. Robert Smith").
    """
    spoken = spoken_honorific(honorific)
    first, last = first.strip(), last.strip()
    if not spoken and any(_suffix_key(w) in DOCTORATES for w in _suffix_words(suffix)):
        spoken = "Dr."
    if honorific_word(spoken) in {h.lower() for h in FIRST_NAME_HONORIFICS} and first:
        return f"{spoken} {first}"  # Sir Elton, Dame Judi
    if spoken and last:
        return f"{spoken} {last}"
    middle = middle.strip() if re.fullmatch(r"\w\.?", first) else ""
    name = " ".join(p for p in (first, middle, last) if p)
    return name or fallback.strip()


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


_ROMAN = re.compile(r"[ivxlcdm]+")


def _plain_word(word: str) -> bool:
    return (
        len(word) > 1
        and not _ROMAN.fullmatch(word.upper().lower())
        and not _special_word().search(word)
    )


# Words that are ranks or offices but also first names.
# nameparser reads these well itself (its fast path agrees with it).
_LEAD_RANKS = frozenset(RANKS) - {"prof", "professor"}
_FIRST_NAMES_TOO = frozenset({"justice", "major", "sen", "rep", "father", "judge", "general"})
_RETIRED_WORD = re.compile(r"\(?(?:ret(?:ired)?)\.?\)?", re.IGNORECASE)


def _leading_rank(text: str) -> tuple[str, str]:
    """``Gen. (Ret.) Ann Lee`` -> (``Gen. (Ret.)``, ``Ann Lee``); ("", text) without a rank.

    Only ranks and offices (and "The Honorable") are taken here: nameparser reads courtesy
    titles well, but splits "Lt. Col." and takes "(Ret.)" for a nickname.
    """
    words = text.split()
    taken: list[str] = []
    for word in words:
        key = word.replace(".", "").lower()
        if key in _FIRST_NAMES_TOO and not word.endswith("."):
            break  # "Justice Smith", "Major Lee": a name, unless abbreviated
        if key in _LEAD_RANKS or key in HONORABLE or (key == "the" and not taken):
            taken.append(word)
        elif taken and _RETIRED_WORD.fullmatch(word):
            taken.append("(Ret.)")
        elif taken and key in HONORIFICS:
            taken.append(word)
        else:
            break
    if not taken or taken == ["The"] or len(taken) == len(words):
        return "", text
    honorific = " ".join(written_honorific(w) if w != "(Ret.)" else w for w in taken)
    if honorific.replace(".", "").replace(" ", "").lower() in HONORABLE:
        honorific = "Hon."
    return honorific, " ".join(words[len(taken) :])


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
    honorific, rest = _leading_rank(text)
    if honorific:
        parts = parse_name(rest) if rest else dict.fromkeys(NAME_PARTS, "")
        return {**parts, "honorific": honorific}
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
    if not (name.isupper() or name.islower()) or sum(c.isalpha() for c in name) < 2:
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
    """``Dear Ms. Baptiste:``, ``Dear Captain Landry:``, or ``Dear Jordan Lee:`` without one."""
    who = greeting(
        prospect.honorific,
        prospect.first_name,
        prospect.last_name,
        prospect.middle_name,
        prospect.suffix,
        fallback=prospect.contact,
    )
    return f"Dear {who}:"


def prospect_addressee(prospect: Prospect) -> str:
    """The prospect's name as the inside address and envelope write it (``addressee``).

    Written from the name's parts when they are the listed name's (import parses them
    from it); a name whose parts say something else is written as listed.
    """
    listed = prospect.contact.strip()
    folded = listed.casefold()
    first, last = prospect.first_name.strip(), prospect.last_name.strip()
    lead = listed.split(maxsplit=1)[0] if listed else ""
    if not (
        first
        and last
        and first.casefold() in folded
        and last.casefold() in folded
        and (prospect.honorific.strip() or not is_honorific(lead))
    ):
        return listed
    return addressee(
        prospect.honorific,
        prospect.first_name,
        prospect.middle_name,
        prospect.last_name,
        prospect.suffix,
        fallback=prospect.contact,
    )


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
    honorific, words = split_rank(words)  # "Captain Ray Landry", "Gen. Mark Sullivan"
    if not honorific and len(words) > 1 and honorific_word(words[0]) in HONORIFICS:
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


# An address whose every part is plain ASCII dot-atom text is valid by RFC 5321 when it
# also fits the length limits and its top-level domain is a name; email-validator says
# the same thing about 100x slower. A property test holds the two to agreement.
_ATOM = r"[a-z0-9!#$%&'*+/=?^_`{|}~-]+"
_LABEL = r"[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?"
_PLAIN_EMAIL = re.compile(rf"{_ATOM}(?:\.{_ATOM})*@(?:{_LABEL}\.)+[a-z]{{2,63}}")
# Domains email-validator refuses even without DNS (RFC 6761 special use), less "test".
_SPECIAL_USE = ("arpa", "invalid", "local", "localhost", "onion", "home.arpa", "internal")


def _plain_email(text: str) -> str | None:
    email = text.lower()
    if (
        len(email) > 254
        or not _PLAIN_EMAIL.fullmatch(email)
        or len(email.partition("@")[0]) > 64
        or email.endswith(tuple(f".{d}" for d in _SPECIAL_USE))
        or email.rpartition(".")[2] in ("local", "localhost", "invalid", "onion", "arpa")
        # "ab--cd": reserved for IDNA A-labels ("xn--"), which email-validator checks.
        or "--" in email.partition("@")[2]
    ):
        return None
    return email


@lru_cache(maxsize=65536)
def check_email(text: str) -> tuple[str, str]:
    """(the address as it is sent, "") if valid, else ("", why not); syntax only, no network.

    The form kept and sent is ASCII: an international domain (``bob@bücher.de``) becomes
    its A-label (``bob@xn--bcher-kva.de``), which every mail server accepts. A non-ASCII
    name before the ``@`` (``jürgen@...``) would need SMTPUTF8, which the send run does
    not use, so such an address is refused here, at import, rather than failing mid-wave;
    ``shown_email`` gives the domain back in its own script for display. Lower-cased whole:
    mailboxes are case-blind in practice, and a re-typed capital must not count as a
    change or a new prospect. Cached per distinct value (a list repeats them).
    """
    fast = _plain_email(text) if text.isascii() else None
    if fast is not None:
        return fast, ""
    from email_validator import EmailNotValidError, validate_email

    try:
        # test_environment admits fictional *.test addresses (samples, rehearsals);
        # no deliverability check means no DNS lookups.
        valid = validate_email(text, check_deliverability=False, test_environment=True)
    except EmailNotValidError as exc:
        return "", str(exc)
    if valid.ascii_email is None:
        return "", (
            "the part before the @ is not plain ASCII, which needs SMTPUTF8; "
            "ask for an ASCII address"
        )
    return valid.ascii_email.lower(), ""


def shown_email(email: str) -> str:
    """An address as a person reads it: an A-label domain back in its own script."""
    local, at, domain = email.rpartition("@")
    if not at or "xn--" not in domain:
        return email
    try:
        return f"{local}@{domain.encode('ascii').decode('idna')}"
    except UnicodeError:
        return email


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


@lru_cache(maxsize=65536)
def format_phone(text: str, region: str = "US", origin: str = "") -> str:
    """A phone number as people write it in ``region``: ``(217) 555-0100``, ``+33 1 23 45 67 89``.

    A number of ``region`` (the caller's home) in its national form, any other valid one
    in the international form; ``origin`` (the number's own country, when known) reads a
    number typed without its country code. A number with an extension, or one that does
    not parse as a real number, keeps every digit the user wrote (spaces tidied). Cached
    per distinct value (a list repeats them).
    """
    tidy = " ".join(text.split())
    if not tidy or _EXTENSION.search(tidy):
        return tidy
    import phonenumbers

    try:
        number = phonenumbers.parse(
            tidy, (origin or region or None) if not tidy.startswith("+") else None
        )
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


_APOSTROPHES = str.maketrans({"’": "'", "‘": "'", "`": "'", "´": "'", "ʼ": "'"})
# Legal forms a list may or may not write after a company's name ("Acme Corp, Inc.").
_LEGAL_FORM = re.compile(
    r"(?:[\s,]+(?:inc|incorporated|llc|l\.l\.c|ltd|limited|plc|gmbh|ag|s\.?a|sarl|s\.?l"
    r"|b\.?v|n\.?v|sp\.? z o\.? ?o|oy|ab|pty|as|asa|aps|kg|se|s\.?p\.?a|s\.?r\.?l)\.?)+$",
    re.IGNORECASE,
)


@lru_cache(maxsize=65536)
def company_key(company: str) -> str:
    """A company as identity compares it: case, spacing and a trailing legal form aside."""
    return name_key(_LEGAL_FORM.sub("", company.translate(_APOSTROPHES)))


def person_key(company: str, contact: str, first_name: str = "", last_name: str = "") -> str:
    """Company and person as identity compares them: case, spacing and honorifics aside.

    Apostrophes are one (``O'Brien`` is ``O’Brien``), and a legal form after the company
    does not make another company (``Acme Corp, Inc.`` is ``Acme Corp``).
    """
    person = f"{first_name} {last_name}" if first_name and last_name else contact
    return f"{company_key(company)}|{name_key(person.translate(_APOSTROPHES))}"


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


# -- ranks and greetings at a meeting ----------------------------------------------------
# Kept apart from the letters' honorifics (``salutation``): a meeting's people are
# greeted by rank as said aloud ("Gen." is "General"), and in one style for all of them.

# Two-word ranks, said as the rank a letter's greeting uses: "Dear Colonel Smith,".
DOUBLE_RANKS: dict[tuple[str, str], str] = {
    ("lt", "col"): "Colonel", ("lieutenant", "colonel"): "Colonel",
    ("lt", "gen"): "General", ("lieutenant", "general"): "General",
    ("maj", "gen"): "General", ("major", "general"): "General",
    ("brig", "gen"): "General", ("brigadier", "general"): "General",
    ("lt", "cmdr"): "Lieutenant Commander", ("lt", "cdr"): "Lieutenant Commander",
    ("vice", "adm"): "Admiral", ("vice", "admiral"): "Admiral",
    ("rear", "adm"): "Admiral", ("rear", "admiral"): "Admiral",
    ("first", "lt"): "Lieutenant", ("1st", "lt"): "Lieutenant",
    ("2nd", "lt"): "Lieutenant", ("second", "lt"): "Lieutenant",
}  # fmt: skip


def split_rank(words: list[str]) -> tuple[str, list[str]]:
    """A leading rank and the name after it: ``["Gen.", "Mark", "Sullivan"]`` -> ("Gen.", ...).

    ("", words) when the name starts with no rank (or the rank is all there is).
    """
    if len(words) > 2 and (honorific_word(words[0]), honorific_word(words[1])) in DOUBLE_RANKS:
        return f"{words[0]} {words[1]}", words[2:]
    if len(words) > 1 and honorific_word(words[0]) in RANKS:
        return words[0], words[1:]
    return "", words


def spoken_rank(honorific: str) -> str:
    """A rank as a greeting says it (``Gen.`` -> ``General``); "" if it is no rank."""
    words = [honorific_word(w) for w in honorific.split()]
    if len(words) == 2:
        return DOUBLE_RANKS.get((words[0], words[1]), "")
    return RANKS.get(words[0], "") if len(words) == 1 else ""


def meeting_salutations(people: list[Person]) -> list[str]:
    """How each person met is greeted (``Dear ___,``), in one style for the whole meeting.

    When anyone met has an honorific or rank, everyone is greeted formally: ``Ms.
    Broussard``, ``Captain Landry``, ``General Sullivan``, ``Sir Elton``, and the full
    name of someone given none (``Marcus Chen``); otherwise first names (``Marcus``):
    the notes of one meeting are compared, and "Dear Ms. Broussard," next to "Dear
    Marcus," reads as a slight.
    """
    formal = any(p.honorific for p in people)
    return [_greeting(p, formal) for p in people]


def _greeting(person: Person, formal: bool) -> str:
    honorific = person.honorific.strip()
    rank = spoken_rank(honorific)
    if rank and person.last_name:
        return f"{rank} {person.last_name}"
    if honorific_word(honorific) in {h.lower() for h in FIRST_NAME_HONORIFICS}:
        return f"{written_honorific(honorific)} {person.first_name or person.last_name}"
    if honorific and person.last_name:
        return f"{written_honorific(honorific)} {person.last_name}"
    if formal:
        return person.name
    return person.first_name or person.name
