"""Database rows as the plain dataclasses of ``campaign.models``: each mapper written once.

A row is a SQLAlchemy ``Row`` or a plain mapping of column names to values (what the
sqlite3 reader of ``campaign.store.lite`` hands out): this module imports no SQLAlchemy.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Union

from campaign.models import (
    CallRecord,
    Contact,
    InboxMessage,
    Meeting,
    Prospect,
    Send,
    Task,
    WindDown,
)

if TYPE_CHECKING:
    from sqlalchemy import Row


def _fields(cls: type) -> frozenset[str]:
    return frozenset(f.name for f in dataclasses.fields(cls))


_PROSPECT = _fields(Prospect)
_SEND = _fields(Send)
_TASK = _fields(Task)
_CALL = _fields(CallRecord)
_CONTACT = _fields(Contact)
_MEETING = _fields(Meeting)
_INBOX = _fields(InboxMessage)

# What an import may set; seq, status and the dates are the store's own business.
IMPORTED_FIELDS = (
    "company", "contact", "honorific", "first_name", "middle_name", "last_name", "suffix",
    "title", "email", "phone", "street", "street2", "city", "region", "postal_code",
    "country", "priority", "notes", "extra", "gatekeeper",
)  # fmt: skip

AnyRow = Union["Row[Any]", Mapping[str, Any]]


def _values(row: Any, names: frozenset[str]) -> dict[str, Any]:
    mapping = row._mapping if hasattr(row, "_mapping") else row
    return {k: v for k, v in mapping.items() if k in names}


def to_prospect(row: AnyRow) -> Prospect:
    """A ``prospects`` row as a Prospect."""
    values = _values(row, _PROSPECT)
    values["extra"] = dict(values.get("extra") or {})
    return Prospect(**values)


def to_send(row: AnyRow) -> Send:
    """A ``sends`` row as a Send."""
    return Send(**_values(row, _SEND))


def to_task(row: AnyRow) -> Task:
    """A ``tasks`` row as a Task."""
    values = _values(row, _TASK)
    values["detail"] = dict(values.get("detail") or {})
    return Task(**values)


def to_call(row: AnyRow) -> CallRecord:
    """A ``calls`` row as a CallRecord."""
    return CallRecord(**_values(row, _CALL))


def to_contact(row: AnyRow) -> Contact:
    """A ``contacts`` row as a Contact."""
    return Contact(**_values(row, _CONTACT))


def to_meeting(row: AnyRow) -> Meeting:
    """A ``meetings`` row as a Meeting."""
    return Meeting(**_values(row, _MEETING))


def to_inbox_message(row: AnyRow) -> InboxMessage:
    """An ``inbox_messages`` row as an InboxMessage."""
    values = _values(row, _INBOX)
    values["detail"] = dict(values.get("detail") or {})
    return InboxMessage(**values)


def to_wind_down(row: AnyRow) -> WindDown:
    """A ``wind_downs`` row joined with its prospect's ``company`` as a WindDown."""
    r = row._mapping if hasattr(row, "_mapping") else row
    return WindDown(
        id=r["id"],
        prospect_id=r["prospect_id"],
        company=r["company"],
        hired_on=r["hired_on"],
        statuses={int(k): str(v) for k, v in dict(r["statuses"] or {}).items()},
        tasks=tuple(int(t) for t in (r["tasks"] or ())),
        made=tuple(int(t) for t in (r["made"] or ())),
        resumed_on=r["resumed_on"],
    )
