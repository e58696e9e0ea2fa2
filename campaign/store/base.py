"""The engine, its transactions, and the one place SQLAlchemy errors become CampaignErrors.

On PostgreSQL an engine may be bound to one campaign's schema: every connection it makes
sets ``search_path`` to that schema and nothing else, so each query of the store (written
schema-blind, as for SQLite) reads and writes that campaign's tables and no other's.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager, nullcontext
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Engine, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError, SQLAlchemyError

from campaign.config import DEFAULT_CAMPAIGN
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


def create_store_engine(url: str, schema: str | None = None) -> Engine:
    """An engine for any SQLAlchemy URL; SQLite gets WAL, FULL sync, FKs and BEGIN IMMEDIATE.

    ``schema`` (PostgreSQL): every connection searches that schema only, so the store's
    queries see one campaign. ``None`` leaves the server's search_path as it is.
    """
    try:
        parsed = make_url(url)
    except ArgumentError:
        raise StoreError(f"database URL {url!r} is not a SQLAlchemy URL") from None
    if parsed.get_backend_name() != "sqlite":
        try:
            engine = create_engine(parsed, pool_pre_ping=True)
        except (ImportError, SQLAlchemyError) as exc:
            raise StoreError(f"{display_url(url)}: can't use this database: {exc}") from None
        if schema is not None and engine.dialect.name == "postgresql":
            _search_only(engine, schema)
        return engine
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


def _search_only(engine: Engine, schema: str) -> None:
    """Each new connection of ``engine`` searches ``schema`` alone (a checked name: no quoting)."""
    if not re.fullmatch(r"[a-z][a-z0-9_]{0,62}", schema):
        raise StoreError(f"{schema!r} is not a schema name campaign uses")

    # insert=True: before SQLAlchemy's first look at the connection, so it too sees the schema.
    @event.listens_for(engine, "connect", insert=True)
    def _on_connect(dbapi_conn: Any, _record: Any) -> None:
        autocommit = dbapi_conn.autocommit
        dbapi_conn.autocommit = True  # a SET of the session, not of a transaction
        cursor = dbapi_conn.cursor()
        cursor.execute(f"SET search_path TO {schema}")
        cursor.close()
        dbapi_conn.autocommit = autocommit


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

    @property
    def dialect(self) -> str:
        """The database's kind: "sqlite", "postgresql" ..."""
        raise NotImplementedError

    def open_session(self, name: str) -> Connection:
        """A connection of its own, kept open under ``name`` until ``close_session``.

        For what must outlive transactions (a PostgreSQL session lock), apart from the
        pooled connections the queries use; ``close`` ends any still open.
        """
        raise StoreError("a session is opened on the store, not inside a unit of work")

    def close_session(self, name: str) -> Connection | None:
        """Forget the session ``name`` and hand it back to be closed (None if none is open)."""
        return None


class InTransaction(Connected):
    """Queries joined to one open transaction: nothing commits until the unit of work ends."""

    def __init__(self, conn: Connection) -> None:
        self.conn = conn

    @property
    def dialect(self) -> str:
        """The database's kind: "sqlite", "postgresql" ..."""
        return str(self.conn.dialect.name)

    def read(self) -> AbstractContextManager[Connection]:
        """The transaction's own connection."""
        return nullcontext(self.conn)

    def write(self) -> AbstractContextManager[Connection]:
        """The transaction's own connection."""
        return nullcontext(self.conn)


class StoreBase(Connected):
    """Owns the engine; every query runs inside ``write()`` or ``read()``."""

    def __init__(self, engine: Engine, url: str, campaign: str = DEFAULT_CAMPAIGN) -> None:
        self.engine = engine
        self.url = url
        self.campaign = campaign
        self.sessions: dict[str, Connection] = {}

    @property
    def dialect(self) -> str:
        """The database's kind: "sqlite", "postgresql" ..."""
        return str(self.engine.dialect.name)

    def open_session(self, name: str) -> Connection:
        """A connection of its own, kept under ``name`` until ``close_session``."""
        try:
            conn = self.engine.connect()
        except SQLAlchemyError as exc:
            raise StoreError(f"{display_url(self.url)}: {_reason(exc)}") from exc
        self.sessions[name] = conn
        return conn

    def close_session(self, name: str) -> Connection | None:
        """Forget the session ``name`` and hand it back to be closed (None if none is open)."""
        return self.sessions.pop(name, None)

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
        """Close any session still open (ending what it held), then every pooled connection."""
        for name in list(self.sessions):
            conn = self.sessions.pop(name)
            try:
                conn.invalidate()  # closed for good: a session lock must not go back to the pool
                conn.close()
            except SQLAlchemyError:
                pass  # the server already let go of it
        self.engine.dispose()


def reason(exc: SQLAlchemyError) -> str:
    """What went wrong, in one line a user can act on (a driver's words reworded)."""
    return _reason(exc)


# The driver's words for a failed connection -> ours. Checked in order; {0} is the match.
_CONNECTION_FAILURES: list[tuple[str, str]] = [
    (
        r'database "([^"]+)" does not exist',
        'the database "{0}" does not exist on the server (create it, e.g. `createdb {0}`, '
        "or correct the database name in the URL)",
    ),
    (
        r'password authentication failed for user "([^"]+)"',
        'the server refused the password of "{0}" (the password comes from the URL, '
        "PGPASSWORD or ~/.pgpass; never from campaign.toml)",
    ),
    (
        r"no password supplied|password is required",
        "the server wants a password and none was given (put it in PGPASSWORD or ~/.pgpass)",
    ),
    (
        r'role "([^"]+)" does not exist',
        'the server has no role "{0}" (correct the user name in the URL, or ask the '
        "database's administrator to create it)",
    ),
    (
        r'permission denied for database "([^"]+)"',
        'the role in the URL may not connect to the database "{0}" (its administrator '
        "grants it with GRANT CONNECT ON DATABASE {0} TO the role)",
    ),
    (
        r"failed to resolve host '([^']+)'|could not translate host name \"([^\"]+)\"",
        'the database server "{0}" is not known (correct the host in the URL)',
    ),
    (
        r"Connection refused|No such file or directory|Is the server running"
        r"|timeout expired"
        r"|Network is unreachable|No route to host|server closed the connection",
        "the database server is not answering ({0}): is it running, and are the host and "
        "port in the URL right?",
    ),
]


def _reason(exc: SQLAlchemyError) -> str:
    orig = getattr(exc, "orig", None)
    full = str(orig if orig is not None else exc).strip()
    lines = full.splitlines()
    first = lines[0] if lines else type(exc).__name__
    for pattern, words in _CONNECTION_FAILURES:
        found = re.search(pattern, full)
        if found:
            named = [g for g in found.groups() if g]
            detail = named[0] if named else _failure(first)
            return words.format(detail)
    return first


def _failure(line: str) -> str:
    # 'connection failed: connection to server at "h", port 1 failed: Connection refused'
    # -> 'connection refused at "h", port 1'
    where = re.search(r'(on socket "[^"]+"|at "[^"]+", port \d+)', line)
    cause = line.rsplit(":", 1)[-1].strip().rstrip(".")
    cause = cause[:1].lower() + cause[1:]
    if cause == "no such file or directory":
        cause = "nothing is listening"
    return f"{cause} {where.group(1)}" if where else cause
