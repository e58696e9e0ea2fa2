"""Database rows as the plain dataclasses of ``campaign.models``: each mapper written once."""

from __future__ import annotations

import dataclasses
from typing import Any

from sqlalchemy import Row

from campaign.models import CallRecord, Contact, InboxMessage, Meeting, Prospect, Send, Task


def _fields(cls: type) -> frozenset[str]:
    return frozenset(f.name for f in dataclasses.fields(cls))


_PROSPECT = _fields(Prospect)
_SEND = _fields(Send)
_TASK = _fields(Task)
_CALL = _fields(CallRecord)
_CONTACT = _fields(Contact)
_MEETING = _fields(Meeting)
_INBOX = _fields(InboxMessage)


def _values(row: Row[Any], names: frozenset[str]) -> dict[str, Any]:
    return {k: v for k, v in row._mapping.items() if k in names}


def to_prospect(row: Row[Any]) -> Prospect:
    """A ``prospects`` row as a Prospect."""
    values = _values(row, _PROSPECT)
    values["extra"] = dict(values.get("extra") or {})
    return Prospect(**values)


def to_send(row: Row[Any]) -> Send:
    """A ``sends`` row as a Send."""
    return Send(**_values(row, _SEND))


def to_task(row: Row[Any]) -> Task:
    """A ``tasks`` row as a Task."""
    values = _values(row, _TASK)
    values["detail"] = dict(values.get("detail") or {})
    return Task(**values)


def to_call(row: Row[Any]) -> CallRecord:
    """A ``calls`` row as a CallRecord."""
    return CallRecord(**_values(row, _CALL))


def to_contact(row: Row[Any]) -> Contact:
    """A ``contacts`` row as a Contact."""
    return Contact(**_values(row, _CONTACT))


def to_meeting(row: Row[Any]) -> Meeting:
    """A ``meetings`` row as a Meeting."""
    return Meeting(**_values(row, _MEETING))


def to_inbox_message(row: Row[Any]) -> InboxMessage:
    """An ``inbox_messages`` row as an InboxMessage."""
    values = _values(row, _INBOX)
    values["detail"] = dict(values.get("detail") or {})
    return InboxMessage(**values)
