"""`campaign calls`: due dates, the daily cap, holidays, the sheet's formats, the plan."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest

from campaign.models import Channel
from campaign.store import Store
from tests.callfactory import send_letters
from tests.factories import add_prospect, add_prospects, store_at

MON = date(2026, 11, 16)


@pytest.fixture
def store(campaign_home: Path, sender_config: Path) -> Iterator[Store]:
    """An empty campaign store with a sender."""
    s = store_at(campaign_home)
    yield s
    s.close()


def on(day: str) -> dict[str, str]:
    return {"CAMPAIGN_TODAY": day}


def calls_json(run, day: str, due: str = "today") -> list[dict]:
    result = run("calls", "--due", due, "--format", "json", env=on(day))
    assert result.exit_code == 0, result.output
    return json.loads(result.output)


def test_a_printed_letter_is_called_after_postal_days_and_thanksgiving(run, store):
    send_letters(store, add_prospects(store, 1), MON)
    # 16 Nov + 7 + 3 = Thu 26 Nov, Thanksgiving: the call moves to Fri 27 Nov
    assert calls_json(run, "2026-11-26") == []
    (call,) = calls_json(run, "2026-11-27")
    assert call == {
        "prospect_id": 1,
        "company": "Company 1 Inc.",
        "contact": "Ms. Alex Person1",
        "title": "VP Operations",
        "phone": "(217) 555-0001",
        "due": "2026-11-27",
        "attempt": 1,
        "reason": "marketing letter mailed 16 Nov",
        "gatekeeper": "",
        "last_note": "",
        "suggestion": "",
        "talking_points": [
            "Hello Ms. Person1, this is Pat Example; I mailed you a letter on 16 Nov.",
            "In it I asked for twenty minutes to talk about how I could help Company 1 Inc.: "
            "is there a good time to meet?",
        ],
        "history": [],
        "task_id": 1,
        "uid": call["uid"],
    }


def test_an_email_is_called_a_week_later_and_christmas_moves_it(run, store):
    send_letters(store, add_prospects(store, 1), MON, channel=Channel.EMAIL)
    send_letters(
        store, add_prospects(store, 1), date(2026, 12, 18), channel=Channel.EMAIL, letter="cover"
    )
    assert [c["due"] for c in calls_json(run, "2026-12-31", "all")] == ["2026-11-23", "2026-12-28"]
    assert calls_json(run, "2026-12-31", "all")[1]["reason"] == "cover letter emailed 18 Dec"


def test_the_daily_cap_spills_to_the_next_business_day(run, store):
    send_letters(store, add_prospects(store, 40), MON)
    dues = [c["due"] for c in calls_json(run, "2026-12-31", "all")]
    assert dues == ["2026-11-27"] * 16 + ["2026-11-30"] * 16 + ["2026-12-01"] * 8


def test_today_includes_overdue_calls_oldest_first_and_other_windows(run, store):
    send_letters(
        store, add_prospects(store, 2), date(2026, 11, 9), channel=Channel.EMAIL
    )  # due 16 Nov
    send_letters(store, add_prospects(store, 1), MON, channel=Channel.EMAIL)  # due 23 Nov
    send_letters(store, add_prospects(store, 1), MON)  # due 27 Nov
    today = calls_json(run, "2026-11-23")
    assert [(c["prospect_id"], c["due"]) for c in today] == [
        (1, "2026-11-16"),
        (2, "2026-11-16"),
        (3, "2026-11-23"),
    ]
    assert [c["prospect_id"] for c in calls_json(run, "2026-11-23", "week")] == [1, 2, 3, 4]
    assert [c["prospect_id"] for c in calls_json(run, "2026-11-16", "2026-11-23")] == [1, 2, 3]
    assert len(calls_json(run, "2026-11-16", "all")) == 4
    table = run("calls", env=on("2026-11-23")).output
    assert table.splitlines()[1].split()[:4] == ["log", "1", "7d", "late"]
    assert "3 calls. After each, `campaign log ID --outcome ...` as its row says (`log 1` is " in (
        " ".join(table.split())
    )


def test_nothing_due_says_so(run, store):
    result = run("calls")
    assert result.exit_code == 0
    assert "No calls due." in result.output


def test_a_bad_due_is_a_usage_error(run, store):
    result = run("calls", "--due", "2026-02-30")
    assert (result.exit_code, result.stdout) == (2, "")
    assert result.stderr == (
        "Usage: cli calls [OPTIONS]\n"  # CliRunner names the program after the function
        "Try 'cli calls --help' for help.\n\n"
        "Error: Invalid value for '--due': '2026-02-30' is not today, week, all or a date "
        "as YYYY-MM-DD\n"
    )


def test_csv_has_one_row_per_call(run, store):
    send_letters(store, add_prospects(store, 2), MON)
    result = run("calls", "--format", "csv", env=on("2026-11-27"))
    rows = list(csv.DictReader(io.StringIO(result.output)))
    assert [r["prospect_id"] for r in rows] == ["1", "2"]
    assert rows[0]["phone"] == "(217) 555-0001"
    assert rows[0]["talking_points"].startswith("Hello Ms. Person1, this is Pat Example;")


def test_a_phone_that_is_not_north_american_is_kept_as_given(run, store):
    p = add_prospect(store, phone="+44 20  7946 0018", company="Acme UK")
    send_letters(store, [p], MON)
    assert calls_json(run, "2026-11-27")[0]["phone"] == "+44 20 7946 0018"


def _events(text: str) -> dict[str, object]:
    from icalendar import Calendar

    cal = Calendar.from_ical(text)
    return {str(e["UID"]): e for e in cal.walk("VEVENT")}


def test_ics_keeps_one_uid_per_follow_up_bumps_sequence_and_cancels_dropped(run, store):
    send_letters(store, add_prospects(store, 2), MON)
    first = _events(run("calls", "--due", "all", "--format", "ics", env=on("2026-11-27")).output)
    assert len(first) == 2
    uid1, uid2 = sorted(first, key=lambda u: str(first[u]["SUMMARY"]))
    event = first[uid1]
    assert event.decoded("DTSTART") == date(2026, 11, 27)
    assert int(event["SEQUENCE"]) == 0
    assert str(event["STATUS"]) == "CONFIRMED"
    assert str(event["SUMMARY"]) == "Call Ms. Alex Person1, Company 1 Inc. ((217) 555-0001)"
    description = str(event["DESCRIPTION"])
    assert "Phone: (217) 555-0001" in description
    assert "I mailed you a letter on 16 Nov." in description

    run("log", "1", "--outcome", "voicemail", env=on("2026-11-27"))
    run("log", "2", "--outcome", "declined", env=on("2026-11-27"))
    later = _events(run("calls", "--due", "all", "--format", "ics", env=on("2026-11-27")).output)
    assert set(later) == {uid1, uid2}  # re-importing updates, never duplicates
    assert later[uid1].decoded("DTSTART") == date(2026, 12, 1)
    assert int(later[uid1]["SEQUENCE"]) == 1
    assert str(later[uid2]["STATUS"]) == "CANCELLED"


def test_pdf_call_sheet_is_written_under_output(run, store, campaign_home):
    from pypdf import PdfReader

    send_letters(store, add_prospects(store, 3), MON)
    result = run("calls", "--format", "pdf", env=on("2026-11-27"))
    assert result.exit_code == 0, result.output
    path = campaign_home / "output" / "call-sheet-2026-11-27.pdf"
    assert result.output == f"3 calls: wrote {path}\n"
    text = "".join(page.extract_text() for page in PdfReader(path).pages)
    assert "Calls due by 2026-11-27" in text
    assert "Company 3 Inc." in text and "(217) 555-0002" in text


def test_plan_shows_the_load_per_day(run, store):
    send_letters(store, add_prospects(store, 20), MON)
    result = run("calls", "--plan", "--format", "json", env=on("2026-11-23"))
    days = {d["date"]: d["calls"] for d in json.loads(result.output)}
    assert days["2026-11-27"] == 16
    assert days["2026-11-30"] == 4
    assert sum(days.values()) == 20
    assert len([d for d in days if d.startswith("2026-11-2")]) == 5  # weekdays only
    table = run("calls", "--plan", env=on("2026-11-23")).output
    assert "Fri 27 Nov" in table and "#" * 16 in table
    assert "(Thanksgiving" in table


def test_simulated_weeks_every_letter_keeps_one_follow_up_until_closed(run, store):
    people = add_prospects(store, 6)
    send_letters(store, people[:3], MON)
    send_letters(store, people[3:], date(2026, 11, 23), channel=Channel.EMAIL)
    outcomes = {1: "reached", 2: "voicemail", 3: "declined", 4: "gatekeeper", 5: "meeting"}
    for day in ("2026-11-27", "2026-11-30", "2026-12-01", "2026-12-02"):
        for call in calls_json(run, day):
            pid = call["prospect_id"]
            if pid in outcomes:
                assert run("log", str(pid), "--outcome", outcomes[pid], env=on(day)).exit_code == 0
    open_calls = calls_json(run, "2026-12-02", "all")
    assert sorted(c["prospect_id"] for c in open_calls) == [1, 2, 4, 6]
    assert max(c["attempt"] for c in open_calls if c["prospect_id"] == 2) >= 2


def test_the_call_sheet_imports_nothing_heavy(store, campaign_home):
    import subprocess
    import sys

    send_letters(store, add_prospects(store, 2), MON)
    code = (
        "import sys\nfrom click.testing import CliRunner\nfrom campaign.cli import cli\n"
        "for fmt in ('table', 'json', 'csv'):\n"
        "    r = CliRunner().invoke(cli, ['calls', '--format', fmt])\n"
        "    assert r.exit_code == 0, r.output\n"
        "heavy = ('pandas', 'reportlab', 'matplotlib', 'icalendar', 'holidays', 'docx',\n"
        "         'sqlalchemy', 'smtplib', 'jinja2')\n"
        "print(sorted(m for m in heavy if m in sys.modules))"
    )
    env = {"CAMPAIGN_HOME": str(campaign_home), "CAMPAIGN_TODAY": "2026-11-27"}
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, env=env
    )
    assert out.stdout == "[]\n"
