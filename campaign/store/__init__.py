"""The store: the only package that talks SQL; it hands out the plain data of ``campaign.models``.

``open_store(url, campaign)`` opens any SQLAlchemy URL (SQLite by default), brings the
campaign's schema up to date with the numbered migrations, and returns a ``Store``. Its
queries are small primitives grouped by concern in this package's modules: each runs in
its own transaction on the ``Store``, or joins the unit of work of ``with
store.transaction() as tx:``, where everything commits together or not at all. Which
rows to write is decided above the store (``followup``, ``interview``, ``ledger`` ...)
and handed down. ``store_exists(url)`` says whether opening would create a new SQLite
file (what a command that only reads must not do).

A SQLite file holds one campaign (its name is a label). A PostgreSQL database holds many,
a schema each (``registry``); ``open_firm(url)`` is the counsellor's view of them all
(``sql.Firm``).

Two halves, so that the morning commands never import SQLAlchemy (0.2 s, more than
their work): the reads of status, the call sheet, the agenda and the report are
``reads.ViewQueries``, written once over named views; on a current SQLite file they
run over the standard library's sqlite3 (``lite``), elsewhere through SQLAlchemy (on
PostgreSQL always, so every read goes through the engine bound to the campaign's
schema). Every other primitive, every write and every unit of work is in ``sql``
(SQLAlchemy), which a ``Store`` loads the first time it needs it.
"""

from __future__ import annotations

import importlib
from contextlib import AbstractContextManager
from typing import TYPE_CHECKING, Any

from campaign.config import DEFAULT_CAMPAIGN
from campaign.store.lite import SqliteReader, open_reader, sqlite_file
from campaign.store.reads import Runner, ViewQueries

if TYPE_CHECKING:  # the SQLAlchemy primitives, typed: the class bodies below forward to them
    from sqlalchemy import Connection

    from campaign.store.queries import Queries as _Queries
else:
    _Queries = object


class Transaction(ViewQueries, _Queries):
    """The unit of work: every query joins one transaction, committed when the block ends."""


class Store(ViewQueries, _Queries):
    """The campaign's state: prospects, the sends ledger, tasks, calls, meetings, contacts.

    Opened by ``open_store``. The view reads go to the sqlite3 reader when there is one;
    everything else goes to the SQLAlchemy store (``campaign.store.sql.SqlStore``),
    opened and migrated on first use (or handed in, already open, as ``sql``).
    """

    def __init__(
        self,
        url: str,
        campaign: str = DEFAULT_CAMPAIGN,
        reader: SqliteReader | None = None,
        sql: Any = None,
    ) -> None:
        self.url = url
        self.campaign = campaign
        self._reader = reader
        self._sql_store: Any = sql

    @property
    def fast(self) -> bool:
        """Whether the view reads run over sqlite3 (no SQLAlchemy)."""
        return self._reader is not None

    @property
    def dialect(self) -> str:
        """The database's kind: "sqlite", "postgresql" ..."""
        if self._reader is not None:
            return "sqlite"
        return str(self._sql().dialect)

    def views(self) -> AbstractContextManager[Runner]:
        """A runner for the view reads, inside one read transaction."""
        if self._reader is not None:
            return self._reader.views()
        return self._sql().views()

    def read(self) -> AbstractContextManager[Connection]:
        """A read-only SQLAlchemy transaction: a consistent view that takes no write lock."""
        return self._sql().read()

    def write(self) -> AbstractContextManager[Connection]:
        """One committed SQLAlchemy write transaction; rolled back on error."""
        return self._sql().write()

    def transaction(self) -> AbstractContextManager[Transaction]:
        """A unit of work: committed when the block ends, rolled back if it raises."""
        return self._sql().transaction()

    def close(self) -> None:
        """Release the connections (and end any session still open: a send lock's)."""
        if self._reader is not None:
            self._reader.close()
            self._reader = None
        if self._sql_store is not None:
            self._sql_store.close()
            self._sql_store = None

    def _sql(self) -> Any:
        if self._sql_store is None:
            self._sql_store = _sql_module().open_sql_store(self.url, self.campaign)
        return self._sql_store

    if not TYPE_CHECKING:

        def __getattr__(self, name: str) -> Any:
            # Every primitive that is not a view read: the SQLAlchemy store's own.
            if name.startswith("_"):
                raise AttributeError(name)
            return getattr(self._sql(), name)


def open_store(
    url: str, campaign: str = DEFAULT_CAMPAIGN, *, weekly_cap: int | None = None
) -> Store:
    """Open (creating and migrating if needed) the campaign ``campaign`` of the database at ``url``.

    SQLite: the file is the campaign; a current file opens without SQLAlchemy (it loads
    on the first write). PostgreSQL: the campaign's schema, which must exist (NoCampaign
    says how to add it), except the ``default`` campaign's (``public``), opened through
    SQLAlchemy now. ``weekly_cap``: the seeker's, noted in the registry for the
    counsellor's list (PostgreSQL).
    """
    reader = open_reader(url)
    if reader is not None:
        return Store(url, campaign, reader)
    return Store(url, campaign, sql=_sql_module().open_sql_store(url, campaign, weekly_cap))


def open_firm(url: str, label: str = DEFAULT_CAMPAIGN) -> Any:
    """The database at ``url`` as a counsellor sees it (a ``sql.Firm``; loads SQLAlchemy)."""
    return _sql_module().open_firm(url, label)


def store_exists(url: str) -> bool:
    """False only when ``url`` is a SQLite file that does not exist yet (see ``base``)."""
    path = sqlite_file(url)
    if path is not None:
        return path.exists()
    return bool(importlib.import_module("campaign.store.base").store_exists(url))


def display_url(url: str) -> str:
    """The URL with any password hidden, fit for an error message (see ``base``)."""
    if sqlite_file(url) is not None:
        return url
    return str(importlib.import_module("campaign.store.base").display_url(url))


def _sql_module() -> Any:
    # The SQLAlchemy half, loaded the way the CLI loads a command: on first use.
    return importlib.import_module("campaign.store.sql")


__all__ = ["Store", "Transaction", "display_url", "open_firm", "open_store", "store_exists"]
