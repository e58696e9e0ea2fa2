"""Addresses on the wire: IDN domains as A-labels, SMTPUTF8 when needed and offered, and the
sender, the password and ``--test-to`` checked before anything is claimed (no traceback)."""

from __future__ import annotations

from pathlib import Path

import pytest

from campaign.models import SendState
from campaign.store import Store
from tests.factories import add_prospect
from tests.smtp_server import SmtpServer
from tests.test_cli_send import configure


def rows(store: Store) -> list[tuple[int, str, str]]:
    return [(s.prospect_id, s.state, s.last_error) for s in store.list_sends()]


def test_an_idn_domain_goes_as_its_a_label(run, sender_config: Path, store: Store) -> None:
    add_prospect(store, email="bob@bücher.de", contact="Bob Müller")
    with SmtpServer() as server:
        configure(sender_config, server.port)
        result = run("send")
    assert result.exit_code == 0, result.output
    (got,) = server.received
    assert got.recipients == ["bob@xn--bcher-kva.de"]
    (to,) = [line for line in got.data.split(b"\r\n") if line.startswith(b"To:")]
    assert to.endswith(b" <bob@xn--bcher-kva.de>")  # the name may be encoded, the address not


def test_a_non_ascii_name_before_the_at_needs_smtputf8(
    run, sender_config: Path, store: Store
) -> None:
    add_prospect(store, email="jürgen@qa.test", company="QA GmbH")
    add_prospect(store, email="ana@qa.test")
    with SmtpServer() as server:  # no SMTPUTF8 offered
        configure(sender_config, server.port)
        result = run("send")
    assert result.exit_code == 3
    assert "Traceback" not in result.output
    reason = (
        f"jürgen@qa.test has non-ASCII letters before the @, and 127.0.0.1:{server.port} "
        "does not offer SMTPUTF8 to carry them; ask them for an ASCII address"
    )
    assert rows(store) == [(1, SendState.FAILED, reason), (2, SendState.SENT, "")]
    assert f"<jürgen@qa.test> (prospect 1, send 1): {reason}" in result.stdout
    assert [r.recipients for r in server.received] == [["ana@qa.test"]]


def test_with_smtputf8_offered_it_goes(run, sender_config: Path, store: Store) -> None:
    add_prospect(store, email="jürgen@qa.test", contact="Jürgen Groß")
    with SmtpServer(smtputf8=True) as server:
        configure(sender_config, server.port)
        result = run("send")
    assert result.exit_code == 0, result.output
    (got,) = server.received
    assert got.recipients == ["jürgen@qa.test"]
    assert "To: Jürgen Groß <jürgen@qa.test>".encode() in got.data


@pytest.mark.parametrize(
    ("email", "message"),
    [
        (
            "jürgen@example.com",
            "[sender] email 'jürgen@example.com' has non-ASCII letters before the @, which most "
            "mail servers refuse in a sender; use an ASCII address",
        ),
        ("pat@@example.com", "[sender] email 'pat@@example.com' is not an email address: "),
    ],
)
def test_a_sender_email_smtp_cant_carry_stops_before_anything_is_claimed(
    run, sender_config: Path, store: Store, email: str, message: str
) -> None:
    add_prospect(store)
    with SmtpServer() as server:
        configure(sender_config, server.port)
        text = sender_config.read_text(encoding="utf-8")
        sender_config.write_text(text.replace("pat@example.com", email), encoding="utf-8")
        result = run("send")
        assert server.handler.ehlo_count == 0  # not even connected
    assert result.exit_code == 1
    assert result.stderr.startswith(f"Error: {sender_config}: {message}")
    assert result.stderr.count("\n") == 1
    assert store.list_sends() == []


def test_a_sender_with_an_idn_domain_goes_as_its_a_label(
    run, sender_config: Path, store: Store
) -> None:
    add_prospect(store)
    with SmtpServer() as server:
        configure(sender_config, server.port)
        text = sender_config.read_text(encoding="utf-8")
        sender_config.write_text(text.replace("pat@example.com", "pat@bücher.de"), encoding="utf-8")
        assert run("send").exit_code == 0
    assert server.received[0].sender == "pat@xn--bcher-kva.de"


def test_a_non_ascii_password_logs_in_as_utf8(run, sender_config: Path, store: Store) -> None:
    add_prospect(store)
    with SmtpServer(password="pässwörd€") as server:
        configure(sender_config, server.port, 'user = "pat@example.com"\n')
        wrong = run("send", env={"CAMPAIGN_SMTP_PASSWORD": "pässwort"})
        assert wrong.exit_code == 1
        assert "login as pat@example.com refused: 535" in wrong.stderr
        assert store.list_sends() == []
        right = run("send", env={"CAMPAIGN_SMTP_PASSWORD": "pässwörd€"})
    assert right.exit_code == 0, right.output
    assert len(server.received) == 1


@pytest.mark.parametrize(
    ("address", "error"),
    [
        (
            "a\u2028b@qa.test",
            "Error: --test-to 'a\\u2028b@qa.test' is not an email address: The email address "
            "contains unsafe characters: LINE SEPARATOR.\n",
        ),
        (
            "jürgen@qa.test",
            # A sample goes to an address import would take: one that needs SMTPUTF8 is not.
            "Error: --test-to 'jürgen@qa.test' is not an email address: the part before the @ "
            "is not plain ASCII, which needs SMTPUTF8; ask for an ASCII address\n",
        ),
    ],
)
def test_test_to_is_checked_and_never_a_traceback(
    run, sender_config: Path, store: Store, address: str, error: str
) -> None:
    add_prospect(store)
    with SmtpServer() as server:
        configure(sender_config, server.port)
        result = run("send", "--test-to", address)
    assert result.exit_code == 1
    assert result.stderr == error.format(port=server.port)
    assert store.list_sends() == [] and server.received == []


def test_test_to_an_idn_domain(run, sender_config: Path, store: Store) -> None:
    add_prospect(store)
    with SmtpServer() as server:
        configure(sender_config, server.port)
        result = run("send", "--test-to", "qa@bücher.de")
    assert result.exit_code == 0, result.output
    assert server.received[0].recipients == ["qa@xn--bcher-kva.de"]
