"""The daily routine through the real CLI: a call list that fits, ids that can't be mixed up,
no call without a phone, a hire that closes the campaign, meetings and offers in time, the
whole story in one place, words that are right, and templates checked on real prospects."""

from __future__ import annotations

import csv
import io
import json
import re
import shutil
from datetime import date, datetime, timedelta
from pathlib import Path

import pytest
from icalendar import Calendar
from pypdf import PdfReader
from rich.cells import cell_len

from campaign import followup
from campaign.callsheet import CSV_COLUMNS
from campaign.config import load_settings
from tests.callfactory import send_letters
from tests.factories import TODAY, add_prospect, add_prospects, store_at

REPO = Path(__file__).resolve().parents[1]


def on(day: str, **env: str) -> dict[str, str]:
    return {"CAMPAIGN_TODAY": day, **env}


def as_json(run, *args: str, env: dict[str, str] | None = None):
    result = run(*args, "--format", "json", env=env)
    assert result.exit_code == 0, result.output
    return json.loads(result.output)


def sample_campaign(run, home: Path, *weeks: str) -> None:
    """The README's sample campaign: its list and campaign.toml, a send run each week given."""
    shutil.copytree(REPO / "lists", home / "lists")
    shutil.copy(REPO / "campaign.toml", home / "campaign.toml")
    assert run("import", "lists/sample-prospects.csv", env=on(weeks[0])).exit_code == 0
    for week in weeks:
        assert run("send", env=on(week)).exit_code == 0


# -- a call list that fits ------------------------------------------------------------


@pytest.mark.slow
def test_calls_on_the_sample_campaign_fit_80_columns_one_line_per_call(run, campaign_home):
    sample_campaign(run, campaign_home, "2026-11-02")
    narrow = on("2026-11-13", COLUMNS="80")
    calls = as_json(run, "calls", env=narrow)
    assert len(calls) == 20  # 16 a day: 16 overdue from Thursday and 4 today
    lines = run("calls", env=narrow).output.splitlines()
    assert max(cell_len(line) for line in lines) <= 80
    assert lines[0].split() == ["do", "due", "name", "company", "phone", "#", "why"]
    rows, caption = lines[1 : 1 + len(calls)], lines[1 + len(calls) :]
    for call, row in zip(calls, rows, strict=True):
        assert row.startswith(f"log {call['prospect_id']} ")  # the command, then the rest
        assert call["phone"] in row  # whole: never split, never shortened
    assert any("…" in row for row in rows)  # long cells end in an ellipsis, never wrap
    said = " ".join(" ".join(caption).split())
    assert said == (
        "20 calls. After each, `campaign log ID --outcome ...` as its row says (`log 3` is "
        "prospect 3); `campaign calls --long` for what to say and the history."
    )
    # --long: each call in full, wrapped between words at the same width.
    long = run("calls", "--long", env=narrow).output
    assert max(cell_len(line) for line in long.splitlines()) <= 80
    assert "log 3  Zoë Dubois, Head of Product - Vantage Foods Group\n" in long
    assert "  (608) 555-0103 · attempt 1 · 1 day overdue (due Thu 12 Nov)\n" in long
    assert (
        "  say:  Hello Zoë Dubois, this is Pat Example; I mailed you a letter on 2 Nov.\n" in long
    )
    # Off a terminal with no COLUMNS, a row is long enough for every name and company.
    wide = run("calls", env=on("2026-11-13")).output
    assert all(c["company"] in wide and c["contact"] in wide for c in calls)


@pytest.mark.slow
def test_agenda_prospects_and_status_fit_80_columns_too(run, campaign_home):
    sample_campaign(run, campaign_home, "2026-11-02")
    narrow = on("2026-11-13", COLUMNS="80")
    for command in ("agenda", "prospects", "status"):
        lines = run(command, env=narrow).output.splitlines()
        # (a `command` longer than a line may run past its edge: one cut in two can't be copied)
        too_long = [line for line in lines if cell_len(line) > 80 and "`" not in line]
        assert too_long == [], command
    prospects = run("prospects", env=narrow).output
    phones = [p["phone"] for p in as_json(run, "prospects", env=narrow)]
    assert all(phone in prospects for phone in phones)
    assert len(prospects.splitlines()) == 1 + 120 + 1  # header, one line each, the count


