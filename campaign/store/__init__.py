"""The store: the only package that talks SQL; it hands out the plain data of ``campaign.models``.

``open_store(url)`` opens any SQLAlchemy URL (SQLite by default), brings the schema up
to date with the numbered migrations, and returns a ``Store``. Its queries are small
primitives grouped by concern in this package's modules: each runs in its own
transaction on the ``Store``, or joins the unit of work of ``with store.transaction()
as tx:``, where everything commits together or not at all. Which rows to write is
decided above the store (``followup``, ``interview``, ``ledger`` ...) and handed down.
``store_exists(url)`` says whether opening would create a new SQLite file (what a
command that only reads must not do).

Two halves, so that the morning commands never import SQLAlchemy (0.2 s, more than
their work): the reads of status, the call sheet, the agenda and the report are
``reads.ViewQueries``, written once over named views; on a current SQLite file they
run over the standard library's sqlite3 (``lite``), elsewhere through SQLAlchemy. Every
other primitive, every write and every unit of work is in ``sql`` (SQLAlchemy), which a
``Store`` loads the first time it needs it.
"""

from __future__ import annotations

import importlib
from contextlib import AbstractContextManager
from typing import TYPE_CHECKING, Any

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
    opened and migrated on first use.
    """

    def __init__(self, url: str, reader: SqliteReader | None = None) -> None:
        self.url = url
        self._reader = reader
        self._sql_store: Any = None

    @property
    def fast(self) -> bool:
        """Whether the view reads run over sqlite3 (no SQLAlchemy)."""
        return self._reader is not None

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
        """Release the connections."""
        if self._reader is not None:
            self._reader.close()
            self._reader = None
        if self._sql_store is not None:
            self._sql_store.close()
            self._sql_store = None

    def _sql(self) -> Any:
        if self._sql_store is None:
            self._sql_store = importlib.import_module("campaign.store.sql").open_sql_store(self.url)
        return self._sql_store

    if not TYPE_CHECKING:

        def __getattr__(self, name: str) -> Any:
            # Every primitive that is not a view read: the SQLAlchemy store's own.
            if name.startswith("_"):
                raise AttributeError(name)
            return getattr(self._sql(), name)


def open_store(url: str) -> Store:
    """Open (creating and migrating if needed) the database at ``url``.

    A current SQLite file opens without SQLAlchemy (it loads on the first write); any
    other database, or one with migrations to run, opens through SQLAlchemy now.
    """
    store = Store(url, open_reader(url))
    if not store.fast:
        store._sql()
    return store


def store_exists(url: str) -> bool:
    """False only when ``url`` is a SQLite file that does not exist yet (see ``base``)."""
    path = sqlite_file(url)
    if path is not None:
        return path.exists()
    return bool(importlib.import_module("campaign.store.base").store_exists(url))


__all__ = ["Store", "Transaction", "open_store", "store_exists"]
