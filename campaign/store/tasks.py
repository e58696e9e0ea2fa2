"""Tasks (follow-up calls and other to-dos) and the call log.

``insert_task`` and ``open_call_load`` take a Connection so that other parts of the
store (the sends ledger marking a letter sent) can schedule a call in the same
transaction as the write that causes it.
"""

from __future__ import annotations

import dataclasses
import uuid
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import TYPE_CHECKING, Any

from sqlalchemy import Connection, Row, func, select, update

from campaign.errors import NotFound
from campaign.models import (
    ACTIVE,
    CANCELLED,
    DONE,
    OPEN,
    CallRecord,
    Meeting,
    Prospect,
    Send,
    Task,
)
from campaign.store.base import StoreBase
from campaign.store.prospects import to_prospect
from campaign.store.schema import calls, meetings, prospects, sends, tasks

if TYPE_CHECKING:
    from campaign.followup import NextStep, ReferralPlan
    from campaign.store.meetings import Referred

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
    key = result.inserted_primary_key
    assert key is not None  # an INSERT of one row always has one
    return int(key[0])


def move_task(conn: Connection, task_id: int, due: date, **values: Any) -> None:
    """Move a task to ``due`` (and change ``values``) inside the caller's transaction.

    Its calendar SEQUENCE goes up, so a calendar that imported it updates the event.
    """
    conn.execute(
        update(tasks)
        .where(tasks.c.id == task_id)
        .values(due=due, sequence=tasks.c.sequence + 1, **values)
    )


def open_call_row(conn: Connection, prospect_id: int) -> Row[Any] | None:
    """The prospect's open follow-up call inside the caller's transaction (at most one)."""
    query = (
        select(tasks)
        .where(
            tasks.c.prospect_id == prospect_id,
            tasks.c.kind.in_(CALL_KINDS),
            tasks.c.state == OPEN,
        )
        .order_by(tasks.c.id)
    )
    return conn.execute(query).first()


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


Placer = Callable[[date, Mapping[date, int]], date]

_TASK_FIELDS = {f.name for f in dataclasses.fields(Task)}
_CALL_FIELDS = {f.name for f in dataclasses.fields(CallRecord)}
_SEND_FIELDS = {f.name for f in dataclasses.fields(Send)}
_MEETING_FIELDS = {f.name for f in dataclasses.fields(Meeting)}
# Placing a call looks this far ahead for a day under the daily cap.
_LOAD_HORIZON = timedelta(days=366)


def _task(row: Row[Any]) -> Task:
    values = {k: v for k, v in row._mapping.items() if k in _TASK_FIELDS}
    values["detail"] = dict(values.get("detail") or {})
    return Task(**values)


def _call(row: Row[Any]) -> CallRecord:
    return CallRecord(**{k: v for k, v in row._mapping.items() if k in _CALL_FIELDS})


@dataclass(frozen=True)
class SheetRow:
    """One call on the call sheet: the task, who to call, the letter it follows, the past."""

    task: Task
    prospect: Prospect
    send: Send | None
    history: tuple[CallRecord, ...]
    meeting: Meeting | None = None  # the meeting a status call follows up


def place_in(conn: Connection, earliest: date, place: Placer, skip: int | None = None) -> date:
    """The day ``place`` picks for a call given the open calls on the books (less ``skip``)."""
    load = open_call_load(conn, earliest, earliest + _LOAD_HORIZON)
    if skip is not None:
        # A call being moved does not compete with itself for a day.
        own = conn.execute(select(tasks.c.due).where(tasks.c.id == skip)).scalar()
        if own in load:
            load[own] -= 1
    return place(earliest, load)


def _in_chunks(ids: Sequence[int]) -> Iterator[list[int]]:
    # Chunked IN lists keep every query under the drivers' parameter limits.
    ordered = sorted(set(ids))
    for i in range(0, len(ordered), 500):
        yield ordered[i : i + 500]


