"""A letter as an email: one recipient, text + HTML, a unique Message-ID, no header injection.

A Message-ID has a random part (``secrets``), so it is unique worldwide and never repeats
across campaigns; the send run keeps it in the ledger, so a retry of the same letter goes
with the id it first went with. The ``Date`` is the moment of sending, set by the run
(``stamp``); a letter previewed by ``campaign merge`` carries mid-morning of its day.
"""

from __future__ import annotations

import hashlib
import mimetypes
import re
import secrets
from collections.abc import Iterator, Sequence
from datetime import UTC, date, datetime, time
from email.headerregistry import Address
from email.message import EmailMessage
from email.utils import format_datetime
from pathlib import Path

from campaign.config import Sender
from campaign.documents.files import atomic_file
from campaign.documents.mailpolicy import REUSED_HEADERS
from campaign.errors import InputError
from campaign.models import Rendered

# A preview's Date (``campaign merge``): the core never reads the clock. A send run
# stamps the moment of sending instead (``stamp``).
DATE_TIME = time(9, 0, tzinfo=UTC)
MAX_REFERENCES = 20  # References names at most this many earlier messages


def one_line(value: str) -> str:
    """Any CR, LF or other control character becomes a space: a value can't add a header."""
    return " ".join(re.sub(r"[\x00-\x1f\x7f\u2028\u2029\x85]", " ", value).split())


def _address(name: str, addr: str, what: str) -> Address:
    addr = one_line(addr)
    if "@" not in addr or " " in addr or "," in addr or ";" in addr:
        raise InputError(f"{what}: {addr!r} is not one email address")
    user, _, domain = addr.rpartition("@")
    try:
        return Address(display_name=one_line(name), username=user, domain=domain)
    except (ValueError, IndexError) as exc:
        raise InputError(f"{what}: {addr!r} is not a usable email address: {exc}") from None


def message_id(letter: str, sender_email: str) -> str:
    """``<letter.RANDOM@domain>``: unique worldwide (a random part), in the sender's domain."""
    domain = sender_email.rpartition("@")[2].strip().lower() or "campaign.invalid"
    domain = re.sub(r"[^a-z0-9.-]", "", domain) or "campaign.invalid"
    safe_letter = re.sub(r"[^A-Za-z0-9_-]", "", letter.replace(":", "-")) or "letter"
    return f"<{safe_letter}.{secrets.token_hex(12)}@{domain}>"


def stamp(
    message: EmailMessage,
    *,
    ident: str | None = None,
    when: datetime | None = None,
    follows: Sequence[str] = (),
) -> EmailMessage:
    """Set what the send run decides: the Message-ID (from the ledger), the moment of
    sending, and the thread (``follows``: the earlier messages, oldest first)."""
    if ident:
        del message["Message-ID"]
        message["Message-ID"] = one_line(ident)
    if when is not None:
        del message["Date"]
        message["Date"] = format_datetime(when)
    earlier = [one_line(i) for i in follows if i][-MAX_REFERENCES:]
    if earlier:
        for name in ("In-Reply-To", "References"):
            del message[name]
        message["In-Reply-To"] = earlier[-1]
        message["References"] = " ".join(earlier)
    return message


def plain_email(
    sender: Sender, to_name: str, to_address: str, subject: str, body: str, what: str
) -> EmailMessage:
    """A short plain-text email (a thank-you) from the sender to one person."""
    message = EmailMessage()
    message["From"] = _address(sender.name, sender.email, "[sender] email")
    message["To"] = _address(to_name, to_address, what)
    message["Subject"] = one_line(subject)
    message["Message-ID"] = message_id("thank_you", sender.email)
    message.set_content(body.replace("\r\n", "\n").rstrip("\n") + "\n")
    return message


def email_message(
    rendered: Rendered, sender: Sender, today: date, attachments: Sequence[Path] = ()
) -> EmailMessage:
    """The email for one rendered letter: From the sender, To exactly the contact."""
    prospect = rendered.prospect
    message = EmailMessage(policy=REUSED_HEADERS)
    message["From"] = _address(sender.name, sender.email, "[sender] email")
    message["To"] = _address(prospect.contact, prospect.email, f"prospect {prospect.id} email")
    message["Subject"] = one_line(rendered.subject)
    message["Date"] = format_datetime(datetime.combine(today, DATE_TIME))
    message["Message-ID"] = message_id(rendered.letter, sender.email)
    message.set_content(rendered.body_text)
    boundaries = _boundaries(rendered)
    message.make_alternative(boundary=next(boundaries))
    message.add_alternative(rendered.body_html, subtype="html")
    if attachments:
        message.make_mixed(boundary=next(boundaries))
    for path in attachments:
        try:
            data = path.read_bytes()
        except OSError as exc:
            raise InputError(f"{path}: can't attach: {exc}") from None
        kind = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
        maintype, _, subtype = kind.partition("/")
        message.add_attachment(data, maintype=maintype, subtype=subtype, filename=path.name)
    return message


def _boundaries(rendered: Rendered) -> Iterator[str]:
    """MIME boundaries from the letter itself, not chance: the same letter, the same bytes."""
    seed = "\0".join((rendered.letter, str(rendered.prospect.id), rendered.body_text))
    token = hashlib.sha256(seed.encode("utf-8", "surrogateescape")).hexdigest()[:20]
    for number in range(10):
        boundary = f"==============={token}{number}=="
        while boundary in rendered.body_text or boundary in rendered.body_html:
            boundary = f"={boundary}="
        yield boundary


def check_addresses(rendered: Rendered, sender: Sender) -> None:
    """InputError now if ``email_message`` would refuse the sender's or the prospect's address."""
    prospect = rendered.prospect
    _address(sender.name, sender.email, "[sender] email")
    _address(prospect.contact, prospect.email, f"prospect {prospect.id} email")


def write_eml(message: EmailMessage, path: Path) -> Path:
    """Save ``message`` as an .eml file any mail client opens; returns the path."""
    with atomic_file(path) as temporary:
        temporary.write_bytes(message.as_bytes())
    return path
