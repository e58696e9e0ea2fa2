"""``campaign send`` through the real CLI, against a real SMTP server on 127.0.0.1."""

from __future__ import annotations

import json
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest

from campaign.models import Prospect, SendState
from campaign.store import Store
from tests.factories import add_prospect, add_prospects
from tests.smtp_server import PATIENT, SmtpServer, free_port
from tests.test_sending import LETTER


def configure(sender_config: Path, port: int | None, extra: str = "") -> None:
    text = sender_config.read_text(encoding="utf-8")
    if port is not None:
        text += (
            f'[smtp]\nhost = "127.0.0.1"\nport = {port}\nsecurity = "none"\ntimeout = {PATIENT}\n'
        )
    sender_config.write_text(text + extra, encoding="utf-8")
    templates = sender_config.parent / "templates"
    templates.mkdir(exist_ok=True)
    (templates / "marketing.txt").write_text(LETTER, encoding="utf-8")


def states(store: Store) -> list[str]:
    return [s.state for s in store.list_sends()]


def test_a_weekly_run_emails_prints_and_says_what_is_next(
    run, sender_config: Path, server: SmtpServer, store: Store, campaign_home: Path
) -> None:
    configure(sender_config, server.port)
    add_prospects(store, 2)
    add_prospect(store, email="", company="Paper Co")
    result = run("send")
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    pack = next(campaign_home.glob("output/print-pack-2026-W47-2026-11-16-*"))
    assert lines == [
        "Sent 2 by email, printed 1 (2026-W47: 3 of 20 used).",
        "By email:",
        "  Company 1 Inc. - Ms. Alex Person1 <alex1@company1.example> (prospect 1)",
        "  Company 2 Inc. - Ms. Alex Person2 <alex2@company2.example> (prospect 2)",
        "Printed:",
        "  Paper Co - Ms. Alex Person3, by post to Springfield, IL (prospect 3)",
        f"Print pack: {pack} (letters.pdf, envelopes.pdf, labels.pdf, manifest.csv)",
        "Next calls: 3 first follow-up calls due Mon 23 Nov to Fri 27 Nov 2026; "
        "see `campaign calls --due all`.",
    ]
    assert len(server.received) == 2
    assert states(store) == [SendState.SENT] * 3
    again = run("send")
    assert again.exit_code == 0
    assert again.stdout == (
        "Nothing to send: no active prospect is waiting for the marketing letter "
        "(`campaign import` a list, or choose another --letter).\n"
    )
    assert len(server.received) == 2


def test_a_full_week_says_when_the_next_wave_opens(run, sender_config: Path, store: Store) -> None:
    configure(sender_config, None, "[schedule]\nweekly_cap = 2\n")
    add_prospects(store, 3)
    assert run("send").exit_code == 0
    again = run("send")
    assert (again.exit_code, again.stdout) == (
        0,
        "Nothing to send: this week's cap is used (2 of 2 in 2026-W47); 1 waiting for the "
        "marketing letter from Mon 23 Nov 2026.\n",
    )


