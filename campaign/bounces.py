"""What came back: bounces (delivery reports) and auto-replies, read from a message's bytes.

**Bounces.** ``flufl.bounce`` finds the failed addresses in RFC 3464 reports and in the
common non-standard shapes (Exim, Postfix, qmail, ...). It returns addresses only, counts
``Action: failed`` as permanent even with a 4.x.x status, and misses Microsoft 365 NDRs
without a ``message/delivery-status`` part. So this module reads the rest itself, with the
standard ``email`` package: each recipient's status and diagnostic from the report (or
from the notice's text), the class that decides (5.x.x permanent, 4.x.x temporary), the
Microsoft 365/Exchange wording, and the Message-ID of the message that bounced, wherever
the report keeps it (the attached message or its headers, ``X-Original-Message-ID``, the
bounce's own ``In-Reply-To``/``References``, ``x-ms-exchange-parent-message-id``, or the
copy of the message in a plain-text bounce).

**Auto-replies** (``Auto-Submitted`` other than ``no``, ``X-Autoreply``, ``X-Autorespond``,
``Precedence: auto_reply``, the usual out-of-office subjects) are not replies; the return
date they give ("until Monday, 14 December 2026", "back on the 14th") is read relative to
the day the message was written.
"""

from __future__ import annotations

import calendar
import email
import email.policy
import hashlib
import html
import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from email.message import EmailMessage, Message
from email.utils import getaddresses, parsedate_to_datetime

# An enhanced status code (RFC 3463): class.subject.detail.
STATUS = re.compile(r"(?<![\d.])([245])\.(\d{1,3})\.(\d{1,3})(?![\d.])")
ADDRESS = re.compile(r"[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+")
MESSAGE_ID = re.compile(r"<[^<>\s@]+@[^<>\s]+>")
_ID_LINE = re.compile(r"^\s*Message-I[Dd]:\s*(<[^<>\s]+>)", re.MULTILINE)

# Microsoft 365 / Exchange non-delivery reports without a delivery-status part.
_NDR_WORDING = re.compile(
    r"Your message to (?P<one>\S+@\S+?) couldn't be delivered"
    r"|Delivery has failed to these recipients or groups:(?P<list>.{0,600})",
    re.IGNORECASE | re.DOTALL,
)
_MAIL_SYSTEM = re.compile(
    r"^(mailer-daemon|postmaster|mail delivery|microsoftexchange|mdaemon|bounce)", re.IGNORECASE
)

AUTO_SUBJECT = re.compile(
    r"^\s*(automatic reply|auto(?:matic)?[ -]?(?:reply|response|antwort)|autoreply"
    r"|abwesenheitsnotiz|automatische antwort|r[ée]ponse automatique|respuesta autom[áa]tica"
    r"|odpowied[źz] automatyczna)"
    r"|\b(out of (?:the )?office|away from (?:the )?office|on vacation|on leave"
    r"|on parental leave|abwesend|absence du bureau)\b",
    re.IGNORECASE,
)

