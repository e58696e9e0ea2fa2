"""The store: the only module that talks SQL; it hands out plain dataclasses.

``open_store(url)`` opens any SQLAlchemy URL (SQLite by default), brings the schema
up to date with the numbered migrations, and returns a ``Store`` whose methods are
grouped by concern in this package's modules. ``store_exists(url)`` says whether
opening would create a new SQLite file (what a command that only reads must not do).
"""

from __future__ import annotations

from campaign.errors import StoreError
from campaign.store.base import StoreBase, create_store_engine, store_exists
from campaign.store.meetings import MeetingQueries
from campaign.store.migrations import migrate
from campaign.store.prospects import ProspectQueries
from campaign.store.reporting import ReportQueries
from campaign.store.sends import SendQueries
from campaign.store.tasks import TaskQueries


class Store(ProspectQueries, SendQueries, TaskQueries, MeetingQueries, ReportQueries, StoreBase):
    """The campaign's state: prospects, the sends ledger, tasks, calls, meetings."""


def open_store(url: str) -> Store:
    """Open (creating and migrating if needed) the database at ``url``."""
    engine = create_store_engine(url)
    store = Store(engine, url)
    try:
        with store.write() as conn:
            migrate(conn)
    except StoreError as exc:
        engine.dispose()
        hint = ""
        if url.startswith("sqlite") and "unable to open" in str(exc):
            hint = " (does the campaign folder exist?)"
        raise StoreError(f"can't open the store: {exc}{hint}") from None
    return store


__all__ = ["Store", "open_store", "store_exists"]
