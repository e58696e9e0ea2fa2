"""``campaign status`` through the real CLI: table, JSON, the empty campaign, templates."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from campaign.store import Store
from tests.factories import add_prospect, add_prospects, store_at
from tests.history import copy_campaign


@pytest.fixture
def campaign(campaign_home: Path) -> Store:
    copy_campaign(campaign_home)
    store = store_at(campaign_home)
    yield store
    store.close()


def test_empty_campaign_says_import_first_and_creates_nothing(run, campaign_home) -> None:
    result = run("status")
    assert result.exit_code == 0
    assert "Prospects" in result.output
    assert "no list imported yet" in result.output
    assert "This week 0/20 sent against the cap; nothing to send until a list is imported" in (
        re.sub(r" +", " ", result.output)
    )
    assert "next wave" not in result.output
    assert result.output.rstrip().endswith(
        "Next:\n  - `campaign import lists/FILE.csv` to load your prospect list"
    )
    assert not (campaign_home / "campaign.db").exists()


def test_empty_campaign_json_is_zeros(run) -> None:
    result = run("status", "--format", "json")
    assert result.exit_code == 0
    doc = json.loads(result.output)
    assert {k: doc[k] for k in ("prospects", "sent", "sent_this_week", "calls_due")} == {
        "prospects": 0,
        "sent": 0,
        "sent_this_week": 0,
        "calls_due": 0,
    }
    assert doc["weekly_cap"] == 20


def test_json_is_one_document_with_the_campaign_figures(run, campaign) -> None:
    result = run("status", "--format", "json")
    assert result.exit_code == 0
    doc = json.loads(result.output)
    assert (doc["prospects"], doc["sent"], doc["sent_this_week"], doc["weekly_cap"]) == (
        40,
        31,
        4,
        20,
    )
    assert doc["calls_due"] == 5
    assert doc["funnel"] == {
        "prospects": 40,
        "letters_by_email": 11,
        "letters_by_post": 20,
        "calls_made": 10,
        "conversations": 6,
        "meetings": 2,
        "offers": 2,
        "declined": 1,
        "hired": 2,
        "letters_sent": 31,
    }
    assert doc["due"] == {
        "calls_today": 2,
        "calls_overdue": 3,
        "tasks_today": 4,  # a note, and today's three printed letters to post (as agenda)
        "tasks_overdue": 1,
        "tasks_by_kind": {"post_letter": 3, "thank_you_email": 1, "note": 1},
        "letters_to_post": 3,  # printed before packs were tasks: a row (and task) each
    }
    assert doc["next_wave"] == "2026-11-23"
    assert doc["remaining"] == {
        "prospects": 7,
        "weeks": 1,
        "last_wave": "2026-11-16",
        "unreachable": 0,
    }
    kinds = [a["kind"] for a in doc["attention"]]
    assert kinds == ["in_doubt", "failed", "retry", "no_phone", "calls_overdue"]
    late = doc["attention"][-1]
    assert (late["count"], late["ids"]) == (2, [9, 8])  # due 2 and 5 Nov, oldest first
    assert (doc["cap_left"], doc["wave_open"]) == (16, True)


def test_table_reads_as_a_summary_ending_with_next(run, campaign) -> None:
    result = run("status")
    assert result.exit_code == 0
    out = re.sub(r" +", " ", result.output)  # column widths follow the data
    assert "Campaign status, Monday 16 November 2026 (week 2026-W47)" in out
    assert "Letters sent 31 11 by email, 20 by post" in out
    assert "This week 4/20 sent against the cap; wave open: 7 left this week" in out
    assert "Calls due 5 2 today, 3 overdue" in out
    assert "Still to write to 7 1 week at 20 a week (last wave 16 Nov 2026)" in out
    assert "1 delivery failed: send 10" in out
    assert "-> fix the address, then `campaign send --resend ID`" in out
    flat = " ".join(out.split())  # the longer items wrap between words
    assert (
        "1 prospect without a phone number (their follow-up call waits for one; the agenda "
        "has a task to find it once a letter has gone): 40" in flat
    )
    assert "-> `campaign edit ID --phone NUMBER` places the call" in flat
    assert "2 calls overdue by more than a week: prospects 9, 8" in out
    next_block = out[out.index("Next:") :]
    assert "`campaign calls`: 2 due today and 3 overdue;" in next_block
    assert "`campaign merge` to review, then `campaign send`: 7 letters this week" in next_block
    assert (
        "`campaign agenda`: 5 other tasks due (3 letters to post, 1 thank-you email, "
        "1 handwritten note)"
    ) in next_block
    # One line per item shown above, however many prospects each names.
    assert "settle the 5 items under Needs attention: each says how" in next_block


def test_a_template_that_no_longer_renders_is_named(run, campaign, sender_config) -> None:
    pytest.importorskip("campaign.merge")
    templates = sender_config.parent / "templates"
    templates.mkdir()
    (templates / "marketing.txt").write_text(
        "Subject: Hello\n\n{{ salutation }}\n\nI read about {{ compnay }}.\n", encoding="utf-8"
    )
    (templates / "cover.txt").write_text(
        "Subject: Hello\n\n{{ salutation }}\n\nI admire {{ company }}.\n", encoding="utf-8"
    )
    result = run("status", "--format", "json")
    assert result.exit_code == 0
    problems = [a for a in json.loads(result.output)["attention"] if a["kind"] == "template"]
    assert len(problems) == 1
    # Tried on the prospects the next send would take, and named: the first in line.
    assert problems[0]["message"].startswith(
        "letter 'marketing' does not render for prospect 36 (Company 36 Inc.): "
    )
    assert problems[0]["ids"] == [36]
    assert "templates/marketing.txt:5:" in problems[0]["message"]
    assert "compnay" in problems[0]["message"]
    assert problems[0]["command"] == (
        "fix templates/marketing.txt, then `campaign merge --letter marketing`"
    )


def test_unknown_format_is_a_usage_error(run) -> None:
    result = run("status", "--format", "xml")
    assert result.exit_code == 2
    assert "'xml' is not one of 'table', 'json'" in result.output


def test_status_loads_no_heavy_library(campaign, sender_config, campaign_home) -> None:
    """Status must answer in a blink: no SQLAlchemy, pandas, reportlab, holiday tables or rich.

    (Status in JSON prints no table; a current SQLite campaign is read with sqlite3.)
    """
    import subprocess
    import sys

    from tests.conftest import env_without

    templates = campaign_home / "templates"
    templates.mkdir()
    (templates / "marketing.txt").write_text(
        "Subject: Hello\n\n{{ salutation }}\n\nI admire {{ company }}.\n", encoding="utf-8"
    )
    code = (
        "import sys; from campaign.cli import cli\n"
        "cli(['status', '--format', 'json'], standalone_mode=False)\n"
        "heavy = {'pandas', 'matplotlib', 'reportlab', 'docxtpl', 'docx', 'holidays', 'yagmail',\n"
        "         'sqlalchemy', 'rich', 'smtplib'}\n"
        "print('HEAVY', sorted(heavy & set(sys.modules)))\n"
    )
    env = {**env_without("CAMPAIGN_DB"), "CAMPAIGN_HOME": str(campaign_home)}
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, env=env, timeout=60
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.rstrip().endswith("HEAVY []")
    assert '"kind": "template"' not in done.stdout  # the template was tried, and renders


@pytest.mark.slow
def test_status_after_real_send_runs_and_logged_calls(run, sender_config, campaign_home) -> None:
    """Two weekly send runs and a day of logged calls, all through the real commands."""
    import shutil

    shutil.copytree(Path(__file__).resolve().parents[1] / "lists", campaign_home / "lists")
    assert run("import", "lists/sample-prospects.csv").exit_code == 0
    assert run("send", env={"CAMPAIGN_TODAY": "2026-11-02"}).exit_code == 0
    assert run("send", env={"CAMPAIGN_TODAY": "2026-11-09"}).exit_code == 0
    day = {"CAMPAIGN_TODAY": "2026-11-16"}
    due = json.loads(run("calls", "--format", "json", env=day).output)
    outcomes = ["reached", "voicemail", "no-answer", "gatekeeper", "meeting", "declined"]
    for call, outcome in zip(due, outcomes, strict=False):
        result = run("log", str(call["prospect_id"]), "--outcome", outcome, env=day)
        assert result.exit_code == 0, result.output
    doc = json.loads(run("status", "--format", "json", env=day).output)
    assert (doc["prospects"], doc["sent"], doc["sent_this_week"]) == (120, 40, 0)
    assert doc["funnel"]["letters_by_post"] == 40  # no [smtp]: every letter printed
    assert doc["funnel"]["calls_made"] == len(outcomes)
    assert doc["funnel"]["conversations"] == 3  # reached, meeting, declined
    assert doc["funnel"]["meetings"] == 1 and doc["funnel"]["declined"] == 1
    assert doc["remaining"] == {
        "prospects": 80,
        "weeks": 4,
        "last_wave": "2026-12-07",
        "unreachable": 0,
    }
    assert doc["calls_due"] == len(json.loads(run("calls", "--format", "json", env=day).output))


def _write_to(campaign_home: Path, count: int) -> None:
    store = store_at(campaign_home)
    add_prospects(store, count)
    store.close()


def test_this_weeks_wave_is_open_until_the_cap_is_used(run, campaign_home, sender_config) -> None:
    _write_to(campaign_home, 25)
    before = re.sub(r" +", " ", run("status").output)
    assert "This week 0/20 sent against the cap; wave open: 20 left this week" in before
    assert "next wave" not in before
    assert "`campaign merge` to review, then `campaign send`: 20 letters this week" in before
    assert run("send").exit_code == 0
    after = re.sub(r" +", " ", run("status").output)
    assert "This week 20/20 sent against the cap; next wave opens Mon 23 Nov" in after
    assert "letters this week" not in after


def test_calls_due_today_and_overdue_are_told_apart(run, campaign) -> None:
    def first_step(day: str) -> str:
        doc = json.loads(run("status", "--format", "json", env={"CAMPAIGN_TODAY": day}).output)
        return doc["next"][0]

    after_each = "; `campaign log ID --outcome ...` after each"
    assert first_step("2026-11-16") == "`campaign calls`: 2 due today and 3 overdue" + after_each
    assert first_step("2026-11-02") == "`campaign calls`: 1 call due today" + after_each
    assert first_step("2026-11-17") == "`campaign calls`: 5 calls overdue" + after_each


def test_commands_are_never_cut_on_a_narrow_terminal(run, campaign) -> None:
    result = run("status", env={"COLUMNS": "44"})
    assert result.exit_code == 0
    lines = result.output.splitlines()
    tail = lines[lines.index("Needs attention:") :]
    assert max(len(line) for line in tail if "`" not in line) <= 44
    for line in lines:
        assert line.count("`") % 2 == 0, line  # every command starts and ends on one line
    assert "  - `campaign calls`: 2 due today and 3" in tail
    assert "    overdue; `campaign log ID --outcome ...`" in tail


def test_prospects_no_letter_can_reach_are_counted_apart(run, campaign_home, sender_config) -> None:
    """No [smtp] and no postal address: `send` sets them aside, and so does the runway."""
    store = store_at(campaign_home)
    add_prospects(store, 22)
    stranded = [add_prospect(store, street="", city="").id for _ in range(3)]
    store.close()
    doc = json.loads(run("status", "--format", "json").output)
    assert doc["remaining"] == {
        "prospects": 22,
        "weeks": 2,
        "last_wave": "2026-11-23",
        "unreachable": 3,
    }
    item = next(a for a in doc["attention"] if a["kind"] == "unreachable")
    assert (item["count"], item["ids"]) == (3, stranded)
    assert item["message"] == (
        "3 prospects no letter can reach (no postal address, and no [smtp] to email them), "
        "so `campaign send` leaves them out: 23, 24, 25"
    )
    assert item["command"].startswith("add their street, city and zip to the list and ")
    out = re.sub(r"\s+", " ", run("status").output)  # the note may wrap in its column
    assert (
        "Still to write to 22 2 weeks at 20 a week (last wave 23 Nov 2026); "
        "3 more no letter can reach (see below)"
    ) in out
    assert run("send").exit_code == 0
    after = json.loads(
        run("status", "--format", "json", env={"CAMPAIGN_TODAY": "2026-11-23"}).output
    )
    assert after["sent"] == 20
    assert after["remaining"]["prospects"] == 2  # what the next run will take
    assert after["remaining"]["unreachable"] == 3
