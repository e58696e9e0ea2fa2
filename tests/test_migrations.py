"""Migrations written out: a version-1 database and a blank one both migrate to schema.py.

``tests/data/schema-v1.sql`` is a campaign.db as version 1 left it (frozen DDL and a few
rows). Opening it must give exactly the tables, columns, keys and indexes of
``campaign/store/schema.py`` and keep every row: a column added to schema.py without a
numbered step in ``migrations.py`` fails here, naming the table and the column.
"""

from __future__ import annotations

import json
import re
import sqlite3
import subprocess
import sys
import uuid
from collections.abc import Iterator
from contextlib import closing
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import (
    Column,
    Engine,
    MetaData,
    Table,
    Text,
    UniqueConstraint,
    create_engine,
    inspect,
    text,
)
from sqlalchemy.engine import Inspector, make_url

from campaign.errors import StoreError
from campaign.store import open_store
from campaign.store.migrations import MIGRATIONS, latest_version
from campaign.store.schema import metadata

SCHEMA_V1 = Path(__file__).parent / "data" / "schema-v1.sql"


def schema_differences(engine: Engine, expected: MetaData = metadata) -> list[str]:
    """How the database differs from ``expected``, one line per difference (none: equal)."""
    inspector = inspect(engine)
    found, wanted = set(inspector.get_table_names()), set(expected.tables)
    differences = [f"table {t}: in schema.py, but no migration creates it" for t in wanted - found]
    differences += [f"table {t}: made by a migration, but not in schema.py" for t in found - wanted]
    for name in sorted(wanted & found):
        differences += _table_differences(inspector, expected.tables[name])
    return sorted(differences)


def _table_differences(inspector: Inspector, table: Table) -> list[str]:
    name = table.name
    reflected = {c["name"]: c for c in inspector.get_columns(name)}
    differences = [
        f"{name}.{c}: made by a migration, but not in schema.py"
        for c in reflected.keys() - table.columns.keys()
    ]
    for column in table.columns:
        found = reflected.get(column.name)
        if found is None:
            differences.append(f"{name}.{column.name}: in schema.py, but no migration creates it")
            continue
        if found["nullable"] != column.nullable:
            differences.append(
                f"{name}.{column.name}: nullable={column.nullable} in schema.py, "
                f"nullable={found['nullable']} in the database"
            )
        if _generic(found["type"]) != _generic(column.type):
            differences.append(
                f"{name}.{column.name}: {_generic(column.type)} in schema.py, "
                f"{_generic(found['type'])} in the database"
            )

    def compare(what: str, in_schema: Any, in_database: Any) -> None:
        if in_schema != in_database:
            differences.append(
                f"{name}: {what} {in_schema} in schema.py, {in_database} in the database"
            )

    compare(
        "primary key",
        [c.name for c in table.primary_key.columns],
        inspector.get_pk_constraint(name)["constrained_columns"],
    )
    compare(
        "indexes",
        sorted((ix.name, [c.name for c in ix.columns], bool(ix.unique)) for ix in table.indexes),
        sorted(
            (ix["name"], ix["column_names"], bool(ix["unique"]))
            for ix in inspector.get_indexes(name)
            if "duplicates_constraint" not in ix  # PostgreSQL: a unique constraint's own index
        ),
    )
    # The database names an unnamed constraint as it likes: only schema.py's names count.
    unique = [c for c in table.constraints if isinstance(c, UniqueConstraint)]
    named = {c.name for c in unique if c.name}

    def label(constraint_name: Any) -> str:
        return constraint_name if constraint_name in named else "(unnamed)"

    compare(
        "unique constraints",
        sorted(([col.name for col in c.columns], label(c.name)) for c in unique),
        sorted(
            (u["column_names"], label(u["name"])) for u in inspector.get_unique_constraints(name)
        ),
    )
    compare(
        "foreign keys",
        sorted(
            (fk.column_keys, fk.referred_table.name, [e.column.name for e in fk.elements])
            for fk in table.foreign_key_constraints
        ),
        sorted(
            (fk["constrained_columns"], fk["referred_table"], fk["referred_columns"])
            for fk in inspector.get_foreign_keys(name)
        ),
    )
    return differences


def _generic(type_: Any) -> str:
    # The portable type (String(length=500), Text(), Date(), JSON() ...), whatever the dialect.
    return repr(type_.as_generic())


def v1_database(folder: Path) -> Path:
    """A SQLite file exactly as version 1 left it, from tests/data/schema-v1.sql."""
    path = folder / "v1.db"
    with closing(sqlite3.connect(path)) as db:
        db.executescript(SCHEMA_V1.read_text(encoding="utf-8"))
    return path


