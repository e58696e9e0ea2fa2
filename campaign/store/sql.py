"""The store's SQLAlchemy half: the engine, the migrations, every primitive, the unit of work.

``campaign.store.Store`` loads this module the first time it needs SQLAlchemy (a write,
or any read not served by ``campaign.store.lite``), the way the CLI loads a command.
A PostgreSQL campaign is always read and written here, through an engine whose every
connection searches the campaign's schema alone (``base.create_store_engine``). The
counsellor's view of a database of many campaigns, ``Firm``, is here too.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager, nullcontext
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Connection

from campaign.config import DEFAULT_CAMPAIGN
from campaign.errors import InputError, NoCampaign, StoreError
from campaign.store import Store, Transaction, open_store
from campaign.store.base import InTransaction, StoreBase, create_store_engine, store_exists
from campaign.store.migrations import migrate
from campaign.store.queries import Queries
from campaign.store.reads import ViewQueries
from campaign.store.registry import (
    Added,
    CampaignEntry,
    add_campaign,
    enter_campaign,
    list_entries,
    note_weekly_cap,
    schema_for,
)
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


def open_sql_store(
    url: str, campaign: str = DEFAULT_CAMPAIGN, weekly_cap: int | None = None
) -> SqlStore:
    """Open (creating and migrating if needed) the campaign ``campaign`` of the database at ``url``.

    SQLite: the file is the campaign. PostgreSQL: the campaign's schema, which must exist
    (NoCampaign says how to add it), except the ``default`` campaign's (``public``).
    ``weekly_cap``: the seeker's, noted in the registry for the counsellor's list.
    """
    schema = schema_for(campaign)
    engine = create_store_engine(url, schema=schema)
    store = SqlStore(engine, url, campaign)
    try:
        with store.write() as conn:
            if store.dialect == "postgresql":
                enter_campaign(conn, url, campaign, schema)
                migrate(conn, schema)
                if weekly_cap is not None and schema != "public":
                    note_weekly_cap(conn, schema, weekly_cap, _now())
            else:
                migrate(conn)
    except NoCampaign:
        engine.dispose()
        raise
    except StoreError as exc:
        engine.dispose()
        hint = ""
        if url.startswith("sqlite") and "unable to open" in str(exc):
            hint = " (does the campaign folder exist?)"
        raise StoreError(f"can't open the store: {exc}{hint}") from None
    return store


class Firm(StoreBase):
    """A counsellor's view of a database: every campaign in it, each readable as a ``Store``.

    On PostgreSQL one engine serves them all: each campaign's ``Store`` names its schema
    in every query it sends (SQLAlchemy's schema_translate_map), so reading a hundred
    campaigns takes one connection. A SQLite file is one campaign, called ``label``.
    """

    def __init__(self, url: str, label: str) -> None:
        super().__init__(create_store_engine(url), url, label)
        self._stores: dict[str, Store] = {}

    def campaigns(self) -> list[CampaignEntry]:
        """Every campaign in the database, by name."""
        if self.dialect != "postgresql":
            return [CampaignEntry(self.campaign, "main", "")] if store_exists(self.url) else []
        with self.read() as conn:
            return list_entries(conn)

    def store(self, entry: CampaignEntry) -> Store:
        """The campaign ``entry`` as a Store (migrated only by its seeker's own commands)."""
        if entry.schema not in self._stores:
            if self.dialect != "postgresql":
                self._stores[entry.schema] = open_store(self.url, entry.name)
            else:
                engine = self.engine.execution_options(schema_translate_map={None: entry.schema})
                sql = SqlStore(engine, self.url, entry.name)
                self._stores[entry.schema] = Store(self.url, entry.name, sql=sql)
        return self._stores[entry.schema]

    @contextmanager
    def reading(self) -> Iterator[Callable[[CampaignEntry], Store | Transaction]]:
        """One read transaction over many campaigns: ``at(entry)`` is one campaign's queries.

        A hundred campaigns then cost a hundred queries, not a hundred transactions. On
        PostgreSQL the one connection is pointed at each campaign's schema in turn, so
        finish with one campaign's queries before asking ``at`` for the next.
        """
        if self.dialect != "postgresql":
            yield self.store
            return
        with self.read() as conn:

            def at(entry: CampaignEntry) -> Transaction:
                return SqlTransaction(
                    conn.execution_options(schema_translate_map={None: entry.schema})
                )

            yield at

    def add(self, name: str, role: str) -> Added:
        """Create the campaign ``name`` worked by the PostgreSQL role ``role`` (see registry)."""
        if self.dialect != "postgresql":
            raise InputError(
                "a SQLite file holds one campaign (this folder's); campaigns are added to a "
                "shared PostgreSQL database ([store] url in campaign.toml, or CAMPAIGN_DB)"
            )
        with self.write() as conn:
            return add_campaign(conn, self.url, name, role, _now())

    def close(self) -> None:
        """Close every campaign opened, then the engine."""
        if self.dialect != "postgresql":  # each campaign opened its own file
            for store in self._stores.values():
                store.close()
        super().close()


def open_firm(url: str, label: str = DEFAULT_CAMPAIGN) -> Firm:
    """The database at ``url`` as a counsellor sees it (connects on first use)."""
    return Firm(url, label)


def _now() -> datetime:
    # A record's timestamp, as schema_migrations.applied_at: UTC, stored without a zone.
    return datetime.now(UTC).replace(tzinfo=None)
