"""The view reads: one definition, two runners (SQLAlchemy, and sqlite3 for a current file).

The sqlite3 reader runs the SQL that SQLAlchemy compiled from ``views.py`` (kept in
``compiled.py``), so these tests hold that file to a fresh compile, and every view read
to give the same answer through both runners on the same database.
"""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import pytest

from campaign.clock import iso_week
from campaign.store import compiled, lite, open_store, precompile
from campaign.store.reads import ALL_DATES
from campaign.store.sql import SqlStore, open_sql_store
from campaign.store.views import VIEWS
from tests.factories import add_prospect, store_at
from tests.history import TODAY, add_call, add_send, add_task, build_campaign


def test_compiled_views_are_current() -> None:
    fresh = precompile.render()
    assert precompile.TARGET.read_text(encoding="utf-8") == fresh, (
        "campaign/store/compiled.py is stale: run `python -m campaign.store.precompile`"
    )
    assert set(compiled.VIEWS) == set(VIEWS)


@pytest.fixture
def both(campaign_home: Path):
    """One campaign database, read by the sqlite3 reader and by SQLAlchemy."""
    store = store_at(campaign_home)
    build_campaign(store)
    contact = add_prospect(store, company="Referrer Inc.")
    for day in range(1, 4):
        add_call(store, contact.id, TODAY - timedelta(days=day), "voicemail", attempt=day)
    add_task(store, contact.id, TODAY + timedelta(days=3), kind="status_call")
    # What intake, the inbox and the routine added: a prospect with no address, a bounced
    # email, a thank-you in the ledger, a meeting planned, a print pack, a wind-down.
    add_prospect(store, company="Nowhere Ltd.", email="", street="", city="")
    bounced = add_prospect(store, company="Bounce Co.", email="gone@bounce.example")
    add_send(store, bounced.id, TODAY - timedelta(days=5), channel="email", state="bounced")
    store.update_prospect(bounced.id, undeliverable="gone@bounce.example")
    thanked = add_send(store, contact.id, TODAY, letter="thank_you:1", channel="email")
    with store.write() as conn:
        conn.exec_driver_sql(f"UPDATE sends SET task_id = 1 WHERE id = {thanked}")
    add_task(store, contact.id, TODAY + timedelta(days=2), kind="meeting")
    with store.transaction() as tx:
        tx.insert_task(kind="post_letter", due=TODAY, today=TODAY, detail={"letters": 3})
    store.insert_wind_down(contact.id, TODAY, TODAY, {contact.id: "active"}, [1, 2], [3])
    url = store.url
    store.close()
    fast, slow = open_store(url), open_sql_store(url)
    assert fast.fast, "a current SQLite file is read without SQLAlchemy"
    yield fast, slow
    fast.close()
    slow.close()


def _params(view: str) -> list[dict]:
    kinds = compiled.VIEWS[view][2]
    values = {
        "today": [TODAY, TODAY - timedelta(days=7)],
        "late_before": [TODAY - timedelta(days=7)],
        "until": [TODAY, ALL_DATES],
        "since": [TODAY - timedelta(days=60)],
        "start": [TODAY - timedelta(days=30)],
        "end": [TODAY + timedelta(days=60)],
        "week": [iso_week(TODAY), "2026-W45"],
        "letter": ["marketing", "cover"],
        "state": ["failed", "unknown", "deferred"],
        "prospect_id": [1, 3, 6, 41],
        "id": [1, 40, 999],
        "contact_id": [1],
        "ids": [list(range(1, 45))],
        "limit": [1, 5, 500],
    }
    combos: list[dict] = [{}]
    for key in kinds:
        combos = [{**c, key: v} for c in combos for v in values[key]]
    return combos


def test_every_view_reads_the_same_through_both_runners(both) -> None:
    fast, slow = both
    for view in sorted(VIEWS):
        for params in _params(view):
            with fast.views() as a, slow.views() as b:
                assert a.rows(view, **params) == b.rows(view, **params), (view, params)


