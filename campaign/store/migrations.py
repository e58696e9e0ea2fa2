"""Numbered, idempotent schema steps; each runs once, in order, recorded in schema_migrations.

Every step is written out and frozen: it never reads ``schema.py``, so a later change
to the tables can't change what an old step does to an old database. Step 1 creates
the tables as version 1 shipped them, written out below on a private MetaData
(``_v1_metadata``); step 2 and later use those frozen tables (``_V1``) or plain
``sqlalchemy.table()/column()`` constructs.

Add a step by writing ``_mNNN_what_it_does(conn)`` and appending ``(N, "what it does",
function)`` to ``MIGRATIONS``; never edit an old step. A step receives a Connection
inside the migration's transaction and must use portable DDL (SQLAlchemy Core, or
``ALTER TABLE ... ADD COLUMN``), so SQLite and PostgreSQL evolve alike.
``tests/test_migrations.py`` migrates a version-1 database and a blank one and
compares both with ``schema.py``: a column added there without a step fails it.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime

from sqlalchemy import (
    JSON,
    Column,
    Connection,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
    column,
    exists,
    func,
    inspect,
    or_,
    select,
    table,
    text,
    update,
)

from campaign.errors import StoreError
from campaign.store.schema import REGISTRY_SCHEMA, registry, registry_metadata

Migration = tuple[int, str, Callable[[Connection], None]]

# Held by the migration transaction on PostgreSQL, so processes opening a blank campaign
# at once run the steps one after the other instead of racing on CREATE TABLE (or on
# CREATE SCHEMA). Each campaign's schema has its own lock, so campaigns never wait for
# each other: the public schema (the "default" campaign) keeps the one fixed key of
# earlier versions ("campaign" in ASCII), so an older campaign opening it at the same
# moment waits too; any other schema's is the pair (MIGRATION_LOCK_CLASS, hashtext of its
# name). Two names sharing a hash only ever take turns; nothing else depends on it.
PG_MIGRATION_LOCK = 0x63616D706169676E
MIGRATION_LOCK_CLASS = 0x6D696772  # "migr"


# ---------------------------------------------------------------------------------
# Version 1, frozen: the tables exactly as the first release created them. Never edit
# them; change a table with a new step instead.
# ---------------------------------------------------------------------------------
def _v1_metadata() -> MetaData:
    """Version 1's tables, built anew on a private MetaData (step 1 says why anew)."""
    v1 = MetaData()
    Table(
        "schema_migrations",
        v1,
        Column("version", Integer, primary_key=True, autoincrement=False),
        Column("name", String(200), nullable=False),
        Column("applied_at", DateTime, nullable=False),
    )

    prospects = Table(
        "prospects",
        v1,
        Column("id", Integer, primary_key=True),
        Column("identity", String(500), nullable=False, unique=True),
        Column("company", Text, nullable=False),
        Column("contact", Text, nullable=False),
        Column("honorific", String(50), nullable=False, default=""),
        Column("first_name", Text, nullable=False, default=""),
        Column("middle_name", Text, nullable=False, default=""),
        Column("last_name", Text, nullable=False, default=""),
        Column("suffix", String(50), nullable=False, default=""),
        Column("title", Text, nullable=False, default=""),
        Column("email", Text, nullable=False, default=""),
        Column("phone", Text, nullable=False, default=""),
        Column("street", Text, nullable=False, default=""),
        Column("street2", Text, nullable=False, default=""),
        Column("city", Text, nullable=False, default=""),
        Column("region", Text, nullable=False, default=""),
        Column("postal_code", String(40), nullable=False, default=""),
        Column("country", Text, nullable=False, default=""),
        Column("priority", Integer, nullable=True),
        Column("notes", Text, nullable=False, default=""),
        Column("extra", JSON, nullable=False, default=dict),
        Column("source_file", Text, nullable=False, default=""),
        Column("source_row", Integer, nullable=False, default=0),
        Column("seq", Integer, nullable=False, default=0),
        Column("status", String(20), nullable=False, default="active"),
        Column("gatekeeper", Text, nullable=False, default=""),
        # prospects <-> contacts refer to each other: this side is added after both exist.
        Column(
            "referred_by",
            Integer,
            ForeignKey("contacts.id", use_alter=True, name="fk_prospects_referred_by"),
            nullable=True,
        ),
        Column("created_on", Date, nullable=True),
        Column("updated_on", Date, nullable=True),
    )
    Index("ix_prospects_wave", prospects.c.status, prospects.c.priority, prospects.c.seq)

    sends = Table(
        "sends",
        v1,
        Column("id", Integer, primary_key=True),
        Column("prospect_id", Integer, ForeignKey("prospects.id"), nullable=False),
        Column("letter", String(100), nullable=False),
        Column("channel", String(10), nullable=False),
        Column("state", String(20), nullable=False),
        Column("week", String(10), nullable=False),
        Column("claimed_on", Date, nullable=False),
        Column("sent_on", Date, nullable=True),
        Column("attempts", Integer, nullable=False, default=0),
        Column("last_error", Text, nullable=False, default=""),
        Column("message_id", Text, nullable=False, default=""),
        Column("pack", Text, nullable=False, default=""),
        Column("run_id", String(64), nullable=False, default=""),
        UniqueConstraint("prospect_id", "letter", name="uq_sends_prospect_letter"),
    )
    Index("ix_sends_week", sends.c.week, sends.c.state)

    Table(
        "contacts",
        v1,
        Column("id", Integer, primary_key=True),
        Column("kind", String(20), nullable=False),
        Column("prospect_id", Integer, ForeignKey("prospects.id"), nullable=True),
        Column("name", Text, nullable=False),
        Column("honorific", String(50), nullable=False, default=""),
        Column("first_name", Text, nullable=False, default=""),
        Column("last_name", Text, nullable=False, default=""),
        Column("title", Text, nullable=False, default=""),
        Column("company", Text, nullable=False, default=""),
        Column("email", Text, nullable=False, default=""),
        Column("phone", Text, nullable=False, default=""),
        Column("interest", Text, nullable=False, default=""),
        Column("notes", Text, nullable=False, default=""),
        Column("referred_by", Integer, ForeignKey("contacts.id"), nullable=True),
        Column("created_on", Date, nullable=True),
    )

    Table(
        "meetings",
        v1,
        Column("id", Integer, primary_key=True),
        Column("prospect_id", Integer, ForeignKey("prospects.id"), nullable=False),
        Column("held_on", Date, nullable=False),
        Column("note", Text, nullable=False, default=""),
        Column("next_steps", Text, nullable=False, default=""),
        Column("decision_by", Date, nullable=True),
        Column("standing", Text, nullable=False, default=""),
        Column("objection", Text, nullable=False, default=""),
        Column("outcome", String(20), nullable=False, default=""),
        Column("created_on", Date, nullable=True),
    )

    Table(
        "meeting_people",
        v1,
        Column("meeting_id", Integer, ForeignKey("meetings.id"), primary_key=True),
        Column("contact_id", Integer, ForeignKey("contacts.id"), primary_key=True),
        Column("discussed", Text, nullable=False, default=""),
        Column("gift", Text, nullable=False, default=""),
    )

    tasks = Table(
        "tasks",
        v1,
        Column("id", Integer, primary_key=True),
        Column("kind", String(30), nullable=False),
        Column("state", String(20), nullable=False, default="open"),
        Column("due", Date, nullable=False),
        Column("prospect_id", Integer, ForeignKey("prospects.id"), nullable=True),
        Column("contact_id", Integer, ForeignKey("contacts.id"), nullable=True),
        Column("send_id", Integer, ForeignKey("sends.id"), nullable=True),
        Column("meeting_id", Integer, ForeignKey("meetings.id"), nullable=True),
        Column("attempt", Integer, nullable=False, default=1),
        Column("reason", Text, nullable=False, default=""),
        Column("note", Text, nullable=False, default=""),
        Column("uid", String(100), nullable=False, unique=True),
        Column("sequence", Integer, nullable=False, default=0),
        Column("detail", JSON, nullable=False, default=dict),
        Column("created_on", Date, nullable=True),
        Column("closed_on", Date, nullable=True),
    )
    Index("ix_tasks_open", tasks.c.state, tasks.c.due)
    Index("ix_tasks_prospect", tasks.c.prospect_id, tasks.c.state)

    calls = Table(
        "calls",
        v1,
        Column("id", Integer, primary_key=True),
        Column("prospect_id", Integer, ForeignKey("prospects.id"), nullable=True),
        Column("contact_id", Integer, ForeignKey("contacts.id"), nullable=True),
        Column("task_id", Integer, ForeignKey("tasks.id"), nullable=True),
        Column("called_on", Date, nullable=False),
        Column("attempt", Integer, nullable=False, default=1),
        Column("outcome", String(20), nullable=False),
        Column("note", Text, nullable=False, default=""),
        Column("gatekeeper", Text, nullable=False, default=""),
        Column("callback", Date, nullable=True),
    )
    Index("ix_calls_prospect", calls.c.prospect_id, calls.c.called_on)

    Table(
        "locks",
        v1,
        Column("name", String(50), primary_key=True),
        Column("holder", String(200), nullable=False),
        Column("pid", Integer, nullable=False),
        Column("host", String(200), nullable=False),
        Column("acquired_at", DateTime, nullable=False),
    )
    return v1