def test_the_formats_for_scripts_are_unchanged(run, campaign_home, sender_config):
    store = store_at(campaign_home)
    send_letters(store, add_prospects(store, 2), TODAY)
    (call, _) = as_json(run, "calls", env=on("2026-11-27"))
    assert set(call) == {
        "prospect_id", "company", "contact", "title", "phone", "due", "attempt", "reason",
        "gatekeeper", "last_note", "suggestion", "talking_points", "history", "task_id", "uid",
    }  # fmt: skip
    header = run("calls", "--format", "csv", env=on("2026-11-27")).output.splitlines()[0]
    assert header == ",".join(CSV_COLUMNS)


# -- ids that can't be mixed up ---------------------------------------------------------


def test_every_agenda_row_names_the_command_that_closes_it(run, campaign_home, sender_config):
    store = store_at(campaign_home)
    printed, met = add_prospect(store), add_prospect(store, company="Acme")
    send_letters(store, [printed], TODAY)  # a print pack to post, and its follow-up call
    assert run("meeting", str(met.id), "--on", "2026-11-16", "--with", "Bo Chen").exit_code == 0
    items = as_json(run, "agenda", "--due", "all")
    assert [(i["kind"], i["command"]) for i in items] == [
        ("post_letter", "done T2"),
        ("thank_you_email", "done T3"),
        ("note", "done T4"),
        ("status_call", "done T5"),
        ("call", f"log {printed.id}"),
    ]
    table = run("agenda", "--due", "all", env={"COLUMNS": "100"}).output.splitlines()
    assert [line.split()[:2] for line in table[1:6]] == [
        ["done", "T2"], ["done", "T3"], ["done", "T4"], ["done", "T5"], ["log", str(printed.id)],
    ]  # fmt: skip
    assert run("done", "T2").output == "Task T2 done.\n"  # the print pack is posted
    assert run("done", "3").output == "Task T3 done.\n"  # a plain number works too
    assert run("done", "t4").output == "Task T4 done.\n"
    bad = run("done", "P12")
    assert bad.exit_code == 2
    assert "'P12' is not a task id (as the agenda shows it: T12, or 12)" in bad.stderr
    left = as_json(run, "agenda", "--due", "all")
    assert [i["kind"] for i in left] == ["status_call", "call"]
    drafts = run("agenda", "--due", "all", "--drafts").output
    assert "Each row starts with the command that closes it (T7 is a task, a bare 12" in (
        " ".join(drafts.split())
    )


def test_the_pdf_call_sheet_shows_the_prospect_and_the_attempt_in_words(
    run, campaign_home, sender_config
):
    store = store_at(campaign_home)
    send_letters(store, add_prospects(store, 2), TODAY)
    assert run("calls", "--format", "pdf", env=on("2026-11-27")).exit_code == 0
    pdf = campaign_home / "output" / "call-sheet-2026-11-27.pdf"
    text = " ".join("".join(page.extract_text() for page in PdfReader(pdf).pages).split())
    assert "log 1 2026-11-27 attempt 1" in text and "log 2 2026-11-27 attempt 1" in text
    assert "#1" not in text


# -- no call without a phone ----------------------------------------------------------------