MONTHS = {
    name: number
    for number, names in enumerate(
        [
            (),
            ("january", "jan", "januar", "jänner", "janvier"),
            ("february", "feb", "februar", "février", "fevrier", "févr"),
            ("march", "mar", "märz", "maerz", "mars"),
            ("april", "apr", "avril"),
            ("may", "mai"),
            ("june", "jun", "juni", "juin"),
            ("july", "jul", "juli", "juillet"),
            ("august", "aug", "août", "aout"),
            ("september", "sep", "sept", "septembre"),
            ("october", "oct", "oktober", "okt", "octobre"),
            ("november", "nov", "novembre"),
            ("december", "dec", "dezember", "dez", "décembre", "decembre", "déc"),
        ]
    )
    for name in names
}
WEEKDAYS = {
    name: i
    for i, names in enumerate(
        [
            ("monday", "montag", "lundi"),
            ("tuesday", "dienstag", "mardi"),
            ("wednesday", "mittwoch", "mercredi"),
            ("thursday", "donnerstag", "jeudi"),
            ("friday", "freitag", "vendredi"),
            ("saturday", "samstag", "samedi"),
            ("sunday", "sonntag", "dimanche"),
        ]
    )
    for name in names
}
_MONTH = "|".join(sorted((re.escape(m) for m in MONTHS), key=len, reverse=True))
_WEEKDAY = "|".join(sorted(WEEKDAYS, key=len, reverse=True))
_DAY = r"(\d{1,2})(?:st|nd|rd|th|er)?"
# Words after which a date says when the person is back.
_CUE = re.compile(
    r"\b(until|till|'til|through|thru|back|return|returns|returning|reachable again"
    r"|zurück|bis|wieder|retour|jusqu['’]au)\b",
    re.IGNORECASE,
)
_DATES = [
    ("day_month", re.compile(rf"\b{_DAY}\.?\s+(?:of\s+)?({_MONTH})\b\.?,?(?:\s+(\d{{4}}))?", re.I)),
    ("month_day", re.compile(rf"\b({_MONTH})\b\.?\s+{_DAY}\b,?(?:\s+(\d{{4}}))?", re.I)),
    ("iso", re.compile(r"\b(\d{4})-(\d{2})-(\d{2})\b")),
    ("dotted", re.compile(r"\b(\d{1,2})\.(\d{1,2})\.(\d{4}|\d{2})?(?!\d)")),
    ("slashed", re.compile(r"\b(\d{1,2})/(\d{1,2})(?:/(\d{4}|\d{2}))?\b")),
    ("nth", re.compile(rf"\bthe\s+{_DAY}\b", re.I)),
    ("weekday", re.compile(rf"\b({_WEEKDAY})\b", re.I)),
]
CUE_WINDOW = 50  # characters after a cue word in which its date must start
HORIZON = timedelta(days=366)  # a return date later than this is not a return date
RECENT_PAST = timedelta(days=60)  # "4 January" written in December is next year's


@dataclass(frozen=True)
class Failure:
    """One recipient a delivery report is about."""

    address: str  # lower case
    status: str  # the enhanced status code ("5.1.1"), "" when the report gives none
    permanent: bool  # 5.x.x (or a permanent failure without a code): the address is bad
    diagnostic: str  # the remote server's words, or the report's

    @property
    def reason(self) -> str:
        """``5.1.1 550 5.1.1 <a@b>: User unknown``: the status and the words, once each."""
        words = " ".join(self.diagnostic.split())
        if self.status and self.status not in words:
            return f"{self.status} {words}".strip()
        return words or self.status or ("permanent failure" if self.permanent else "delayed")


@dataclass(frozen=True)
class Bounce:
    """A delivery report: who failed, how, and which message it was."""

    failures: tuple[Failure, ...]
    original_ids: tuple[str, ...]  # the bounced message's Message-ID, most trusted first

    @property
    def permanent(self) -> tuple[Failure, ...]:
        """The recipients whose address is bad (5.x.x)."""
        return tuple(f for f in self.failures if f.permanent)


@dataclass(frozen=True)
class AutoReply:
    """An automatic answer (out of office, an auto-responder), with the return date if any."""

    until: date | None
    why: str  # the header or subject that gave it away


# -- reading a message ----------------------------------------------------------------------


def parse(raw: bytes) -> EmailMessage:
    """The message as the standard library reads it (never raises on odd mail)."""
    message = email.message_from_bytes(raw, policy=email.policy.default)
    assert isinstance(message, EmailMessage)
    return message


def key(message: Message, raw: bytes) -> str:
    """What identifies a message however often it is read: its Message-ID, else its bytes."""
    found = MESSAGE_ID.search(_header(message, "Message-ID"))
    return found.group(0) if found else "sha256:" + hashlib.sha256(raw).hexdigest()


def written(message: Message) -> datetime | None:
    """The message's Date as an aware datetime, None when missing or unreadable."""
    try:
        when = parsedate_to_datetime(_header(message, "Date"))
    except (TypeError, ValueError, IndexError):
        return None
    return when if when.tzinfo is not None else when.replace(tzinfo=UTC)


def sender(message: Message) -> tuple[str, str]:
    """(display name, address in lower case) of the From header."""
    pairs = getaddresses([_header(message, "From")])
    if not pairs:
        return "", ""
    name, address = pairs[0]
    return " ".join(name.split()), address.strip().casefold()


def subject(message: Message) -> str:
    """The Subject on one line."""
    return " ".join(_header(message, "Subject").split())


