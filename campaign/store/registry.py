"""Many campaigns in one PostgreSQL database: a schema per campaign, a role per seeker.

A campaign's tables live in a schema of its own (``zoe-mueller`` -> ``zoe_mueller``; the
``default`` campaign in ``public``, where a single user's tables have always been). Its
seeker's role owns that schema and nobody else is granted anything on it, so the
database itself keeps seekers apart: a connection made as Zoe's role can't read, change
or delete a row of anyone else's, whatever SQL it sends. The store's own connections
search the campaign's schema only (``base.create_store_engine``), so its queries are the
same as SQLite's and none of them can forget whose rows it means.

The counsellor's role is a member of each seeker's role (``add_campaign`` grants it),
which is how it reads every campaign for ``campaign campaigns``. The registry
(``schema.registry``) names each campaign added, its role and its weekly cap as its
seeker's commands last noted it; a campaign schema made by hand (a DBA's ``CREATE
SCHEMA ... AUTHORIZATION``) is found in the catalog once its seeker has opened it.

SQLite keeps one campaign per file, as before: none of this applies to it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Connection, select, text
from sqlalchemy.exc import SQLAlchemyError

from campaign.config import DEFAULT_CAMPAIGN, campaign_name_problem
from campaign.errors import InputError, NoCampaign, StoreError, arg
from campaign.store.base import display_url, reason
from campaign.store.migrations import ensure_registry, hold_migration_lock, migrate
from campaign.store.schema import REGISTRY_SCHEMA, registry

ROLE_RULE = "lowercase letters a-z, digits and '_', starting with a letter or '_'"
_ROLE = re.compile(r"[a-z_][a-z0-9_]{0,62}")


def schema_for(campaign: str) -> str:
    """A campaign's schema: ``default`` -> ``public``, ``zoe-mueller`` -> ``zoe_mueller``."""
    return "public" if campaign == DEFAULT_CAMPAIGN else campaign.replace("-", "_")


@dataclass(frozen=True)
class CampaignEntry:
    """One campaign of a shared database: its names, its role, and whether we may read it."""

    name: str
    schema: str
    role: str
    created_at: datetime | None = None
    weekly_cap: int | None = None  # as its seeker's commands last noted it
    readable: bool = True  # the connecting role may use its schema
    has_tables: bool = True  # opened (migrated) at least once


@dataclass(frozen=True)
class Added:
    """What ``add_campaign`` did."""

    entry: CampaignEntry
    role_created: bool
    database: str


# -- a seeker's own connection ----------------------------------------------------------


def enter_campaign(conn: Connection, url: str, campaign: str, schema: str) -> None:
    """Check the campaign's schema before migrating it (PostgreSQL; in the open transaction).

    NoCampaign when it does not exist; StoreError when the connecting role may not use it.
    When the role is not the schema's owner but may act as it (the counsellor, a member of
    each seeker's role), the transaction acts as the owner, so any table a migration
    creates belongs to the seeker, not to whoever happened to open it first.
    """
    hold_migration_lock(conn, schema)
    row = conn.execute(
        text(
            "SELECT pg_get_userbyid(n.nspowner) AS owner, current_user AS me,"
            " has_schema_privilege(n.oid, 'USAGE') AS usable,"
            " pg_has_role(current_user, n.nspowner, 'MEMBER') AS member"
            " FROM pg_namespace n WHERE n.nspname = :schema"
        ),
        {"schema": schema},
    ).first()
    if row is None:
        if schema == "public":  # someone dropped it: the default campaign makes it again
            conn.execute(text("CREATE SCHEMA public"))
            return
        raise NoCampaign(
            f"no campaign {campaign!r} in {display_url(url)} yet (no schema {schema}): "
            f"its counsellor adds it with `campaign campaigns add {campaign} "
            f"{arg('role')} ROLE`; `campaign campaigns` lists those there are"
        )
    if not row.usable:
        raise StoreError(
            f"{display_url(url)}: role {row.me!r} has no rights on the campaign "
            f"{campaign!r} (schema {schema} belongs to role {row.owner!r}): connect as "
            f"{row.owner!r}, or ask the database's administrator to grant {row.owner} to {row.me}"
        )
    if schema != "public" and row.owner != row.me and row.member:
        conn.execute(text(f'SET LOCAL ROLE "{row.owner}"'))