def test_no_call_without_a_phone_and_the_call_comes_once_one_is_added(
    run, campaign_home, sender_config
):
    (campaign_home / "list.csv").write_text(
        "Company,Hiring Manager,Address,City,State,Zip,Phone,Main Phone\n"
        "Acme,Ana Ruiz,1 Elm St,Springfield,IL,62701,217 555 0101,\n"
        "Beta Corp,Bo Chen,2 Oak St,Springfield,IL,62701,,217 555 0100\n",
        encoding="utf-8",
    )
    assert run("import", "list.csv").exit_code == 0
    sent = run("send")
    assert sent.exit_code == 0, sent.output
    assert (
        "No phone number for prospect 2: the call waits for one (`campaign agenda` has a task "
        "to find each; `campaign edit ID --phone NUMBER` places the call)." in sent.output
    )
    assert [c["prospect_id"] for c in as_json(run, "calls", "--due", "all")] == [1]
    (research,) = [i for i in as_json(run, "agenda") if i["kind"] == "research"]
    assert (research["what"], research["command"], research["due"]) == (
        "Find a phone number",
        "edit 2",
        "2026-11-16",
    )
    assert research["reason"] == (
        "find a phone number for Bo Chen at Beta Corp; the list has the company's main "
        "number, (217) 555-0100: ask for them"
    )
    doc = as_json(run, "status")
    (no_phone,) = [a for a in doc["attention"] if a["kind"] == "no_phone"]
    assert no_phone["ids"] == [2]

    # `campaign edit 2 --phone ...` (another branch) calls this once the phone is in: the
    # call comes on the day the letter promised, under the daily cap.
    config = campaign_home / "campaign.toml"
    config.write_text(config.read_text("utf-8") + "[schedule]\ncalls_per_day = 1\n", "utf-8")
    settings = load_settings(campaign_home, {})
    store = store_at(campaign_home)
    with store.transaction() as tx:
        tx.update_prospect(2, phone="(217) 555-0199")
        call = followup.phone_added(tx, settings, tx.get_prospect(2), TODAY)
    assert call is not None
    calls = as_json(run, "calls", "--due", "all")
    # Both letters promised Fri 27 Nov (Thanksgiving moved it); prospect 1's call has it.
    assert [(c["prospect_id"], c["due"], c["reason"]) for c in calls] == [
        (1, "2026-11-27", "marketing letter mailed 16 Nov"),
        (2, "2026-11-30", "marketing letter mailed 16 Nov"),
    ]
    assert [i["kind"] for i in as_json(run, "agenda")] == ["post_letter"]  # research done
    with store.transaction() as tx:  # a second time: nothing is waiting any more
        assert followup.phone_added(tx, settings, tx.get_prospect(2), TODAY) is None


def test_a_prospect_reopened_without_a_phone_gets_a_task_to_find_one(run, campaign_home):
    store = store_at(campaign_home)
    nobody = add_prospect(store, phone="")
    assert run("log", str(nobody.id), "--outcome", "declined").exit_code == 0
    reopened = run("reopen", str(nobody.id))
    assert reopened.output == (
        f"Prospect {nobody.id} is active again; it has no phone number: find one (T1), then "
        f"`campaign edit {nobody.id} --phone NUMBER` places the call.\n"
    )
    assert as_json(run, "calls", "--due", "all") == []


# -- hired closes the campaign -----------------------------------------------------------------