_V1 = _v1_metadata()
_schema_migrations, _prospects, _calls, _meetings = (
    _V1.tables[name] for name in ("schema_migrations", "prospects", "calls", "meetings")
)


# ---------------------------------------------------------------------------------
# The steps.
# ---------------------------------------------------------------------------------
def _m001_initial(conn: Connection) -> None:
    # From tables built anew each time: once SQLAlchemy has added a constraint by ALTER
    # TABLE (PostgreSQL: fk_prospects_referred_by, half of a cycle), it leaves that
    # constraint object out of every later CREATE TABLE, so a SQLite file made afterwards
    # in the same process would silently lack it.
    _v1_metadata().create_all(conn)


def _m002_offers_are_not_hires(conn: Connection) -> None:
    # Version 1 recorded an offer (`log --outcome offer`, `done --decision offer`) as
    # status "hired". A "hired" prospect with an offer on record and no call that ended
    # "hired" was such an offer: give it the status it now has. No DDL: status is text.
    p, calls, meetings = _prospects, _calls, _meetings
    offered = or_(
        exists().where(calls.c.prospect_id == p.c.id, calls.c.outcome == "offer"),
        exists().where(meetings.c.prospect_id == p.c.id, meetings.c.outcome == "offer"),
    )
    hired = exists().where(calls.c.prospect_id == p.c.id, calls.c.outcome == "hired")
    conn.execute(update(p).where(p.c.status == "hired", offered, ~hired).values(status="offer"))


