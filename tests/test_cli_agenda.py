"""``campaign agenda``: every due task of every kind, today first, as a table, JSON or iCalendar."""

from __future__ import annotations

import json
import re
from datetime import date
from pathlib import Path

from icalendar import Calendar

from campaign.models import Channel, Decision, SendState
from campaign.store.schema import sends
from campaign.tasks import close_company
from tests.factories import TODAY, add_prospect, store_at

PANEL = (
    "--on",
    "2026-11-16",
    "--with",
    "Ms. Ana Ruiz, VP Sales",
    "--with",
    "Bo Chen, CFO",
    "--with",
    "Dr. Cy Diaz",
    "--interest",
    "Ana Ruiz: quilting",
    "--interest",
    "Chen: sailing",
    "--gift",
    "Cy: the book Factory Physics",
)


def _agenda(run, *args: str, env: dict[str, str] | None = None) -> list[dict]:
    result = run("agenda", *args, "--format", "json", env=env)
    assert result.exit_code == 0, result.output
    return json.loads(result.output)


def test_panel_interview_from_meeting_to_offer(run, campaign_home: Path) -> None:
    store = store_at(campaign_home)
    acme = add_prospect(store, company="Acme")
    assert run("meeting", str(acme.id), *PANEL).exit_code == 0

    today = _agenda(run)
    assert [(i["kind"], i["who"], i["due"]) for i in today] == [
        ("thank_you_email", "Ms. Ana Ruiz, VP Sales", "2026-11-16"),
        ("thank_you_email", "Bo Chen, CFO", "2026-11-16"),
        ("thank_you_email", "Dr. Cy Diaz", "2026-11-16"),
    ]
    assert len({i["draft"] for i in today}) == 3
    tuesday = {"CAMPAIGN_TODAY": "2026-11-17"}
    notes = [i for i in _agenda(run, env=tuesday) if i["kind"] == "note"]
    assert [(i["who"], i["due"]) for i in notes] == [
        ("Ms. Ana Ruiz, VP Sales", "2026-11-17"),
        ("Bo Chen, CFO", "2026-11-17"),
        ("Dr. Cy Diaz", "2026-11-17"),
    ]
    assert len({i["draft"] for i in notes}) == 3
    assert "Factory Physics" in notes[2]["draft"]

    # Done tasks leave the agenda; what is not done stays, overdue, at the top.
    for item in today + notes[:2]:
        assert run("done", str(item["task_id"])).exit_code == 0
    assert [i["who"] for i in _agenda(run, env=tuesday)] == ["Dr. Cy Diaz"]

    # No decision a week later: a status call to the hiring authority.
    week_on = _agenda(run, env={"CAMPAIGN_TODAY": "2026-11-23"})
    assert [(i["kind"], i["who"], i["phone"], i["due"]) for i in week_on] == [
        ("note", "Dr. Cy Diaz", "", "2026-11-17"),
        ("status_call", acme.contact, acme.phone, "2026-11-23"),
    ]

    # An offer heard on the status call closes everything for that company.
    call_id = str(week_on[1]["task_id"])
    closed = run("done", call_id, "--decision", "offer", env={"CAMPAIGN_TODAY": "2026-11-23"})
    assert closed.output == (
        f"Task T{call_id} done.\nDecision offer: every open task for prospect {acme.id} closed.\n"
    )
    assert _agenda(run, "--due", "all") == []
    assert store.get_prospect(acme.id).status == "offer"


def test_an_offer_spares_other_companies(run, campaign_home: Path) -> None:
    store = store_at(campaign_home)
    acme, other = add_prospect(store, company="Acme"), add_prospect(store, company="Other")
    run("meeting", str(acme.id), "--on", "2026-11-16", "--with", "Bo Chen")
    run("meeting", str(other.id), "--on", "2026-11-16", "--with", "Di Fox")
    with store.transaction() as tx:
        assert close_company(tx, acme.id, Decision.OFFER, TODAY) == 3
    assert {i["company"] for i in _agenda(run, "--due", "all")} == {"Other"}


def test_agenda_drafts_prints_each_draft(run, campaign_home: Path) -> None:
    acme = add_prospect(store_at(campaign_home), company="Acme")
    run("meeting", str(acme.id), "--on", "2026-11-16", "--with", "Ms. Ana Ruiz", "--gift", "a map")
    out = run("agenda", "--drafts").output
    assert "--- T1: Send thank-you email to Ms. Ana Ruiz ---" in out
    assert "Subject: Thank you for our meeting on November 16\n\nDear Ms. Ruiz," in out


