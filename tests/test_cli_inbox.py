"""``campaign inbox`` through the real CLI: a real SMTP server sends, a real Dovecot receives.

The campaign emails the people of ``tests/data/mail/``; their sample replies, bounces and
auto-replies (Message-IDs rewritten to those really sent) arrive in the private Dovecot,
and the inbox closes the loop. No sample of send 12's four alternatives shares an inbox.
"""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest

from campaign.models import SendState, TaskState
from campaign.store import Store
from tests.imap_server import DovecotServer, ImapUser
from tests.inbox_setup import add_people, deliver, sample, sent_ids, set_up
from tests.smtp_server import PATIENT, SmtpServer

pytestmark = pytest.mark.slow  # Dovecot and aiosmtpd

WED = {"CAMPAIGN_TODAY": "2026-11-25"}


EVERY_SHAPE = [
    "reply-in-reply-to.eml",  # Ana: threaded reply
    "bounce-gmail.eml",  # Webb: permanent, has a postal address
    "bounce-office365.eml",  # Müller: permanent, no postal address
    "reply-colleague.eml",  # Vogel's assistant: found by References
    "delay-4xx.eml",  # Dubois: temporary
    "ooo-gmail-vacation.eml",  # Zoë: "back on the 14th"
    "autoreply-x-autoreply.eml",  # Żółw: no return date
    "newsletter.eml",  # nobody's
]


def flags(imap_server: DovecotServer, user: ImapUser) -> list[set[str]]:
    return [imap_server.flags(user, "INBOX", uid) for uid in imap_server.uids(user, "INBOX")]


def emailed(
    run,
    sender_config: Path,
    server: SmtpServer,
    store: Store,
    imap_server,
    imap_user,
    monkeypatch,
    *names: str,
):
    set_up(sender_config, server.port, imap_server, imap_user, monkeypatch)
    people = add_people(store, *names)
    result = run("send")
    assert result.exit_code == 0, result.output
    return people, sent_ids(store, people)


