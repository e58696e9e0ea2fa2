"""The tables, as SQLAlchemy Core objects: portable across SQLite and PostgreSQL.

Queries use these objects; the database itself is built and evolved only by the
numbered steps in ``migrations.py``.
"""

from __future__ import annotations

from sqlalchemy import (
    JSON,
    Column,
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
)

from campaign.models import ProspectStatus, TaskState

metadata = MetaData()

schema_migrations = Table(
    "schema_migrations",
    metadata,
    Column("version", Integer, primary_key=True, autoincrement=False),
    Column("name", String(200), nullable=False),
    Column("applied_at", DateTime, nullable=False),
)

prospects = Table(
    "prospects",
    metadata,
    Column("id", Integer, primary_key=True),
    # Who this is, across files and re-imports: the lower-cased email, else company+contact.
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
    # File order across imports: the wave order when there is no priority.
    Column("seq", Integer, nullable=False, default=0),
    Column("status", String(20), nullable=False, default=str(ProspectStatus.ACTIVE)),
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
    metadata,
    Column("id", Integer, primary_key=True),
    Column("prospect_id", Integer, ForeignKey("prospects.id"), nullable=False),
    Column("letter", String(100), nullable=False),
    Column("channel", String(10), nullable=False),
    Column("state", String(20), nullable=False),
    # ISO week whose cap this send uses (the week of its latest attempt).
    Column("week", String(10), nullable=False),
    Column("claimed_on", Date, nullable=False),
    Column("sent_on", Date, nullable=True),
    Column("attempts", Integer, nullable=False, default=0),
    Column("last_error", Text, nullable=False, default=""),
    Column("message_id", Text, nullable=False, default=""),
    Column("pack", Text, nullable=False, default=""),
    Column("run_id", String(64), nullable=False, default=""),
    # A letter is never sent twice to the same prospect: the database says so.
    UniqueConstraint("prospect_id", "letter", name="uq_sends_prospect_letter"),
)
Index("ix_sends_week", sends.c.week, sends.c.state)

contacts = Table(
    "contacts",
    metadata,
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

meetings = Table(
    "meetings",
    metadata,
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

meeting_people = Table(
    "meeting_people",
    metadata,
    Column("meeting_id", Integer, ForeignKey("meetings.id"), primary_key=True),
    Column("contact_id", Integer, ForeignKey("contacts.id"), primary_key=True),
    Column("discussed", Text, nullable=False, default=""),
    Column("gift", Text, nullable=False, default=""),
)

tasks = Table(
    "tasks",
    metadata,
    Column("id", Integer, primary_key=True),
    # a campaign.models.TaskKind
    Column("kind", String(30), nullable=False),
    Column("state", String(20), nullable=False, default=str(TaskState.OPEN)),
    Column("due", Date, nullable=False),
    Column("prospect_id", Integer, ForeignKey("prospects.id"), nullable=True),
    Column("contact_id", Integer, ForeignKey("contacts.id"), nullable=True),
    Column("send_id", Integer, ForeignKey("sends.id"), nullable=True),
    Column("meeting_id", Integer, ForeignKey("meetings.id"), nullable=True),
    Column("attempt", Integer, nullable=False, default=1),
    Column("reason", Text, nullable=False, default=""),
    Column("note", Text, nullable=False, default=""),
    # iCalendar: a stable UID per task and a SEQUENCE bumped on every reschedule.
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
    metadata,
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

# One row per named lock (e.g. "send"): who holds it, so a second run can say so and a
# lock left by a killed process can be recognised and taken over.
locks = Table(
    "locks",
    metadata,
    Column("name", String(50), primary_key=True),
    Column("holder", String(200), nullable=False),
    Column("pid", Integer, nullable=False),
    Column("host", String(200), nullable=False),
    Column("acquired_at", DateTime, nullable=False),
)

# -- the firm's registry (PostgreSQL only) ------------------------------------------------
# Not a campaign's table: one schema of its own, beside the campaigns' schemas, listing
# each campaign a counsellor added (``campaign campaigns add``) and its pace as its seeker's
# commands last noted it. Created by ``migrations.ensure_registry``, never in SQLite.
REGISTRY_SCHEMA = "campaign_registry"
registry_metadata = MetaData(schema=REGISTRY_SCHEMA)

registry = Table(
    "campaigns",
    registry_metadata,
    Column("name", String(40), primary_key=True),  # as the seeker's [store] campaign says it
    Column("schema_name", String(63), nullable=False, unique=True),
    Column("role_name", String(63), nullable=False),  # the seeker's role, owner of the schema
    Column("created_at", DateTime, nullable=False),
    Column("created_by", String(63), nullable=False),
    # [schedule] weekly_cap of the seeker's campaign.toml, noted by its own commands.
    Column("weekly_cap", Integer, nullable=True),
    Column("cap_noted_at", DateTime, nullable=True),
)