@pytest.mark.slow
def test_a_campaign_through_a_hire_ends_with_nothing_due_but_the_wind_down(run, campaign_home):
    sample_campaign(run, campaign_home, "2026-11-02", "2026-11-09")
    friday = on("2026-11-13")
    due = as_json(run, "calls", env=friday)
    outcomes = ["reached", "voicemail", "gatekeeper", "no-answer"]
    for n, call in enumerate(due[2:]):
        result = run("log", str(call["prospect_id"]), "--outcome", outcomes[n % 4], env=friday)
        assert result.exit_code == 0, result.output
    hiring, other = due[0]["prospect_id"], due[1]["prospect_id"]
    for pid in (hiring, other):
        met = run("meeting", str(pid), "--on", "2026-11-13", "--with", "Bo Chen", env=friday)
        assert met.exit_code == 0, met.output
    assert run("contact", "add", "Dana Lee", "--email", "dana@lee.example").exit_code == 0
    monday = on("2026-11-23")
    (status_call,) = [
        i
        for i in as_json(run, "agenda", env=monday)
        if i["kind"] == "status_call" and i["prospect_id"] == hiring
    ]
    offer = run(
        "done", f"T{status_call['task_id']}", "--decision", "offer",
        "--respond-by", "2026-11-27", env=monday,
    )  # fmt: skip
    assert offer.exit_code == 0, offer.output
    hired = run("log", str(hiring), "--outcome", "hired", env=on("2026-11-25"))
    assert hired.exit_code == 0, hired.output
    company = next(p["company"] for p in as_json(run, "prospects") if p["id"] == hiring)
    lines = hired.output.splitlines()
    assert re.fullmatch(
        r"The campaign winds down: 119 other prospects closed, so no more letters or "
        r"prospecting calls \(\d+ open tasks cancelled\)\.",
        lines[2],
    ), lines[2]
    assert re.fullmatch(r"  1 interview process to withdraw from politely: T\d+", lines[3])
    assert re.fullmatch(r"  1 networking contact to tell the news and thank: T\d+", lines[4])
    assert "`campaign resume` undoes the wind-down." in hired.output

    later = on("2026-12-14")
    assert as_json(run, "calls", "--due", "all", env=later) == []
    left = as_json(run, "agenda", "--due", "all", env=later)
    assert sorted((i["kind"], i["prospect_id"]) for i in left) == [
        ("share_news", None),
        ("withdraw", other),
    ]
    withdraw = next(i for i in left if i["kind"] == "withdraw")
    assert "I have accepted another position, so I am withdrawing" in withdraw["draft"]
    news = next(i for i in left if i["kind"] == "share_news")
    assert (news["who"], news["email"]) == ("Dana Lee", "dana@lee.example")
    assert f"I have accepted a position at {company}" in news["draft"]
    send = run("send", env=later)
    assert send.output == (
        f"Nothing to send: hired at {company} on 25 Nov 2026, so the campaign is wound down "
        "(`campaign resume` if the job falls through).\n"
    )
    doc = as_json(run, "status", env=later)
    assert doc["headline"] == f"Hired at {company} on 25 Nov 2026"
    assert doc["hired"] == {"prospect_id": hiring, "company": company, "on": "2026-11-25"}
    assert doc["calls_due"] == 0 and doc["wave_open"] is False
    assert doc["next"][-1] == (
        "`campaign resume` if the job falls through: the search goes on where it stood"
    )
    table = run("status", env=later).output
    assert f"Hired at {company} on 25 Nov 2026: congratulations." in " ".join(table.split())

    # The job falls through: the search goes on where it stood.
    resumed = run("resume", env=later)
    assert resumed.exit_code == 0, resumed.output
    assert resumed.output.startswith(
        f"The campaign resumes: the wind-down after the hire at {company} (25 Nov 2026) is undone."
    )
    assert as_json(run, "calls", "--due", "all", env=later) != []
    assert {i["kind"] for i in as_json(run, "agenda", "--due", "all", env=later)}.isdisjoint(
        {"withdraw", "share_news"}
    )
    after = as_json(run, "status", env=later)
    assert after["hired"] is None and after["prospects_by_status"]["active"] > 100
    again = run("resume", env=later)
    assert (again.exit_code, again.output) == (
        1,
        "Error: the campaign is not wound down (no hire is recorded): nothing to resume\n",
    )


# -- meetings and offers in time ------------------------------------------------------------


