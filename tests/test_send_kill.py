"""``kill -9`` of a real ``campaign send`` at chosen points: nothing lost, nothing sent twice.

The SMTP server pauses at a chosen point (a greeting, a MAIL command, a whole message
read but unanswered, a message accepted but its 250 not yet sent); the test kills the
subprocess there, lets the server carry on, runs ``campaign send`` again, and checks
that the server and the store agree. Only the killed run needs a process of its own:
the runs after it go through the real CLI in-process (Click's runner), as in
test_cli_send.py.
"""

from __future__ import annotations

import signal
import subprocess
from collections import Counter
from pathlib import Path

import pytest
from click.testing import CliRunner

from campaign.cli import cli
from campaign.models import SendState
from campaign.store import Store
from tests.factories import add_prospects, store_at
from tests.processes import start_campaign
from tests.smtp_server import SmtpServer
from tests.test_cli_send import configure

pytestmark = pytest.mark.slow


def start_send(home: Path) -> subprocess.Popen[str]:
    return start_campaign(home, "send")


def kill_at(server: SmtpServer, home: Path, point: str, n: int) -> None:
    """Run `campaign send` until the server reaches ``point`` ``n``, then kill -9 it."""
    server.handler.pause_at = (point, n)
    server.handler.paused.clear()
    proc = start_send(home)
    try:
        reached = server.handler.paused.wait(60)  # a loaded machine starts Python slowly
        assert reached, f"never reached {point} {n}: {proc.communicate(timeout=5)}"
        proc.send_signal(signal.SIGKILL)
        proc.wait(10)
        assert proc.returncode == -signal.SIGKILL
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
        proc.stdout and proc.stdout.close()  # type: ignore[func-returns-value]
        proc.stderr and proc.stderr.close()  # type: ignore[func-returns-value]
    server.handler.pause_at = None
    server.release()


def send_again(home: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """``campaign send ARGS`` after the kill, through the real CLI in-process."""
    env = {"CAMPAIGN_HOME": str(home), "CAMPAIGN_TODAY": "2026-11-16"}
    done = CliRunner().invoke(cli, ["send", *args], env=env, catch_exceptions=False)
    return subprocess.CompletedProcess(
        ["campaign", "send", *args], done.exit_code, done.stdout, done.stderr
    )


def setup_campaign(sender_config: Path, server: SmtpServer, home: Path) -> tuple[Store, list[str]]:
    configure(sender_config, server.port)
    store = store_at(home)
    emails = [p.email for p in add_prospects(store, 4)]
    return store, emails


def received(server: SmtpServer) -> Counter[str]:
    return Counter(r.recipients[0] for r in server.received)


def states(store: Store) -> list[str]:
    return [s.state for s in store.list_sends()]


def test_killed_before_anything_was_claimed(
    sender_config: Path, server: SmtpServer, campaign_home: Path
) -> None:
    store, emails = setup_campaign(sender_config, server, campaign_home)
    kill_at(server, campaign_home, "EHLO", 1)
    assert store.list_sends() == []  # connected, not yet logged in: nothing recorded
    again = send_again(campaign_home)  # the dead run's lock does not block this one
    assert again.returncode == 0, again.stderr
    assert states(store) == [SendState.SENT] * 4
    assert received(server) == Counter(emails)


def test_killed_between_messages_delivers_the_rest_once(
    sender_config: Path, server: SmtpServer, campaign_home: Path
) -> None:
    store, emails = setup_campaign(sender_config, server, campaign_home)
    kill_at(server, campaign_home, "MAIL", 3)
    # Two sent; the third was marked TRANSMITTING before MAIL; the fourth still claimed.
    assert states(store) == [
        SendState.SENT,
        SendState.SENT,
        SendState.TRANSMITTING,
        SendState.CLAIMED,
    ]
    assert received(server) == Counter(emails[:2])
    again = send_again(campaign_home)
    assert again.returncode == 3  # the third is in doubt: the user settles it
    assert "In doubt" in again.stdout and "(prospect 3, send 3)" in again.stdout
    assert states(store) == [SendState.SENT, SendState.SENT, SendState.UNKNOWN, SendState.SENT]
    assert received(server) == Counter([emails[0], emails[1], emails[3]])
    assert send_again(campaign_home).returncode == 0  # nothing left to do, nothing resent
    assert received(server) == Counter([emails[0], emails[1], emails[3]])


def test_killed_while_the_server_read_the_message(
    sender_config: Path, server: SmtpServer, campaign_home: Path
) -> None:
    store, emails = setup_campaign(sender_config, server, campaign_home)
    kill_at(server, campaign_home, "DATA", 2)
    assert states(store) == [
        SendState.SENT,
        SendState.TRANSMITTING,
        SendState.CLAIMED,
        SendState.CLAIMED,
    ]
    again = send_again(campaign_home)
    assert again.returncode == 3
    assert states(store) == [SendState.SENT, SendState.UNKNOWN, SendState.SENT, SendState.SENT]
    assert received(server) == Counter([emails[0], emails[2], emails[3]])


def test_killed_after_the_server_accepted_but_before_the_store_heard(
    sender_config: Path, server: SmtpServer, campaign_home: Path
) -> None:
    store, emails = setup_campaign(sender_config, server, campaign_home)
    kill_at(server, campaign_home, "ACCEPTED", 1)
    assert states(store) == [
        SendState.TRANSMITTING,
        SendState.CLAIMED,
        SendState.CLAIMED,
        SendState.CLAIMED,
    ]
    assert received(server) == Counter(emails[:1])  # it did arrive
    again = send_again(campaign_home)
    assert again.returncode == 3
    # Never resent by itself: the first recipient still has exactly one copy.
    assert received(server) == Counter(emails)
    assert states(store) == [SendState.UNKNOWN, SendState.SENT, SendState.SENT, SendState.SENT]
    settled = send_again(campaign_home, "--settle", "1", "--sent")
    assert settled.returncode == 0, settled.stderr
    assert states(store) == [SendState.SENT] * 4
    assert received(server) == Counter(emails)
