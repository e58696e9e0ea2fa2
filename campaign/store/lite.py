"""The read path of a current SQLite campaign: the standard library's sqlite3, no SQLAlchemy.

Importing SQLAlchemy costs about 0.2 s, more than `campaign calls` or `status` spend on
their work, so a store on a SQLite file answers the view queries of
``campaign.store.reads`` here: it runs each view's SQL exactly as SQLAlchemy compiled
it (``compiled.py``, written by ``python -m campaign.store.precompile``), binds the
parameters and reads the columns as SQLAlchemy's SQLite types do (dates as ISO text,
JSON as text). ``open_reader`` hands out a reader only when the database is a plain
SQLite file whose migrations are exactly those this version knows and ``compiled.py``
matches ``views.py`` and ``schema.py``; otherwise the store uses SQLAlchemy throughout.
Every read runs in its own read transaction (a consistent view, no write lock).
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, datetime
from pathlib import Path
from typing import Any

from campaign.errors import StoreError
from campaign.store import compiled

HERE = Path(__file__).resolve().parent
BUSY_TIMEOUT_SECONDS = 15  # as the SQLAlchemy engine's (campaign.store.base)
_SOURCES = ("views.py", "schema.py")  # as campaign.store.precompile.SOURCES


def sqlite_file(url: str) -> Path | None:
    """The file of a plain ``sqlite:///PATH`` URL; None for anything else.

    Only the spelling the campaign writes itself is recognised: a URL with a query, a
    ``file:`` URI, an in-memory database or any character that SQLAlchemy might read
    differently (``? # % @``) is left to SQLAlchemy.
    """
    prefix = "sqlite:///"
    if not url.startswith(prefix):
        return None
    path = url[len(prefix) :]
    if not path or path == ":memory:" or path.startswith("file:"):
        return None
    if any(c in path for c in "?#%@"):
        return None
    return Path(path)


def _source_digest() -> str | None:
    digest = hashlib.sha256()
    try:
        for name in _SOURCES:
            digest.update((HERE / name).read_bytes().replace(b"\r\n", b"\n"))
    except OSError:
        return None
    return digest.hexdigest()[:20]


def encode(value: Any, kind: str) -> Any:
    """A parameter as SQLAlchemy's SQLite types store it."""
    if value is None:
        return None
    if kind == "datetime":
        return value.strftime("%Y-%m-%d %H:%M:%S.%f")
    if kind == "date":
        return value.isoformat()
    if kind == "json":
        return json.dumps(value)
    if kind == "bool":
        return int(bool(value))
    if isinstance(value, str):
        return str(value)  # a StrEnum as its plain value
    return value


def _decoder(kind: str) -> Any:
    if kind == "date":
        return lambda v: date.fromisoformat(v) if isinstance(v, str) else v
    if kind == "datetime":
        return lambda v: datetime.fromisoformat(v) if isinstance(v, str) else v
    if kind == "json":
        return lambda v: json.loads(v) if isinstance(v, str) else v
    if kind == "bool":
        return lambda v: v if v is None else bool(v)
    return None


class SqliteViews:
    """Runs the compiled views on one sqlite3 connection (a ``campaign.store.reads.Runner``)."""

    def __init__(self, conn: sqlite3.Connection, url: str) -> None:
        self.conn = conn
        self.url = url
        self._decoders: dict[str, list[tuple[int, Any]]] = {}

    def rows(self, view: str, **params: Any) -> list[dict[str, Any]]:
        """The rows of ``view`` as dicts of Python values."""
        sql, fixed, named, columns = compiled.VIEWS[view]
        values = dict(fixed)
        for key, kind in named.items():
            value = params[key]
            if kind.endswith("*"):  # a list: one parameter per item, as SQLAlchemy expands it
                keys = [f"{key}_{i}" for i in range(1, len(value) + 1)]
                if not keys:
                    raise ValueError(f"view {view}: empty list for {key}")
                sql = sql.replace(f"__[POSTCOMPILE_{key}]", ", ".join(f":{k}" for k in keys))
                values.update({k: encode(v, kind[:-1]) for k, v in zip(keys, value, strict=True)})
            else:
                values[key] = encode(value, kind)
        try:
            found = self.conn.execute(sql, values).fetchall()
        except sqlite3.Error as exc:
            raise StoreError(f"{self.url}: {_reason(exc)}") from exc
        names = [name for name, _ in columns]
        decoders = self._decoders.get(view)
        if decoders is None:
            decoders = [(i, d) for i, (_, kind) in enumerate(columns) if (d := _decoder(kind))]
            self._decoders[view] = decoders
        if not decoders:
            return [dict(zip(names, row, strict=True)) for row in found]
        out = []
        for row in found:
            cells = list(row)
            for i, decode in decoders:
                cells[i] = decode(cells[i])
            out.append(dict(zip(names, cells, strict=True)))
        return out


class SqliteReader:
    """A connection to the campaign's SQLite file for reading views, opened once."""

    def __init__(self, conn: sqlite3.Connection, url: str) -> None:
        self.conn = conn
        self.url = url
        self._views = SqliteViews(conn, url)

    @contextmanager
    def views(self) -> Iterator[SqliteViews]:
        """The views inside one read transaction: a consistent view that takes no write lock."""
        try:
            self.conn.execute("BEGIN")
        except sqlite3.Error as exc:
            raise StoreError(f"{self.url}: {_reason(exc)}") from exc
        try:
            yield self._views
        finally:
            self.conn.execute("COMMIT")

    def close(self) -> None:
        """Close the connection."""
        self.conn.close()


def open_reader(url: str) -> SqliteReader | None:
    """A reader for ``url`` when it is a current SQLite campaign file, else None."""
    path = sqlite_file(url)
    if path is None or not path.is_file() or _source_digest() != compiled.SOURCE:
        return None
    try:
        conn = sqlite3.connect(path, timeout=BUSY_TIMEOUT_SECONDS, isolation_level=None)
    except sqlite3.Error:
        return None
    try:
        versions = {v for (v,) in conn.execute("SELECT version FROM schema_migrations")}
    except sqlite3.Error:
        versions = set()
    if versions != set(compiled.VERSIONS):  # to migrate, or newer than us: SQLAlchemy says
        conn.close()
        return None
    return SqliteReader(conn, url)


def _reason(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()
    return text[0] if text else type(exc).__name__
