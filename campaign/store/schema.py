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
    # An address of theirs that bounced for good: no email goes to it (a new one does).
    Column("undeliverable", Text, nullable=False, default=""),
    # A digest of the list row last imported into this prospect: a re-import of the same
    # row is known unchanged before any field is checked (``intake.importing``).
    Column("import_digest", String(40), nullable=False, server_default=""),
)
Index("ix_prospects_wave", prospects.c.status, prospects.c.priority, prospects.c.seq)

# Every address a prospect had before a correction replaced it: who was mailed where.
former_emails = Table(
    "former_emails",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("prospect_id", Integer, ForeignKey("prospects.id"), nullable=False),
    Column("email", Text, nullable=False),
    Column("until", Date, nullable=False),
)
Index("ix_former_emails_email", former_emails.c.email)

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
    # A thank-you email (letter "thank_you:TASK"): the task it carries out, the person met.
    # (sends <-> tasks refer to each other: this side is added after both exist.)
    Column(
        "task_id",
        Integer,
        ForeignKey("tasks.id", use_alter=True, name="fk_sends_task_id"),
        nullable=True,
    ),
    Column("contact_id", Integer, ForeignKey("contacts.id"), nullable=True),
    # The recipient's normalised email (campaign.people.mailbox), the mailbox an email went
    # to: nor is a letter sent twice to one mailbox, whichever prospect has it now.
    Column("address", Text, nullable=False, default=""),
    # The first call's day the letter names (kept from the claim for a print pack's rerun).
    Column("promised_on", Date, nullable=True),
    # A letter is never sent twice to the same prospect: the database says so.
    UniqueConstraint("prospect_id", "letter", name="uq_sends_prospect_letter"),
)
Index("ix_sends_week", sends.c.week, sends.c.state)
# ... and a thank-you never twice for the same task.
Index("uq_sends_task", sends.c.task_id, unique=True)
Index("ix_sends_message_id", sends.c.message_id)
Index("ix_sends_address", sends.c.letter, sends.c.address)

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
    # (sends <-> tasks refer to each other: this side is added after both exist.)
    Column(
        "task_id",
        Integer,
        ForeignKey("tasks.id", use_alter=True, name="fk_sends_task_id"),
        nullable=True,
    ),
    Column("called_on", Date, nullable=False),
    Column("attempt", Integer, nullable=False, default=1),
    Column("outcome", String(20), nullable=False),
    Column("note", Text, nullable=False, default=""),
    Column("gatekeeper", Text, nullable=False, default=""),
    Column("callback", Date, nullable=True),
)
Index("ix_calls_prospect", calls.c.prospect_id, calls.c.called_on)

# A hire winds the campaign down; a resume undoes it. ``statuses`` (prospect id -> the
# status it had) and ``tasks`` (the open task ids it cancelled) are what undoing restores;
# ``made`` are the tasks it added (withdrawals, the news), which a resume cancels.
wind_downs = Table(
    "wind_downs",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("prospect_id", Integer, ForeignKey("prospects.id"), nullable=False),
    Column("hired_on", Date, nullable=False),
    Column("statuses", JSON, nullable=False, default=dict),
    Column("tasks", JSON, nullable=False, default=list),
    Column("made", JSON, nullable=False, default=list),
    Column("created_on", Date, nullable=True),
    Column("resumed_on", Date, nullable=True),
)

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

# `campaign inbox`: per folder, the UIDVALIDITY and the last UID read, so each run reads
# only new mail and a changed UIDVALIDITY rescans (what was recorded is not recorded again).
inbox_cursors = Table(
    "inbox_cursors",
    metadata,
    Column("folder", String(500), primary_key=True),
    Column("uidvalidity", Integer, nullable=False),
    Column("last_uid", Integer, nullable=False),
    Column("checked_on", Date, nullable=False),
)

# Every message the inbox matched to the campaign (replies, bounces, auto-replies, those to
# review), with what it was and what it changed. ``key`` is its Message-ID (else a hash of
# its bytes): a message read again (a rescan, another folder) is recorded once.
inbox_messages = Table(
    "inbox_messages",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("key", String(500), nullable=False, unique=True),
    Column("kind", String(20), nullable=False),
    Column("folder", String(500), nullable=False),
    Column("uid", Integer, nullable=False),
    Column("received", DateTime, nullable=True),  # the message's Date, in UTC
    Column("sender", Text, nullable=False, default=""),
    Column("subject", Text, nullable=False, default=""),
    Column("matched_by", String(20), nullable=False, default=""),  # thread, address, domain
    Column("prospect_id", Integer, ForeignKey("prospects.id"), nullable=True),
    Column("contact_id", Integer, ForeignKey("contacts.id"), nullable=True),
    Column("send_id", Integer, ForeignKey("sends.id"), nullable=True),
    Column("change", Text, nullable=False, default=""),  # what it changed, in words
    Column("detail", JSON, nullable=False, default=dict),
    Column("found_on", Date, nullable=False),
)
Index("ix_inbox_messages_prospect", inbox_messages.c.prospect_id)

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
