"""``campaign prospects`` through the real CLI: formats, wave order, batches."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

from campaign.batches import select_batch
from tests.conftest import TODAY
from tests.factories import add_prospect, store_at

REPO = Path(__file__).resolve().parent.parent
SAMPLE = str(REPO / "lists" / "sample-prospects.csv")


def test_no_prospects_says_how_to_add_them(run, campaign_home: Path) -> None:
    store_at(campaign_home).close()
    result = run("prospects")
    assert result.exit_code == 0
    assert result.stdout == "No prospects yet: `campaign import lists/YOUR-LIST.csv` adds them.\n"
    assert json.loads(run("prospects", "--format", "json").stdout) == []


def test_json_lists_every_prospect_in_wave_order(run, campaign_home: Path) -> None:
    store = store_at(campaign_home)
    late = add_prospect(store, company="Late Co", priority=None)
    best = add_prospect(store, company="Best Co", priority=1, phone="(217) 555-0101")
    second = add_prospect(store, company="Second Co", priority=2)
    store.close()

    result = run("prospects", "--format", "json")
    assert result.exit_code == 0
    rows = json.loads(result.stdout)
    assert [r["id"] for r in rows] == [best.id, second.id, late.id]
    assert {"id", "company", "contact", "email", "phone", "priority", "status"} <= set(rows[0])
    assert rows[0]["phone"] == "(217) 555-0101"
    assert rows[0]["priority"] == 1
    assert rows[2]["priority"] is None
    assert rows[0]["status"] == "active"


def test_csv_has_a_header_and_the_extra_merge_fields(run, campaign_home: Path) -> None:
    assert run("import", SAMPLE).exit_code == 0
    result = run("prospects", "--format", "csv")
    assert result.exit_code == 0
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    assert len(rows) == 120
    assert rows[0]["priority"] == "1"
    assert {"id", "company", "contact", "email", "phone", "industry"} <= set(rows[0])
    assert all(row["industry"] for row in rows)


def test_table_shows_the_people(run, campaign_home: Path) -> None:
    store = store_at(campaign_home)
    add_prospect(store, company="Acme Widgets", contact="Dr. Ada Okafor", priority=1)
    store.close()
    result = run("prospects")
    assert result.exit_code == 0
    assert "Acme Widgets" in result.stdout
    assert "Dr. Ada Okafor" in result.stdout


def test_top20_is_exactly_what_select_batch_picks(run, campaign_home: Path) -> None:
    (campaign_home / "campaign.toml").write_text("[schedule]\nweekly_cap = 7\n", encoding="utf-8")
    assert run("import", SAMPLE).exit_code == 0
    shown = json.loads(run("prospects", "--batch", "top20", "--format", "json").stdout)

    store = store_at(campaign_home)
    batch = select_batch(store, "top20", "marketing", TODAY, weekly_cap=7)
    store.close()
    assert [p["id"] for p in shown] == [p.id for p in batch.prospects]
    assert len(shown) == 7
    priorities = [p["priority"] for p in shown]
    assert priorities == sorted(priorities)

    everyone = json.loads(run("prospects", "--batch", "all", "--format", "json").stdout)
    assert len(everyone) == 120
    # Without a priority, file order decides: the blank-priority rows come last, in order.
    blanks = [p["source_row"] for p in everyone if p["priority"] is None]
    assert blanks == sorted(blanks)
    assert everyone[-len(blanks) :] == [p for p in everyone if p["priority"] is None]


def test_batch_table_says_how_the_wave_was_cut(run, campaign_home: Path) -> None:
    assert run("import", SAMPLE).exit_code == 0
    result = run("prospects", "--batch", "top20")
    assert result.exit_code == 0
    assert (
        "top20 for 'marketing': 20 of 120 waiting; week 2026-W47 cap 0/20 used, "
        "next wave 2026-11-23"
    ) in result.stdout


def test_unknown_batch_is_a_usage_error(run) -> None:
    result = run("prospects", "--batch", "top5")
    assert result.exit_code == 2
    assert "'top5' is not one of 'top20', 'all'" in result.output


def test_top20_leaves_out_whom_no_letter_can_reach_as_send_does(
    run, campaign_home: Path, sender_config: Path
) -> None:
    # No [smtp] in the config: a prospect with an email but no street can't be reached.
    store = store_at(campaign_home)
    emailonly = add_prospect(store, company="Inbox Only Ltd", priority=1, street="", city="")
    posted = add_prospect(store, company="Letterbox Co", priority=2)
    store.close()

    result = run("prospects", "--batch", "top20")
    assert result.exit_code == 0
    assert "Letterbox Co" in result.stdout
    assert "Inbox Only Ltd" not in result.stdout
    caption = " ".join(result.stdout.split())  # the table wraps its caption
    assert "1 left out (no postal address, and no [smtp] to email them)" in caption

    shown = json.loads(run("prospects", "--batch", "top20", "--format", "json").stdout)
    assert [p["id"] for p in shown] == [posted.id]
    dry = run("send", "--dry-run")
    assert dry.exit_code == 0
    assert "Letterbox Co" in dry.stdout
    assert f"Inbox Only Ltd - Ms. Alex Person{emailonly.id} (prospect {emailonly.id})" in dry.stdout