def test_deferred_failed_and_in_doubt_exit_3_with_what_to_do(
    run, sender_config: Path, server: SmtpServer, store: Store
) -> None:
    configure(sender_config, server.port)
    a, b, c, d = add_prospects(store, 4)
    server.handler.rules = {a.email: "451", b.email: "550", c.email: "drop"}
    result = run("send")
    assert result.exit_code == 3
    assert "Deferred by the server (the next `campaign send` retries them):\n" in result.stdout
    assert (
        f"  Company 1 Inc. - Ms. Alex Person1 <{a.email}> (prospect 1, send 1): "
        "451 4.7.1 Greylisted, please try again later\n"
    ) in result.stdout
    assert (
        f"  Company 2 Inc. - Ms. Alex Person2 <{b.email}> (prospect 2, send 2): "
        f"550 5.1.1 <{b.email}>: Recipient address rejected: User unknown\n"
    ) in result.stdout
    assert "`campaign send --settle SEND --sent`" in result.stdout
    assert result.stderr == (
        "Error: not all went through: 2 deferred (the next run retries them), 1 failed, "
        "1 in doubt; see above\n"
    )
    assert states(store) == [
        SendState.DEFERRED,
        SendState.FAILED,
        SendState.UNKNOWN,
        SendState.DEFERRED,
    ]
    server.handler.rules = {}
    retry = run("send")
    assert retry.exit_code == 0
    assert states(store) == [SendState.SENT, SendState.FAILED, SendState.UNKNOWN, SendState.SENT]
    settled = run("send", "--settle", "3", "--sent")
    assert settled.exit_code == 0
    assert (
        settled.stdout == "Send 3 recorded as sent on 2026-11-16; first call due Mon 23 Nov 2026.\n"
    )
    resent = run("send", "--resend", "2")
    assert resent.exit_code == 0
    assert states(store) == [SendState.SENT] * 4
    got = sorted(r.recipients[0] for r in server.received)
    assert got == sorted([a.email, b.email, d.email])  # c's copy was dropped, never resent


def test_wrong_password_exits_1_and_records_nothing(run, sender_config: Path, store: Store) -> None:
    with SmtpServer(password="right") as server:
        configure(sender_config, None)
        sender_config.write_text(
            sender_config.read_text()
            + f'[smtp]\nhost = "127.0.0.1"\nport = {server.port}\nsecurity = "none"\n'
            f'user = "pat@example.com"\ntimeout = {PATIENT}\n'
        )
        add_prospects(store, 2)
        result = run("send", env={"CAMPAIGN_SMTP_PASSWORD": "wrong"})
    assert result.exit_code == 1
    assert result.stderr.startswith(
        f"Error: 127.0.0.1:{server.port}: login as pat@example.com refused: 535 "
    )
    assert "wrong" not in result.output
    assert store.list_sends() == [] and server.received == []


def test_unreachable_server_exits_1(run, sender_config: Path, store: Store) -> None:
    port = free_port()
    configure(sender_config, port)
    add_prospects(store, 1)
    result = run("send")
    assert result.exit_code == 1
    assert result.stderr.startswith(f"Error: 127.0.0.1:{port}: can't connect: ")
    assert store.list_sends() == []


def test_dry_run_and_test_to_record_nothing(
    run, sender_config: Path, server: SmtpServer, store: Store
) -> None:
    configure(sender_config, server.port)
    add_prospects(store, 2)
    dry = run("send", "--dry-run")
    assert dry.exit_code == 0
    assert dry.stdout.splitlines()[:2] == [
        "Would send 2 by email, would print 0 (2026-W47: 0 of 20 used before this run).",
        "By email:",
    ]
    sample = run("send", "--test-to", "me@example.com")
    assert sample.exit_code == 0
    assert sample.stdout == (
        "Sent a sample (marketing letter to Company 1 Inc.) to me@example.com: "
        "250 2.0.0 Ok: queued\n"
    )
    (got,) = server.received
    assert got.recipients == ["me@example.com"]
    assert got.subject == "[test] Operations help for Company 1 Inc."
    assert store.list_sends() == []


def test_batch_all_needs_no_cap(run, sender_config: Path, store: Store) -> None:
    configure(sender_config, None, "[schedule]\nweekly_cap = 2\n")
    add_prospects(store, 3)
    refused = run("send", "--batch", "all")
    assert refused.exit_code == 1
    assert refused.stderr == (
        "Error: --batch all sends every prospect not yet sent the marketing letter (3 now), "
        "ignoring the weekly cap of 2; add --no-cap to send them all\n"
    )
    assert store.list_sends() == []
    done = run("send", "--batch", "all", "--no-cap")
    assert done.exit_code == 0
    assert done.stdout.startswith("Sent 0 by email, printed 3 (2026-W47: 3 of 2 used).")