def test_a_meeting_agreed_for_later_is_on_the_agenda_and_in_the_calendar_at_its_hour(
    run, campaign_home, sender_config
):
    store = store_at(campaign_home)
    acme = add_prospect(store, company="Acme")
    send_letters(store, [acme], TODAY)
    planned = run("meeting", str(acme.id), "--on", "2026-11-19", "--at", "10am")
    assert planned.exit_code == 0, planned.output
    assert planned.output == (
        "Planned a meeting with Acme on Thu 19 Nov 2026 at 10:00.\n"
        "  task T3: on the agenda and in `campaign agenda --format ics` (with a reminder); "
        "prospecting calls stop.\n"
        f'Once it is held: `campaign meeting {acme.id} --on 2026-11-19 --with "Name, Title"` '
        "schedules the thank-yous.\n"
    )
    assert as_json(run, "calls", "--due", "all") == []  # a meeting is agreed: calls stop
    assert store.get_prospect(acme.id).status == "interview"
    assert as_json(run, "status")["funnel"]["meetings"] == 1
    (meeting,) = [i for i in as_json(run, "agenda", env=on("2026-11-19")) if i["kind"] == "meeting"]
    assert (meeting["what"], meeting["at"], meeting["command"]) == (
        "Meeting at 10:00",
        "10:00",
        f"meeting {acme.id}",
    )
    ics = run("agenda", "--due", "all", "--format", "ics").output
    (event,) = [e for e in Calendar.from_ical(ics).walk("VEVENT") if "Meeting" in e["summary"]]
    assert event.decoded("dtstart") == datetime(2026, 11, 19, 10, 0)  # noqa: DTZ001 - local
    assert event.decoded("dtend") == datetime(2026, 11, 19, 11, 0)  # noqa: DTZ001
    (alarm,) = event.walk("VALARM")
    assert alarm.decoded("trigger") == -timedelta(hours=1)
    # Moved to another hour: the same event (UID), a new SEQUENCE.
    moved = run("meeting", str(acme.id), "--on", "2026-11-20", "--at", "14:30")
    assert moved.output.startswith(
        "Moved the meeting with Acme to Fri 20 Nov 2026 at 14:30 (from Thu 19 Nov at 10:00)."
    )
    again = Calendar.from_ical(run("agenda", "--due", "all", "--format", "ics").output)
    (later,) = [e for e in again.walk("VEVENT") if "Meeting" in e["summary"]]
    assert (str(later["uid"]), int(later["sequence"])) == (str(event["uid"]), 1)
    # What only a held meeting can say is refused for one still to come.
    early = run("meeting", str(acme.id), "--on", "2026-11-20", "--interest", "golf")
    assert (early.exit_code, early.output) == (
        1,
        "Error: --interest is for a meeting that has been held; this one is on 2026-11-20: "
        "plan it now, and record what happened then\n",
    )
    bad = run("meeting", str(acme.id), "--on", "2026-11-20", "--at", "25:00")
    assert bad.exit_code == 2 and "'25:00' is not a time of day" in bad.stderr
    # Held: recorded with the people met, the planned meeting leaves the agenda.
    held = run(
        "meeting", str(acme.id), "--on", "2026-11-20", "--with", "Tom Okafor", env=on("2026-11-20")
    )
    assert held.exit_code == 0, held.output
    kinds = [i["kind"] for i in as_json(run, "agenda", "--due", "all", env=on("2026-11-20"))]
    assert "meeting" not in kinds and kinds.count("thank_you_email") == 1


def test_an_offers_deadline_is_on_the_agenda_until_it_is_answered(run, campaign_home):
    store = store_at(campaign_home)
    acme = add_prospect(store, company="Acme")
    assert run("meeting", str(acme.id), "--on", "2026-11-16", "--with", "Bo Chen").exit_code == 0
    (call,) = [i for i in as_json(run, "agenda", "--due", "all") if i["kind"] == "status_call"]
    late = run("done", f"T{call['task_id']}", "--decision", "offer", "--respond-by", "2026-11-13")
    assert (late.exit_code, late.output) == (
        1,
        "Error: --respond-by 2026-11-13 is in the past (today is 2026-11-16)\n",
    )
    alone = run("done", f"T{call['task_id']}", "--respond-by", "2026-12-04")
    assert (alone.exit_code, alone.output) == (
        1,
        "Error: --respond-by goes with an offer (the day you must answer it by): "
        "--outcome offer, or --decision offer\n",
    )
    offer = run("done", f"T{call['task_id']}", "--decision", "offer", "--respond-by", "2026-12-04")
    assert offer.exit_code == 0, offer.output
    assert offer.output.splitlines()[-1] == (
        "The offer's deadline is on the agenda: answer by Fri 04 Dec 2026 with "
        f"`campaign log {acme.id} --outcome hired` (or `--outcome declined`)."
    )
    assert as_json(run, "agenda") == []  # not due yet
    (answer,) = as_json(run, "agenda", env=on("2026-12-04"))
    assert (answer["kind"], answer["reason"], answer["command"]) == (
        "answer_offer",
        "answer Acme's offer by Fri 04 Dec",
        f"log {acme.id}",
    )
    done = run("done", f"T{answer['task_id']}", env=on("2026-12-04"))
    assert (done.exit_code, done.output) == (
        1,
        f"Error: task T{answer['task_id']} is the answer to an offer: record it with "
        f"`campaign log {acme.id} --outcome hired` (or `--outcome declined`)\n",
    )
    declined = run("log", str(acme.id), "--outcome", "declined", env=on("2026-12-03"))
    assert declined.exit_code == 0, declined.output
    assert as_json(run, "agenda", "--due", "all") == []
    # `log --outcome offer` takes the deadline too.
    beta = add_prospect(store, company="Beta")
    logged = run("log", str(beta.id), "--outcome", "offer", "--respond-by", "2026-11-20")
    assert "The offer's deadline is on the agenda: answer by Fri 20 Nov 2026." in logged.output
    assert [i["kind"] for i in as_json(run, "agenda", "--due", "all")] == ["answer_offer"]


