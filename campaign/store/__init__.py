"""The store: the only module that talks SQL; it hands out the plain data of ``campaign.models``.

``open_store(url, campaign)`` opens any SQLAlchemy URL (SQLite by default), brings the
campaign's schema up to date with the numbered migrations, and returns a ``Store``. Its
queries are small primitives grouped by concern in this package's modules: each runs in
its own transaction on the ``Store``, or joins the unit of work of ``with
store.transaction() as tx:``, where everything commits together or not at all. Which
rows to write is decided above the store (``followup``, ``interview``, ``ledger`` ...)
and handed down. ``store_exists(url)`` says whether opening would create a new SQLite
file (what a command that only reads must not do).

A SQLite file holds one campaign (its name is a label). A PostgreSQL database holds many,
a schema each (``registry``); ``open_firm(url)`` is the counsellor's view of them all.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime

from campaign.config import DEFAULT_CAMPAIGN
from campaign.errors import InputError, NoCampaign, StoreError
from campaign.store.base import InTransaction, StoreBase, create_store_engine, store_exists
from campaign.store.inbox import InboxQueries
from campaign.store.meetings import MeetingQueries
from campaign.store.migrations import migrate
from campaign.store.prospects import ProspectQueries
from campaign.store.registry import (
    Added,
    CampaignEntry,
    add_campaign,
    enter_campaign,
    list_entries,
    note_weekly_cap,
    schema_for,
)
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


def open_store(
    url: str, campaign: str = DEFAULT_CAMPAIGN, *, weekly_cap: int | None = None
) -> Store:
    """Open (creating and migrating if needed) the campaign ``campaign`` of the database at ``url``.

    SQLite: the file is the campaign. PostgreSQL: the campaign's schema, which must exist
    (NoCampaign says how to add it), except the ``default`` campaign's (``public``).
    ``weekly_cap``: the seeker's, noted in the registry for the counsellor's list.
    """
    schema = schema_for(campaign)
    engine = create_store_engine(url, schema=schema)
    store = Store(engine, url, campaign)
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
                self._stores[entry.schema] = Store(engine, self.url, entry.name)
        return self._stores[entry.schema]

    @contextmanager
    def reading(self) -> Iterator[Callable[[CampaignEntry], Queries]]:
        """One read transaction over many campaigns: ``at(entry)`` is one campaign's queries.

        A hundred campaigns then cost a hundred queries, not a hundred transactions. On
        PostgreSQL the one connection is pointed at each campaign's schema in turn, so
        finish with one campaign's queries before asking ``at`` for the next.
        """
        if self.dialect != "postgresql":
            yield self.store
            return
        with self.read() as conn:

            def at(entry: CampaignEntry) -> Queries:
                return Transaction(
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


__all__ = [
    "CampaignEntry",
    "Firm",
    "Store",
    "Transaction",
    "open_firm",
    "open_store",
    "store_exists",
]
