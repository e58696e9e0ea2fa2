"""The letters' email policy reuses parsed headers and gives the default policy's bytes."""

from __future__ import annotations

import re
from datetime import date
from email.message import EmailMessage
from email.policy import default
from pathlib import Path

import pytest

from campaign.config import Sender
from campaign.documents import email as letters_email
from campaign.documents.mailpolicy import REUSED_HEADERS
from campaign.mailer import message_bytes
from campaign.models import Channel, Prospect, Rendered

SENDER = Sender(
    name="Zoë Łódź-Ødegaard",
    street="12 Elm Street",
    city="Springfield",
    region="IL",
    postal_code="62701",
    phone="+1 217 555 0100",
    email="zoe@example.com",
)
NAMES = ["Ms. Dana Manager", "Dr. José Núñez-Þórsson", 'Ann "Nan" O\'Neil, PhD', "李小龍"]


def _letters() -> list[Rendered]:
    return [
        Rendered(
            prospect=Prospect(n, f"Company {n} & Sons", NAMES[n % 4], email=f"p{n}@e{n}.example"),
            letter="marketing",
            subject=("Twenty minutes for Company {n}? " * (1 + n % 5)).format(n=n).strip(),
            paragraphs=(),
            body_text=f"Dear {NAMES[n % 4]},\n\n" + "I admire your work – truly. " * 30,
            body_html=f"<p>Dear {NAMES[n % 4]},</p><p>" + "I admire your work. " * 30 + "</p>",
            date_line="",
            sender_lines=(),
            recipient_lines=(),
            signature="",
            channel=Channel.EMAIL,
            call_date=None,
        )
        for n in range(1, 13)
    ]


def _boundaryless(data: bytes) -> bytes:
    # Multipart boundaries and a Message-ID's random part differ per message, whatever the
    # policy.
    data = re.sub(rb"(Message-ID: <[\w.-]+\.)[0-9a-f]{24}@", rb"\1RANDOM@", data)
    return re.sub(rb"={15}\d+==", b"BOUNDARY", data)


@pytest.mark.parametrize("linesep", ["\r\n", "\n"])
def test_reused_headers_write_the_default_policys_bytes(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, linesep: str
) -> None:
    resume = tmp_path / "résumé.pdf"
    resume.write_bytes(b"%PDF-1.4 a resume")

    def messages() -> list[bytes]:
        out = []
        for rendered in _letters() * 2:  # every header again: the second round is reused
            message = letters_email.email_message(rendered, SENDER, date(2026, 11, 16), [resume])
            message["Bcc"] = "archive@example.com"
            out.append(
                message_bytes(message)
                if linesep == "\r\n"
                else message.as_bytes(policy=message.policy.clone(linesep=linesep))
            )
        return out

    reused = messages()
    monkeypatch.setattr(letters_email, "REUSED_HEADERS", default)
    assert [_boundaryless(m) for m in messages()] == [_boundaryless(m) for m in reused]


def test_a_header_set_again_is_the_object_parsed_the_first_time() -> None:
    first, second = EmailMessage(policy=REUSED_HEADERS), EmailMessage(policy=REUSED_HEADERS)
    for message in (first, second):
        message["Subject"] = "Twenty minutes?"
        message["To"] = "Ana Ruiz <ana@example.com>"
    assert first["Subject"] is second["Subject"]
    assert first["To"].addresses[0].domain == "example.com"
    with pytest.raises(ValueError):
        first["Subject"] = "two\nlines"  # still refused, as by the default policy
