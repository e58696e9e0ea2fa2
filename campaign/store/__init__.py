"""The store: the only module that talks SQL; it hands out the plain data of ``campaign.models``.

``open_store(url)`` opens any SQLAlchemy URL (SQLite by default), brings the schema up
to date with the numbered migrations, and returns a ``Store``. Its queries are small
primitives grouped by concern in this package's modules: each runs in its own
transaction on the ``Store``, or joins the unit of work of ``with store.transaction()
as tx:``, where everything commits together or not at all. Which rows to write is
decided above the store (``followup``, ``interview``, ``ledger`` ...) and handed down.
``store_exists(url)`` says whether opening would create a new SQLite file (what a
command that only reads must not do).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from campaign.errors import StoreError
from campaign.store.base import InTransaction, StoreBase, create_store_engine, store_exists
from campaign.store.inbox import InboxQueries
from campaign.store.meetings import MeetingQueries
from campaign.store.migrations import migrate
from campaign.store.prospects import ProspectQueries
from campaign.store.reporting import ReportQueries
from campaign.store.sends import SendQueries
from campaign.store.tasks import TaskQueries
from campaign.store.winddowns import WindDownQueries


class Queries(
    ProspectQueries,
    SendQueries,
    TaskQueries,
    MeetingQueries,
    ReportQueries,
    InboxQueries,
    WindDownQueries,
):
    """Every primitive of the store, by concern."""


class Transaction(Queries, InTransaction):
    """The unit of work: every query joins one transaction, committed when the block ends."""


class Store(Queries, StoreBase):
    """The campaign's state: prospects, the sends ledger, tasks, calls, meetings, contacts."""

    @contextmanager
    def transaction(self) -> Iterator[Transaction]:
        """A unit of work: committed when the block ends, rolled back if it raises."""
        with self.write() as conn:
            yield Transaction(conn)


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


__all__ = ["Store", "Transaction", "open_store", "store_exists"]
