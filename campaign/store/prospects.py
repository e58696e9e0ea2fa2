"""Prospects: the list the job seeker imported, one row per hiring authority."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from sqlalchemy import Connection, Row, func, nulls_last, select, update

from campaign.errors import NotFound
from campaign.models import ACTIVE, Prospect
from campaign.store.base import StoreBase
from campaign.store.schema import contacts, prospects

_PROSPECT_FIELDS = {f.name for f in dataclasses.fields(Prospect)}

# Wave order: priority 1 first, prospects without a priority after, then file order.
WAVE_ORDER = (nulls_last(prospects.c.priority.asc()), prospects.c.seq.asc(), prospects.c.id.asc())


# What an import may set; seq, status and the dates are the store's own business.
IMPORTED_FIELDS = (
    "company", "contact", "honorific", "first_name", "middle_name", "last_name", "suffix",
    "title", "email", "phone", "street", "street2", "city", "region", "postal_code",
    "country", "priority", "notes", "extra",
)  # fmt: skip


@dataclass
class UpsertResult:
    """What an import changed: new ids, (id, who, changed fields) updated, unchanged count."""

    new: list[int] = field(default_factory=list)
    updated: list[tuple[int, str, list[str]]] = field(default_factory=list)
    unchanged: int = 0


def person_key(company: str, contact: str, first_name: str = "", last_name: str = "") -> str:
    """Company and person as identity compares them: case, spacing and honorifics aside."""
    person = f"{first_name} {last_name}" if first_name and last_name else contact
    return f"{' '.join(company.split()).casefold()}|{' '.join(person.split()).casefold()}"


def _key(values: Mapping[str, Any]) -> str:
    return person_key(
        values["company"],
        values["contact"],
        values.get("first_name") or "",
        values.get("last_name") or "",
    )


def to_prospect(row: Row[Any]) -> Prospect:
    """A database row as a Prospect."""
    values = {k: v for k, v in row._mapping.items() if k in _PROSPECT_FIELDS}
    values["extra"] = dict(values.get("extra") or {})
    return Prospect(**values)


class ProspectQueries(StoreBase):
    """Reading and writing prospects."""

    def list_prospects(self, statuses: Iterable[str] | None = None) -> list[Prospect]:
        """Every prospect (optionally only those in ``statuses``), in wave order."""
        query = select(prospects).order_by(*WAVE_ORDER)
        if statuses is not None:
            query = query.where(prospects.c.status.in_(list(statuses)))
        with self.read() as conn:
            return [to_prospect(r) for r in conn.execute(query)]

    def get_prospect(self, prospect_id: int) -> Prospect:
        """One prospect by id, or NotFound naming the id."""
        with self.read() as conn:
            row = conn.execute(select(prospects).where(prospects.c.id == prospect_id)).first()
        if row is None:
            raise NotFound(f"no prospect with id {prospect_id} (see `campaign prospects`)")
        return to_prospect(row)

    def count_prospects(self) -> dict[str, int]:
        """How many prospects there are in each status."""
        query = select(prospects.c.status, func.count()).group_by(prospects.c.status)
        with self.read() as conn:
            counts: dict[str, int] = dict(conn.execute(query).all())
        counts.setdefault(ACTIVE, 0)
        return counts

    def upsert_prospects(
        self,
        records: Sequence[Mapping[str, Any]],
        source_file: str,
        today: date,
        referred_by: int | None = None,
    ) -> UpsertResult:
        """Add new prospects and update known ones, in ONE write transaction.

        A record is a known prospect when its email (lower-cased) matches one, else when
        its company and contact match one, case and spacing aside. Only the fields a
        record carries are compared and set (a list without a priority column leaves
        priorities alone); ``extra`` merges key by key. A prospect whose fields are all
        equal is not touched at all, not even ``updated_on``. New prospects get ``seq``
        after the current largest, in record order, so waves follow file order.
        ``referred_by`` (a contact id, checked first) marks the NEW prospects as its referrals.
        """
        with self.write() as conn:
            if referred_by is not None:
                _require_referrer(conn, referred_by)
            result = upsert_in(conn, records, source_file, today)
            if referred_by is not None and result.new:
                conn.execute(
                    update(prospects)
                    .where(prospects.c.id.in_(result.new))
                    .values(referred_by=referred_by)
                )
        return result


def _require_referrer(conn: Connection, contact_id: int) -> None:
    found = conn.execute(select(contacts.c.id).where(contacts.c.id == contact_id)).first()
    if found is None:
        raise NotFound(
            f"--referred-by {contact_id}: no contact with that id "
            "(see `campaign contact list`); nothing imported"
        )


class _Known:
    """The stored prospects indexed the ways identity compares them."""

    def __init__(self, existing: Mapping[int, Mapping[str, Any]]) -> None:
        self.by_email = {r["email"].lower(): i for i, r in existing.items() if r["email"]}
        self.by_name = {_key(r): i for i, r in existing.items()}
        self.by_identity = {r["identity"]: i for i, r in existing.items()}

    def find(self, record: Mapping[str, Any]) -> int | None:
        """The known prospect ``record`` is: by email, else company and person, else identity."""
        email = str(record.get("email") or "").lower()
        found = (self.by_email.get(email) if email else None) or self.by_name.get(_key(record))
        if found is None:
            found = self.by_identity.get(record["identity"])
        return found


def _existing(conn: Connection) -> dict[int, dict[str, Any]]:
    # Plain dicts: attribute access on 20,000 Rows costs more than the query.
    return {r["id"]: dict(r) for r in conn.execute(select(prospects)).mappings()}


def find_prospect(conn: Connection, record: Mapping[str, Any]) -> int | None:
    """The id of the stored prospect ``record`` is by import's identity rules, if any."""
    return _Known(_existing(conn)).find(record)


