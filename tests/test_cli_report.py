"""``campaign report`` through the real CLI: one new self-contained file per run."""

from __future__ import annotations

import base64
import json
import re
from datetime import date
from html import unescape
from pathlib import Path

from campaign.models import Outcome
from tests.factories import add_prospect, store_at
from tests.history import add_send, add_task, copy_campaign

OUTCOMES = tuple(o.value for o in Outcome)


def test_report_writes_a_new_file_each_run(run, campaign_home: Path) -> None:
    copy_campaign(campaign_home)
    first = run("report")
    second = run("report")
    assert first.exit_code == 0 and second.exit_code == 0
    one = campaign_home / "output" / "report-2026-11-16.html"
    two = campaign_home / "output" / "report-2026-11-16-2.html"
    assert first.output == f"Report written: {one}\n"
    assert second.output == f"Report written: {two}\n"
    html = one.read_text(encoding="utf-8")
    assert html.startswith("<!DOCTYPE html>")
    assert '<b id="fig-sent">31</b>' in html
    assert "<code>campaign calls</code>" in html
    written = {p.name for p in campaign_home.iterdir()} - {"campaign.db-shm", "campaign.db-wal"}
    assert written == {"campaign.db", "output"}  # nothing outside output/ but the database


def test_report_on_an_empty_campaign_says_import_first(run, campaign_home: Path) -> None:
    result = run("report")
    assert result.exit_code == 1
    assert result.output == "Error: nothing to report yet: `campaign import lists/FILE.csv` first\n"
    assert not (campaign_home / "output").exists()
    assert not (campaign_home / "campaign.db").exists()


def test_report_date_follows_campaign_today(run, campaign_home: Path) -> None:
    copy_campaign(campaign_home)
    result = run("report", env={"CAMPAIGN_TODAY": "2026-12-01"})
    assert result.exit_code == 0
    page = campaign_home / "output" / "report-2026-12-01.html"
    assert "As of Tuesday 01 December 2026 (ISO week 2026-W49)." in page.read_text("utf-8")


def _chart_text(html: str, chart: str) -> list[str]:
    """The words and numbers drawn in one embedded chart, each text element in order."""
    found = re.search(rf'id="{chart}" src="data:image/svg\+xml;base64,([^"]+)"', html)
    assert found is not None, chart
    svg = base64.b64decode(found.group(1)).decode("utf-8")
    return [unescape(t) for t in re.findall(r"<text[^>]*>(.*?)</text>", svg)]


def test_every_call_is_in_the_calls_chart_and_holidays_are_days_off(run, campaign_home) -> None:
    """Every logged outcome and every status call closed with `done` is a call made, charted."""
    store = store_at(campaign_home)
    sent_on = date(2026, 11, 16)
    for _ in range(11):
        prospect = add_prospect(store)
        add_send(store, prospect.id, sent_on)
        add_task(store, prospect.id, date(2026, 11, 30))
    store.close()
    monday = {"CAMPAIGN_TODAY": "2026-11-30"}
    for pid, outcome in enumerate(OUTCOMES, start=1):
        if outcome != "hired":  # a hire winds the campaign down: it comes last
            assert run("log", str(pid), "--outcome", outcome, env=monday).exit_code == 0
    status_calls = []
    for pid in (9, 10, 11):
        met = run("meeting", str(pid), "--on", "2026-11-30", "--with", "Ana Ruiz, VP", env=monday)
        assert met.exit_code == 0, met.output
        status_calls += re.findall(r"task T(\d+): Status call", met.output)
    friday = {"CAMPAIGN_TODAY": "2026-12-04"}
    assert run("done", status_calls[0], "--decision", "offer", env=friday).exit_code == 0
    assert run("done", status_calls[1], "--decision", "declined", env=friday).exit_code == 0
    assert run("done", status_calls[2], env=friday).exit_code == 0  # no decision yet
    hired = OUTCOMES.index("hired") + 1
    assert run("log", str(hired), "--outcome", "hired", env=friday).exit_code == 0

    doc = json.loads(run("status", "--format", "json", env=friday).output)
    assert doc["funnel"]["calls_made"] == len(OUTCOMES) + 3
    assert run("report", env=friday).exit_code == 0
    html = (campaign_home / "output" / "report-2026-12-04.html").read_text("utf-8")
    calls_chart = _chart_text(html, "chart-calls")
    assert [w for w in calls_chart if w in {*OUTCOMES, "status call"}] == [
        *OUTCOMES,
        "status call",
    ]
    assert str(len(OUTCOMES) + 3) in calls_chart  # the week's bar adds up to every call
    load_chart = _chart_text(html, "chart-load")
    christmas = load_chart.index("25 Dec")
    assert load_chart[christmas - 1 : christmas + 2] == ["Fri", "25 Dec", "holiday"]
    assert load_chart.count("holiday") == 1  # 4 Dec to 31 Dec: only Christmas Day
    for chart in ("chart-calls", "chart-load", "chart-sends"):
        assert not [t for t in _chart_text(html, chart) if re.fullmatch(r"\d+\.\d+", t)], chart


def test_the_report_draws_its_charts_without_a_plotting_library(campaign_home: Path) -> None:
    """The SVG is written directly, and a current SQLite campaign is read with sqlite3."""
    import subprocess
    import sys

    copy_campaign(campaign_home)
    code = (
        "import sys\nfrom click.testing import CliRunner\nfrom campaign.cli import cli\n"
        "r = CliRunner().invoke(cli, ['report'])\n"
        "assert r.exit_code == 0, r.output\n"
        "heavy = ('matplotlib', 'sqlalchemy', 'pandas', 'reportlab', 'docx', 'smtplib')\n"
        "print(sorted(m for m in heavy if m in sys.modules))"
    )
    env = {"CAMPAIGN_HOME": str(campaign_home), "CAMPAIGN_TODAY": "2026-11-16"}
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, env=env
    )
    assert out.stdout == "[]\n"
