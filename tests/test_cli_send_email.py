"""Every email the campaign writes, sent by it: a copy in Sent, the moment of sending as
its Date, unique Message-IDs kept by the ledger, follow-ups in the letter's thread, one
letter to one prospect now, and the thank-you emails after a meeting.

Real parts: aiosmtpd on 127.0.0.1 receives, the private Dovecot keeps the Sent folder.
"""

from __future__ import annotations

import email
import email.policy
import json
import re
import signal
import subprocess
from collections import Counter
from datetime import date, datetime, timedelta
from pathlib import Path

import pytest

from campaign.models import SendState, TaskState
from campaign.store import Store
from tests.factories import add_prospect
from tests.inbox_setup import set_up
from tests.processes import start_campaign
from tests.smtp_server import SmtpServer
from tests.test_cli_send import configure

pytestmark = pytest.mark.slow  # aiosmtpd, Dovecot, subprocesses

FOLLOW_UP = (
    "Subject: Following up, {{ company }}\n\n{{ salutation }}\n\nA short note.\n\nSincerely,\n"
)
PANEL = (
    "--on", "2026-11-16",
    "--with", "Ms. Ana Ruiz, VP Sales", "--with", "Bo Chen, CFO", "--with", "Dr. Cy Diaz",
    "--interest", "Ana Ruiz: quilting", "--discussed", "Cy Diaz: the warehouse backlog",
    "--email", "Ana: ana@acme.example", "--email", "Bo: bo@acme.example",
)  # fmt: skip


def parse(data: bytes) -> email.message.EmailMessage:
    message = email.message_from_bytes(data, policy=email.policy.default)
    assert isinstance(message, email.message.EmailMessage)
    return message


def test_a_copy_in_sent_the_moment_of_sending_and_a_thread_for_the_follow_up(
    run, sender_config: Path, server: SmtpServer, store: Store, imap_server, imap_user, monkeypatch
) -> None:
    set_up(
        sender_config, server.port, imap_server, imap_user, monkeypatch, 'sent_folder = "Sent"\n'
    )
    (sender_config.parent / "templates" / "followup.txt").write_text(FOLLOW_UP, encoding="utf-8")
    ana = add_prospect(store, company="Acme", email="ana@acme.example")
    before = datetime.now().astimezone()
    result = run("send")
    after = datetime.now().astimezone()
    assert result.exit_code == 0, result.output
    (letter,) = server.received
    sent = parse(letter.data)
    # The Date is now, in the local time zone, on CAMPAIGN_TODAY's day (16 Nov 2026).
    when = email.utils.parsedate_to_datetime(sent["Date"])
    assert when.date() == date(2026, 11, 16)
    assert when.utcoffset() == before.utcoffset()
    moment = when.replace(year=before.year, month=before.month, day=before.day)
    assert before - timedelta(seconds=2) <= moment <= after + timedelta(seconds=2)
    # A Message-ID with a random part, kept in the ledger.
    assert re.fullmatch(r"<marketing\.[0-9a-f]{24}@example\.com>", sent["Message-ID"])
    assert store.list_sends()[0].message_id == sent["Message-ID"]
    # A copy filed in Sent over IMAP, exactly what went out, marked read.
    (uid,) = imap_server.uids(imap_user, "Sent")
    assert "\\Seen" in imap_server.flags(imap_user, "Sent", uid)
    with imap_server.session(imap_user) as imap:
        imap.select("Sent", readonly=True)
        _, data = imap.uid("FETCH", str(uid), "(BODY.PEEK[])")
    assert parse(data[0][1])["Message-ID"] == sent["Message-ID"]

    # One letter to one person now: it follows the first in its thread and counts in the cap.
    one = run("send", "--prospect", str(ana.id), "--letter", "followup")
    assert one.exit_code == 0, one.output
    assert one.output.startswith("Sent 1 by email, printed 0 (2026-W47: 2 of 20 used).")
    follow = parse(server.received[-1].data)
    assert follow["In-Reply-To"] == sent["Message-ID"]
    assert follow["References"] == sent["Message-ID"]
    assert follow["Message-ID"] != sent["Message-ID"]
    assert len(imap_server.uids(imap_user, "Sent")) == 2
    again = run("send", "--prospect", str(ana.id), "--letter", "followup")
    assert again.exit_code == 1
    assert again.output.startswith(
        f"Error: prospect {ana.id} (Acme) has the followup letter already (send 2, sent"
    )