def thread_ids(message: Message) -> list[str]:
    """The Message-IDs it answers: In-Reply-To, References (newest first), Exchange's parent."""
    found: list[str] = []
    for name in ("In-Reply-To", "References", "X-MS-Exchange-Parent-Message-Id"):
        ids = MESSAGE_ID.findall(_header(message, name))
        found += list(reversed(ids)) if name == "References" else ids
    return list(dict.fromkeys(found))


def is_bulk(message: Message) -> bool:
    """A mailing list or newsletter (List-Id, List-Unsubscribe, Precedence bulk/list/junk)."""
    if message.get("List-Id") or message.get("List-Unsubscribe"):
        return True
    return _header(message, "Precedence").strip().lower() in ("bulk", "list", "junk")


def body_text(message: Message, limit: int = 20_000) -> str:
    """The readable text of the message itself (not of messages attached to it)."""
    parts = list(_text_parts(message))
    plain = [text for kind, text in parts if kind == "plain"]
    chosen = plain or [_strip_html(text) for kind, text in parts if kind == "html"]
    return "\n".join(chosen).replace("\r\n", "\n").replace("\r", "\n")[:limit]


def _text_parts(part: Message) -> Iterator[tuple[str, str]]:
    kind = part.get_content_type()
    if kind.startswith("multipart/"):
        for sub in part.get_payload() or []:
            if isinstance(sub, Message):
                yield from _text_parts(sub)
        return
    if part.get_content_maintype() != "text" or kind in ("text/rfc822-headers",):
        return
    if part.get_content_disposition() == "attachment":
        return
    yield part.get_content_subtype(), _decoded(part)


def _decoded(part: Message) -> str:
    try:
        content = part.get_content()  # type: ignore[attr-defined]
    except (LookupError, ValueError, AssertionError, AttributeError):
        data = part.get_payload(decode=True)
        return data.decode("utf-8", "replace") if isinstance(data, bytes) else ""
    return content if isinstance(content, str) else ""


def _strip_html(text: str) -> str:
    text = re.sub(r"(?is)<(script|style|head).*?</\1>", " ", text)
    text = re.sub(r"(?i)<br\s*/?>|</p>|</div>|</tr>", "\n", text)
    return html.unescape(re.sub(r"<[^>]+>", " ", text))


def _header(message: Message, name: str) -> str:
    try:
        values = message.get_all(name) or []
    except (ValueError, IndexError, AttributeError):  # a malformed header: as if absent
        return ""
    return " ".join(str(v) for v in values)


# -- bounces ---------------------------------------------------------------------------------


def bounce(message: Message) -> Bounce | None:
    """The delivery report this message is, or None when it is not one."""
    report = list(_report_blocks(message))
    failures = [f for f in (_from_block(b) for b in report) if f is not None]
    if not failures and _looks_like_mail_system(message):
        failures = _from_text(message)
    if not failures:
        return None
    return Bounce(tuple(_one_per_address(failures)), tuple(original_ids(message)))


def _looks_like_mail_system(message: Message) -> bool:
    name, address = sender(message)
    return bool(
        message.get_content_type() == "multipart/report"
        or message.get("X-Failed-Recipients")
        or "X-MS-Exchange-Message-Is-Ndr" in message
        or _MAIL_SYSTEM.match(address)
        or _MAIL_SYSTEM.match(name)
    )


def _walk(message: Message) -> Iterator[Message]:
    """Every part, without going into attached messages (their parts are not the report)."""
    yield message
    if message.get_content_type() == "message/rfc822":
        return
    payload = message.get_payload()
    if message.is_multipart() and isinstance(payload, list):
        for part in payload:
            if isinstance(part, Message):
                yield from _walk(part)


def _report_blocks(message: Message) -> Iterator[tuple[Message, Message]]:
    """(per-message fields, per-recipient fields) of each message/delivery-status part."""
    for part in _walk(message):
        if part.get_content_type() != "message/delivery-status":
            continue
        blocks = [b for b in part.get_payload() or [] if isinstance(b, Message)]
        if not blocks:
            continue
        for block in blocks[1:]:
            yield blocks[0], block


