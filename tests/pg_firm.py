"""A counselling firm's database on the private PostgreSQL server, new for each test.

``firm`` makes a database of its own and a counsellor's role that is no superuser: it may
create roles and schemas there, as a firm's account would. Roles belong to the whole
server, so every role a test makes ends in the test's own suffix (``firm.role("zoe")``)
and all of them are dropped with the database at the end.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from sqlalchemy import Engine, create_engine, text
from sqlalchemy.engine import make_url

from tests.smtp_server import PATIENT

LETTER = (
    "Subject: Operations help for {{ company }}\n\n{{ salutation }}\n\n"
    "I will call you on {{ call_date }}.\n\nSincerely,\n"
)


@dataclass
class FirmDatabase:
    """One test's database: URLs as each role, and the superuser's engine to look with."""

    server_url: str
    database: str
    suffix: str
    counsellor: str

    def role(self, name: str) -> str:
        """A role name unique to this test: ``zoe`` -> ``zoe_1a2b3c``."""
        return f"{name}_{self.suffix}"

    def url(self, user: str | None = None) -> str:
        """The database's URL as ``user`` (default: the counsellor)."""
        parsed = make_url(self.server_url).set(
            database=self.database, username=user or self.counsellor
        )
        return parsed.render_as_string(hide_password=False)

    def superuser(self) -> Engine:
        """An engine as the server's superuser, on this database (the caller disposes it)."""
        return create_engine(self.url(make_url(self.server_url).username))

    def sql(self, statement: str, user: str | None = None) -> list[tuple[object, ...]]:
        """Run one statement as ``user`` (default: the superuser); its rows, if any."""
        engine = create_engine(self.url(user or make_url(self.server_url).username))
        try:
            with engine.begin() as conn:
                result = conn.execute(text(statement))
                return [tuple(r) for r in result] if result.returns_rows else []
        finally:
            engine.dispose()


@pytest.fixture
def firm(postgres_url: str) -> Iterator[FirmDatabase]:
    """A new database with a counsellor's role (CREATEROLE, CREATE on the database)."""
    suffix = uuid.uuid4().hex[:8]
    database = f"firm_{suffix}"
    counsellor = f"counsellor_{suffix}"
    server = create_engine(postgres_url, isolation_level="AUTOCOMMIT")
    with server.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{database}"'))
        conn.execute(text(f'CREATE ROLE "{counsellor}" LOGIN CREATEROLE'))
        conn.execute(text(f'GRANT CREATE ON DATABASE "{database}" TO "{counsellor}"'))
    try:
        yield FirmDatabase(postgres_url, database, suffix, counsellor)
    finally:
        with server.connect() as conn:
            conn.execute(text(f'DROP DATABASE "{database}" WITH (FORCE)'))
            roles = conn.execute(
                text("SELECT rolname FROM pg_roles WHERE rolname LIKE :pattern"),
                {"pattern": f"%\\_{suffix}"},
            ).scalars()
            for role in list(roles):
                conn.execute(text(f'DROP ROLE "{role}"'))
        server.dispose()


def seeker_folder(
    root: Path, name: str, url: str, campaign: str, smtp_port: int | None = None, extra: str = ""
) -> Path:
    """A seeker's campaign folder: sender, [store] on the shared database, the test letter."""
    home = root / name
    (home / "templates").mkdir(parents=True, exist_ok=True)
    smtp = ""
    if smtp_port is not None:
        smtp = (
            f'[smtp]\nhost = "127.0.0.1"\nport = {smtp_port}\nsecurity = "none"\n'
            f"timeout = {PATIENT}\n"
        )
    (home / "campaign.toml").write_text(
        f'[sender]\nname = "{name.title()} Seeker"\nstreet = "12 Elm Street"\n'
        f'city = "Springfield"\nregion = "IL"\npostal_code = "62701"\ncountry = "US"\n'
        f'phone = "+1 217 555 0100"\nemail = "{name}@seeker.example"\n'
        f'{smtp}[store]\nurl = "{url}"\ncampaign = "{campaign}"\n{extra}',
        encoding="utf-8",
    )
    (home / "templates" / "marketing.txt").write_text(LETTER, encoding="utf-8")
    return home


def prospect_list(path: Path, who: str, count: int, *, email: bool = True) -> Path:
    """A CSV of ``count`` prospects whose every name and address says whose list it is."""
    lines = ["Company,Contact,Title,Email,Phone,Street,City,State,Zip,Priority"]
    for n in range(1, count + 1):
        address = f"{who}{n}@{who}-employer{n}.example" if email else ""
        lines.append(
            f"{who.title()} Employer {n} Inc.,Ms. Alex {who.title()}{n},VP Operations,"
            f"{address},+1 217 555 {n:04d},{n} Main Street,Springfield,IL,62701,{n}"
        )
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path
