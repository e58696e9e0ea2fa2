"""The store: migrations from a blank database, SQLite settings, error wrapping."""

from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace

import pytest
from sqlalchemy import create_engine, inspect

from campaign.errors import StoreError
from campaign.store import open_store
from campaign.store.migrations import MIGRATIONS, applied_versions, latest_version
from campaign.store.schema import metadata, sends
from tests.factories import TODAY, add_prospect, store_at


def test_blank_database_migrates_to_the_schema(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'blank.db'}"
    store = open_store(url)
    inspector = inspect(create_engine(url))
    for table in metadata.sorted_tables:
        columns = {c["name"] for c in inspector.get_columns(table.name)}
        assert columns == set(table.columns.keys()), table.name
    with store.read() as conn:
        assert applied_versions(conn) == {v for v, _, _ in MIGRATIONS}
    assert latest_version() == MIGRATIONS[-1][0]


def test_migrations_run_once(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'c.db'}"
    open_store(url).close()
    store = open_store(url)  # a second open applies nothing and loses nothing
    with store.read() as conn:
        rows = conn.exec_driver_sql("SELECT COUNT(*) FROM schema_migrations").scalar()
    assert rows == len(MIGRATIONS)


def test_sqlite_is_durable_and_checks_foreign_keys(tmp_path: Path) -> None:
    store = store_at(tmp_path)
    with store.read() as conn:
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert conn.exec_driver_sql("PRAGMA synchronous").scalar() == 2  # FULL
        assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
        assert conn.exec_driver_sql("PRAGMA busy_timeout").scalar() > 0
    with pytest.raises(StoreError, match="FOREIGN KEY constraint failed"), store.write() as conn:
        conn.execute(
            sends.insert().values(
                prospect_id=999,
                letter="marketing",
                channel="post",
                state="sent",
                week="2026-W47",
                claimed_on=TODAY,
            )
        )


def test_the_same_letter_can_never_be_recorded_twice(tmp_path: Path) -> None:
    store = store_at(tmp_path)
    prospect = add_prospect(store)
    row = {
        "prospect_id": prospect.id,
        "letter": "marketing",
        "channel": "post",
        "state": "sent",
        "week": "2026-W47",
        "claimed_on": TODAY,
    }
    with store.write() as conn:
        conn.execute(sends.insert().values(**row))
    with pytest.raises(StoreError, match="UNIQUE constraint failed"), store.write() as conn:
        conn.execute(sends.insert().values(**row))
    assert len(store.list_sends()) == 1  # the failed write was rolled back


def test_a_failed_write_changes_nothing(tmp_path: Path) -> None:
    store = store_at(tmp_path)
    add_prospect(store, email="a@x.example")
    with pytest.raises(StoreError), store.write() as conn:
        conn.exec_driver_sql("UPDATE prospects SET company = 'changed'")
        conn.exec_driver_sql("INSERT INTO no_such_table VALUES (1)")
    assert store.list_prospects()[0].company != "changed"


def test_unopenable_database_is_one_line(tmp_path: Path) -> None:
    with pytest.raises(StoreError) as err:
        open_store(f"sqlite:///{tmp_path / 'missing-folder' / 'campaign.db'}")
    assert "does the campaign folder exist?" in str(err.value)
    with pytest.raises(StoreError, match="is not a SQLAlchemy URL"):
        open_store("not a url")


def test_password_in_url_is_never_shown(tmp_path: Path) -> None:
    with pytest.raises(StoreError) as err:
        open_store("nosuchdialect://user:s3cret@localhost/db")
    assert "s3cret" not in str(err.value)


def test_read_transactions_see_committed_writes_only(tmp_path: Path) -> None:
    store = store_at(tmp_path)
    other = store_at(tmp_path)
    add_prospect(store)
    assert len(other.list_prospects()) == 1
    assert [p.status for p in other.list_prospects()] == ["active"]


def test_v1_offers_recorded_as_hires_become_offers(tmp_path: Path) -> None:
    from datetime import UTC, datetime

    from campaign.store.base import create_store_engine
    from campaign.store.schema import calls, meetings, schema_migrations
    from campaign.store.sql import SqlStore

    # A database as version 1 left it: only step 1 applied, offers stored as "hired".
    url = f"sqlite:///{tmp_path / 'v1.db'}"
    v1 = SqlStore(create_store_engine(url), url)
    with v1.write() as conn:
        MIGRATIONS[0][2](conn)
        conn.execute(
            schema_migrations.insert().values(
                version=1, name=MIGRATIONS[0][1], applied_at=datetime.now(UTC).replace(tzinfo=None)
            )
        )
    from campaign.store.migrations import _V1

    def v1_prospect(n: int, status: str) -> int:
        # Version 1's own table: today's prospects table has columns v1 lacked.
        values = {"identity": f"p{n}", "company": f"C{n}", "contact": f"P{n}", "status": status}
        with v1.write() as conn:
            key = conn.execute(_V1.tables["prospects"].insert().values(**values))
            return int(key.inserted_primary_key[0])

    logged, decided, hired, hired_after_meeting, active = (
        SimpleNamespace(id=v1_prospect(n, s))
        for n, s in enumerate(("hired", "hired", "hired", "hired", "active"))
    )
    with v1.write() as conn:
        conn.execute(
            calls.insert(),
            [
                {"prospect_id": logged.id, "called_on": TODAY, "outcome": "offer"},
                {"prospect_id": hired.id, "called_on": TODAY, "outcome": "hired"},
                {"prospect_id": hired_after_meeting.id, "called_on": TODAY, "outcome": "hired"},
            ],
        )
        conn.execute(
            meetings.insert(),
            [
                {"prospect_id": decided.id, "held_on": TODAY, "outcome": "offer"},
                {"prospect_id": hired_after_meeting.id, "held_on": TODAY, "outcome": "offer"},
            ],
        )
    v1.close()

    store = open_store(url)
    with store.read() as conn:
        assert applied_versions(conn) == {v for v, _, _ in MIGRATIONS}
    statuses = [
        store.get_prospect(p.id).status
        for p in (logged, decided, hired, hired_after_meeting, active)
    ]
    assert statuses == ["offer", "offer", "hired", "hired", "active"]
