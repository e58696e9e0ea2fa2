"""``campaign campaigns`` on a SQLite campaign.db: the one campaign of this folder.

(A shared PostgreSQL database, with many, is in ``test_postgres_firm.py``.)
"""

from __future__ import annotations

import json
from pathlib import Path

from tests.factories import add_prospects, store_at


def test_a_sqlite_file_is_this_folders_one_campaign(run, campaign_home: Path) -> None:
    (campaign_home / "campaign.toml").write_text(
        '[store]\ncampaign = "zoe-mueller"\n[schedule]\nweekly_cap = 12\n', encoding="utf-8"
    )
    store = store_at(campaign_home)
    add_prospects(store, 2)
    store.close()
    result = run("campaigns", "--format", "json")
    assert result.exit_code == 0, result.output
    (listed,) = json.loads(result.stdout)
    assert {k: listed[k] for k in ("name", "prospects", "sent_this_week", "weekly_cap")} == {
        "name": "zoe-mueller",
        "prospects": 2,
        "sent_this_week": 0,
        "weekly_cap": 12,
    }
    report = run("report", "--all")
    assert report.exit_code == 0, report.output
    page = (campaign_home / "output" / "firm-report-2026-11-16.html").read_text(encoding="utf-8")
    assert "<strong>zoe-mueller</strong>: nothing sent in 2026-W47, 2 prospects waiting" in page


def test_no_campaign_yet_and_no_adding_to_a_file(run, campaign_home: Path) -> None:
    empty = run("campaigns")
    assert (empty.exit_code, empty.stdout) == (
        0,
        "No campaigns in this database yet: `campaign campaigns add NAME` adds one.\n",
    )
    assert not (campaign_home / "campaign.db").exists()  # listing created nothing
    refused = run("campaigns", "add", "ben")
    assert (refused.exit_code, refused.stderr) == (
        1,
        "Error: a SQLite file holds one campaign (this folder's); campaigns are added to a "
        "shared PostgreSQL database ([store] url in campaign.toml, or CAMPAIGN_DB)\n",
    )
    nothing = run("report", "--all")
    assert nothing.exit_code == 1
    assert nothing.stderr.startswith("Error: no campaigns in sqlite:///")