def test_every_view_read_gives_the_same_answer(both) -> None:
    fast, slow = both
    week = iso_week(TODAY)
    for can_email in (None, True, False):
        args = (TODAY, week, "marketing", TODAY - timedelta(days=7), can_email)
        assert fast.status_figures(*args) == slow.status_figures(*args)
    assert fast.report_history() == slow.report_history()
    for until in (TODAY, TODAY + timedelta(days=30), None):
        assert fast.call_sheet(until) == slow.call_sheet(until)
        assert fast.open_agenda(until) == slow.open_agenda(until)
    assert fast.cancelled_calls(TODAY - timedelta(days=60)) == slow.cancelled_calls(
        TODAY - timedelta(days=60)
    )
    for pid in (1, 3, 6, 41):
        assert fast.get_prospect(pid) == slow.get_prospect(pid)
        assert fast.open_call(pid) == slow.open_call(pid)
        assert fast.call_history(pid) == slow.call_history(pid)
    start, end = TODAY - timedelta(days=30), TODAY + timedelta(days=60)
    assert fast.call_load(start, end) == slow.call_load(start, end)
    assert fast.open_call_load(start, end) == slow.open_call_load(start, end)
    assert fast.letters_to_post(TODAY - timedelta(days=30), TODAY) == slow.letters_to_post(
        TODAY - timedelta(days=30), TODAY
    )
    assert fast.referrals(1) == slow.referrals(1)
    assert fast.bounced_sends() == slow.bounced_sends() != []
    assert fast.open_calls() == slow.open_calls() != []
    assert fast.open_calls([1, 3, 6, 41]) == slow.open_calls([1, 3, 6, 41])
    assert fast.current_wind_down() == slow.current_wind_down() is not None
    for can_email in (None, True, False):
        assert fast.next_in_line("marketing", 5, can_email) == slow.next_in_line(
            "marketing", 5, can_email
        )
    assert fast.interviews_to_come() == slow.interviews_to_come()
    assert fast.pace_figures(TODAY, week) == slow.pace_figures(TODAY, week)
    # The rows come back as the models' types, dates as dates, JSON as dicts.
    prospect = fast.get_prospect(1)
    assert isinstance(prospect.extra, dict)
    task = fast.call_sheet(None)[0].task
    assert isinstance(task.due, date) and isinstance(task.detail, dict)


def test_a_store_reads_fast_and_writes_through_sqlalchemy(campaign_home: Path) -> None:
    store = store_at(campaign_home)
    prospect = add_prospect(store)
    url = store.url
    store.close()
    reopened = open_store(url)
    assert reopened.fast and reopened._sql_store is None
    assert reopened.get_prospect(prospect.id).company == prospect.company
    assert reopened._sql_store is None  # read without SQLAlchemy
    reopened.update_prospect(prospect.id, company="Renamed Ltd.")  # a write: SQLAlchemy opens
    assert reopened._sql_store is not None
    assert reopened.get_prospect(prospect.id).company == "Renamed Ltd."  # committed, seen
    reopened.close()


def test_a_database_to_migrate_or_stale_views_are_read_by_sqlalchemy(
    campaign_home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from campaign.store.base import create_store_engine
    from campaign.store.migrations import MIGRATIONS

    url = f"sqlite:///{campaign_home / 'old.db'}"
    v1 = SqlStore(create_store_engine(url), url)
    with v1.write() as conn:
        MIGRATIONS[0][2](conn)
        conn.exec_driver_sql(
            "INSERT INTO schema_migrations (version, name, applied_at) "
            "VALUES (1, 'v1', '2026-01-01 00:00:00.000000')"
        )
    v1.close()
    assert lite.open_reader(url) is None  # version 2 not applied yet
    store = open_store(url)  # ... so SQLAlchemy opens it now, and migrates
    assert not store.fast
    store.close()
    assert lite.open_reader(url) is not None
    monkeypatch.setattr(compiled, "SOURCE", "someone-edited-views.py")
    assert lite.open_reader(url) is None  # compiled.py not rewritten: read by SQLAlchemy
    for other in ("sqlite://", "sqlite:///:memory:", "sqlite:///x.db?mode=ro", "postgresql://h/db"):
        assert lite.open_reader(other) is None