# -- the whole story in one place ------------------------------------------------------------


def test_log_without_an_outcome_tells_the_whole_story_in_date_order(
    run, campaign_home, sender_config
):
    store = store_at(campaign_home)
    acme = add_prospect(store, company="Acme")
    send_letters(store, [acme], date(2026, 11, 2))
    assert run("log", "1", "--outcome", "meeting", "--note", "Thursday", env=on("2026-11-12"))
    met = run(
        "meeting", "1", "--on", "2026-11-13", "--with", "Ana Ruiz, VP Sales",
        "--interest", "quilting", "--next-steps", "a second round in December",
        env=on("2026-11-13"),
    )  # fmt: skip
    assert met.exit_code == 0, met.output
    assert run("done", "T3", "--note", "sent from my phone", env=on("2026-11-13")).exit_code == 0
    assert run("done", "T5", "--decision", "offer", env=on("2026-11-20")).exit_code == 0
    story = run("log", "1", env=on("2026-11-20"))
    assert story.exit_code == 0, story.output
    lines = [" ".join(line.split()) for line in story.output.splitlines()]
    assert lines == [
        "Prospect 1: Ms. Alex Person1, Acme (offer)",
        "02 Nov 2026 letter send 1: marketing letter mailed (print pack test.pdf)",
        "12 Nov 2026 call attempt 1: meeting: Thursday",
        "13 Nov 2026 meeting meeting 1: meeting with 1 person: next steps: a second round in "
        "December",
        "13 Nov 2026 person met Ana Ruiz, VP Sales (interest: quilting)",
        "13 Nov 2026 task T3: done: thank-you email for Ana Ruiz, VP Sales: sent from my phone",
        "20 Nov 2026 task T4: cancelled: handwritten note for Ana Ruiz, VP Sales: closed: offer",
        "20 Nov 2026 task T5: done: status call",
        "20 Nov 2026 decision decision: offer",
    ]


def test_the_status_call_starts_from_the_meetings_next_steps(run, campaign_home, sender_config):
    store = store_at(campaign_home)
    acme = add_prospect(store, company="Acme")
    send_letters(store, [acme], date(2026, 11, 2))
    assert run("log", "1", "--outcome", "voicemail", "--note", "old", env=on("2026-11-12"))
    met = run(
        "meeting", "1", "--on", "2026-11-16", "--with", "Bo Chen", "--decision-by", "2026-11-27",
        "--next-steps", "a second round with the CFO",
    )  # fmt: skip
    assert met.exit_code == 0, met.output
    (call,) = as_json(run, "calls", "--due", "all")
    assert call["last_note"] == "16 Nov meeting: next steps: a second round with the CFO"
    assert call["talking_points"][1] == (
        "You expected a decision by 27 Nov and described the next steps: a second round with "
        "the CFO. Has a decision been made, and is there anything more I can send you?"
    )


