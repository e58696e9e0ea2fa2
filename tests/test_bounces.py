"""Reading bounces and auto-replies from the real sample messages in tests/data/mail/.

Each sample's expected conclusion is in tests/data/mail/README.md; the gaps flufl.bounce
leaves (no status, Action failed read as permanent, Microsoft 365 NDRs without a
delivery-status part) are tested here with the samples changed the way real mail varies.
"""

from __future__ import annotations

from datetime import date
from email.message import EmailMessage
from pathlib import Path

import pytest

from campaign import bounces

MAIL = Path(__file__).parent / "data" / "mail"


def read(name: str) -> EmailMessage:
    return bounces.parse((MAIL / name).read_bytes())


@pytest.mark.parametrize(
    ("name", "address", "status", "permanent", "original", "words"),
    [
        ("bounce-rfc3464-550.eml", "ana@acme.test", "5.1.1", True,
         "<marketing.12.abc123@pat.example>", "User unknown"),
        ("bounce-gmail.eml", "m.webb@globex.test", "5.1.1", True,
         "<marketing.14.e5f9a0@pat.example>", "User unknown in virtual mailbox table"),
        ("bounce-office365.eml", "j.muller@rhein-soehne.example", "5.1.10", True,
         "<marketing.16.0b8e44@pat.example>", "RESOLVER.ADR.RecipientNotFound"),
        ("bounce-postfix.eml", "hr@wisla-logistyka.example", "5.1.1", True,
         "<marketing.17.9a3f62@pat.example>", "Recipient address rejected"),
        ("bounce-exim.eml", "ana@acme.test", "5.1.1", True,
         "<marketing.12.abc123@pat.example>", "User unknown in local recipient table"),
        ("delay-4xx.eml", "c.dubois@maison-lumiere.example", "4.4.7", False,
         "<marketing.18.4d7b0c@pat.example>", "4.4.7"),
    ],
)  # fmt: skip
def test_each_bounce_shape_gives_address_status_reason_and_the_message_it_returns(
    name: str, address: str, status: str, permanent: bool, original: str, words: str
) -> None:
    found = bounces.bounce(read(name))
    assert found is not None
    (failure,) = found.failures
    assert (failure.address, failure.status, failure.permanent) == (address, status, permanent)
    assert words in failure.reason
    assert found.original_ids[0] == original


@pytest.mark.parametrize(
    "name",
    [
        "reply-in-reply-to.eml",
        "reply-no-headers.eml",
        "reply-colleague.eml",
        "ooo-return-date.eml",
        "ooo-gmail-vacation.eml",
        "autoreply-x-autoreply.eml",
        "newsletter.eml",
    ],
)
def test_no_reply_auto_reply_or_newsletter_is_a_bounce(name: str) -> None:
    assert bounces.bounce(read(name)) is None


def test_an_office365_ndr_without_a_delivery_status_part_is_still_read() -> None:
    # flufl.bounce finds nothing here: the wording and the status code are read instead.
    message = read("bounce-office365.eml")
    parts = message.get_payload()
    assert isinstance(parts, list)
    message.set_payload([p for p in parts if p.get_content_type() != "message/delivery-status"])
    found = bounces.bounce(bounces.parse(message.as_bytes()))
    assert found is not None
    (failure,) = found.failures
    assert (failure.address, failure.status, failure.permanent) == (
        "j.muller@rhein-soehne.example",
        "5.1.10",
        True,
    )
    assert failure.reason == "Status code: 550 5.1.10"
    assert found.original_ids[0] == "<marketing.16.0b8e44@pat.example>"


def test_action_failed_with_a_4xx_status_is_temporary() -> None:
    # The MTA gave up on a temporary cause (a lost connection): the address is not bad.
    raw = (MAIL / "bounce-postfix.eml").read_bytes().replace(b"Status: 5.1.1", b"Status: 4.4.2")
    found = bounces.bounce(bounces.parse(raw))
    assert found is not None and found.failures[0].status == "4.4.2"
    assert found.permanent == ()


def test_an_exim_bounce_without_x_failed_recipients_is_still_read() -> None:
    raw = (
        (MAIL / "bounce-exim.eml")
        .read_bytes()
        .replace(b"X-Failed-Recipients: ana@acme.test\r\n", b"")
    )
    found = bounces.bounce(bounces.parse(raw))
    assert found is not None
    assert [(f.address, f.status, f.permanent) for f in found.failures] == [
        ("ana@acme.test", "5.1.1", True)
    ]