def test_limit_sends_fewer(run, sender_config: Path, store: Store) -> None:
    configure(sender_config, None)
    add_prospects(store, 5)
    assert run("send", "--limit", "2").exit_code == 0
    assert len(store.list_sends()) == 2
    assert run("send", "--limit", "0").exit_code == 2  # Click's own usage error


def test_a_second_run_at_once_exits_1(run, sender_config: Path, store: Store) -> None:
    configure(sender_config, None)
    add_prospects(store, 1)
    sleeper = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(30)"])
    try:
        import socket
        from datetime import datetime

        when = datetime(2026, 11, 16, 8, 0)  # noqa: DTZ001 - the lock records naive local time
        store.acquire_lock(pid=sleeper.pid, host=socket.gethostname(), now=when, alive=bool)
        result = run("send")
    finally:
        sleeper.kill()
        sleeper.wait()
    assert result.exit_code == 1
    assert result.stderr == (
        f"Error: a send run is in progress (pid {sleeper.pid} on host {socket.gethostname()} "
        "since 2026-11-16 08:00:00); wait for it to finish\n"
    )
    assert store.list_sends() == []
    # Now that pid is dead: its lock is taken over.
    assert run("send").exit_code == 0
    assert len(store.list_sends()) == 1


def test_settle_needs_a_verdict_and_an_id_that_exists(
    run, sender_config: Path, store: Store
) -> None:
    configure(sender_config, None)
    result = run("send", "--settle", "5")
    assert (result.exit_code, result.stderr) == (
        1,
        "Error: --settle ID needs --sent (it arrived) or --not-sent (send it again)\n",
    )
    missing = run("send", "--settle", "5", "--sent")
    assert (missing.exit_code, missing.stderr) == (
        1,
        "Error: no send with id 5 (see `campaign status`)\n",
    )


def test_a_missing_sender_says_how_to_fix_it(run, campaign_home: Path, store: Store) -> None:
    result = run("send")
    assert result.exit_code == 1
    assert result.stderr.startswith(
        f"Error: {campaign_home / 'campaign.toml'}: no [sender] section"
    )


def test_test_to_needs_one_address(
    run, sender_config: Path, server: SmtpServer, store: Store
) -> None:
    configure(sender_config, server.port)
    add_prospects(store, 1)
    result = run("send", "--test-to", "me@example.com, you@example.com")
    assert (result.exit_code, result.stderr) == (
        1,
        "Error: --test-to 'me@example.com, you@example.com' is not one email address\n",
    )
    assert server.received == []


def test_verdict_without_settle_and_unknown_batch(run, sender_config: Path) -> None:
    configure(sender_config, None)
    alone = run("send", "--sent")
    assert (alone.exit_code, alone.stderr) == (
        1,
        "Error: --sent and --not-sent go with --settle ID (a send in doubt)\n",
    )
    assert run("send", "--batch", "top10").exit_code == 2


def test_unlock_removes_a_lock_from_another_host(run, sender_config: Path, store: Store) -> None:
    from datetime import datetime

    configure(sender_config, None)
    add_prospects(store, 1)
    when = datetime(2026, 11, 16, 8, 0)  # noqa: DTZ001 - the lock records naive local time
    store.acquire_lock(pid=4242, host="laptop", now=when, alive=bool)
    blocked = run("send")
    assert blocked.exit_code == 1
    assert blocked.stderr.endswith(", or if it died on laptop, run `campaign send --unlock`\n")
    unlocked = run("send", "--unlock", input="y\n")  # asked: this host can't see laptop's pids
    assert (unlocked.exit_code, unlocked.stdout) == (0, "Removed the lock of pid 4242 on laptop.\n")
    assert run("send").exit_code == 0
    assert states(store) == [SendState.SENT]