# -- words that are right ----------------------------------------------------------------------


def test_a_callback_names_its_day_and_every_day_it_skipped(run, campaign_home, sender_config):
    store = store_at(campaign_home)
    send_letters(store, add_prospects(store, 1), TODAY)
    result = run(
        "log", "1", "--outcome", "gatekeeper", "--callback", "2027-01-16", env=on("2027-01-11")
    )
    assert result.output.splitlines()[1] == (
        "Next: call back as agreed on Tue 19 Jan 2027 (attempt 2; Sat 16 Jan, the day agreed, "
        "and Sun 17 Jan are the weekend, Mon 18 Jan is Martin Luther King Jr. Day)."
    )
    (call,) = as_json(run, "calls", "--due", "all", env=on("2027-01-11"))
    assert (call["due"], call["reason"]) == ("2027-01-19", "call back as agreed for 16 Jan")


def test_meeting_greetings_use_ranks_and_one_style_for_everyone_met(run, campaign_home):
    store = store_at(campaign_home)
    landry = add_prospect(
        store, company="Port Authority", contact="Captain Ray Landry", honorific="Captain",
        first_name="Ray", last_name="Landry", email="ray.landry@port.example",
    )  # fmt: skip
    result = run(
        "meeting", str(landry.id), "--on", "2026-11-16",
        "--with", "Captain Ray Landry, Operations Manager", "--with", "Gen. Mark Sullivan",
        "--with", "Marcus Chen", "--interest", "Landry: sailing", "--interest", "Mark: chess",
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    emails = [i for i in as_json(run, "agenda") if i["kind"] == "thank_you_email"]
    assert [(i["draft"].splitlines()[0], i["email"]) for i in emails] == [
        ("Dear Captain Landry,", "ray.landry@port.example"),  # the list's email is kept
        ("Dear General Sullivan,", ""),
        ("Dear Marcus Chen,", ""),  # no honorific, but one style for the meeting
    ]
    first_names = add_prospect(store, company="Beta")
    assert run(
        "meeting", str(first_names.id), "--on", "2026-11-16", "--with", "Claire Broussard",
        "--with", "Marcus Webb", "--interest", "Claire: golf",
    ).exit_code == 0  # fmt: skip
    drafts = [i["draft"] for i in as_json(run, "agenda") if i["company"] == "Beta"]
    assert sorted({d.splitlines()[0] for d in drafts}) == ["Dear Claire,", "Dear Marcus,"]


def test_a_point_of_interest_naming_someone_not_met_is_refused(run, campaign_home):
    store = store_at(campaign_home)
    acme = add_prospect(store, company="Acme")
    result = run(
        "meeting", str(acme.id), "--on", "2026-11-16", "--with", "Tom Okafor",
        "--interest", "Anne: golf",
    )  # fmt: skip
    assert (result.exit_code, result.output) == (
        1,
        "Error: --interest 'Anne: golf': 'Anne' is not someone met (met: Tom Okafor); start it "
        "with the name of someone met, or leave the name out\n",
    )
    assert store.list_meetings() == []
    plain = run("meeting", str(acme.id), "--on", "2026-11-16", "--with", "Tom Okafor",
                "--interest", "golf: links courses")  # fmt: skip
    assert plain.exit_code == 0, plain.output
    (email,) = [i for i in as_json(run, "agenda") if i["kind"] == "thank_you_email"]
    assert "your interest in golf: links courses." in email["draft"]


def test_a_send_run_with_no_letter_to_send_says_so_in_words(run, campaign_home, sender_config):
    store = store_at(campaign_home)
    add_prospect(store, street="", city="")  # no postal address, no [smtp]: unreachable
    store.close()
    result = run("send")
    assert result.output.splitlines()[0] == (
        "No letters to send this week (2026-W47: 0 of 20 used): 1 prospect no letter can "
        "reach (see below)."
    )


def test_the_readme_links_to_nothing_outside_the_repository() -> None:
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    targets = re.findall(r"\]\(([^)]+)\)", readme)
    outside = [t for t in targets if not t.startswith(("http", "#")) and t.startswith("..")]
    assert outside == []
    assert all((REPO / t).exists() for t in targets if not t.startswith(("http", "#")))


# -- status checks templates against real prospects ------------------------------------------------


def test_status_tries_a_template_on_the_prospects_it_would_go_to(run, campaign_home, sender_config):
    config = sender_config
    config.write_text(config.read_text("utf-8") + "[schedule]\nweekly_cap = 2\n", "utf-8")
    (campaign_home / "templates").mkdir()
    (campaign_home / "templates" / "marketing.txt").write_text(
        "Subject: Hello\n{{ salutation }}\n\nWe met at {{ extra['Met At'] }}.\n", "utf-8"
    )
    (campaign_home / "fair.csv").write_text(
        "Company,Hiring Manager,Address,City,State,Zip,Met At,Priority\n"
        "Acme,Ana Ruiz,1 Elm St,Springfield,IL,62701,the trade fair,1\n"
        "Beta,Bo Chen,2 Oak St,Springfield,IL,62701,the trade fair,1\n",
        encoding="utf-8",
    )
    (campaign_home / "other.csv").write_text(
        "Company,Hiring Manager,Address,City,State,Zip\n"
        "Core,Cy Diaz,3 Elm St,Springfield,IL,62701\n",
        encoding="utf-8",
    )
    assert run("import", "fair.csv").exit_code == 0
    assert run("import", "other.csv").exit_code == 0

    def problems(day: str) -> list[dict]:
        doc = as_json(run, "status", env=on(day))
        return [a for a in doc["attention"] if a["kind"] == "template"]

    # This week's wave is Acme and Beta, who both have the column: nothing is wrong.
    assert problems("2026-11-16") == []
    sent = run("send")
    assert sent.exit_code == 0, sent.output
    letters = campaign_home / "output"
    printed = next(letters.glob("print-pack-*/manifest.csv"))
    assert len(list(csv.DictReader(io.StringIO(printed.read_text("utf-8"))))) == 2
    # Next week's wave is Core, from a list without it: now it is wrong, and for whom.
    (problem,) = problems("2026-11-23")
    assert problem["message"] == (
        "letter 'marketing' does not render: templates/marketing.txt:4: 'Met At' is not a "
        "column of the list prospect 3 (Core) came from"
    )
    assert problem["ids"] == [3]


def test_the_agenda_imports_nothing_heavy(campaign_home, sender_config):
    import subprocess
    import sys

    store = store_at(campaign_home)
    send_letters(store, add_prospects(store, 2), TODAY)
    store.close()
    code = (
        "import sys\nfrom click.testing import CliRunner\nfrom campaign.cli import cli\n"
        "r = CliRunner().invoke(cli, ['agenda', '--due', 'all'])\n"
        "assert r.exit_code == 0, r.output\n"
        "heavy = ('pandas', 'reportlab', 'matplotlib', 'icalendar', 'holidays', 'docx')\n"
        "print(sorted(m for m in heavy if m in sys.modules))"
    )
    env = {"CAMPAIGN_HOME": str(campaign_home), "CAMPAIGN_TODAY": "2026-11-27"}
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, env=env
    )
    assert out.stdout == "[]\n"


def test_an_urgent_task_sorts_first_on_the_call_sheet_and_the_agenda(run, campaign_home):
    # The hook an inbox reply uses: a task whose detail says urgency 0 comes first.
    store = store_at(campaign_home)
    old, urgent = add_prospect(store), add_prospect(store)
    with store.transaction() as tx:
        tx.insert_task(kind="call", due=date(2026, 11, 10), today=TODAY, prospect_id=old.id)
        tx.insert_task(
            kind="call", due=TODAY, today=TODAY, prospect_id=urgent.id, detail={"urgency": 0}
        )
    assert [c["prospect_id"] for c in as_json(run, "calls")] == [urgent.id, old.id]
    assert [i["prospect_id"] for i in as_json(run, "agenda")] == [urgent.id, old.id]