def test_a_retry_goes_with_the_message_id_of_its_first_attempt(
    run, sender_config: Path, server: SmtpServer, store: Store
) -> None:
    configure(sender_config, server.port)
    add_prospect(store, email="slow@example.org")
    server.handler.rules["slow@example.org"] = "451"
    assert run("send").exit_code == 3
    first = store.list_sends()[0].message_id
    assert first and store.list_sends()[0].state == SendState.DEFERRED
    server.handler.rules.clear()
    assert run("send").exit_code == 0
    assert parse(server.received[0].data)["Message-ID"] == first


def test_a_copy_that_cant_be_filed_is_reported_and_the_send_stands(
    run, sender_config: Path, server: SmtpServer, store: Store, imap_server, imap_user, monkeypatch
) -> None:
    set_up(
        sender_config, server.port, imap_server, imap_user, monkeypatch, 'sent_folder = "Nope"\n'
    )
    add_prospect(store, email="ana@acme.example")
    result = run("send", "--no-inbox")
    assert result.exit_code == 0, result.output
    assert "Note: a copy of each email could not be filed in Sent: " in result.stderr
    assert "folder 'Nope'" in result.stderr
    assert store.list_sends()[0].state == SendState.SENT and len(server.received) == 1


def test_one_letter_to_one_prospect_respects_the_cap_unless_told(
    run, sender_config: Path, server: SmtpServer, store: Store
) -> None:
    configure(sender_config, server.port, "[schedule]\nweekly_cap = 1\n")
    (sender_config.parent / "templates" / "followup.txt").write_text(FOLLOW_UP, encoding="utf-8")
    first, second = add_prospect(store), add_prospect(store)
    assert run("send").exit_code == 0  # the week's one slot
    full = run("send", "--prospect", str(second.id), "--letter", "followup")
    assert (full.exit_code, full.output) == (
        1,
        f"Error: this week's cap (2026-W47: 1) is used up; add --no-cap to send the letter to "
        f"prospect {second.id} (Company 2 Inc.) now anyway\n",
    )
    past = run("send", "--prospect", str(second.id), "--letter", "followup", "--no-cap")
    assert past.exit_code == 0, past.output
    assert [s.letter for s in store.list_sends()] == ["marketing", "followup"]
    mixed = run("send", "--prospect", str(first.id), "--thank-yous")
    assert mixed.exit_code == 2
    assert "--thank-yous and --prospect can't be used together" in mixed.output
    assert run("send", "--prospect", "99").exit_code == 1


def test_thank_yous_are_sent_once_each_through_the_ledger(
    run, sender_config: Path, server: SmtpServer, store: Store
) -> None:
    configure(sender_config, server.port)
    acme = add_prospect(store, company="Acme", email="boss@acme.example")
    assert run("meeting", str(acme.id), *PANEL).exit_code == 0
    preview = run("send", "--thank-yous", "--dry-run")
    assert preview.exit_code == 0, preview.output
    assert preview.output.splitlines()[:3] == [
        "Would send 2 thank-you emails:",
        "  Ms. Ana Ruiz, VP Sales <ana@acme.example> at Acme (task 1)",
        "  Bo Chen, CFO <bo@acme.example> at Acme (task 3)",
    ]
    assert server.received == [] and store.list_sends() == []
    result = run("send", "--thank-yous")
    assert result.exit_code == 0, result.output
    assert result.output.splitlines() == [
        "Sent 2 thank-you emails:",
        "  Ms. Ana Ruiz, VP Sales <ana@acme.example> at Acme (task 1, send 1)",
        "  Bo Chen, CFO <bo@acme.example> at Acme (task 3, send 2)",
        "No email address on record (ask for their card; `campaign done TASK` once sent):",
        "  Dr. Cy Diaz at Acme (task 5)",
    ]
    assert [r.recipients for r in server.received] == [["ana@acme.example"], ["bo@acme.example"]]
    ana = parse(server.received[0].data)
    assert ana["Subject"] == "Thank you for our meeting on November 16"
    assert ana.get_content().startswith("Dear Ms. Ruiz,\r\n\r\nThank you for taking the time")
    assert re.fullmatch(r"<thank_you\.[0-9a-f]{24}@example\.com>", ana["Message-ID"])
    rows = store.list_sends()
    assert [(s.letter, s.state, s.task_id, s.message_id != "") for s in rows] == [
        ("thank_you:1", "sent", 1, True),
        ("thank_you:3", "sent", 3, True),
    ]
    assert store.cap_used("2026-W47") == 0  # no slot of the weekly cap
    assert store.get_task(1).state == TaskState.DONE and store.get_task(3).state == TaskState.DONE
    status = json.loads(run("status", "--format", "json").stdout)
    assert status["sent"] == 0 and status["sent_this_week"] == 0  # not letters
    # Never twice: a second run has nothing to send.
    assert run("send", "--thank-yous").output == (
        "No email address on record (ask for their card; `campaign done TASK` once sent):\n"
        "  Dr. Cy Diaz at Acme (task 5)\n"
    )
    assert len(server.received) == 2
    # Cy's card turns up: the thank-you goes from the task.
    store.update_contact(3, email="cy@acme.example")
    done = run("done", "5", "--send")
    assert done.exit_code == 0, done.output
    assert done.output.startswith("Sent 1 thank-you email:\n  Dr. Cy Diaz <cy@acme.example>")
    assert store.get_task(5).state == TaskState.DONE
    assert run("done", "5", "--send").output == "Error: task 5 is already done; nothing to send\n"
    assert run("done", "2", "--send").output == "Error: task 2 is a note, not an email\n"