def test_a_campaign_hears_back_over_weeks(
    run, sender_config: Path, server: SmtpServer, store: Store, imap_server, imap_user, monkeypatch
) -> None:
    people, ids = emailed(run, sender_config, server, store, imap_server, imap_user, monkeypatch)
    for name in EVERY_SHAPE:
        deliver(imap_server, imap_user, sample(name, ids))
    before = flags(imap_server, imap_user)

    result = run("inbox", env=WED)
    assert result.exit_code == 0, result.output
    out = result.output
    assert out.startswith("Inbox: 7 about the campaign in 8 read (INBOX 8).\n")
    assert '-> follow-up call is now "answer their email of 24 Nov", due today' in out
    assert '-> follow-up call is now "answer their email of 25 Nov", due today' in out
    assert (
        "-> send 2 bounced; the next `campaign send` prints the letter (with its own call)" in out
    )
    assert "-> send 4 bounced; prospect 4 needs a new address: `campaign edit 4 --email ...`" in out
    assert "-> delivery delayed (4.4.7): noted, nothing changed" in out
    assert "-> follow-up call moved to Tue 15 Dec 2026 (away until Mon 14 Dec)" in out
    assert "-> an auto-reply with no return date: nothing changed" in out
    assert "Ignored 1 other message (not about the campaign)." in out
    # Read-only towards the mailbox: nothing marked read, flagged, moved or deleted.
    assert flags(imap_server, imap_user) == before
    assert all("\\Seen" not in f for f in before) and len(before) == 8

    # The reply stops the prospecting: "answer their email", due today, first on the sheet.
    calls = json.loads(run("calls", "--due", "all", "--format", "json", env=WED).stdout)
    assert [(c["prospect_id"], c["due"], c["reason"]) for c in calls[:2]] == [
        (people["ana"].id, "2026-11-25", "answer their email of 24 Nov"),
        (people["vogel"].id, "2026-11-25", "answer their email of 25 Nov"),
    ]
    assert calls[0]["talking_points"][0].endswith(
        "thank you for your email of 24 Nov "
        "('Re: Following up on my letter — platform engineering')."
    )
    zoe = next(c for c in calls if c["prospect_id"] == people["zoe"].id)
    assert zoe["due"] == "2026-12-15"
    assert zoe["reason"].endswith(
        "; moved: out of the office until Mon 14 Dec (auto-reply of 23 Nov)"
    )
    called = {c["prospect_id"] for c in calls}
    assert people["webb"].id not in called and people["muller"].id not in called  # bounced
    agenda = json.loads(run("agenda", "--format", "json", env=WED).stdout)
    assert [a["prospect_id"] for a in agenda[:2]] == [people["ana"].id, people["vogel"].id]
    status = json.loads(run("status", "--format", "json", env=WED).stdout)
    assert [a["kind"] for a in status["attention"][:3]] == ["replies", "bounced", "new_address"]
    assert status["attention"][0]["ids"] == [people["ana"].id, people["vogel"].id]
    assert (
        status["next"][0]
        == "`campaign calls`: answer 2 emails first; then `campaign log ID --outcome ...`"
    )

    sends = {s.prospect_id: s for s in store.list_sends()}
    assert sends[people["webb"].id].state == SendState.BOUNCED
    assert sends[people["webb"].id].last_error.startswith("bounced: 550 5.1.1 <m.webb@globex.test>")
    assert sends[people["dubois"].id].state == SendState.SENT  # a delay changes nothing
    assert store.get_prospect(people["muller"].id).undeliverable == "j.muller@rhein-soehne.example"
    kept = store.inbox_messages()
    assert len(kept) == 7 and all(m.received and m.sender and m.subject for m in kept)

    # Running it again reads nothing new and records nothing twice.
    again = run("inbox", env=WED)
    assert again.output == "No new mail about the campaign (read 0: INBOX 0).\n"
    assert len(store.inbox_messages()) == 7

    # The job seeker answers Ana and logs it as today; the cadence goes on from there.
    logged = run("log", str(people["ana"].id), "--outcome", "reached", env=WED)
    assert logged.exit_code == 0, logged.output
    assert not store.open_call(people["ana"].id).answering  # type: ignore[union-attr]

    # Next week's run prints Webb's letter (with its own call); Müller waits for an address.
    monday = run("send", env={"CAMPAIGN_TODAY": "2026-11-30"})
    assert monday.exit_code == 0, monday.output
    assert (
        "Printed:\n  Globex - Marcus Webb, by post to Springfield, IL (prospect 2)" in monday.output
    )
    webb = store.get_send(sends[people["webb"].id].id)
    assert (webb.state, webb.channel, webb.sent_on) == ("sent", "post", date(2026, 11, 30))
    call = store.open_call(people["webb"].id)
    assert call is not None and call.due == date(2026, 12, 10)  # 7 + 3 postal days
    assert call.reason == "marketing letter mailed 30 Nov"
    assert store.get_send(sends[people["muller"].id].id).state == SendState.BOUNCED
    status = json.loads(
        run("status", "--format", "json", env={"CAMPAIGN_TODAY": "2026-11-30"}).stdout
    )
    assert [a["kind"] for a in status["attention"]][:1] == ["replies"]
    assert "new_address" in [a["kind"] for a in status["attention"]]
    assert "bounced" not in [a["kind"] for a in status["attention"]]

    # A corrected address: the letter is emailed there by the next run.
    # (`campaign edit ID --email` is the contract's way; the store's update is the same.)
    store.update_prospect(people["muller"].id, email="j.mueller@rhein-soehne.example")
    after = run("send", env={"CAMPAIGN_TODAY": "2026-11-30"})
    assert "Rhein & Söhne GmbH - Dr. Jürgen Müller <j.mueller@rhein-soehne.example>" in after.output
    assert server.received[-1].recipients == ["j.mueller@rhein-soehne.example"]


