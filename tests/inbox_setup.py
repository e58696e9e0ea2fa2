"""A campaign that emailed real prospects through a real SMTP server, and a real inbox.

The prospects are the people of ``tests/data/mail/``; the sample messages are delivered
into the private Dovecot by IMAP APPEND after their Message-IDs are rewritten to the ones
the campaign really sent (the samples name ``<marketing.12.abc123@pat.example>`` and the
like), each with its own Date as INTERNALDATE, as a real delivery would have.
"""

from __future__ import annotations

from email.utils import parsedate_to_datetime
from pathlib import Path

import pytest

from campaign.models import Prospect
from campaign.store import Store
from tests.factories import add_prospect
from tests.imap_server import DovecotServer, ImapUser
from tests.smtp_server import PATIENT
from tests.test_cli_send import configure

MAIL = Path(__file__).parent / "data" / "mail"

# The Message-ID each sample names, by the person it concerns (tests/data/mail/README.md).
SAMPLE_IDS = {
    "ana": b"<marketing.12.abc123@pat.example>",
    "webb": b"<marketing.14.e5f9a0@pat.example>",
    "vogel": b"<marketing.15.7c2d19@pat.example>",
    "muller": b"<marketing.16.0b8e44@pat.example>",
    "hr": b"<marketing.17.9a3f62@pat.example>",
    "dubois": b"<marketing.18.4d7b0c@pat.example>",
    "zoe": b"<marketing.19.f2a6d3@pat.example>",
    "zolw": b"<marketing.20.c81e5b@pat.example>",
}

PEOPLE = {
    "ana": {"company": "Acme Corp", "contact": "Ana Lima", "email": "ana@acme.test"},
    "webb": {"company": "Globex", "contact": "Marcus Webb", "email": "m.webb@globex.test"},
    "vogel": {
        "company": "Rhein Pharma AG",
        "contact": "Dr. Katrin Vogel",
        "email": "k.vogel@rhein-pharma.test",
    },
    "muller": {
        "company": "Rhein & Söhne GmbH",
        "contact": "Dr. Jürgen Müller",
        "email": "j.muller@rhein-soehne.example",  # mistyped in the list: it bounces
        "street": "",  # and no postal address to fall back on
    },
    "dubois": {
        "company": "Maison Lumière",
        "contact": "Chloé Dubois",
        "email": "c.dubois@maison-lumiere.example",
    },
    "zoe": {
        "company": "Fjordlys AS",
        "contact": "Zoë Ødegaard",
        "email": "zoe.odegaard@fjordlys.example",
    },
    "zolw": {
        "company": "Wisła Logistyka",
        "contact": "Łukasz Żółw",
        "email": "l.zolw@wisla-logistyka.example",
    },
}


def imap_config(server: DovecotServer, user: ImapUser, extra: str = "") -> str:
    """An [imap] section for the private Dovecot (implicit TLS, verified against its CA)."""
    return (
        f'[imap]\nhost = "127.0.0.1"\nport = {server.ssl_port}\nsecurity = "ssl"\n'
        f'user = "{user.name}"\ntimeout = {PATIENT}\n{extra}'
    )


def set_up(
    sender_config: Path,
    smtp_port: int,
    server: DovecotServer,
    user: ImapUser,
    monkeypatch: pytest.MonkeyPatch,
    extra: str = "",
) -> None:
    """campaign.toml with [smtp] and [imap]; the CA trusted, the password in the env."""
    configure(sender_config, smtp_port, imap_config(server, user, extra))
    monkeypatch.setenv("SSL_CERT_FILE", str(server.ca_file))
    monkeypatch.setenv("CAMPAIGN_IMAP_PASSWORD", user.password)


def add_people(store: Store, *names: str) -> dict[str, Prospect]:
    """The sample messages' people as prospects (with a postal address unless told)."""
    return {name: add_prospect(store, **PEOPLE[name]) for name in names or PEOPLE}


def sent_ids(store: Store, people: dict[str, Prospect]) -> dict[str, bytes]:
    """The Message-ID the campaign really sent each person (the latest letter's)."""
    by_prospect = {s.prospect_id: s.message_id for s in store.list_sends() if s.message_id}
    return {name: by_prospect[p.id].encode() for name, p in people.items() if p.id in by_prospect}


def sample(name: str, ids: dict[str, bytes], **swap: bytes) -> bytes:
    """A sample message with the sample's Message-IDs replaced by the ones really sent."""
    raw = (MAIL / name).read_bytes()
    for person, real in ids.items():
        raw = raw.replace(SAMPLE_IDS[person], real)
    for old, new in swap.items():
        raw = raw.replace(old.encode(), new)
    return raw


def deliver(server: DovecotServer, user: ImapUser, raw: bytes, folder: str = "INBOX") -> int:
    """APPEND ``raw`` with its own Date as the arrival time; its UID."""
    head = raw.split(b"\r\n\r\n", 1)[0].decode("utf-8", "replace")
    date_line = next(line for line in head.splitlines() if line.lower().startswith("date:"))
    when = parsedate_to_datetime(date_line.split(":", 1)[1].strip())
    return server.append(user, folder, raw, date=when)