def upsert_in(
    conn: Connection, records: Sequence[Mapping[str, Any]], source_file: str, today: date
) -> UpsertResult:
    """``upsert_prospects`` inside a transaction the caller holds."""
    result = UpsertResult()
    existing = _existing(conn)
    known = _Known(existing)
    seq = max((r["seq"] for r in existing.values()), default=0)
    inserts: list[dict[str, Any]] = []
    for record in records:
        found = known.find(record)
        if found is None:
            seq += 1
            row = {k: record[k] for k in IMPORTED_FIELDS if k in record}
            inserts.append(
                {
                    **row,
                    "identity": record["identity"],
                    "extra": dict(record.get("extra") or {}),
                    "source_file": source_file,
                    "source_row": int(record.get("source_row") or 0),
                    "seq": seq,
                    "created_on": today,
                    "updated_on": today,
                }
            )
            continue
        old = existing[found]
        changes = _changes(old, record)
        if not changes:
            result.unchanged += 1
            continue
        changes.update(
            identity=record["identity"],
            source_file=source_file,
            source_row=int(record.get("source_row") or 0),
            updated_on=today,
        )
        conn.execute(prospects.update().where(prospects.c.id == found).values(**changes))
        fields = [k for k in IMPORTED_FIELDS if k in changes]
        result.updated.append((found, f"{old['company']} ({old['contact']})", fields))
    if inserts:
        conn.execute(prospects.insert(), inserts)
        ids = select(prospects.c.id).where(prospects.c.seq > seq - len(inserts))
        result.new = [i for (i,) in conn.execute(ids.order_by(prospects.c.seq))]
    return result


def _changes(old: Mapping[str, Any], record: Mapping[str, Any]) -> dict[str, Any]:
    """The imported fields whose value in ``record`` differs from the stored row."""
    changes: dict[str, Any] = {}
    for name in IMPORTED_FIELDS:
        if name not in record:
            continue
        new = record[name]
        current = old[name]
        if name == "extra":
            new = {**(current or {}), **(new or {})}
            if new != (current or {}):
                changes[name] = new
        elif new != current:
            changes[name] = new
    return changes