def _from_block(pair: tuple[Message, Message]) -> Failure | None:
    _, block = pair
    action = _header(block, "Action").strip().lower()
    if action not in ("failed", "delayed"):
        return None  # delivered, relayed, expanded: not a failure
    address = _typed_address(_header(block, "Final-Recipient")) or _typed_address(
        _header(block, "Original-Recipient")
    )
    if not address:
        return None
    code = STATUS.search(_header(block, "Status"))
    status = ".".join(code.groups()) if code else ""
    diagnostic = _header(block, "Diagnostic-Code").partition(";")[2] or _header(
        block, "Diagnostic-Code"
    )
    # The status class decides: Action failed with 4.x.x gave up on a temporary cause.
    permanent = status.startswith("5") if status else action == "failed"
    return Failure(address, status, permanent, " ".join(diagnostic.split()))


def _typed_address(value: str) -> str:
    # "rfc822; ana@acme.test" (the type may be missing or odd)
    text = value.partition(";")[2] if ";" in value else value
    found = ADDRESS.search(text)
    return found.group(0).strip(".").casefold() if found else ""


def _from_text(message: Message) -> list[Failure]:
    """A bounce without a delivery-status part: Exim, Microsoft 365, older Postfix ..."""
    temporary, permanent = _flufl(message)
    addresses = list(dict.fromkeys([*permanent, *temporary]))
    addresses += [a.casefold() for a in ADDRESS.findall(_header(message, "X-Failed-Recipients"))]
    notice = _notice(message)
    for found in _NDR_WORDING.finditer(notice):
        text = found.group("one") or found.group("list") or ""
        addresses += [a.casefold() for a in ADDRESS.findall(text)]
    addresses = [a for a in dict.fromkeys(addresses) if a]
    failures = []
    for address in addresses:
        status, diagnostic = _status_near(notice, address)
        if status:
            is_permanent = status.startswith("5")
        elif address in permanent or address in temporary:
            is_permanent = address in permanent
        else:
            is_permanent = not re.search(r"\b(delay|delayed|will retry|temporar)", notice, re.I)
        failures.append(Failure(address, status, is_permanent, diagnostic))
    return failures


def _flufl(message: Message) -> tuple[set[str], set[str]]:
    from flufl.bounce import all_failures

    try:
        temporary, permanent = all_failures(message)
    except Exception:  # a detector tripping over odd mail must not stop the inbox
        return set(), set()

    def text(found: frozenset[bytes]) -> set[str]:
        return {a.decode("utf-8", "replace").strip().casefold() for a in found}

    return text(temporary), text(permanent)


def _notice(message: Message) -> str:
    """The human-readable notice: its text, up to the copy of the returned message."""
    text = body_text(message)
    for marker in (
        "This is a copy of the message",
        "Original Message Headers",
        "------ This is a copy",
    ):
        head, found, _ = text.partition(marker)
        if found:
            return head
    return text


_SERVER_WORDS = re.compile(
    r"reported error|remote server returned|status code|diagnostic|smtp error|said:|\b[45]\d\d\b",
    re.IGNORECASE,
)


def _status_near(notice: str, address: str) -> tuple[str, str]:
    """The status code and the server's line about ``address`` in a plain-text notice.

    Of the lines with a status code, the one naming the address or quoting the server
    ("Reported error: 550 5.1.10 ...", "550 5.1.1 <a@b>: User unknown") wins.
    """
    best: tuple[int, int, str, str] | None = None
    lines = [" ".join(line.split()) for line in notice.splitlines()]
    for index, line in enumerate(lines):
        found = STATUS.search(line)
        if not found:
            continue
        score = 2 * (address in line.casefold()) + bool(_SERVER_WORDS.search(line))
        if best is None or score > best[0]:
            best = (score, index, ".".join(found.groups()), line[:300])
    return ("", "") if best is None else (best[2], best[3])


def _one_per_address(failures: list[Failure]) -> Iterator[Failure]:
    seen: set[str] = set()
    for failure in failures:
        if failure.address not in seen:
            seen.add(failure.address)
            yield failure


def original_ids(message: Message) -> list[str]:
    """The Message-ID of the message that bounced, from every place a report may keep it."""
    found: list[str] = []
    for part in _walk(message):
        kind = part.get_content_type()
        if kind == "message/rfc822":
            inner = part.get_payload()
            first = inner[0] if isinstance(inner, list) and inner else None
            if isinstance(first, Message):
                found += MESSAGE_ID.findall(_header(first, "Message-ID"))
        elif kind == "text/rfc822-headers":
            headers = email.message_from_string(_decoded(part), policy=email.policy.compat32)
            found += MESSAGE_ID.findall(_header(headers, "Message-ID"))
        elif kind == "message/delivery-status":
            blocks = [b for b in part.get_payload() or [] if isinstance(b, Message)]
            for block in blocks[:1]:
                found += MESSAGE_ID.findall(_header(block, "X-Original-Message-ID"))
    found += thread_ids(message)
    found += _ID_LINE.findall(body_text(message))
    return list(dict.fromkeys(found))