def note_weekly_cap(conn: Connection, schema: str, cap: int, now: datetime) -> None:
    """Note the seeker's weekly cap in the registry, where its role may (else nothing).

    A catalog query, and an UPDATE that changes the row only when the cap changed.
    """
    allowed = conn.scalar(
        text(
            "SELECT has_column_privilege(c.oid, 'weekly_cap', 'UPDATE')"
            " FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace"
            " WHERE n.nspname = :registry AND c.relname = :table"
            " AND has_schema_privilege(n.oid, 'USAGE')"
        ),
        {"registry": REGISTRY_SCHEMA, "table": registry.name},
    )
    if not allowed:
        return
    conn.execute(
        registry.update()
        .where(
            registry.c.schema_name == schema,
            registry.c.weekly_cap.is_distinct_from(cap),
        )
        .values(weekly_cap=cap, cap_noted_at=now)
    )


# -- the counsellor's view ----------------------------------------------------------------


def list_entries(conn: Connection) -> list[CampaignEntry]:
    """Every campaign in the database: those added, and those found in the catalog.

    A campaign is a schema holding campaign's ``schema_migrations`` table (public's makes
    the ``default`` campaign) or a registry row. Those the connecting role may not use
    are listed too, marked unreadable: a counsellor should see that they exist.
    """
    found = {
        r.schema: r
        for r in conn.execute(
            text(
                "SELECT n.nspname AS schema, pg_get_userbyid(n.nspowner) AS owner,"
                " has_schema_privilege(n.oid, 'USAGE') AS usable,"
                " EXISTS (SELECT 1 FROM pg_class c JOIN pg_attribute a ON a.attrelid = c.oid"
                "   WHERE c.relnamespace = n.oid AND c.relname = 'schema_migrations'"
                "   AND c.relkind = 'r' AND a.attname = 'applied_at') AS migrated"
                " FROM pg_namespace n"
                " WHERE n.nspname NOT LIKE 'pg\\_%' AND n.nspname <> 'information_schema'"
            )
        )
    }
    entries: dict[str, CampaignEntry] = {}
    if _registry_readable(conn):
        for r in conn.execute(select(registry).order_by(registry.c.name)):
            schema = found.get(r.schema_name)
            if schema is None:
                continue  # dropped by hand: nothing left to list
            entries[r.schema_name] = CampaignEntry(
                name=r.name,
                schema=r.schema_name,
                role=r.role_name,
                created_at=r.created_at,
                weekly_cap=r.weekly_cap,
                readable=bool(schema.usable),
                has_tables=bool(schema.migrated),
            )
    for name, r in found.items():
        if name in entries or not r.migrated or name == REGISTRY_SCHEMA:
            continue
        label = DEFAULT_CAMPAIGN if name == "public" else name
        entries[name] = CampaignEntry(label, name, r.owner, readable=bool(r.usable))
    return sorted(entries.values(), key=lambda e: e.name)


def _registry_readable(conn: Connection) -> bool:
    return bool(
        conn.scalar(
            text(
                "SELECT has_table_privilege(c.oid, 'SELECT')"
                " FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace"
                " WHERE n.nspname = :registry AND c.relname = :table"
                " AND has_schema_privilege(n.oid, 'USAGE')"
            ),
            {"registry": REGISTRY_SCHEMA, "table": registry.name},
        )
    )