def test_a_refused_thank_you_can_be_resent_and_one_in_doubt_settled(
    run, sender_config: Path, server: SmtpServer, store: Store
) -> None:
    configure(sender_config, server.port)
    acme = add_prospect(store, company="Acme")
    assert run("meeting", str(acme.id), *PANEL).exit_code == 0
    server.handler.rules["ana@acme.example"] = "554"
    result = run("send", "--thank-yous")
    assert result.exit_code == 3
    assert "Failed (fix the address, then `campaign send --resend SEND`):" in result.output
    assert "554 5.7.1 Message rejected as spam" in result.output
    server.handler.rules.clear()
    resent = run("send", "--resend", "1")
    assert resent.exit_code == 0, resent.output
    assert resent.output.startswith("Sent 1 thank-you email:\n  Ms. Ana Ruiz")
    assert store.get_send(1).state == SendState.SENT and store.get_task(1).state == TaskState.DONE


def start(home: Path, *args: str) -> subprocess.Popen[str]:
    return start_campaign(home, *args)


def test_thank_yous_are_delivered_once_each_even_after_kill_9_mid_run(
    run, sender_config: Path, server: SmtpServer, store: Store, campaign_home: Path
) -> None:
    configure(sender_config, server.port)
    acme = add_prospect(store, company="Acme")
    panel = [*PANEL, "--email", "Cy Diaz: cy@acme.example"]
    assert run("meeting", str(acme.id), *panel).exit_code == 0
    # Killed while the server holds the second message, all of it read, unanswered.
    server.handler.pause_at = ("DATA", 2)
    proc = start(campaign_home, "send", "--thank-yous")
    try:
        assert server.handler.paused.wait(20), proc.communicate(timeout=5)
        proc.send_signal(signal.SIGKILL)
        proc.wait(10)
    finally:
        if proc.poll() is None:
            proc.kill()
        proc.communicate()
    server.handler.pause_at = None
    server.release()
    assert [s.state for s in store.list_sends()] == ["sent", "transmitting", "claimed"]
    again = start(campaign_home, "send", "--thank-yous")
    out, err = again.communicate(timeout=60)
    assert again.returncode == 3, err
    assert "In doubt" in out and "Bo Chen, CFO <bo@acme.example> at Acme (task 3, send 2)" in out
    assert [s.state for s in store.list_sends()] == ["sent", "unknown", "sent"]
    got = Counter(r.recipients[0] for r in server.received)
    assert got == Counter(["ana@acme.example", "cy@acme.example"])
    # Bo's was in doubt: found in the Sent folder, settled; nothing is ever sent twice.
    assert run("send", "--settle", "2", "--sent").exit_code == 0
    assert store.get_task(3).state == TaskState.DONE and store.open_call(acme.id) is not None
    assert run("send", "--thank-yous").exit_code == 0
    assert Counter(r.recipients[0] for r in server.received) == got