# -- auto-replies ---------------------------------------------------------------------------


def auto_reply(message: Message, written_on: date) -> AutoReply | None:
    """The automatic answer this message is, with its return date; None for a person's mail."""
    why = _automatic(message)
    if not why:
        return None
    text = f"{subject(message)}\n{body_text(message)}"
    return AutoReply(return_date(text, written_on), why)


def _automatic(message: Message) -> str:
    submitted = _header(message, "Auto-Submitted").strip().lower()
    if submitted and re.split(r"[\s;(]", submitted)[0] != "no":
        return f"Auto-Submitted: {submitted}"
    for name in ("X-Autoreply", "X-Autorespond", "X-Autoresponder"):
        value = _header(message, name).strip().lower()
        if name in message and value != "no":
            return f"{name}: {value}".strip()
    if _header(message, "Precedence").strip().lower() == "auto_reply":
        return "Precedence: auto_reply"
    if AUTO_SUBJECT.search(subject(message)):
        return f"subject {subject(message)!r}"
    return ""


def return_date(text: str, written_on: date) -> date | None:
    """The day someone says they are back ("until 14 December", "back on the 14th"), if any.

    Only a date after a word such as *until*, *back*, *returning* counts, and only one
    from ``written_on`` up to a year later; a date without a year is the next such day.
    """
    for cue in _CUE.finditer(text):
        window = text[cue.end() : cue.end() + CUE_WINDOW + 40]
        found = _first_date(window, written_on)
        if found is not None:
            return found
    return None


def _first_date(window: str, written_on: date) -> date | None:
    matches = []
    for kind, pattern in _DATES:
        for m in pattern.finditer(window):
            if m.start() <= CUE_WINDOW:
                matches.append((m.start(), kind, m))
    matches.sort(key=lambda item: item[0])
    for index, (_, kind, m) in enumerate(matches):
        if kind == "weekday":
            # "Monday, 14 December": the date that follows the weekday says more.
            later = [x for x in matches[index + 1 :] if x[1] != "weekday" and x[0] <= m.end() + 3]
            if later:
                continue
        day = _to_date(kind, m, written_on)
        if day is not None and written_on <= day <= written_on + HORIZON:
            return day
    return None


def _to_date(kind: str, m: re.Match[str], written_on: date) -> date | None:
    try:
        if kind == "day_month":
            return _complete(int(m[1]), MONTHS[m[2].lower()], m[3], written_on)
        if kind == "month_day":
            return _complete(int(m[2]), MONTHS[m[1].lower()], m[3], written_on)
        if kind == "iso":
            return date(int(m[1]), int(m[2]), int(m[3]))
        if kind == "dotted":
            return _complete(int(m[1]), int(m[2]), m[3], written_on)
        if kind == "slashed":
            first, second = int(m[1]), int(m[2])
            month, day = (second, first) if first > 12 else (first, second)  # US: m/d
            return _complete(day, month, m[3], written_on)
        if kind == "nth":
            day = int(m[1])
            year, month = written_on.year, written_on.month
            if day < written_on.day:
                year, month = (year + 1, 1) if month == 12 else (year, month + 1)
            if day > calendar.monthrange(year, month)[1]:
                return None
            return date(year, month, day)
        if kind == "weekday":
            ahead = (WEEKDAYS[m[1].lower()] - written_on.weekday()) % 7 or 7
            return written_on + timedelta(days=ahead)
    except (ValueError, KeyError):
        return None
    return None


def _complete(day: int, month: int, year: str | None, written_on: date) -> date:
    if year:
        number = int(year)
        return date(number + 2000 if number < 100 else number, month, day)
    found = date(written_on.year, month, day)
    if found >= written_on or written_on - found <= RECENT_PAST:
        return found  # a few weeks back is the past (and no return date), not next year
    return date(written_on.year + 1, month, day)