def _sheet_rows(conn: Connection, found: Sequence[Task]) -> list[SheetRow]:
    """Each task with its prospect, the send or meeting it follows, and the call history."""
    by_id: dict[int, Prospect] = {}
    history: dict[int, list[CallRecord]] = {}
    by_send: dict[int, Send] = {}
    for chunk in _in_chunks([t.prospect_id for t in found if t.prospect_id is not None]):
        for r in conn.execute(select(prospects).where(prospects.c.id.in_(chunk))):
            by_id[r.id] = to_prospect(r)
        calls_of = calls.c.prospect_id.in_(chunk)
        for r in conn.execute(
            select(calls).where(calls_of).order_by(calls.c.called_on, calls.c.id)
        ):
            history.setdefault(r.prospect_id, []).append(_call(r))
    for chunk in _in_chunks([t.send_id for t in found if t.send_id is not None]):
        for r in conn.execute(select(sends).where(sends.c.id.in_(chunk))):
            by_send[r.id] = Send(**{k: v for k, v in r._mapping.items() if k in _SEND_FIELDS})
    by_meeting: dict[int, Meeting] = {}
    for chunk in _in_chunks([t.meeting_id for t in found if t.meeting_id is not None]):
        for r in conn.execute(select(meetings).where(meetings.c.id.in_(chunk))):
            values = {k: v for k, v in r._mapping.items() if k in _MEETING_FIELDS}
            by_meeting[r.id] = Meeting(**values)
    return [
        SheetRow(
            t,
            by_id[t.prospect_id],
            by_send.get(t.send_id) if t.send_id is not None else None,
            tuple(history.get(t.prospect_id, ())),
            by_meeting.get(t.meeting_id) if t.meeting_id is not None else None,
        )
        for t in found
        if t.prospect_id is not None
    ]