def _rows(path: Path, columns: dict[str, list[str]]) -> dict[str, list[tuple[Any, ...]]]:
    with closing(sqlite3.connect(path)) as db:
        return {
            table: db.execute(f"SELECT {', '.join(names)} FROM {table} ORDER BY rowid").fetchall()
            for table, names in columns.items()
        }


def _versions(path: Path) -> set[int]:
    with closing(sqlite3.connect(path)) as db:
        return {v for (v,) in db.execute("SELECT version FROM schema_migrations")}


def test_a_version_1_database_migrates_to_the_schema_and_keeps_its_rows(tmp_path: Path) -> None:
    path = v1_database(tmp_path)
    engine = create_engine(f"sqlite:///{path}")
    v1_tables = set(inspect(engine).get_table_names()) - {"schema_migrations"}
    v1_columns = {t: [c["name"] for c in inspect(engine).get_columns(t)] for t in v1_tables}
    before = _rows(path, v1_columns)
    assert all(before.values()), "every table of schema-v1.sql has rows"

    open_store(f"sqlite:///{path}").close()

    assert schema_differences(engine) == [], "\n".join(schema_differences(engine))
    assert _versions(path) == {v for v, _, _ in MIGRATIONS}
    # Migration 2: the offer version 1 recorded as "hired" (prospect 3) is an offer now.
    status = v1_columns["prospects"].index("status")
    expected = dict(before)
    expected["prospects"] = [
        (*row[:status], "offer", *row[status + 1 :]) if row[0] == 3 else row
        for row in before["prospects"]
    ]
    assert _rows(path, v1_columns) == expected
    engine.dispose()


def test_a_blank_database_migrates_to_the_schema(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'blank.db'}"
    open_store(url).close()
    engine = create_engine(url)
    assert schema_differences(engine) == [], "\n".join(schema_differences(engine))
    engine.dispose()


def test_step_1_creates_what_version_1_shipped(tmp_path: Path) -> None:
    def ddl(path: Path) -> list[tuple[str, str, str]]:
        with closing(sqlite3.connect(path)) as db:
            rows = db.execute("SELECT type, name, sql FROM sqlite_master").fetchall()
        return sorted((kind, name, " ".join((sql or "").split())) for kind, name, sql in rows)

    step1 = tmp_path / "step1.db"
    engine = create_engine(f"sqlite:///{step1}")
    with engine.begin() as conn:
        MIGRATIONS[0][2](conn)
    engine.dispose()
    assert ddl(step1) == ddl(v1_database(tmp_path))


def test_a_column_no_migration_creates_is_named(tmp_path: Path) -> None:
    # What a forgotten migration looks like: schema.py gains a column, no step adds it.
    path = v1_database(tmp_path)
    open_store(f"sqlite:///{path}").close()
    grown = MetaData()
    for table in metadata.sorted_tables:
        table.to_metadata(grown)
    grown.tables["prospects"].append_column(Column("nickname", Text, nullable=False))
    engine = create_engine(f"sqlite:///{path}")
    assert schema_differences(engine, grown) == [
        "prospects.nickname: in schema.py, but no migration creates it"
    ]
    engine.dispose()


def _from_the_future(path: Path) -> int:
    newer = latest_version() + 3
    with closing(sqlite3.connect(path)) as db, db:
        db.execute(
            "INSERT INTO schema_migrations VALUES (?, 'from the future', '2027-01-04')", (newer,)
        )
    return newer


def test_a_database_from_a_newer_campaign_is_refused_before_anything_changes(
    tmp_path: Path,
) -> None:
    path = v1_database(tmp_path)
    newer = _from_the_future(path)
    message = (
        f"{path} was written by a newer campaign (schema version {newer}; "
        f"this one knows up to {latest_version()}): upgrade campaign"
    )
    with pytest.raises(StoreError, match=re.escape(message)):
        open_store(f"sqlite:///{path}")
    assert _versions(path) == {1, newer}  # migration 2 did not run
    with closing(sqlite3.connect(path)) as db:
        assert db.execute("SELECT status FROM prospects WHERE id = 3").fetchone() == ("hired",)


def test_the_cli_says_to_upgrade(run, campaign_home: Path, tmp_path: Path) -> None:
    v1_database(tmp_path).rename(campaign_home / "campaign.db")
    newer = _from_the_future(campaign_home / "campaign.db")
    result = run("status")
    assert result.exit_code == 1
    assert (
        f"campaign.db was written by a newer campaign (schema version {newer}; "
        f"this one knows up to {latest_version()}): upgrade campaign"
    ) in result.output


