"""``campaign report`` through the real CLI: one new self-contained file per run."""

from __future__ import annotations

from pathlib import Path

from tests.factories import store_at
from tests.history import build_campaign


def test_report_writes_a_new_file_each_run(run, campaign_home: Path) -> None:
    store = store_at(campaign_home)
    build_campaign(store)
    store.close()
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
    store = store_at(campaign_home)
    build_campaign(store)
    store.close()
    result = run("report", env={"CAMPAIGN_TODAY": "2026-12-01"})
    assert result.exit_code == 0
    page = campaign_home / "output" / "report-2026-12-01.html"
    assert "As of Tuesday 01 December 2026 (ISO week 2026-W49)." in page.read_text("utf-8")
