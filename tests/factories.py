"""Prospects straight into a real store, for tests of later stages (import has its own tests).

And the one sender every test writes letters as.
"""

from __future__ import annotations

import atexit
import dataclasses
import shutil
import tempfile
import tomllib
from datetime import date
from pathlib import Path
from typing import Any

from sqlalchemy import select

from campaign.config import Sender
from campaign.models import Prospect
from campaign.store import Store, open_store
from campaign.store.rows import to_prospect
from campaign.store.schema import prospects

TODAY = date(2026, 11, 16)

# The one sender of the tests: a campaign.toml's [sender] (``sender_config`` writes it)
# and the same person as a Sender (for tests that build Settings themselves).
SENDER_TOML = (
    '[sender]\nname = "Pat Example"\nstreet = "12 Elm Street"\ncity = "Springfield"\n'
    'region = "IL"\npostal_code = "62701"\ncountry = "US"\nphone = "+1 217 555 0100"\n'
    'email = "pat@example.com"\n'
)
SENDER = Sender(**tomllib.loads(SENDER_TOML)["sender"])


_BLANK: Path | None = None


def store_at(home: Path) -> Store:
    """The default SQLite store of the campaign folder ``home`` (created if needed).

    A new one starts as a copy of a blank database migrated once per test run: migrating
    commits step by step, each commit waiting for the disk (~0.15 s a store; ~0.01 s for
    the copy). The migrations have tests of their own that open_store a new file
    (test_store.py, test_migrations.py).
    """
    global _BLANK
    db = home / "campaign.db"
    if not db.exists():
        if _BLANK is None:
            folder = Path(tempfile.mkdtemp(prefix="campaign-blank-"))
            atexit.register(shutil.rmtree, folder, True)
            open_store(f"sqlite:///{folder / 'campaign.db'}").close()
            assert not (folder / "campaign.db-wal").exists()
            _BLANK = folder / "campaign.db"
        shutil.copyfile(_BLANK, db)
    return open_store(f"sqlite:///{db}")


def add_prospect(store: Store, **fields: Any) -> Prospect:
    """Insert one prospect; sensible fictional defaults for every field not given."""
    with store.write() as conn:
        n = int(conn.exec_driver_sql("SELECT COUNT(*) FROM prospects").scalar() or 0) + 1
        values: dict[str, Any] = {
            "company": f"Company {n} Inc.",
            "contact": f"Ms. Alex Person{n}",
            "honorific": "Ms.",
            "first_name": "Alex",
            "last_name": f"Person{n}",
            "title": "VP Operations",
            "email": f"alex{n}@company{n}.example",
            "phone": f"+1 217 555 {n:04d}",
            "street": f"{n} Main Street",
            "city": "Springfield",
            "region": "IL",
            "postal_code": "62701",
            "country": "US",
            "priority": None,
            "seq": n,
            "source_file": "factory",
            "source_row": n,
            "created_on": TODAY,
            "updated_on": TODAY,
            "extra": {},
        }
        values.update(fields)
        values.setdefault("identity", values["email"] or f"{values['company']}|{values['contact']}")
        if not values["identity"]:
            values["identity"] = f"{values['company']}|{values['contact']}".lower()
        new_id = conn.execute(prospects.insert().values(**values)).inserted_primary_key[0]
        # Only the Prospect's own columns: a database of an older version may lack the rest.
        known = [prospects.c[f.name] for f in dataclasses.fields(Prospect) if f.name in prospects.c]
        row = conn.execute(select(*known).where(prospects.c.id == new_id)).one()
    return to_prospect(row)


def add_prospects(store: Store, count: int, **fields: Any) -> list[Prospect]:
    """Insert ``count`` prospects with the same overrides (emails stay distinct)."""
    return [add_prospect(store, **fields) for _ in range(count)]