def test_no_password_and_no_terminal_never_prompts(
    run, sender_config: Path, store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PYTHON_KEYRING_BACKEND", "keyring.backends.fail.Keyring")
    configure(sender_config, None)
    sender_config.write_text(
        sender_config.read_text()
        + '[smtp]\nhost = "127.0.0.1"\nport = 2525\nsecurity = "none"\nuser = "pat@example.com"\n'
    )
    add_prospects(store, 1)
    result = run("send")  # CliRunner's stdin is not a terminal
    assert (result.exit_code, result.stderr) == (
        1,
        "Error: no SMTP password for pat@example.com: set CAMPAIGN_SMTP_PASSWORD, or store it "
        "with `keyring set campaign pat@example.com`\n",
    )
    assert store.list_sends() == []


def _with_resume(sender_config: Path) -> None:
    from reportlab.pdfgen.canvas import Canvas

    (sender_config.parent / "lists").mkdir(exist_ok=True)
    canvas = Canvas(str(sender_config.parent / "lists" / "resume.pdf"))
    canvas.drawString(72, 700, "RESUME")
    canvas.save()
    text = sender_config.read_text(encoding="utf-8")
    text = text.replace(
        'email = "pat@example.com"\n', 'email = "pat@example.com"\nresume = "lists/resume.pdf"\n', 1
    )
    sender_config.write_text(text, encoding="utf-8")


def _letters_text(home: Path, week: str = "2026-W47") -> str:
    from pypdf import PdfReader

    [pack] = sorted(home.glob(f"output/print-pack-{week}-2026-11-19-*"))
    pages = PdfReader(pack / "letters.pdf").pages
    return " ".join(" ".join(page.extract_text() for page in pages).split())


def _marketing_letter_mailed(run, sender_config: Path, store: Store) -> Prospect:
    """One prospect, printed the marketing letter on Mon 16 Nov; a resume for the cover."""
    configure(sender_config, None)
    _with_resume(sender_config)
    p = add_prospect(store)
    assert run("send").exit_code == 0
    return p


def test_a_second_letter_moves_the_open_call_to_the_day_it_promises(
    run, sender_config: Path, store: Store, campaign_home: Path
) -> None:
    p = _marketing_letter_mailed(run, sender_config, store)
    before = store.open_call(p.id)
    assert before is not None and before.due == date(2026, 11, 27)

    later = run("send", "--letter", "cover", env={"CAMPAIGN_TODAY": "2026-11-19"})
    assert later.exit_code == 0, later.output
    # Mailed Thursday: +7 days +3 in the post is Sunday 29th, so the call is Monday 30th.
    assert "I will call you on Monday, November 30" in _letters_text(campaign_home)
    after = store.open_call(p.id)
    assert after is not None and after.id == before.id  # still one open call, moved
    assert (after.due, after.reason, after.sequence) == (
        date(2026, 11, 30),
        "cover letter mailed 19 Nov",
        before.sequence + 1,
    )


def test_a_second_letter_promises_a_later_call_already_booked(
    run, sender_config: Path, store: Store, campaign_home: Path
) -> None:
    p = _marketing_letter_mailed(run, sender_config, store)
    env = {"CAMPAIGN_TODAY": "2026-11-19"}
    logged = run("log", str(p.id), "--outcome", "gatekeeper", "--gatekeeper", "Tom",
                 "--callback", "2026-12-15", env=env)  # fmt: skip
    assert logged.exit_code == 0, logged.output
    booked = store.open_call(p.id)
    assert booked is not None and booked.due == date(2026, 12, 15)

    assert run("send", "--letter", "cover", env=env).exit_code == 0
    assert "I will call you on Tuesday, December 15" in _letters_text(campaign_home)
    assert store.open_call(p.id) == booked  # the secretary's good time stands


def test_inits_example_sender_is_refused_before_anything_goes_out(
    run, campaign_home: Path, store: Store
) -> None:
    assert run("init").exit_code == 0
    add_prospects(store, 2)
    result = run("send")
    assert result.exit_code == 1
    assert result.output == (
        f"Error: {campaign_home / 'campaign.toml'}: [sender] name 'Your Name' and email "
        "'you@example.com' are still the example from `campaign init`; put your own before "
        "sending\n"
    )
    assert store.list_sends() == []
    assert not list(campaign_home.glob("output/print-pack-*"))
    # A preview still works, and says what to fix.
    dry = run("send", "--dry-run")
    assert dry.exit_code == 0
    assert "Note: [sender] name 'Your Name' and email 'you@example.com' are still" in dry.stderr
    merged = run("merge", "--to", "pdf")
    assert merged.exit_code == 0
    assert "put your own in campaign.toml before sending." in merged.stderr


def test_a_cover_letter_without_a_resume_is_refused(
    run, sender_config: Path, store: Store, campaign_home: Path
) -> None:
    configure(sender_config, None)
    add_prospects(store, 1)
    result = run("send", "--letter", "cover")
    assert result.exit_code == 1
    assert result.output == (
        f"Error: {sender_config}: the cover letter says your resume is attached (or enclosed), "
        'but [sender] resume is not set; add resume = "lists/resume.pdf" (a PDF of it)\n'
    )
    assert store.list_sends() == []
    merged = run("merge", "--letter", "cover", "--to", "pdf")
    assert merged.exit_code == 0
    assert merged.stderr == (
        "Note: the cover letter says your resume is attached, but [sender] resume is not "
        'set: add resume = "lists/resume.pdf" before sending.\n'
    )
    _with_resume(sender_config)
    assert run("send", "--letter", "cover").exit_code == 0
    assert [s.letter for s in store.list_sends()] == ["cover"]


def test_a_deferred_email_waits_while_smtp_is_out_and_the_post_goes_on(
    run, sender_config: Path, server: SmtpServer, store: Store
) -> None:
    configure(sender_config, server.port)
    with_smtp = sender_config.read_text(encoding="utf-8")
    sid = add_prospect(store, company="Sigma", email="sid@sigma.example", street="", city="")
    tina = add_prospect(store, company="Tau", email="")
    server.handler.rules = {sid.email: "451"}
    assert run("send", "--limit", "1").exit_code == 3
    # [smtp] taken out: Sid can't be emailed now and has no address to print to.
    sender_config.write_text(with_smtp.split("[smtp]")[0], encoding="utf-8")
    monday = {"CAMPAIGN_TODAY": "2026-11-23"}
    dry = run("send", "--dry-run", env=monday)
    assert dry.exit_code == 0
    assert dry.stdout.startswith("Would send 0 by email, would print 1 ")
    assert "Waiting (deferred earlier; with no [smtp]" in dry.stdout
    result = run("send", env=monday)
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith("Sent 0 by email, printed 1 ")
    assert "  Sigma - Ms. Alex Person1 <sid@sigma.example> (prospect 1)" in result.stdout
    assert {s.prospect_id: s.state for s in store.list_sends()} == {
        sid.id: SendState.DEFERRED,
        tina.id: SendState.SENT,
    }
    doc = json.loads(run("status", "--format", "json", env=monday).output)
    retry = next(a for a in doc["attention"] if a["kind"] == "retry")
    assert "the emails wait until [smtp] is back in campaign.toml" in retry["command"]
    # [smtp] back: the next run retries Sid.
    sender_config.write_text(with_smtp, encoding="utf-8")
    server.handler.rules = {}
    assert run("send", env={"CAMPAIGN_TODAY": "2026-11-24"}).exit_code == 0
    assert store.get_send(1).state == SendState.SENT


def test_an_unknown_letter_is_refused_even_when_the_week_is_full(
    run, sender_config: Path, store: Store
) -> None:
    configure(sender_config, None, "[schedule]\nweekly_cap = 1\n")
    add_prospects(store, 2)
    assert run("send").exit_code == 0
    for args in (["send", "--letter", "nosuch"], ["send", "--letter", "nosuch", "--dry-run"]):
        result = run(*args)
        assert result.exit_code == 1, args
        assert result.output.startswith("Error: no letter 'nosuch': add templates/nosuch.txt")


def test_test_to_samples_a_prospect_who_has_an_email(
    run, sender_config: Path, server: SmtpServer, store: Store
) -> None:
    configure(sender_config, server.port)
    add_prospect(store, company="Paper Only", email="", priority=1)
    add_prospect(store, company="Inbox Co", priority=2)
    result = run("send", "--test-to", "me@example.com")
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith(
        "Sent a sample (marketing letter to Inbox Co) to me@example.com"
    )
    assert store.list_sends() == []


def test_with_smtp_a_prospect_without_email_or_address_is_told_so_everywhere(
    run, sender_config: Path, server: SmtpServer, store: Store, campaign_home: Path
) -> None:
    """[smtp] is set up, so what they lack is an email or an address, not [smtp]."""
    configure(sender_config, server.port)
    add_prospects(store, 21)
    stranded = add_prospect(store, company="Nowhere Co", email="", street="", city="")
    why = "no email and no postal address"
    fix = "add one to your list and `campaign import` it"
    caption = run("prospects", "--batch", "top20").output
    assert f"; 1 left out ({why})" in " ".join(caption.split())
    result = run("send")
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    at = lines.index(f"Not sent ({why}):")
    assert lines[at + 1] == f"  Nowhere Co - Ms. Alex Person22 (prospect {stranded.id})"
    assert lines[at + 2] == f"  To reach them: {fix}."
    # The stranded one is no more "waiting" here than in status's "Still to write to".
    assert lines[-1] == (
        "1 still waiting for the marketing letter; the next wave opens Mon 23 Nov 2026."
    )
    doc = json.loads(run("status", "--format", "json").output)
    assert doc["remaining"]["prospects"] == 1
    assert doc["remaining"]["unreachable"] == 1
    # With [smtp], no letter can reach only those with neither email nor address: they
    # need one found (a research task), and `campaign edit` gives it.
    assert doc["needs_address"] == 1
    assert [a["kind"] for a in doc["attention"]].count("unreachable") == 0
    item = next(a for a in doc["attention"] if a["kind"] == "needs_address")
    assert item["message"] == (
        "1 prospect without an email or postal address (in no wave until one is found): 22"
    )
    assert item["command"] == (
        "`campaign edit ID --email E` (or --street, --city, --zip); research tasks are on "
        "`campaign agenda`"
    )
    assert run("report").exit_code == 0
    page = next(campaign_home.glob("output/report-*.html")).read_text(encoding="utf-8")
    assert f"<td>no letter can reach them ({why})</td>" in page
    assert "letter in a coming wave" in page  # the 21st, reachable, waits for next week


def test_on_send_day_status_counts_the_letters_to_post_that_agenda_lists(
    run, sender_config: Path, store: Store
) -> None:
    configure(sender_config, None)
    add_prospects(store, 2)
    assert run("send").exit_code == 0
    agenda = json.loads(run("agenda", "--format", "json").output)
    # One task for the print pack: posted in one go, closed with one `campaign done`.
    assert [(i["kind"], i["what"], i["command"]) for i in agenda] == [
        ("post_letter", "Post 2 printed letters", f"done T{agenda[0]['task_id']}")
    ]
    # Status counts that one task, as agenda does, and the letters it holds.
    doc = json.loads(run("status", "--format", "json").output)
    due = doc["due"]
    assert (due["tasks_today"], due["tasks_by_kind"], due["letters_to_post"]) == (
        1,
        {"post_letter": 1},
        2,
    )
    assert "`campaign agenda`: 1 other task due (1 print pack of 2 letters to post)" in doc["next"]
    # Not posted yet the day after: still due, overdue now, until it is done.
    tuesday = {"CAMPAIGN_TODAY": "2026-11-17"}
    later = json.loads(run("status", "--format", "json", env=tuesday).output)
    assert (later["due"]["tasks_today"], later["due"]["tasks_overdue"]) == (0, 1)
    assert run("done", f"T{agenda[0]['task_id']}", env=tuesday).exit_code == 0
    done = json.loads(run("status", "--format", "json", env=tuesday).output)
    assert done["due"]["tasks_overdue"] == 0
