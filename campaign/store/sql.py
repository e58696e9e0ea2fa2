"""The store's SQLAlchemy half: the engine, the migrations, every primitive, the unit of work.

``campaign.store.Store`` loads this module the first time it needs SQLAlchemy (a write,
or any read not served by ``campaign.store.lite``), the way the CLI loads a command.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager, nullcontext
from typing import Any

from sqlalchemy import Connection

from campaign.errors import StoreError
from campaign.store import Transaction
from campaign.store.base import InTransaction, StoreBase, create_store_engine
from campaign.store.migrations import migrate
from campaign.store.queries import Queries
from campaign.store.reads import ViewQueries
from campaign.store.views import statement


class CoreViews:
    """Runs the views through SQLAlchemy on one connection (a ``reads.Runner``)."""

    def __init__(self, conn: Connection) -> None:
        self.conn = conn

    def rows(self, view: str, **params: Any) -> list[dict[str, Any]]:
        """The rows of ``view`` as dicts of Python values."""
        return [dict(row) for row in self.conn.execute(statement(view), params).mappings()]


class SqlTransaction(Transaction, Queries, InTransaction):
    """The unit of work: every query joins one transaction, committed when the block ends."""

    def views(self) -> AbstractContextManager[CoreViews]:
        """The views, on the transaction's own connection."""
        return nullcontext(CoreViews(self.conn))


class SqlStore(ViewQueries, Queries, StoreBase):
    """Every primitive over a SQLAlchemy engine (any database URL)."""

    @contextmanager
    def views(self) -> Iterator[CoreViews]:
        """The views inside one read transaction."""
        with self.read() as conn:
            yield CoreViews(conn)

    @contextmanager
    def transaction(self) -> Iterator[SqlTransaction]:
        """A unit of work: committed when the block ends, rolled back if it raises."""
        with self.write() as conn:
            yield SqlTransaction(conn)


def open_sql_store(url: str) -> SqlStore:
    """Open (creating and migrating if needed) the database at ``url``."""
    engine = create_store_engine(url)
    store = SqlStore(engine, url)
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
