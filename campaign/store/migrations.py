"""Numbered, idempotent schema steps; each runs once, in order, recorded in schema_migrations.

Add a step by appending ``(N, "what it does", function)``. A step receives a
Connection inside the migration's transaction and must use portable DDL (SQLAlchemy
Core or ``ALTER TABLE ... ADD COLUMN``), so SQLite and PostgreSQL evolve alike. Step 1
creates the tables of ``schema.py`` as they stood at version 1: when a later step
changes a table, freeze that table's version-1 definition here first.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime

from sqlalchemy import Connection, exists, inspect, or_, select, update

from campaign.store import schema

Migration = tuple[int, str, Callable[[Connection], None]]


def _m001_initial(conn: Connection) -> None:
    schema.metadata.create_all(conn)


def _m002_offers_are_not_hires(conn: Connection) -> None:
    # Version 1 recorded an offer (`log --outcome offer`, `done --decision offer`) as
    # status "hired". A "hired" prospect with an offer on record and no call that ended
    # "hired" was such an offer: give it the status it now has. No DDL: status is text.
    p, calls, meetings = schema.prospects, schema.calls, schema.meetings
    offered = or_(
        exists().where(calls.c.prospect_id == p.c.id, calls.c.outcome == "offer"),
        exists().where(meetings.c.prospect_id == p.c.id, meetings.c.outcome == "offer"),
    )
    hired = exists().where(calls.c.prospect_id == p.c.id, calls.c.outcome == "hired")
    conn.execute(update(p).where(p.c.status == "hired", offered, ~hired).values(status="offer"))


MIGRATIONS: list[Migration] = [
    (1, "prospects, sends ledger, tasks, calls, contacts, meetings, locks", _m001_initial),
    (2, "offers recorded as hires get the offer status", _m002_offers_are_not_hires),
]


def applied_versions(conn: Connection) -> set[int]:
    """The versions already applied (empty on a blank database)."""
    if not inspect(conn).has_table("schema_migrations"):
        return set()
    return set(conn.scalars(select(schema.schema_migrations.c.version)))


def migrate(conn: Connection) -> list[int]:
    """Apply every step not yet applied; returns the versions applied now."""
    done = applied_versions(conn)
    ran = []
    for version, name, step in MIGRATIONS:
        if version in done:
            continue
        step(conn)
        conn.execute(
            schema.schema_migrations.insert().values(
                version=version, name=name, applied_at=datetime.now(UTC).replace(tzinfo=None)
            )
        )
        ran.append(version)
    return ran


def latest_version() -> int:
    """The version a fully migrated database is at."""
    return MIGRATIONS[-1][0]