class TaskQueries(StoreBase):
    """Reading and writing tasks and logged calls."""

    def call_history(self, prospect_id: int) -> list[CallRecord]:
        """Every call logged for a prospect, oldest first."""
        with self.read() as conn:
            rows = conn.execute(
                select(calls)
                .where(calls.c.prospect_id == prospect_id)
                .order_by(calls.c.called_on, calls.c.id)
            )
            return [_call(r) for r in rows]

    def open_call(self, prospect_id: int) -> Task | None:
        """The prospect's open follow-up call, if any (there is at most one)."""
        with self.read() as conn:
            row = open_call_row(conn, prospect_id)
            return None if row is None else _task(row)

    def open_call_dues(self, prospect_ids: Sequence[int]) -> dict[int, date]:
        """The day of each of these prospects' open follow-up call, for those that have one."""
        if not prospect_ids:
            return {}
        query = select(tasks.c.prospect_id, tasks.c.due).where(
            tasks.c.prospect_id.in_(prospect_ids),
            tasks.c.kind.in_(CALL_KINDS),
            tasks.c.state == OPEN,
        )
        with self.read() as conn:
            return {int(pid): due for pid, due in conn.execute(query)}

    def call_sheet(self, until: date | None) -> list[SheetRow]:
        """Open follow-up calls due on or before ``until`` (all when None), oldest first."""
        query = (
            select(tasks)
            .where(tasks.c.kind.in_(CALL_KINDS), tasks.c.state == OPEN)
            .where(tasks.c.prospect_id.is_not(None))
            .order_by(tasks.c.due, tasks.c.id)
        )
        if until is not None:
            query = query.where(tasks.c.due <= until)
        with self.read() as conn:
            return _sheet_rows(conn, [_task(r) for r in conn.execute(query)])

    def cancelled_calls(self, since: date) -> list[SheetRow]:
        """Follow-up calls dropped on or after ``since``: calendars must hear of them."""
        query = (
            select(tasks)
            .where(
                tasks.c.kind.in_(CALL_KINDS), tasks.c.state == CANCELLED, tasks.c.closed_on >= since
            )
            .where(tasks.c.prospect_id.is_not(None))
            .order_by(tasks.c.due, tasks.c.id)
        )
        with self.read() as conn:
            return _sheet_rows(conn, [_task(r) for r in conn.execute(query)])

    def call_load(self, start: date, end: date) -> tuple[dict[date, int], int]:
        """Open calls per day from ``start`` to ``end``, and how many are overdue before it."""
        with self.read() as conn:
            load = open_call_load(conn, start, end)
            overdue = conn.execute(
                select(func.count()).where(
                    tasks.c.state == OPEN, tasks.c.kind.in_(CALL_KINDS), tasks.c.due < start
                )
            ).scalar()
        return load, int(overdue or 0)

    def record_call(
        self,
        prospect_id: int,
        today: date,
        *,
        attempt: int,
        outcome: str,
        note: str,
        gatekeeper: str,
        callback: date | None,
        step: NextStep,
        place: Placer,
        referral: ReferralPlan | None = None,
    ) -> tuple[CallRecord, Task | None, Referred | None]:
        """Log a call and apply its next step (and any referral heard) in one transaction.

        The prospect's follow-up is one task that moves: rescheduling updates its due
        day and bumps its SEQUENCE, so its calendar event keeps one UID.
        """
        with self.write() as conn:
            if (
                conn.execute(select(prospects.c.id).where(prospects.c.id == prospect_id)).first()
                is None
            ):
                raise NotFound(f"no prospect with id {prospect_id}")
            open_row = open_call_row(conn, prospect_id)
            task_id = open_row.id if open_row is not None else None
            call_id = conn.execute(
                calls.insert().values(
                    prospect_id=prospect_id,
                    task_id=task_id,
                    called_on=today,
                    attempt=attempt,
                    outcome=outcome,
                    note=note,
                    gatekeeper=gatekeeper,
                    callback=callback,
                )
            ).inserted_primary_key[0]  # type: ignore[index]
            changes: dict[str, Any] = {}
            if gatekeeper:
                changes["gatekeeper"] = gatekeeper
            if step.status is not None:
                changes["status"] = step.status
            if changes:
                changes["updated_on"] = today
                conn.execute(
                    update(prospects).where(prospects.c.id == prospect_id).values(**changes)
                )
            why = f"{outcome} on {today.isoformat()}"
            if step.cancel:
                scope = [tasks.c.prospect_id == prospect_id, tasks.c.state == OPEN]
                if step.cancel == "calls":
                    scope.append(tasks.c.kind == CALL)
                conn.execute(
                    update(tasks).where(*scope).values(state=CANCELLED, closed_on=today, note=why)
                )
                task_id = None
            next_id: int | None = None
            if step.due is not None:
                due = step.due if step.exact else place_in(conn, step.due, place, task_id)
                detail = {"suggest": step.suggestion} if step.suggestion else {}
                if task_id is not None:
                    move_task(
                        conn,
                        task_id,
                        due,
                        attempt=step.attempt,
                        reason=step.reason,
                        note=note,
                        detail=detail,
                    )
                    next_id = task_id
                else:
                    next_id = insert_task(
                        conn,
                        kind=CALL,
                        due=due,
                        today=today,
                        prospect_id=prospect_id,
                        attempt=step.attempt,
                        reason=step.reason,
                        detail=detail,
                    )
            elif task_id is not None:
                # No further prospecting call (e.g. an interview is under way): this one is done.
                conn.execute(
                    update(tasks)
                    .where(tasks.c.id == task_id)
                    .values(state=DONE, closed_on=today, note=why)
                )
            referred = None
            if referral is not None:
                from campaign.store.meetings import save_referral

                referred = save_referral(conn, referral, today, place)
            call = _call(conn.execute(select(calls).where(calls.c.id == call_id)).one())
            nxt = None
            if next_id is not None:
                nxt = _task(conn.execute(select(tasks).where(tasks.c.id == next_id)).one())
            return call, nxt, referred

    def reopen_prospect(
        self, prospect_id: int, today: date, *, reason: str, place: Placer, earliest: date
    ) -> Task:
        """Make a prospect active again; its last follow-up task comes back (same UID)."""
        with self.write() as conn:
            conn.execute(
                update(prospects)
                .where(prospects.c.id == prospect_id)
                .values(status=ACTIVE, updated_on=today)
            )
            last = conn.execute(
                select(tasks)
                .where(tasks.c.prospect_id == prospect_id, tasks.c.kind == CALL)
                .order_by(tasks.c.id.desc())
            ).first()
            due = place_in(conn, earliest, place)
            if last is not None and last.state != OPEN:
                move_task(
                    conn,
                    last.id,
                    due,
                    state=OPEN,
                    attempt=1,
                    reason=reason,
                    closed_on=None,
                    detail={},
                )
                task_id = last.id
            elif last is not None:
                task_id = last.id
            else:
                task_id = insert_task(
                    conn,
                    kind=CALL,
                    due=due,
                    today=today,
                    prospect_id=prospect_id,
                    reason=reason,
                )
            return _task(conn.execute(select(tasks).where(tasks.c.id == task_id)).one())