def test_a_reply_without_thread_is_matched_by_address_and_a_stranger_goes_to_review(
    run, sender_config: Path, server: SmtpServer, store: Store, imap_server, imap_user, monkeypatch
) -> None:
    set_up(sender_config, server.port, imap_server, imap_user, monkeypatch)
    add_people(store, "ana")
    muller = store.get_prospect(add_people(store, "muller")["muller"].id)
    store.update_prospect(muller.id, email="j.mueller@rhein-soehne.example")
    assert run("send").exit_code == 0
    deliver(imap_server, imap_user, sample("reply-no-headers.eml", {}))
    # Someone else at Acme writes without answering anything: listed for review only.
    stranger = (
        sample("reply-no-headers.eml", {})
        .replace(b"j.mueller@rhein-soehne.example", b"jordan.reyes@acme.test")
        .replace(b"5f2b9c1e7a3d4e8b9c0d1e2f3a4b5c6d@EXCH02", b"other@EXCH02")
    )
    deliver(imap_server, imap_user, stranger)
    result = run("inbox", "--format", "json", env=WED)
    assert result.exit_code == 0, result.output
    found = json.loads(result.stdout)
    assert [(r["prospect_id"], r["matched_by"]) for r in found["replies"]] == [
        (muller.id, "address")
    ]
    assert found["replies"][0]["sender"] == "Müller, Jürgen Dr. <j.mueller@rhein-soehne.example>"
    assert [(r["prospect_id"], r["matched_by"], r["change"]) for r in found["review"]] == [
        (1, "domain", "not applied: only its domain is a prospect's; read it and decide")
    ]
    assert store.open_call(1).reason == "marketing letter emailed 16 Nov"  # type: ignore[union-attr]
    assert store.open_call(muller.id).reason == "answer their email of 25 Nov"  # type: ignore[union-attr]


def test_dry_run_changes_nothing_and_a_real_run_then_applies(
    run, sender_config: Path, server: SmtpServer, store: Store, imap_server, imap_user, monkeypatch
) -> None:
    people, ids = emailed(
        run, sender_config, server, store, imap_server, imap_user, monkeypatch, "ana"
    )
    deliver(imap_server, imap_user, sample("bounce-rfc3464-550.eml", ids))
    dry = run("inbox", "--dry-run", env=WED)
    assert dry.exit_code == 0, dry.output
    assert dry.output.startswith("Dry run (nothing recorded or changed): Inbox: 1 about")
    assert store.list_sends()[0].state == SendState.SENT
    assert store.inbox_messages() == [] and store.cursor("INBOX") is not None  # from the send
    real = run("inbox", env=WED)
    assert "-> send 1 bounced; the next `campaign send` prints the letter" in real.output
    assert store.list_sends()[0].state == SendState.BOUNCED
    call = store.last_task(people["ana"].id, "call")
    assert call is not None and call.state == TaskState.CANCELLED


def test_a_new_uidvalidity_rescans_and_records_nothing_twice(
    run, sender_config: Path, server: SmtpServer, store: Store, imap_server, imap_user, monkeypatch
) -> None:
    _, ids = emailed(
        run, sender_config, server, store, imap_server, imap_user, monkeypatch, "ana", "zoe"
    )
    deliver(imap_server, imap_user, sample("reply-in-reply-to.eml", ids))
    assert run("inbox", env=WED).exit_code == 0
    imap_server.change_uidvalidity(imap_user, "INBOX", renumber=True)
    deliver(imap_server, imap_user, sample("ooo-gmail-vacation.eml", ids))
    result = run("inbox", env=WED)
    assert result.exit_code == 0, result.output
    assert "INBOX was renumbered by the server (new UIDVALIDITY): read again." in result.output
    assert "Inbox: 1 about the campaign in 2 read (INBOX 2)." in result.output
    assert "Replies" not in result.output  # Ana's reply was recorded before: not again
    assert [m.kind for m in store.inbox_messages()] == ["auto_reply", "reply"]
    cursor = store.cursor("INBOX")
    assert cursor is not None and cursor.uidvalidity == imap_server.uidvalidity(imap_user, "INBOX")
    assert run("inbox", env=WED).output.startswith("No new mail")


