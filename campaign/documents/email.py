"""A letter as an email: one recipient, text + HTML, a stable Message-ID, no header injection."""

from __future__ import annotations

import hashlib
import mimetypes
import re
from collections.abc import Sequence
from datetime import UTC, date, datetime, time
from email.headerregistry import Address
from email.message import EmailMessage
from email.utils import format_datetime
from pathlib import Path

from campaign.config import Sender
from campaign.documents.mailpolicy import REUSED_HEADERS
from campaign.errors import InputError
from campaign.models import Rendered

# The Date header's time of day: the core never reads the clock, and a letter dated
# "today" is stamped mid-morning UTC; a send run that wants the minute can replace it.
DATE_TIME = time(9, 0, tzinfo=UTC)


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


def message_id(prospect_id: int, letter: str, sender_email: str) -> str:
    """``<letter.ID.HASH@domain>``: the same for a resend of the same letter to the same person."""
    domain = sender_email.rpartition("@")[2].strip().lower() or "campaign.invalid"
    domain = re.sub(r"[^a-z0-9.-]", "", domain) or "campaign.invalid"
    key = f"{prospect_id}\0{letter}\0{sender_email.strip().lower()}".encode()
    digest = hashlib.sha256(key).hexdigest()[:16]
    safe_letter = re.sub(r"[^A-Za-z0-9_-]", "", letter) or "letter"
    return f"<{safe_letter}.{prospect_id}.{digest}@{domain}>"


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
    message["Message-ID"] = message_id(prospect.id, rendered.letter, sender.email)
    message.set_content(rendered.body_text)
    message.add_alternative(rendered.body_html, subtype="html")
    for path in attachments:
        try:
            data = path.read_bytes()
        except OSError as exc:
            raise InputError(f"{path}: can't attach: {exc}") from None
        kind = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
        maintype, _, subtype = kind.partition("/")
        message.add_attachment(data, maintype=maintype, subtype=subtype, filename=path.name)
    return message


def write_eml(message: EmailMessage, path: Path) -> Path:
    """Save ``message`` as an .eml file any mail client opens; returns the path."""
    path.write_bytes(message.as_bytes())
    return path
