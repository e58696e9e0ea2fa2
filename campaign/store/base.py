"""The engine, its transactions, and the one place SQLAlchemy errors become CampaignErrors."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager, nullcontext
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Engine, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError, SQLAlchemyError

from campaign.errors import StoreError

BUSY_TIMEOUT_SECONDS = 15
_READ_ONLY = "campaign_read_only"


def display_url(url: str) -> str:
    """The URL with any password hidden, fit for an error message."""
    try:
        return make_url(url).render_as_string(hide_password=True)
    except ArgumentError:
        return url


def store_exists(url: str) -> bool:
    """False only when ``url`` is a SQLite file that does not exist yet.

    Opening a SQLite file creates it, so commands that only read ask this first and
    leave no empty campaign.db behind. A server database (PostgreSQL ...) is created by
    whoever runs the server, and an empty one can't be told from a missing one: it
    counts as existing, is migrated when opened (harmless: the tables are created
    empty, as before) and reads as an empty campaign. An in-memory database or a
    ``file:`` URI counts as existing too.
    """
    try:
        parsed = make_url(url)
    except ArgumentError:
        return True  # open_store names the problem
    database = parsed.database or ""
    if parsed.get_backend_name() != "sqlite" or database in ("", ":memory:"):
        return True
    if database.startswith("file:") or parsed.query.get("uri"):
        return True
    return Path(database).exists()


def create_store_engine(url: str) -> Engine:
    """An engine for any SQLAlchemy URL; SQLite gets WAL, FULL sync, FKs and BEGIN IMMEDIATE."""
    try:
        parsed = make_url(url)
    except ArgumentError:
        raise StoreError(f"database URL {url!r} is not a SQLAlchemy URL") from None
    if parsed.get_backend_name() != "sqlite":
        try:
            return create_engine(parsed, pool_pre_ping=True)
        except (ImportError, SQLAlchemyError) as exc:
            raise StoreError(f"{display_url(url)}: can't use this database: {exc}") from None
    engine = create_engine(parsed, connect_args={"timeout": BUSY_TIMEOUT_SECONDS})

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_conn: Any, _record: Any) -> None:
        # Let us issue BEGIN ourselves, so writes can take the lock up front.
        dbapi_conn.isolation_level = None
        cursor = dbapi_conn.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=FULL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_SECONDS * 1000}")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Connection) -> None:
        # IMMEDIATE takes the write lock at BEGIN: no deadlock upgrading a read lock later.
        read_only = conn.get_execution_options().get(_READ_ONLY, False)
        conn.exec_driver_sql("BEGIN" if read_only else "BEGIN IMMEDIATE")

    return engine


class Connected:
    """What every query mixin stands on: a connection to read with and one to write with.

    On the ``Store`` each query opens its own transaction; on a ``Transaction`` (the unit
    of work, ``with store.transaction() as tx:``) every query joins the one transaction.
    """

    def read(self) -> AbstractContextManager[Connection]:
        """A connection to read with."""
        raise NotImplementedError

    def write(self) -> AbstractContextManager[Connection]:
        """A connection to write with."""
        raise NotImplementedError


class InTransaction(Connected):
    """Queries joined to one open transaction: nothing commits until the unit of work ends."""

    def __init__(self, conn: Connection) -> None:
        self.conn = conn

    def read(self) -> AbstractContextManager[Connection]:
        """The transaction's own connection."""
        return nullcontext(self.conn)

    def write(self) -> AbstractContextManager[Connection]:
        """The transaction's own connection."""
        return nullcontext(self.conn)


class StoreBase(Connected):
    """Owns the engine; every query runs inside ``write()`` or ``read()``."""

    def __init__(self, engine: Engine, url: str) -> None:
        self.engine = engine
        self.url = url

    @contextmanager
    def write(self) -> Iterator[Connection]:
        """One committed write transaction (BEGIN IMMEDIATE on SQLite); rolled back on error."""
        try:
            with self.engine.begin() as conn:
                yield conn
        except SQLAlchemyError as exc:
            raise StoreError(f"{display_url(self.url)}: {_reason(exc)}") from exc
        except OverflowError as exc:  # a number beyond the database's integers (2**63)
            raise StoreError(f"{display_url(self.url)}: {exc}") from exc

    @contextmanager
    def read(self) -> Iterator[Connection]:
        """A read-only transaction: a consistent view that takes no write lock."""
        try:
            with self.engine.connect() as conn:
                conn = conn.execution_options(**{_READ_ONLY: True})
                with conn.begin():
                    yield conn
        except SQLAlchemyError as exc:
            raise StoreError(f"{display_url(self.url)}: {_reason(exc)}") from exc
        except OverflowError as exc:  # a number beyond the database's integers (2**63)
            raise StoreError(f"{display_url(self.url)}: {exc}") from exc

    def close(self) -> None:
        """Release every pooled connection."""
        self.engine.dispose()


def _reason(exc: SQLAlchemyError) -> str:
    orig = getattr(exc, "orig", None)
    text = str(orig if orig is not None else exc).strip().splitlines()
    return text[0] if text else type(exc).__name__