def test_a_sqlite_campaigns_name_is_only_a_label(run, campaign_home: Path, tmp_path: Path) -> None:
    # A version-1 file opened as the campaign "zoe-mueller" and one opened as before end
    # up byte-for-byte alike in their tables and rows: the name changes nothing in a file.
    named = campaign_home / "campaign.db"
    v1_database(tmp_path).rename(named)
    plain = v1_database(tmp_path)  # the same file again, opened the old way below
    (campaign_home / "campaign.toml").write_text('[store]\ncampaign = "zoe-mueller"\n')
    assert run("status").exit_code == 0
    open_store(f"sqlite:///{plain}").close()

    def everything(path: Path) -> tuple[list[tuple[Any, ...]], dict[str, list[tuple[Any, ...]]]]:
        with closing(sqlite3.connect(path)) as db:
            ddl = sorted(db.execute("SELECT type, name, sql FROM sqlite_master").fetchall())
            tables = [name for kind, name, _ in ddl if kind == "table"]
            rows = {
                t: db.execute(f"SELECT * FROM {t} ORDER BY rowid").fetchall()
                for t in tables
                if t != "schema_migrations"  # applied_at: the moment each was opened
            }
        return ddl, rows

    assert everything(named) == everything(plain)
    listed = json.loads(run("campaigns", "--format", "json").stdout)
    assert [(c["name"], c["prospects"], c["weekly_cap"]) for c in listed] == [
        ("zoe-mueller", 3, 20)
    ]


# A child that imports first, says so, and opens the store only when told: all ten then
# reach the blank database at the same moment.
_OPEN_WHEN_TOLD = """
import sys
from campaign.store import open_store
print("ready", flush=True)
sys.stdin.readline()
open_store(sys.argv[1], sys.argv[2]).close()
"""


@pytest.fixture
def blank_postgres(postgres_url: str) -> Iterator[str]:
    """The URL of a new, empty database on the private PostgreSQL server."""
    name = f"blank_{uuid.uuid4().hex[:12]}"
    server = create_engine(postgres_url, isolation_level="AUTOCOMMIT")
    with server.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield make_url(postgres_url).set(database=name).render_as_string(hide_password=False)
    finally:
        with server.connect() as conn:
            conn.execute(text(f'DROP DATABASE "{name}" WITH (FORCE)'))
        server.dispose()


@pytest.mark.slow
def test_a_blank_postgres_database_migrates_to_the_schema(blank_postgres: str) -> None:
    open_store(blank_postgres).close()
    engine = create_engine(blank_postgres)
    assert schema_differences(engine) == [], "\n".join(schema_differences(engine))
    engine.dispose()


@pytest.mark.slow
def test_a_sqlite_file_made_after_a_postgres_database_keeps_every_constraint(
    blank_postgres: str, tmp_path: Path
) -> None:
    # PostgreSQL adds fk_prospects_referred_by by ALTER TABLE, and SQLAlchemy then leaves
    # that constraint object out of CREATE TABLE for good: step 1 must not share it.
    open_store(blank_postgres).close()
    url = f"sqlite:///{tmp_path / 'after-postgres.db'}"
    open_store(url).close()
    engine = create_engine(url)
    assert schema_differences(engine) == [], "\n".join(schema_differences(engine))
    engine.dispose()


@pytest.mark.slow
def test_ten_processes_opening_a_blank_postgres_database_at_once(blank_postgres: str) -> None:
    # Three campaigns: the default one (public) and two whose schemas a DBA has just
    # made, empty. Each campaign's steps run once, under its own lock.
    campaigns = ["default"] * 4 + ["zoe-mueller"] * 3 + ["ben"] * 3
    engine = create_engine(blank_postgres)
    with engine.begin() as conn:
        conn.execute(text("CREATE SCHEMA zoe_mueller; CREATE SCHEMA ben"))
    children = [
        subprocess.Popen(
            [sys.executable, "-c", _OPEN_WHEN_TOLD, blank_postgres, campaign],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for campaign in campaigns
    ]
    try:
        for child in children:
            assert child.stdout is not None and child.stdout.readline() == "ready\n"
        for child in children:
            assert child.stdin is not None
            child.stdin.write("go\n")
            child.stdin.flush()
        errors = [child.communicate(timeout=60)[1] for child in children]
    finally:
        for child in children:
            child.kill()
            child.wait()
    assert [child.returncode for child in children] == [0] * 10, "\n".join(errors)
    with engine.connect() as conn:
        for schema in ("public", "zoe_mueller", "ben"):
            found = conn.execute(text(f"SELECT version FROM {schema}.schema_migrations"))
            assert sorted(found.scalars()) == [v for v, _, _ in MIGRATIONS], schema
    assert schema_differences(engine) == [], "\n".join(schema_differences(engine))
    for schema in ("zoe_mueller", "ben"):
        each = create_engine(blank_postgres, connect_args={"options": f"-csearch_path={schema}"})
        assert schema_differences(each) == [], (schema, schema_differences(each))
        each.dispose()
    engine.dispose()
