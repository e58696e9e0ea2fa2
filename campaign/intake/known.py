"""Records into the store: which are prospects already, what changed, and what is new.

A record is a known prospect when its email (lower-cased) matches one, else when its
company and contact match one, case and spacing aside (``people.identity_keys``). Only
the fields a record carries are compared and set (a list without a priority column
leaves priorities alone), and a blank cell never erases a stored value; ``extra``
merges key by key. A prospect whose fields are all
equal is not touched at all, not even ``updated_on``. New prospects get ``seq`` after
the current largest, in record order, so waves follow file order.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from campaign.people import identity, identity_keys
from campaign.store import Transaction
from campaign.store.rows import IMPORTED_FIELDS


@dataclass(frozen=True)
class Change:
    """One field an import changed: ``phone: (312) 555-0110 -> (312) 555-0199``."""

    field: str
    old: Any
    new: Any

    def __str__(self) -> str:
        return f"{self.field}: {_shown(self.old)} -> {_shown(self.new)}"


def _shown(value: Any) -> str:
    return "(blank)" if value in ("", None) else " / ".join(str(value).splitlines())


@dataclass
class UpsertResult:
    """What an import changed: new ids, (id, who, changes) updated, unchanged count."""

    new: list[int] = field(default_factory=list)
    updated: list[tuple[int, str, list[Change]]] = field(default_factory=list)
    unchanged: int = 0
    # (prospect id, old email): addresses corrections replaced (remembered by the caller).
    replaced_emails: list[tuple[int, str]] = field(default_factory=list)
    inserted: list[Mapping[str, Any]] = field(default_factory=list)  # in the order of ``new``


class Known:
    """The stored prospects indexed by every identity key (``people.identity_keys``)."""

    def __init__(self, existing: Mapping[int, Mapping[str, Any]]) -> None:
        # Emails and person keys never collide (only one holds an "@"), so one index serves.
        self.by_key: dict[str, int] = {}
        for prospect_id, row in existing.items():
            for key in (row["identity"], *identity_keys(row)):
                self.by_key[key] = prospect_id

    def find(self, record: Mapping[str, Any], keys: Sequence[str] | None = None) -> int | None:
        """The known prospect ``record`` is: by email, else company and person, else identity.

        A name whose letters an export's encoding lost (Outlook's ``?ukasz ?ó?w`` for
        Łukasz Żółw) matches the one known name it can be, ``?`` standing for any letter.
        """
        keys = identity_keys(record) if keys is None else keys
        for key in keys:
            if key in self.by_key:
                return self.by_key[key]
        found = self.by_key.get(record["identity"])
        if found is None and "?" in keys[-1]:
            pattern = re.compile(re.escape(keys[-1]).replace(r"\?", "[^|]"))
            matches = {i for k, i in self.by_key.items() if "@" not in k and pattern.fullmatch(k)}
            found = matches.pop() if len(matches) == 1 else None
        return found


def find_known(tx: Transaction, record: Mapping[str, Any]) -> int | None:
    """The id of the stored prospect ``record`` is by import's identity rules, if any."""
    return Known(tx.prospect_rows()).find(record)


def store_records(
    tx: Transaction,
    records: Sequence[Mapping[str, Any]],
    source_file: str,
    today: date,
    existing: Mapping[int, Mapping[str, Any]] | None = None,
    keep_email: Collection[int] = (),
    matches: Mapping[int, int | None] | None = None,
) -> UpsertResult:
    """Add new prospects and update known ones, inside the caller's unit of work.

    ``existing`` (``tx.prospect_rows()`` unless given) is what the records are matched
    against; ``keep_email`` are prospects whose email must not change now (a delivery
    depends on it); ``matches`` (``id(record)`` -> the prospect it is) when the caller
    has matched them already.
    """
    result = UpsertResult()
    existing = tx.prospect_rows() if existing is None else existing
    if matches is None:
        known = Known(existing)
        matches = {id(r): known.find(r) for r in records}
    inserts: list[Mapping[str, Any]] = []
    for record in records:
        found = matches[id(record)]
        if found is None:
            inserts.append(record)
            continue
        old = existing[found]
        changes = changed_fields(old, record)
        if found in keep_email:
            changes.pop("email", None)
        if not changes:
            result.unchanged += 1
            if record.get("import_digest") and record["import_digest"] != old.get("import_digest"):
                tx.update_prospect(found, import_digest=record["import_digest"])
            continue
        if "email" in changes and old.get("email"):
            result.replaced_emails.append((found, str(old["email"])))
        values = dict(changes)
        values.update(
            identity=identity({**old, **changes}),
            source_file=source_file,
            source_row=int(record.get("source_row") or 0),
            updated_on=today,
            import_digest=str(record.get("import_digest") or ""),
        )
        tx.update_prospect(found, **values)
        result.updated.append(
            (found, f"{old['company']} ({old['contact']})", describe(old, changes))
        )
    result.new = tx.insert_prospects(inserts, source_file, today)
    result.inserted = inserts
    return result


def describe(old: Mapping[str, Any], changes: Mapping[str, Any]) -> list[Change]:
    """Each change as ``field: old -> new`` (an extra column as ``extra.name``)."""
    out = []
    for name in IMPORTED_FIELDS:
        if name not in changes:
            continue
        if name == "extra":
            before = old.get("extra") or {}
            for key, value in changes["extra"].items():
                if before.get(key) != value:
                    out.append(Change(f"extra.{key}", before.get(key, ""), value))
        else:
            out.append(Change(name, old.get(name), changes[name]))
    return out


# Text an export may have garbled by losing letters to "?" (Outlook's Windows-1252).
_NAMES = ("company", "contact", "first_name", "middle_name", "last_name", "street", "city")


def lost_letters(name: str, new: Any, current: Any) -> bool:
    """``?ukasz`` against a stored ``Łukasz``: letters an export lost never overwrite them."""
    return (
        name in _NAMES
        and isinstance(new, str)
        and "?" in new
        and isinstance(current, str)
        and bool(current)
        and "?" not in current
    )


def changed_fields(old: Mapping[str, Any], record: Mapping[str, Any]) -> dict[str, Any]:
    """The imported fields whose value in ``record`` differs from the stored row.

    A blank in the record never erases what is stored: clearing a field is an explicit
    ``campaign edit --clear``. ``extra`` merges key by key, on the same rule.
    """
    changes: dict[str, Any] = {}
    for name in IMPORTED_FIELDS:
        if name not in record:
            continue
        new = record[name]
        current = old[name]
        if name == "extra":
            merged = {**(current or {}), **{k: v for k, v in (new or {}).items() if v}}
            if merged != (current or {}):
                changes[name] = merged
        elif new in ("", None) or lost_letters(name, new, current):
            continue
        elif new != current:
            changes[name] = new
    return changes