def test_agenda_table_says_nothing_due(run, campaign_home: Path) -> None:
    store_at(campaign_home).close()
    result = run("agenda")
    assert result.exit_code == 0
    assert "Nothing due." in result.output


def test_agenda_lists_every_kind_in_due_order(run, campaign_home: Path) -> None:
    store = store_at(campaign_home)
    old, new, printed = (add_prospect(store) for _ in range(3))
    with store.transaction() as tx:
        tx.insert_task(
            kind="call",
            due=date(2026, 11, 12),
            today=TODAY,
            prospect_id=old.id,
            reason="marketing letter emailed 5 Nov",
        )
        tx.insert_task(kind="call", due=date(2026, 11, 18), today=TODAY, prospect_id=new.id)
        tx.conn.execute(
            sends.insert().values(
                prospect_id=printed.id,
                letter="marketing",
                channel=Channel.POST,
                state=SendState.SENT,
                week="2026-W47",
                claimed_on=TODAY,
                sent_on=TODAY,
                pack="output/run-1/letters.pdf",
            )
        )
    items = _agenda(run)
    assert [(i["kind"], i["prospect_id"], i["due"]) for i in items] == [
        ("call", old.id, "2026-11-12"),
        ("post_letter", printed.id, "2026-11-16"),
    ]
    assert items[1]["what"] == "Post printed letter (marketing)"
    assert items[1]["reason"] == "in output/run-1/letters.pdf"
    week = _agenda(run, "--due", "week")
    assert [i["prospect_id"] for i in week] == [old.id, printed.id, new.id]
    done = run("done", "1")
    assert (done.exit_code, done.output) == (
        1,
        f"Error: task T1 is a follow-up call: record what came of it with "
        f"`campaign log {old.id} --outcome ...`\n",
    )
    table = run("agenda").output
    lines = table.splitlines()
    assert lines[1].split()[:4] == ["log", str(old.id), "4d", "late"]  # the command first
    assert lines[2].split()[:3] == ["-", "today", "Post"]  # printed before packs were tasks
    assert "Each row starts with the command that closes it (T7 is a task, a bare 12 a " in (
        " ".join(table.split())
    )
    assert "`campaign log 12 --outcome ...` after a call" in " ".join(table.split())


def test_agenda_ics_has_one_event_per_task_with_stable_uids(run, campaign_home: Path) -> None:
    store = store_at(campaign_home)
    acme = add_prospect(store, company="Acme, Inc; <b>")
    run("meeting", str(acme.id), *PANEL)
    first = run("agenda", "--due", "all", "--format", "ics").output
    second = run("agenda", "--due", "all", "--format", "ics").output
    assert first == second
    events = Calendar.from_ical(first).walk("VEVENT")
    assert len(events) == 7
    assert str(events[0]["summary"]) == (
        "Send thank-you email: Ms. Ana Ruiz, VP Sales (Acme, Inc; <b>)"
    )
    assert events[0].decoded("dtstart") == date(2026, 11, 16)
    assert "Dear Ms. Ruiz," in str(events[0]["description"])
    assert len({str(e["uid"]) for e in events}) == 7


def test_agenda_bad_due_is_a_usage_error(run, campaign_home: Path) -> None:
    for bad in ("tomorrow", "yesterday", "2026-02-30", "2026-2-3"):
        result = run("agenda", "--due", bad)
        assert result.exit_code == 2
        assert result.stderr.endswith(
            f"Error: Invalid value for '--due': {bad!r} is not today, week, all or a date "
            "as YYYY-MM-DD\n"
        )
    result = run("notes", "--due", "soon")
    assert result.exit_code == 2
    assert "'soon' is not today, week, all or a date as YYYY-MM-DD" in result.stderr
    assert not (campaign_home / "campaign.db").exists()  # refused before anything opened


def test_log_works_the_status_call_and_an_offer_closes_the_company(
    run, campaign_home: Path
) -> None:
    store = store_at(campaign_home)
    acme = add_prospect(store, company="Acme")
    run("meeting", str(acme.id), *PANEL)
    monday = {"CAMPAIGN_TODAY": "2026-11-23"}
    sheet = json.loads(run("calls", "--format", "json", env=monday).output)
    assert [(c["prospect_id"], c["due"]) for c in sheet] == [(acme.id, "2026-11-23")]

    # No decision yet: the status call moves on at the prospects' cadence.
    reached = run("log", str(acme.id), "--outcome", "reached", env=monday)
    assert reached.exit_code == 0, reached.output
    calls = [i for i in _agenda(run, "--due", "all") if i["kind"] == "status_call"]
    assert [(c["task_id"], c["due"]) for c in calls] == [(7, "2026-12-23")]

    offer = run("log", str(acme.id), "--outcome", "offer", env={"CAMPAIGN_TODAY": "2026-12-23"})
    assert offer.exit_code == 0, offer.output
    assert "an offer: every open task for this company and its interviewers is closed" in (
        offer.output
    )
    assert _agenda(run, "--due", "all") == []
    assert store.get_prospect(acme.id).status == "offer"