def _m010_import_digests_and_former_emails(conn: Connection) -> None:
    # A digest of the list row each prospect was last imported from (a re-import of an
    # unchanged row skips all per-field work), and the addresses corrections replaced.
    conn.execute(
        text("ALTER TABLE prospects ADD COLUMN import_digest VARCHAR(40) NOT NULL DEFAULT ''")
    )
    former = Table(
        "former_emails",
        MetaData(),
        Column("id", Integer, primary_key=True),
        Column("prospect_id", Integer, ForeignKey("prospects.id"), nullable=False),
        Column("email", Text, nullable=False),
        Column("until", Date, nullable=False),
        Index("ix_former_emails_email", "email"),
    )
    Table("prospects", former.metadata, Column("id", Integer, primary_key=True))
    former.create(conn)


def _m020_thank_yous_in_the_ledger(conn: Connection) -> None:
    # A thank-you email is a ledger row too (letter "thank_you:TASK"): the task it carries
    # out and the person met, each at most once. Message-IDs are looked up by the inbox.
    conn.execute(text("ALTER TABLE sends ADD COLUMN task_id INTEGER REFERENCES tasks (id)"))
    conn.execute(text("ALTER TABLE sends ADD COLUMN contact_id INTEGER REFERENCES contacts (id)"))
    conn.execute(text("CREATE UNIQUE INDEX uq_sends_task ON sends (task_id)"))
    conn.execute(text("CREATE INDEX ix_sends_message_id ON sends (message_id)"))


def _m021_undeliverable_addresses(conn: Connection) -> None:
    conn.execute(text("ALTER TABLE prospects ADD COLUMN undeliverable TEXT NOT NULL DEFAULT ''"))