def add_campaign(conn: Connection, url: str, name: str, role: str, now: datetime) -> Added:
    """Create the campaign ``name`` worked by ``role``: its schema, role, grants and tables.

    All in the caller's transaction, so a step the connecting role may not take (create a
    role, create a schema, grant a role) leaves nothing half made; the error says which
    right is missing and who can give it.
    """
    problem = campaign_name_problem(name)
    if problem:
        raise InputError(f"{name!r} {problem}")
    if name == DEFAULT_CAMPAIGN:
        raise InputError(f"{name!r} is the campaign of the public schema; it needs no adding")
    if not _ROLE.fullmatch(role):
        raise InputError(f"{arg('role')} {role!r} is not a role name campaign uses: {ROLE_RULE}")
    schema = schema_for(name)
    me, database = conn.execute(text("SELECT current_user, current_database()")).one()

    def step(statement: str, what: str, needs: str) -> None:
        try:
            with conn.begin_nested():
                conn.execute(text(statement))
        except SQLAlchemyError as exc:
            raise _refused(exc, what, me, needs) from None

    hold_migration_lock(conn, schema)
    try:
        with conn.begin_nested():
            ensure_registry(conn)
    except SQLAlchemyError as exc:
        raise _refused(
            exc, f"create the registry schema {REGISTRY_SCHEMA}", me, _create_on(database, me)
        ) from None
    taken = conn.execute(select(registry.c.name).where(registry.c.schema_name == schema)).first()
    if taken is not None or _schema_exists(conn, schema):
        raise InputError(
            f"the campaign {name!r} exists already in {display_url(url)} (schema {schema})"
        )
    created = not conn.scalar(text("SELECT 1 FROM pg_roles WHERE rolname = :r"), {"r": role})
    if created:
        step(
            f'CREATE ROLE "{role}" LOGIN',
            f"create the role {role}",
            f"CREATEROLE (ALTER ROLE {me} CREATEROLE)",
        )
    if not conn.scalar(text("SELECT pg_has_role(current_user, :r, 'MEMBER')"), {"r": role}):
        step(
            f'GRANT "{role}" TO "{me}"',
            f"make itself a member of the role {role}",
            f"the ADMIN option on it (GRANT {role} TO {me} WITH ADMIN OPTION)",
        )
    step(
        f'CREATE SCHEMA "{schema}" AUTHORIZATION "{role}"',
        f"create the schema {schema}",
        _create_on(database, me),
    )
    conn.execute(text(f'REVOKE ALL ON SCHEMA "{schema}" FROM PUBLIC'))
    table = f"{REGISTRY_SCHEMA}.{registry.name}"
    conn.execute(text(f'GRANT USAGE ON SCHEMA {REGISTRY_SCHEMA} TO "{role}"'))
    conn.execute(text(f'GRANT SELECT, UPDATE (weekly_cap, cap_noted_at) ON {table} TO "{role}"'))
    conn.execute(
        registry.insert().values(
            name=name, schema_name=schema, role_name=role, created_at=now, created_by=me
        )
    )
    # The tables, made as the seeker's role so they are its own and its rights are whole.
    conn.execute(text(f'SET LOCAL ROLE "{role}"'))
    conn.execute(text(f'SET LOCAL search_path TO "{schema}"'))
    migrate(conn, schema)
    conn.execute(text("RESET ROLE"))
    conn.execute(text("SET LOCAL search_path TO DEFAULT"))
    return Added(CampaignEntry(name, schema, role, created_at=now), created, str(database))


def _schema_exists(conn: Connection, schema: str) -> bool:
    found = conn.scalar(text("SELECT 1 FROM pg_namespace WHERE nspname = :s"), {"s": schema})
    return found is not None


def _create_on(database: str, me: str) -> str:
    return f"CREATE on the database (GRANT CREATE ON DATABASE {database} TO {me})"


def _refused(exc: SQLAlchemyError, what: str, me: str, needs: str) -> StoreError:
    said = reason(exc)
    if not re.search(r"permission denied|must have|must be", said):
        return StoreError(f"can't {what}: {said}; nothing was changed")
    return StoreError(
        f"role {me!r} may not {what} ({said}); nothing was changed. It needs {needs}, "
        f"from the database's administrator; then add the campaign again"
    )
