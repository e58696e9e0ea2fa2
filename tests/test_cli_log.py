"""`campaign log`: every outcome's next step, gatekeeper memory, history, bad input."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest

from campaign.models import ProspectStatus, TaskState
from campaign.store import Store
from tests.callfactory import send_letters
from tests.factories import add_prospect, add_prospects, store_at

SENT = date(2026, 11, 16)  # Monday; printed letters: first calls Fri 27 Nov (after Thanksgiving)


@pytest.fixture
def store(campaign_home: Path, sender_config: Path) -> Iterator[Store]:
    """A store with three prospects whose letters were mailed on 16 Nov."""
    s = store_at(campaign_home)
    send_letters(s, add_prospects(s, 3), SENT)
    yield s
    s.close()


def on(day: str) -> dict[str, str]:
    return {"CAMPAIGN_TODAY": day}


def calls_json(run, day: str, due: str = "all") -> list[dict]:
    result = run("calls", "--due", due, "--format", "json", env=on(day))
    assert result.exit_code == 0, result.output
    return json.loads(result.output)


def test_voicemail_retries_in_two_business_days_and_counts_attempts(run, store):
    result = run(
        "log", "1", "--outcome", "voicemail", "--note", "left a message", env=on("2026-11-27")
    )
    assert result.exit_code == 0, result.output
    # Fri 27 Nov + 2 business days = Tue 1 Dec
    assert result.output == (
        "Logged voicemail for prospect 1 (Company 1 Inc.), attempt 1.\n"
        "Next: retry on Tue 01 Dec 2026 (attempt 2).\n"
    )
    first = next(c for c in calls_json(run, "2026-11-27") if c["prospect_id"] == 1)
    assert first["due"] == "2026-12-01"
    assert first["attempt"] == 2
    assert first["last_note"] == "27 Nov voicemail: left a message"


def test_four_unanswered_in_a_row_pause_with_a_note_and_a_new_round(run, store):
    days = ["2026-11-27", "2026-12-01", "2026-12-03", "2026-12-07"]
    for n, day in enumerate(days, start=1):
        outcome = "voicemail" if n % 2 else "no-answer"
        result = run("log", "1", "--outcome", outcome, env=on(day))
        assert result.exit_code == 0, result.output
        assert f"Logged {outcome} for prospect 1 (Company 1 Inc.), attempt {n}.\n" in result.output
    assert result.output.splitlines()[1:] == [
        "Next: 4 calls unanswered in a row; a new round at the 30-day cadence: next call on "
        "Wed 06 Jan 2027 (attempt 1).",
        "Suggestion: send a short note instead of chasing: 4 calls went unanswered.",
    ]
    call = next(c for c in calls_json(run, "2026-12-07") if c["prospect_id"] == 1)
    # 7 Dec + 30 days = Wed 6 Jan 2027; a new round starts again at attempt 1
    assert call["due"] == "2027-01-06"
    assert call["attempt"] == 1
    assert call["suggestion"].startswith("send a short note")


def test_reached_keeps_the_thirty_day_cadence_and_suggests_a_gift_before_the_third_talk(run, store):
    result = run(
        "log", "2", "--outcome", "reached", "--note", "budget in January", env=on("2026-11-27")
    )
    assert (
        "Next: keep in touch at the 30-day cadence: next call on Mon 28 Dec 2026 (attempt 1; "
        "Sun 27 Dec is a weekend day)." in result.output
    )
    assert "Suggestion" not in result.output
    call = next(c for c in calls_json(run, "2026-12-28", "today") if c["prospect_id"] == 2)
    assert call["reason"] == "keeping in touch: you spoke on 27 Nov"
    assert (
        call["talking_points"][0] == "Hello Ms. Person2, this is Pat Example; we spoke on 27 Nov."
    )
    result = run("log", "2", "--outcome", "reached", env=on("2026-12-28"))
    assert (
        "Suggestion: before this call, send an information gift (an article) with a short note."
        in result.output
    )
    assert "next call on Wed 27 Jan 2027 (attempt 1)." in result.output


def test_gatekeeper_is_remembered_and_callback_keeps_its_day(run, store):
    result = run(
        "log",
        "3",
        "--outcome",
        "gatekeeper",
        "--gatekeeper",
        "Tom, her assistant",
        "--callback",
        "2026-12-02",
        "--note",
        "she is travelling",
        env=on("2026-11-27"),
    )
    assert result.exit_code == 0, result.output
    assert "Next: call back as agreed on Wed 02 Dec 2026 (attempt 2)." in result.output
    assert calls_json(run, "2026-11-27")[2]["reason"] == "call back as agreed for 2 Dec"
    result = run("log", "3", "--outcome", "voicemail", env=on("2026-12-02"))
    assert result.exit_code == 0
    call = next(c for c in calls_json(run, "2026-12-02") if c["prospect_id"] == 3)
    assert call["gatekeeper"] == "ask for Ms. Person3; you spoke with Tom, her assistant"
    assert call["attempt"] == 3
    assert call["history"] == [
        "2026-11-27 #1 gatekeeper (Tom, her assistant): she is travelling",
        "2026-12-02 #2 voicemail",
    ]
    table = run("calls", "--due", "all", "--long", env=on("2026-12-02")).output
    assert "ask:  ask for Ms. Person3; you spoke with Tom, her assistant" in table
    assert "past: 2026-11-27 attempt 1: gatekeeper (Tom, her assistant): she is travelling" in table


def test_a_callback_on_a_weekend_or_holiday_says_where_it_moved(run, store):
    sat = run(
        "log", "3", "--outcome", "gatekeeper", "--callback", "2026-12-12", env=on("2026-12-07")
    )
    assert sat.exit_code == 0, sat.output
    assert (
        "Next: call back as agreed on Mon 14 Dec 2026 (attempt 2; Sat 12 Dec, the day agreed, "
        "and Sun 13 Dec are the weekend)." in sat.output
    )
    xmas = run(
        "log", "3", "--outcome", "gatekeeper", "--callback", "2026-12-25", env=on("2026-12-14")
    )
    assert (
        "on Mon 28 Dec 2026 (attempt 3; Fri 25 Dec, the day agreed, is Christmas Day, "
        "Sat 26 Dec and Sun 27 Dec are the weekend)." in xmas.output
    )


def test_a_full_day_pushes_the_call_and_says_so(run, store, campaign_home):
    config = campaign_home / "campaign.toml"
    config.write_text(
        config.read_text(encoding="utf-8") + "[schedule]\ncalls_per_day = 1\n", "utf-8"
    )
    assert run("log", "1", "--outcome", "voicemail", env=on("2026-11-27")).exit_code == 0
    result = run("log", "2", "--outcome", "voicemail", env=on("2026-11-27"))
    assert "Next: retry on Wed 02 Dec 2026 (attempt 2; Tue 01 Dec is full)." in result.output


def test_gatekeeper_without_callback_calls_back_in_two_business_days(run, store):
    result = run("log", "3", "--outcome", "gatekeeper", "--gatekeeper", "Tom", env=on("2026-12-24"))
    # Thu 24 Dec: Fri 25 is Christmas, so two business days are Mon 28 and Tue 29
    assert "Next: call back on Tue 29 Dec 2026 (attempt 2)." in result.output


def test_meeting_moves_to_interview_and_stops_prospecting_calls(run, store):
    result = run("log", "1", "--outcome", "meeting", env=on("2026-11-27"))
    assert result.exit_code == 0, result.output
    assert result.output.splitlines()[1:] == [
        "Next: a meeting is agreed: prospecting calls stop.",
        "Put it on the agenda: `campaign meeting 1 --on DATE --at HH:MM`; once it is held, "
        '`campaign meeting 1 --on DATE --with "Name, Title"` schedules the thank-yous and the '
        "follow-up calls.",
    ]
    assert "campaign meeting" in result.output
    assert store.get_prospect(1).status == ProspectStatus.INTERVIEW
    assert store.open_call(1) is None
    assert [c["prospect_id"] for c in calls_json(run, "2026-11-27")] == [2, 3]


def test_declined_cancels_everything_and_refuses_later_calls_until_reopened(run, store):
    result = run("log", "2", "--outcome", "declined", env=on("2026-11-27"))
    assert result.exit_code == 0
    assert "declined: no more calls or letters unless you `campaign reopen` it" in result.output
    assert store.get_prospect(2).status == ProspectStatus.DECLINED
    assert store.open_call(2) is None
    before = store.call_history(2)
    result = run("log", "2", "--outcome", "reached", env=on("2026-11-30"))
    assert result.exit_code == 1
    assert result.output == (
        "Error: prospect 2 (Company 2 Inc.) is declined; "
        "`campaign reopen 2` first if you are in touch again\n"
    )
    assert store.call_history(2) == before
    result = run("reopen", "2", env=on("2026-11-30"))
    assert result.exit_code == 0, result.output
    assert result.output == "Prospect 2 is active again; next call 2026-12-01.\n"
    task = store.open_call(2)
    assert task is not None and task.state == TaskState.OPEN and task.sequence == 1


def test_hired_says_so_and_cancels_every_open_task(run, store):
    result = run("log", "3", "--outcome", "hired", env=on("2026-11-27"))
    assert result.exit_code == 0
    assert "hired: congratulations, the campaign did its job" in result.output
    assert store.get_prospect(3).status == ProspectStatus.HIRED
    with store.read() as conn:
        states = (
            conn.exec_driver_sql("SELECT state FROM tasks WHERE prospect_id = 3").scalars().all()
        )
    assert states == [TaskState.CANCELLED]


def test_log_without_outcome_shows_the_history(run, store):
    run("log", "1", "--outcome", "no-answer", "--note", "rang out", env=on("2026-11-27"))
    result = run("log", "1", env=on("2026-11-30"))
    assert result.exit_code == 0
    assert "no-answer" in result.output and "rang out" in result.output
    assert (
        "Next call: Tue 01 Dec 2026 (attempt 2): retry after no-answer on 27 Nov; "
        "then `campaign log 1 --outcome ...`"
    ) in result.output


def test_unknown_outcome_is_a_usage_error_listing_the_outcomes(run, store):
    result = run("log", "1", "--outcome", "maybe")
    assert result.exit_code == 2
    assert (
        "'maybe' is not one of 'reached', 'voicemail', 'no-answer', 'gatekeeper', 'meeting', "
        "'declined', 'hired'" in result.output
    )


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ("99", "--outcome", "reached"),
            "Error: no prospect with id 99 (see `campaign prospects`)\n",
        ),
        (
            ("1", "--outcome", "gatekeeper", "--callback", "2026-11-13"),
            "Error: --callback 2026-11-13 is in the past (today is 2026-11-16)\n",
        ),
        (
            ("1", "--outcome", "reached", "--callback", "2026-12-01"),
            "Error: --callback goes with --outcome gatekeeper (a time the assistant gave)\n",
        ),
    ],
)
def test_bad_input_exits_1_with_one_line_and_changes_nothing(run, store, args, message):
    before = calls_json(run, "2026-11-16")
    result = run("log", *args)
    assert result.exit_code == 1
    assert result.output == message
    assert calls_json(run, "2026-11-16") == before
    assert store.call_history(1) == []


def test_callback_not_a_date_is_refused(run, store):
    result = run("log", "1", "--outcome", "gatekeeper", "--callback", "next tuesday")
    assert result.exit_code == 2
    assert "Invalid value for '--callback': 'next tuesday' is not a date as YYYY-MM-DD" in (
        result.output
    )
    assert store.call_history(1) == []


def test_a_call_logged_before_any_send_starts_a_follow_up(run, store):
    add_prospect(store, company="Walk-in Ltd")
    result = run("log", "4", "--outcome", "voicemail")
    assert result.exit_code == 0
    assert "Next: retry on Wed 18 Nov 2026 (attempt 2)." in result.output


def test_a_prospect_in_interview_keeps_its_history_but_gets_no_prospecting_call(run, store):
    run("log", "1", "--outcome", "meeting", env=on("2026-11-27"))
    result = run(
        "log", "1", "--outcome", "reached", "--note", "confirmed Tuesday", env=on("2026-11-30")
    )
    assert result.exit_code == 0
    assert "Next: recorded; the interview follow-up goes on." in result.output
    assert store.open_call(1) is None
    assert [c.outcome for c in store.call_history(1)] == ["meeting", "reached"]


def test_reopen_refuses_an_active_prospect(run, store):
    result = run("reopen", "1")
    assert result.exit_code == 1
    assert result.output == "Error: prospect 1 (Company 1 Inc.) is already active\n"


def test_without_a_sender_the_talking_points_leave_room_for_your_name(run, campaign_home):
    s = store_at(campaign_home)
    send_letters(s, add_prospects(s, 1), SENT)
    s.close()
    (call,) = calls_json(run, "2026-11-27", "today")
    assert call["talking_points"][0] == (
        "Hello Ms. Person1, this is (your name); I mailed you a letter on 16 Nov."
    )


def test_referred_on_a_reached_call_adds_a_priority_one_prospect_and_a_networking_contact(
    run, store, campaign_home
):
    result = run(
        "log", "1", "--outcome", "reached", "--referred", "Ms. Jane Roe,  Beta Corp",
        env=on("2026-11-27"),
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    assert result.output.splitlines()[2:] == [
        "Ms. Alex Person1 is now networking contact 1: on your catch-up calls, "
        "tell them what became of the referral.",
        "Referral: new prospect 4, Ms. Jane Roe at Beta Corp (priority 1), referred by contact 1.",
        "Next: add their address or email to your list and `campaign import` it.",
    ]
    jane = store.get_prospect(4)
    assert (jane.company, jane.contact, jane.honorific, jane.first_name, jane.last_name) == (
        "Beta Corp", "Ms. Jane Roe", "Ms.", "Jane", "Roe",
    )  # fmt: skip
    assert (jane.priority, jane.status, jane.referred_by, jane.email) == (1, "active", 1, "")
    assert [c.outcome for c in store.call_history(1)] == ["reached"]
    listed = json.loads(run("contact", "list", "--format", "json").output)
    assert [(c["id"], c["name"], c["kind"], c["company"], c["prospect_id"]) for c in listed] == [
        (1, "Ms. Alex Person1", "network", "Company 1 Inc.", 1)
    ]
    assert listed[0]["email"] == "alex1@company1.example"
    assert listed[0]["referrals"] == ["Beta Corp (active)"]
    agenda = run("agenda", "--due", "all", "--format", "json", env=on("2026-11-27"))
    catch_up = next(i for i in json.loads(agenda.output) if i["contact_id"] == 1)
    assert catch_up["due"] == "2027-01-08"  # 27 Nov + 42 days
    assert catch_up["reason"] == (
        "catch-up: news of the search and of any referral; referrals: Beta Corp (active)"
    )
    # Not reachable yet: the send run sets Jane aside until the list gives an address.
    dry = run("send", "--dry-run", env=on("2026-11-30"))
    assert "  Beta Corp - Ms. Jane Roe (prospect 4)\n" in dry.output
    # The list row with her address is the same person: it completes prospect 4.
    (campaign_home / "more.csv").write_text(
        "Company,Hiring Manager,Address,City,State,Zip\n"
        "Beta Corp,Jane Roe,5 Oak Ave,Boston,MA,02110\n",
        encoding="utf-8",
    )
    imported = run("import", "more.csv", env=on("2026-11-30"))
    assert "more.csv: 0 new, 1 updated, 0 unchanged" in imported.output
    jane = store.get_prospect(4)
    assert (jane.city, jane.priority, jane.referred_by) == ("Boston", 1, 1)


def test_referred_links_a_known_prospect_and_the_same_contact_gives_again(run, store):
    first = run(
        "log", "1", "--outcome", "reached", "--referred", "alex PERSON2, company 2 inc.",
        env=on("2026-11-27"),
    )  # fmt: skip
    assert first.exit_code == 0, first.output
    assert first.output.splitlines()[-1] == (
        "Referral: Ms. Alex Person2 at Company 2 Inc. is prospect 2 already; "
        "now referred by contact 1."
    )
    again = run(
        "log", "1", "--outcome", "meeting", "--referred", "Ms. Alex Person3, Company 3 Inc.",
        "--referred", "Bo Li, Gamma LLC", env=on("2026-11-30"),
    )  # fmt: skip
    assert again.exit_code == 0, again.output
    assert "networking contact" not in again.output
    assert again.output.splitlines()[-3:] == [
        "Referral: Ms. Alex Person3 at Company 3 Inc. is prospect 3 already; "
        "now referred by contact 1.",
        "Referral: new prospect 4, Bo Li at Gamma LLC (priority 1), referred by contact 1.",
        "Next: add their address or email to your list and `campaign import` it.",
    ]
    assert [p.referred_by for p in store.list_prospects()] == [1, None, 1, 1]
    assert len(store.list_contacts()) == 1
    assert store.get_prospect(2).priority is None  # linked, not re-ranked
    assert store.get_prospect(1).status == ProspectStatus.INTERVIEW


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ("--outcome", "voicemail", "--referred", "Jane Roe, Beta Corp"),
            "--referred goes with --outcome reached or meeting "
            "(the person you spoke to gave you a name)",
        ),
        (
            ("--referred", "Jane Roe, Beta Corp"),
            "--referred goes with --outcome reached or meeting "
            "(the person you spoke to gave you a name)",
        ),
        (
            ("--outcome", "reached", "--referred", "Jane Roe, Beta Corp", "--referred", "Jane Roe"),
            "--referred 'Jane Roe': write it as \"Name, Company\"",
        ),
        (
            ("--outcome", "reached", "--referred", " , Beta Corp"),
            "--referred ' , Beta Corp': write it as \"Name, Company\"",
        ),
    ],
)
def test_a_misused_referred_exits_1_and_changes_nothing(run, store, args, message):
    result = run("log", "1", *args, env=on("2026-11-27"))
    assert (result.exit_code, result.output) == (1, f"Error: {message}\n")
    assert store.call_history(1) == []
    assert len(store.list_prospects()) == 3
    assert store.list_contacts() == []


def test_a_referral_must_be_another_person(run, store):
    hr = run(
        "log", "1", "--outcome", "reached", "--referred", "HR, Omega Inc", env=on("2026-11-27")
    )
    assert (hr.exit_code, hr.output) == (
        1,
        "Error: --referred 'HR, Omega Inc': 'HR' is a department, not a person; ask for the "
        "name of the person who can hire you\n",
    )
    me = run("log", "1", "--outcome", "reached", "--referred", "Alex Person1, Company 1 Inc.",
             env=on("2026-11-27"))  # fmt: skip
    assert (me.exit_code, me.output) == (
        1,
        "Error: --referred names Ms. Alex Person1 of Company 1 Inc., the person you called: "
        "a referral is someone else\n",
    )
    assert store.call_history(1) == []


def test_reopen_refuses_a_prospect_in_the_interview_stage(run, store):
    assert run("log", "1", "--outcome", "meeting", env=on("2026-11-27")).exit_code == 0
    before = store.open_call(1)
    result = run("reopen", "1", env=on("2026-11-27"))
    assert (result.exit_code, result.output) == (
        1,
        "Error: prospect 1 (Company 1 Inc.) is in the interview stage; only a declined, "
        "closed or hired prospect can be reopened\n",
    )
    assert store.get_prospect(1).status == ProspectStatus.INTERVIEW and store.open_call(1) == before
    assert run("log", "3", "--outcome", "hired", env=on("2026-11-27")).exit_code == 0
    # Reopening the prospect that hired you undoes the hire: the campaign resumes.
    hired = run("reopen", "3", env=on("2026-11-30"))
    assert (hired.exit_code, hired.output) == (
        0,
        "The hire at Company 3 Inc. is undone: the campaign goes on.\n"
        "Prospect 3 is active again; next call 2026-12-01.\n",
    )
    assert [store.get_prospect(i).status for i in (1, 2, 3)] == ["interview", "active", "active"]
    assert store.current_wind_down() is None


def test_the_first_to_refer_a_prospect_keeps_the_credit(run, store):
    first = run("log", "1", "--outcome", "reached", "--referred", "Bo Li, Gamma LLC",
                env=on("2026-11-27"))  # fmt: skip
    assert first.exit_code == 0, first.output
    again = run("log", "3", "--outcome", "reached", "--referred", "Bo Li, Gamma LLC",
                env=on("2026-11-30"))  # fmt: skip
    assert again.exit_code == 0, again.output
    assert again.output.splitlines()[-1] == (
        "Referral: Bo Li at Gamma LLC is prospect 4 already, referred first by contact 1, "
        "who keeps the credit."
    )
    assert store.get_prospect(4).referred_by == 1
    # Contact 2 got no credit, so there is nothing to tell them about it.
    assert "is now networking contact 2.\n" in again.output
    assert "tell them what became of the referral" not in again.output


def test_the_same_referral_given_twice_in_one_call_is_one(run, store):
    result = run("log", "1", "--outcome", "reached", "--referred", "Bo Li, Gamma LLC",
                 "--referred", "bo li, GAMMA LLC", env=on("2026-11-27"))  # fmt: skip
    assert result.exit_code == 0, result.output
    assert result.output.count("Referral:") == 1
    assert len(store.list_prospects()) == 4