def test_a_server_down_a_wrong_password_or_a_hang_exit_1_and_change_nothing(
    run, sender_config: Path, server: SmtpServer, store: Store, imap_server, imap_user, monkeypatch
) -> None:
    people, ids = emailed(
        run, sender_config, server, store, imap_server, imap_user, monkeypatch, "ana"
    )
    deliver(imap_server, imap_user, sample("reply-in-reply-to.eml", ids))
    cursor = store.cursor("INBOX")
    where = f"127.0.0.1:{imap_server.ssl_port}"
    with imap_server.down():
        down = run("inbox", env=WED)
    assert (down.exit_code, down.output) == (
        1,
        f"Error: {where}: can't connect: Connection refused\n",
    )
    monkeypatch.setenv("CAMPAIGN_IMAP_PASSWORD", "wrong")
    refused = run("inbox", env=WED)
    assert refused.exit_code == 1
    assert refused.output.startswith(f"Error: {where}: login as {imap_user.name} refused: ")
    assert refused.output.endswith("check the password (CAMPAIGN_IMAP_PASSWORD or the keyring)\n")
    monkeypatch.setenv("CAMPAIGN_IMAP_PASSWORD", imap_user.password)
    sender_config.write_text(
        sender_config.read_text(encoding="utf-8").replace(f"timeout = {PATIENT}", "timeout = 1"),
        encoding="utf-8",
    )
    with imap_server.frozen():
        hung = run("inbox", env=WED)
    assert (hung.exit_code, hung.output) == (
        1,
        f"Error: {where}: timed out (no reply within [imap] timeout)\n",
    )
    # Nothing changed: the call is as it was, nothing recorded, the cursor where it was.
    assert store.open_call(people["ana"].id).reason == "marketing letter emailed 16 Nov"  # type: ignore[union-attr]
    assert store.inbox_messages() == [] and store.cursor("INBOX") == cursor
    # A send run with [imap] reads the inbox first and stops the same way.
    with imap_server.down():
        blocked = run("send", env=WED)
    assert blocked.exit_code == 1 and "can't connect" in blocked.output
    # Once it is back, the reply is read.
    assert "answer their email of 24 Nov" in run("inbox", env=WED).output


def test_an_untrusted_certificate_is_refused(
    run, sender_config: Path, server: SmtpServer, store: Store, imap_server, imap_user, monkeypatch
) -> None:
    emailed(run, sender_config, server, store, imap_server, imap_user, monkeypatch, "ana")
    monkeypatch.delenv("SSL_CERT_FILE")
    result = run("inbox", env=WED)
    assert result.exit_code == 1
    assert "TLS failed" in result.output and "not trusted" in result.output


def test_starttls_and_a_junk_folder(
    run, sender_config: Path, server: SmtpServer, store: Store, imap_server, imap_user, monkeypatch
) -> None:
    _, ids = emailed(run, sender_config, server, store, imap_server, imap_user, monkeypatch, "ana")
    text = sender_config.read_text(encoding="utf-8")
    text = text.replace(f"port = {imap_server.ssl_port}", f"port = {imap_server.port}")
    text = text.replace('security = "ssl"', 'security = "starttls"') + 'junk_folder = "Junk"\n'
    sender_config.write_text(text, encoding="utf-8")
    imap_server.create_folder(imap_user, "Junk")
    deliver(imap_server, imap_user, sample("reply-in-reply-to.eml", ids), folder="Junk")
    result = run("inbox", env=WED)
    assert result.exit_code == 0, result.output
    assert "(INBOX 0, Junk 1)" in result.output and "answer their email of 24 Nov" in result.output


def test_no_imap_section_says_how_to_add_one(run, sender_config: Path, store: Store) -> None:
    result = run("inbox")
    assert result.exit_code == 1
    assert result.output == (
        f"Error: {sender_config}: no [imap] section; add host, user (and port, security) to "
        "read replies and bounces (`campaign init` writes a commented example)\n"
    )