def _m022_inbox(conn: Connection) -> None:
    # Written out (not schema.py's tables): the tables as this step made them.
    frozen = MetaData()
    Table(
        "inbox_cursors",
        frozen,
        Column("folder", String(500), primary_key=True),
        Column("uidvalidity", Integer, nullable=False),
        Column("last_uid", Integer, nullable=False),
        Column("checked_on", Date, nullable=False),
    )
    Table("prospects", frozen, Column("id", Integer, primary_key=True))
    Table("contacts", frozen, Column("id", Integer, primary_key=True))
    Table("sends", frozen, Column("id", Integer, primary_key=True))
    messages = Table(
        "inbox_messages",
        frozen,
        Column("id", Integer, primary_key=True),
        Column("key", String(500), nullable=False, unique=True),
        Column("kind", String(20), nullable=False),
        Column("folder", String(500), nullable=False),
        Column("uid", Integer, nullable=False),
        Column("received", DateTime, nullable=True),
        Column("sender", Text, nullable=False, default=""),
        Column("subject", Text, nullable=False, default=""),
        Column("matched_by", String(20), nullable=False, default=""),
        Column("prospect_id", Integer, ForeignKey("prospects.id"), nullable=True),
        Column("contact_id", Integer, ForeignKey("contacts.id"), nullable=True),
        Column("send_id", Integer, ForeignKey("sends.id"), nullable=True),
        Column("change", Text, nullable=False, default=""),
        Column("detail", JSON, nullable=False, default=dict),
        Column("found_on", Date, nullable=False),
    )
    Index("ix_inbox_messages_prospect", messages.c.prospect_id)
    frozen.tables["inbox_cursors"].create(conn)
    messages.create(conn)


def _m030_sends_keep_their_address(conn: Connection) -> None:
    # The ledger refuses a letter to a mailbox that already had it, whichever prospect
    # row carries that address now: each send keeps its recipient's email (for a printed
    # letter too: the same person). Rows from before this step get their prospect's
    # email now, the best the database knows.
    # promised_on: the day the letter names for the first call, kept from the claim so a
    # rerun that adopts a print pack a killed run finished keeps the letters' promise.
    conn.execute(text("ALTER TABLE sends ADD COLUMN address TEXT NOT NULL DEFAULT ''"))
    conn.execute(text("ALTER TABLE sends ADD COLUMN promised_on DATE"))
    sends = table(
        "sends", column("id"), column("prospect_id"), column("channel"), column("address")
    )
    prospects = table("prospects", column("id"), column("email"))
    email = (
        select(func.lower(func.trim(prospects.c.email)))
        .where(prospects.c.id == sends.c.prospect_id)
        .scalar_subquery()
    )
    conn.execute(update(sends).values(address=func.coalesce(email, "")))
    conn.execute(text("CREATE INDEX ix_sends_address ON sends (letter, address)"))


def _m040_wind_downs(conn: Connection) -> None:
    # A hire winds the campaign down (and a resume undoes it): one row per wind-down.
    frozen = MetaData()
    Table("prospects", frozen, Column("id", Integer, primary_key=True))
    wind_downs = Table(
        "wind_downs",
        frozen,
        Column("id", Integer, primary_key=True),
        Column("prospect_id", Integer, ForeignKey("prospects.id"), nullable=False),
        Column("hired_on", Date, nullable=False),
        Column("statuses", JSON, nullable=False, default=dict),
        Column("tasks", JSON, nullable=False, default=list),
        Column("made", JSON, nullable=False, default=list),
        Column("created_on", Date, nullable=True),
        Column("resumed_on", Date, nullable=True),
    )
    wind_downs.create(conn)


MIGRATIONS: list[Migration] = [
    (1, "prospects, sends ledger, tasks, calls, contacts, meetings, locks", _m001_initial),
    (2, "offers recorded as hires get the offer status", _m002_offers_are_not_hires),
    (10, "import digests and former emails", _m010_import_digests_and_former_emails),
    (20, "thank-you emails in the sends ledger", _m020_thank_yous_in_the_ledger),
    (21, "addresses that bounced", _m021_undeliverable_addresses),
    (22, "inbox cursors and the messages matched", _m022_inbox),
    (
        30,
        "sends keep the address they went to and the call day they promised",
        _m030_sends_keep_their_address,
    ),
    (40, "wind_downs: a hire closes the campaign, a resume reopens it", _m040_wind_downs),
]


