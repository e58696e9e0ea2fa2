"""Tasks (follow-up calls and other to-dos) and the call log.

``insert_task`` and ``open_call_load`` take a Connection so that other parts of the
store (the sends ledger marking a letter sent) can schedule a call in the same
transaction as the write that causes it.
"""

from __future__ import annotations

import uuid
from datetime import date
from typing import Any

from sqlalchemy import Connection, func, select

from campaign.models import OPEN
from campaign.store.base import StoreBase
from campaign.store.schema import tasks

CALL = "call"  # a prospecting follow-up call to a hiring authority
CALL_KINDS = (CALL, "status_call")  # interview status calls share the daily cap


def insert_task(
    conn: Connection,
    *,
    kind: str,
    due: date,
    today: date,
    prospect_id: int | None = None,
    contact_id: int | None = None,
    send_id: int | None = None,
    meeting_id: int | None = None,
    attempt: int = 1,
    reason: str = "",
    detail: dict[str, Any] | None = None,
) -> int:
    """Add an open task inside the caller's transaction; returns its id."""
    result = conn.execute(
        tasks.insert().values(
            kind=kind,
            state=OPEN,
            due=due,
            prospect_id=prospect_id,
            contact_id=contact_id,
            send_id=send_id,
            meeting_id=meeting_id,
            attempt=attempt,
            reason=reason,
            note="",
            uid=f"{kind}-{uuid.uuid4().hex}@campaign",
            sequence=0,
            detail=detail or {},
            created_on=today,
        )
    )
    return int(result.inserted_primary_key[0])


def open_call_load(conn: Connection, start: date, end: date) -> dict[date, int]:
    """How many open calls fall on each day from ``start`` to ``end`` inclusive."""
    query = (
        select(tasks.c.due, func.count())
        .where(
            tasks.c.state == OPEN,
            tasks.c.kind.in_(CALL_KINDS),
            tasks.c.due >= start,
            tasks.c.due <= end,
        )
        .group_by(tasks.c.due)
    )
    return {due: int(n) for due, n in conn.execute(query)}


class TaskQueries(StoreBase):
    """Reading and writing tasks and logged calls."""
