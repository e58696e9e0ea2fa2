"""A refusal of the session stops the run, not the letters; only a recipient's refusal fails one.

Each case is a real `campaign send` against the fault-injecting aiosmtpd server: the run
stops with one line, what went out is said, the letters it did not deliver wait (no row
``failed``, none ``unknown`` that was not transmitted), and the next run sends them once.
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest

from campaign.models import SendState
from campaign.store import Store
from tests.factories import add_prospects
from tests.smtp_server import Handler, SmtpServer, self_signed
from tests.test_cli_send import configure


def received(server: SmtpServer) -> Counter[str]:
    return Counter(r.recipients[0] for r in server.received)


def rows(store: Store) -> list[tuple[int, str]]:
    return [(s.prospect_id, s.state) for s in store.list_sends()]


def waits(n: int) -> str:
    return f"the run stopped: {n} {'letter waits' if n == 1 else 'letters wait'} for the next"


@pytest.mark.filterwarnings("ignore:Requiring AUTH while not requiring TLS")
def test_a_server_that_wants_a_login_stops_the_run_and_the_letters_wait(
    run, sender_config: Path, store: Store
) -> None:
    emails = [p.email for p in add_prospects(store, 3)]
    with SmtpServer(password="secret", auth_required=True) as server:
        configure(sender_config, server.port)  # [smtp] user is empty: no login
        result = run("send")
        assert result.exit_code == 1
        assert result.stdout == ""
        assert result.stderr == (
            f"Error: 127.0.0.1:{server.port}: 530 5.7.0 Authentication required (at MAIL): "
            "the server wants a login; check [smtp] user and the password; "
            f"{waits(3)} `campaign send` (none was marked failed)\n"
        )
        assert rows(store) == []  # back to waiting: nothing claimed, nothing failed
        text = sender_config.read_text(encoding="utf-8")
        sender_config.write_text(text + 'user = "pat@example.com"\n', encoding="utf-8")
        again = run("send", env={"CAMPAIGN_SMTP_PASSWORD": "secret"})
        assert again.exit_code == 0, again.output
    assert received(server) == Counter(emails)
    assert rows(store) == [(1, SendState.SENT), (2, SendState.SENT), (3, SendState.SENT)]


def test_a_server_that_wants_tls_stops_the_run(
    run, sender_config: Path, store: Store, tmp_path: Path
) -> None:
    add_prospects(store, 2)
    context, _ = self_signed(tmp_path)
    with SmtpServer(starttls=context, require_starttls=True) as server:
        configure(sender_config, server.port)  # security = "none"
        result = run("send")
    assert result.exit_code == 1
    assert result.stderr.startswith(f"Error: 127.0.0.1:{server.port}: 530 ")
    assert "the server wants an encrypted connection; check [smtp] security and port" in (
        result.stderr
    )
    assert result.stderr.count("\n") == 1
    assert rows(store) == [] and server.received == []


def test_the_sender_refused_midway_stops_after_what_went_out(
    run, sender_config: Path, store: Store
) -> None:
    emails = [p.email for p in add_prospects(store, 4)]
    with SmtpServer(Handler(mail_reply=(3, "550 5.7.1 Sender address rejected"))) as server:
        configure(sender_config, server.port)
        result = run("send")
        assert result.exit_code == 1
        lines = result.stdout.splitlines()
        assert lines[0] == "Sent 2 by email, printed 0 before the run stopped."
        assert lines[1:3] == [
            "By email:",
            "  Company 1 Inc. - Ms. Alex Person1 <alex1@company1.example> (prospect 1)",
        ]
        assert result.stderr == (
            f"Error: 127.0.0.1:{server.port}: 550 5.7.1 Sender address rejected (at MAIL): "
            f"the server refused the sender; check [sender] email; {waits(2)} "
            "`campaign send` (none was marked failed)\n"
        )
        assert rows(store) == [(1, SendState.SENT), (2, SendState.SENT)]
        server.handler.mail_reply = None
        again = run("send")
        assert again.exit_code == 0, again.output
        assert "Sent 2 by email" in again.stdout
    assert received(server) == Counter(emails)


@pytest.mark.parametrize("rule", ["421", "421-open", "421-data", "530"])
def test_a_421_or_530_at_any_stage_closes_stops_and_nothing_is_in_doubt(
    run, sender_config: Path, store: Store, rule: str
) -> None:
    people = add_prospects(store, 3)
    emails = [p.email for p in people]
    with SmtpServer(Handler(rules={emails[1]: rule})) as server:
        configure(sender_config, server.port)
        result = run("send")
        assert result.exit_code == 1, result.output
        assert result.stdout.startswith("Sent 1 by email, printed 0 before the run stopped.\n")
        assert result.stderr.count("\n") == 1 and waits(2) in result.stderr
        # Closed after the 421: the third letter was never tried on that connection.
        assert server.handler.mail_count == 2
        assert rows(store) == [(1, SendState.SENT)]  # none failed, none unknown
        server.handler.rules = {}
        again = run("send")
        assert again.exit_code == 0, again.output
    assert received(server) == Counter(emails)
    assert rows(store) == [(1, SendState.SENT), (2, SendState.SENT), (3, SendState.SENT)]


def test_only_a_recipients_refusal_fails_a_letter(run, sender_config: Path, store: Store) -> None:
    emails = [p.email for p in add_prospects(store, 3)]
    with SmtpServer(Handler(rules={emails[0]: "550", emails[1]: "554"})) as server:
        configure(sender_config, server.port)
        result = run("send")
    assert result.exit_code == 3
    assert rows(store) == [(1, SendState.FAILED), (2, SendState.FAILED), (3, SendState.SENT)]


def test_a_deferred_letter_caught_in_a_stopped_run_keeps_its_week(
    run, sender_config: Path, store: Store
) -> None:
    emails = [p.email for p in add_prospects(store, 2)]
    with SmtpServer(Handler(rules={emails[0]: "451"})) as server:
        configure(sender_config, server.port)
        assert run("send").exit_code == 3
        deferred = store.list_sends()[0]
        assert deferred.state == SendState.DEFERRED
        server.handler.rules = {}
        server.handler.mail_reply = (1, "421 4.3.2 Going down")
        result = run("send", env={"CAMPAIGN_TODAY": "2026-11-23"})  # next week
        assert result.exit_code == 1
        assert store.list_sends()[0] == deferred  # back as it was: week, error and all
        assert store.cap_used("2026-W48") == 0