def applied_versions(conn: Connection) -> set[int]:
    """The versions already applied (empty on a blank database)."""
    if not inspect(conn).has_table("schema_migrations"):
        return set()
    return set(conn.scalars(select(_schema_migrations.c.version)))


def latest_version() -> int:
    """The version a fully migrated database is at."""
    return MIGRATIONS[-1][0]


def _refuse_newer(conn: Connection, done: set[int]) -> None:
    """Raise StoreError when the database records a version this code doesn't know."""
    newest, known = max(done, default=0), latest_version()
    if newest > known:
        raise StoreError(
            f"{_database_name(conn)} was written by a newer campaign (schema version "
            f"{newest}; this one knows up to {known}): upgrade campaign"
        )


def hold_migration_lock(conn: Connection, schema: str) -> None:
    """PostgreSQL: wait for the migration lock of ``schema``, held until the transaction ends.

    Taking it twice in one transaction is harmless (advisory locks stack), so whoever
    creates a schema can take it first and then ``migrate`` it.
    """
    if conn.dialect.name != "postgresql":
        return
    if schema == "public":
        conn.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": PG_MIGRATION_LOCK})
    else:
        conn.execute(
            text("SELECT pg_advisory_xact_lock(:cls, hashtext(:schema))"),
            {"cls": MIGRATION_LOCK_CLASS, "schema": schema},
        )


def migrate(conn: Connection, schema: str | None = None) -> list[int]:
    """Apply every step not yet applied to the campaign; returns the versions applied now.

    Refuses (StoreError) a database written by a newer campaign before changing anything.
    On PostgreSQL it first waits for the migration lock of the campaign's ``schema`` (by
    default the connection's current one), held until the transaction ends: whoever comes
    second sees the steps the first applied and runs none of them again. (SQLite needs
    none: the store's BEGIN IMMEDIATE already serialises writers.)
    """
    if conn.dialect.name == "postgresql":
        hold_migration_lock(conn, schema or conn.scalar(text("SELECT current_schema()")) or "")
    done = applied_versions(conn)
    _refuse_newer(conn, done)
    ran = []
    for version, name, step in MIGRATIONS:
        if version in done:
            continue
        step(conn)
        conn.execute(
            _schema_migrations.insert().values(
                version=version, name=name, applied_at=datetime.now(UTC).replace(tzinfo=None)
            )
        )
        ran.append(version)
    return ran


def ensure_registry(conn: Connection) -> None:
    """PostgreSQL: create the firm's registry of campaigns where there is none yet.

    Its own schema, closed to everyone but its owner (the counsellor who made it); each
    seeker's role is granted, by ``campaign campaigns add``, the right to read and note
    the pace of its own row only: a row-level policy on the role column (the one table
    where a campaign is a column). Raced by two counsellors at once: under a lock.
    """
    conn.execute(
        text("SELECT pg_advisory_xact_lock(:cls, hashtext(:schema))"),
        {"cls": MIGRATION_LOCK_CLASS, "schema": REGISTRY_SCHEMA},
    )
    if inspect(conn).has_table(registry.name, schema=REGISTRY_SCHEMA):
        return
    conn.execute(text(f"CREATE SCHEMA IF NOT EXISTS {REGISTRY_SCHEMA}"))
    conn.execute(text(f"REVOKE ALL ON SCHEMA {REGISTRY_SCHEMA} FROM PUBLIC"))
    registry_metadata.create_all(conn)
    name = f"{REGISTRY_SCHEMA}.{registry.name}"
    conn.execute(text(f"ALTER TABLE {name} ENABLE ROW LEVEL SECURITY"))
    conn.execute(text(f"CREATE POLICY own_campaign ON {name} USING (role_name = current_user)"))


def _database_name(conn: Connection) -> str:
    # The SQLite file as the user knows it (campaign.db), else the URL without password.
    url = conn.engine.url
    if url.get_backend_name() == "sqlite" and url.database:
        return url.database
    return url.render_as_string(hide_password=True)