@pytest.mark.parametrize(
    ("name", "until", "why"),
    [
        ("ooo-return-date.eml", date(2026, 12, 14), "Auto-Submitted: auto-replied"),
        ("ooo-gmail-vacation.eml", date(2026, 12, 14), "Auto-Submitted: auto-replied"),
        ("autoreply-x-autoreply.eml", None, "Auto-Submitted: auto-generated"),
    ],
)
def test_auto_replies_and_their_return_dates(name: str, until: date | None, why: str) -> None:
    message = read(name)
    found = bounces.auto_reply(message, date(2026, 11, 23))
    assert found == bounces.AutoReply(until, why)


def test_an_exchange_ooo_without_auto_submitted_is_known_by_its_subject() -> None:
    raw = (
        (MAIL / "ooo-return-date.eml")
        .read_bytes()
        .replace(b"Auto-Submitted: auto-replied\r\n", b"")
    )
    found = bounces.auto_reply(bounces.parse(raw), date(2026, 11, 23))
    assert found is not None and found.until == date(2026, 12, 14)
    assert found.why.startswith("subject 'Automatic reply:")


def test_x_autoreply_alone_marks_an_auto_reply() -> None:
    raw = (
        (MAIL / "autoreply-x-autoreply.eml")
        .read_bytes()
        .replace(b"auto-submitted: auto-generated\r\n", b"")
    )
    found = bounces.auto_reply(bounces.parse(raw), date(2026, 11, 23))
    assert found == bounces.AutoReply(None, "X-Autoreply: yes")


@pytest.mark.parametrize("name", ["reply-in-reply-to.eml", "reply-colleague.eml"])
def test_a_persons_reply_is_not_an_auto_reply(name: str) -> None:
    assert bounces.auto_reply(read(name), date(2026, 11, 23)) is None


def test_a_newsletter_is_bulk_and_a_reply_is_not() -> None:
    assert bounces.is_bulk(read("newsletter.eml"))
    assert not bounces.is_bulk(read("reply-in-reply-to.eml"))


def test_thread_ids_put_in_reply_to_first_then_references_newest_first() -> None:
    assert bounces.thread_ids(read("reply-colleague.eml")) == [
        "<AM6PR03MB5123A1B2C3D4E5F60718293A4B5C6@AM6PR03MB5123.eurprd03.prod.outlook.com>",
        "<marketing.15.7c2d19@pat.example>",
    ]
    assert bounces.thread_ids(read("autoreply-x-autoreply.eml")) == [
        "<marketing.20.c81e5b@pat.example>"
    ]


WRITTEN = date(2026, 11, 23)  # a Monday


@pytest.mark.parametrize(
    ("text", "back"),
    [
        ("I am out of the office until Monday, 14 December 2026.", date(2026, 12, 14)),
        ("I'll be back on the 14th and will reply then.", date(2026, 12, 14)),
        ("Back on the 30th.", date(2026, 11, 30)),
        ("I'm away, returning December 2nd.", date(2026, 12, 2)),
        ("Returning on 2027-01-04.", date(2027, 1, 4)),
        ("Ich bin bis zum 14.12. nicht im Büro.", date(2026, 12, 14)),
        ("Je serai de retour le 7 décembre.", date(2026, 12, 7)),
        ("Out until 12/9/2026.", date(2026, 12, 9)),
        ("Away until Monday. For help call 01/12.", date(2026, 11, 30)),
        ("Back in January 4, 2027 at the latest", date(2027, 1, 4)),
        ("Thanks for your message of 20 November.", None),  # no cue word: not a return
        ("I was back on 2 November.", None),  # in the past
        ("Away until 14 December 2031.", None),  # too far to be a return date
    ],
)
def test_return_dates(text: str, back: date | None) -> None:
    assert bounces.return_date(text, WRITTEN) == back


def test_a_message_without_a_message_id_is_known_by_its_bytes() -> None:
    raw = b"From: a@b.example\r\nSubject: hi\r\n\r\nbody\r\n"
    key = bounces.key(bounces.parse(raw), raw)
    assert key.startswith("sha256:") and key == bounces.key(bounces.parse(raw), raw)
    assert bounces.key(read("newsletter.eml"), b"") == (
        "<Xy1Zw2Vu3Ts4Rq5Po6Nm7Lk8Jh9Gf0@geopod-ismtpd-12>"
    )