def test_an_offer_is_shown_and_counted_as_an_offer_not_a_hire(run, campaign_home: Path) -> None:
    store = store_at(campaign_home)
    acme = add_prospect(store, company="Acme")
    run("meeting", str(acme.id), "--on", "2026-11-16", "--with", "Bo Chen")
    offer = run("log", str(acme.id), "--outcome", "offer")
    assert offer.exit_code == 0, offer.output
    assert store.get_prospect(acme.id).status == "offer"
    assert _agenda(run, "--due", "all") == []  # it still closes everything for the company

    doc = json.loads(run("status", "--format", "json").output)
    assert (doc["funnel"]["offers"], doc["funnel"]["hired"]) == (1, 0)
    assert doc["prospects_by_status"]["offer"] == 1
    table = run("status").output
    assert re.search(r"Prospects +1 +1 offer\b", table), table
    assert re.search(r"Offers +1 +prospects that made one; 0 hired you\b", table), table

    # An offer takes its answer, nothing else; reopening is for a company that said no.
    expected = (
        f"Error: prospect {acme.id} (Acme) made an offer; record how it ends with "
        f"`campaign log {acme.id} --outcome hired` (or `--outcome declined`)\n"
    )
    for args in (
        ("log", str(acme.id), "--outcome", "reached"),
        ("meeting", str(acme.id), "--on", "2026-11-16", "--with", "Di Fox"),
    ):
        result = run(*args)
        assert (result.exit_code, result.output) == (1, expected), args
    reopen = run("reopen", str(acme.id))
    assert (reopen.exit_code, reopen.output) == (
        1,
        f"Error: prospect {acme.id} (Acme) is at the offer stage; only a declined, closed "
        "or hired prospect can be reopened\n",
    )
    hired = run("log", str(acme.id), "--outcome", "hired")
    assert hired.exit_code == 0, hired.output
    assert store.get_prospect(acme.id).status == "hired"
    doc = json.loads(run("status", "--format", "json").output)
    assert (doc["funnel"]["offers"], doc["funnel"]["hired"]) == (1, 1)
    after = run("log", str(acme.id), "--outcome", "reached")
    assert (after.exit_code, after.output) == (
        1,
        f"Error: prospect {acme.id} (Acme) is hired; its follow-up is over\n",
    )


def test_done_decision_offer_records_an_offer(run, campaign_home: Path) -> None:
    store = store_at(campaign_home)
    acme = add_prospect(store, company="Acme")
    run("meeting", str(acme.id), "--on", "2026-11-16", "--with", "Bo Chen")
    call = next(i for i in _agenda(run, "--due", "all") if i["kind"] == "status_call")
    assert run("done", str(call["task_id"]), "--decision", "offer").exit_code == 0
    assert store.get_prospect(acme.id).status == "offer"
    assert store.list_meetings(acme.id)[0].outcome == "offer"


def test_the_agenda_imports_nothing_heavy(campaign_home: Path) -> None:
    """Each morning: a current SQLite campaign is read with sqlite3, no SQLAlchemy."""
    import subprocess
    import sys

    store = store_at(campaign_home)
    person = add_prospect(store)
    with store.transaction() as tx:
        tx.insert_task(kind="call", due=TODAY, today=TODAY, prospect_id=person.id)
        tx.insert_task(kind="thank_you_email", due=TODAY, today=TODAY, prospect_id=person.id)
    store.close()
    code = (
        "import sys\nfrom click.testing import CliRunner\nfrom campaign.cli import cli\n"
        "for fmt in ('table', 'json'):\n"
        "    r = CliRunner().invoke(cli, ['agenda', '--due', 'week', '--format', fmt])\n"
        "    assert r.exit_code == 0, r.output\n"
        "heavy = ('sqlalchemy', 'pandas', 'reportlab', 'icalendar', 'holidays', 'docx', 'jinja2',\n"
        "         'smtplib')\n"
        "print(sorted(m for m in heavy if m in sys.modules))"
    )
    env = {"CAMPAIGN_HOME": str(campaign_home), "CAMPAIGN_TODAY": TODAY.isoformat()}
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, env=env
    )
    assert out.stdout == "[]\n"
