"""Records into the store: which are prospects already, what changed, and what is new.

A record is a known prospect when its email (lower-cased) matches one, else when its
company and contact match one, case and spacing aside (``people.identity_keys``). Only
the fields a record carries are compared and set (a list without a priority column
leaves priorities alone); ``extra`` merges key by key. A prospect whose fields are all
equal is not touched at all, not even ``updated_on``. New prospects get ``seq`` after
the current largest, in record order, so waves follow file order.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from campaign.people import identity_keys
from campaign.store import Transaction
from campaign.store.rows import IMPORTED_FIELDS


@dataclass
class UpsertResult:
    """What an import changed: new ids, (id, who, changed fields) updated, unchanged count."""

    new: list[int] = field(default_factory=list)
    updated: list[tuple[int, str, list[str]]] = field(default_factory=list)
    unchanged: int = 0


class Known:
    """The stored prospects indexed by every identity key (``people.identity_keys``)."""

    def __init__(self, existing: Mapping[int, Mapping[str, Any]]) -> None:
        # Emails and person keys never collide (only one holds an "@"), so one index serves.
        self.by_key: dict[str, int] = {}
        for prospect_id, row in existing.items():
            for key in (row["identity"], *identity_keys(row)):
                self.by_key[key] = prospect_id

    def find(self, record: Mapping[str, Any]) -> int | None:
        """The known prospect ``record`` is: by email, else company and person, else identity."""
        for key in identity_keys(record):
            if key in self.by_key:
                return self.by_key[key]
        return self.by_key.get(record["identity"])


def find_known(tx: Transaction, record: Mapping[str, Any]) -> int | None:
    """The id of the stored prospect ``record`` is by import's identity rules, if any."""
    return Known(tx.prospect_rows()).find(record)


def store_records(
    tx: Transaction, records: Sequence[Mapping[str, Any]], source_file: str, today: date
) -> UpsertResult:
    """Add new prospects and update known ones, inside the caller's unit of work."""
    result = UpsertResult()
    existing = tx.prospect_rows()
    known = Known(existing)
    inserts: list[Mapping[str, Any]] = []
    for record in records:
        found = known.find(record)
        if found is None:
            inserts.append(record)
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
        tx.update_prospect(found, **changes)
        fields = [k for k in IMPORTED_FIELDS if k in changes]
        result.updated.append((found, f"{old['company']} ({old['contact']})", fields))
    result.new = tx.insert_prospects(inserts, source_file, today)
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
