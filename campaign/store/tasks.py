"""Tasks and logged calls: insert, move, close, and the views the call sheet reads.

A prospect's follow-up is one task that moves: rescheduling updates its due day and
bumps its calendar SEQUENCE, so its event keeps one UID. Which task to move, close or
add is decided in ``campaign.followup`` and ``campaign.interview``; this only writes.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator, Sequence
from datetime import date
from typing import Any

from sqlalchemy import Connection, func, or_, select, update

from campaign.errors import NotFound
from campaign.models import CALL_KINDS, AgendaRow, CallRecord, SheetRow, Task, TaskState
from campaign.store.base import Connected
from campaign.store.rows import to_call, to_contact, to_meeting, to_prospect, to_send, to_task
from campaign.store.schema import calls, contacts, meetings, prospects, sends, tasks
from campaign.wording import task_ref

_CALLS = [str(k) for k in CALL_KINDS]
_OPEN = str(TaskState.OPEN)


def _in_chunks(ids: Sequence[int]) -> Iterator[list[int]]:
    # Chunked IN lists keep every query under the drivers' parameter limits.
    ordered = sorted(set(ids))
    for i in range(0, len(ordered), 500):
        yield ordered[i : i + 500]


def _sheet_rows(conn: Connection, found: Sequence[Task]) -> list[SheetRow]:
    """Each task with its prospect, the send or meeting it follows, and the call history."""
    by_id = {}
    history: dict[int, list[CallRecord]] = {}
    for chunk in _in_chunks([t.prospect_id for t in found if t.prospect_id is not None]):
        for r in conn.execute(select(prospects).where(prospects.c.id.in_(chunk))):
            by_id[r.id] = to_prospect(r)
        calls_of = calls.c.prospect_id.in_(chunk)
        for r in conn.execute(
            select(calls).where(calls_of).order_by(calls.c.called_on, calls.c.id)
        ):
            history.setdefault(r.prospect_id, []).append(to_call(r))
    by_send = {}
    for chunk in _in_chunks([t.send_id for t in found if t.send_id is not None]):
        for r in conn.execute(select(sends).where(sends.c.id.in_(chunk))):
            by_send[r.id] = to_send(r)
    by_meeting = {}
    for chunk in _in_chunks([t.meeting_id for t in found if t.meeting_id is not None]):
        for r in conn.execute(select(meetings).where(meetings.c.id.in_(chunk))):
            by_meeting[r.id] = to_meeting(r)
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


class TaskQueries(Connected):
    """Reading and writing tasks and logged calls."""

    # -- tasks -------------------------------------------------------------------------

    def get_task(self, task_id: int) -> Task:
        """One task by id, or NotFound naming the id."""
        with self.read() as conn:
            row = conn.execute(select(tasks).where(tasks.c.id == task_id)).first()
        if row is None:
            raise NotFound(f"no task {task_ref(task_id)} (see `campaign agenda`)")
        return to_task(row)

    def insert_task(
        self,
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
    ) -> Task:
        """Add an open task (with a new calendar UID); returns it."""
        with self.write() as conn:
            result = conn.execute(
                tasks.insert().values(
                    kind=str(kind),
                    state=_OPEN,
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
            return to_task(conn.execute(select(tasks).where(tasks.c.id == key[0])).one())

    def move_task(self, task_id: int, due: date, **values: Any) -> Task:
        """Move a task to ``due`` (and change ``values``); returns it.

        Its calendar SEQUENCE goes up, so a calendar that imported it updates the event.
        """
        with self.write() as conn:
            conn.execute(
                update(tasks)
                .where(tasks.c.id == task_id)
                .values(due=due, sequence=tasks.c.sequence + 1, **values)
            )
            return to_task(conn.execute(select(tasks).where(tasks.c.id == task_id)).one())

    def close_task(self, task_id: int, state: str, today: date, note: str) -> bool:
        """An open task done or cancelled; False when it was no longer open."""
        with self.write() as conn:
            done = conn.execute(
                update(tasks)
                .where(tasks.c.id == task_id, tasks.c.state == _OPEN)
                .values(state=str(state), closed_on=today, note=note)
            )
        return bool(done.rowcount)

    def cancel_open_tasks(
        self, prospect_id: int, today: date, note: str, kinds: Sequence[str] | None = None
    ) -> int:
        """Cancel a prospect's open tasks (only those of ``kinds``, if given); how many."""
        scope = [tasks.c.prospect_id == prospect_id, tasks.c.state == _OPEN]
        if kinds is not None:
            scope.append(tasks.c.kind.in_([str(k) for k in kinds]))
        with self.write() as conn:
            done = conn.execute(
                update(tasks)
                .where(*scope)
                .values(state=str(TaskState.CANCELLED), closed_on=today, note=note)
            )
        return int(done.rowcount)

    def tasks_of(self, prospect_id: int) -> list[Task]:
        """Every task of a prospect (or of its meetings), open, done and cancelled, by due day."""
        of_meetings = select(meetings.c.id).where(meetings.c.prospect_id == prospect_id)
        query = (
            select(tasks)
            .where(or_(tasks.c.prospect_id == prospect_id, tasks.c.meeting_id.in_(of_meetings)))
            .order_by(tasks.c.due, tasks.c.id)
        )
        with self.read() as conn:
            return [to_task(r) for r in conn.execute(query)]

    def contact_tasks(self, contact_id: int) -> list[Task]:
        """Every task for a contact, by due day."""
        query = select(tasks).where(tasks.c.contact_id == contact_id).order_by(tasks.c.due)
        with self.read() as conn:
            return [to_task(r) for r in conn.execute(query)]

    def cancel_tasks(self, task_ids: Sequence[int], today: date, note: str) -> int:
        """Cancel these tasks where they are still open; how many were."""
        done = 0
        with self.write() as conn:
            for chunk in _in_chunks(task_ids):
                done += conn.execute(
                    update(tasks)
                    .where(tasks.c.id.in_(chunk), tasks.c.state == _OPEN)
                    .values(state=str(TaskState.CANCELLED), closed_on=today, note=note)
                ).rowcount
        return int(done)

    def open_tasks(self, kinds: Sequence[str] | None = None) -> list[Task]:
        """Every open task (only those of ``kinds``, if given), by due day."""
        query = select(tasks).where(tasks.c.state == _OPEN).order_by(tasks.c.due, tasks.c.id)
        if kinds is not None:
            query = query.where(tasks.c.kind.in_([str(k) for k in kinds]))
        with self.read() as conn:
            return [to_task(r) for r in conn.execute(query)]

    def tasks_by_id(self, task_ids: Sequence[int]) -> list[Task]:
        """The tasks with these ids (those that exist), by id."""
        found: list[Task] = []
        with self.read() as conn:
            for chunk in _in_chunks(task_ids):
                query = select(tasks).where(tasks.c.id.in_(chunk)).order_by(tasks.c.id)
                found += [to_task(r) for r in conn.execute(query)]
        return found

    def prospect_tasks(
        self, prospect_id: int, kinds: Sequence[str] | None = None, open_only: bool = False
    ) -> list[Task]:
        """A prospect's tasks (of ``kinds``; only the open ones if asked), oldest first."""
        query = select(tasks).where(tasks.c.prospect_id == prospect_id).order_by(tasks.c.id)
        if kinds is not None:
            query = query.where(tasks.c.kind.in_([str(k) for k in kinds]))
        if open_only:
            query = query.where(tasks.c.state == _OPEN)
        with self.read() as conn:
            return [to_task(r) for r in conn.execute(query)]

    def open_call(self, prospect_id: int) -> Task | None:
        """The prospect's open follow-up call, if any (there is at most one)."""
        query = (
            select(tasks)
            .where(
                tasks.c.prospect_id == prospect_id,
                tasks.c.kind.in_(_CALLS),
                tasks.c.state == _OPEN,
            )
            .order_by(tasks.c.id)
        )
        with self.read() as conn:
            row = conn.execute(query).first()
        return None if row is None else to_task(row)

    def last_task(self, prospect_id: int, kind: str) -> Task | None:
        """The prospect's latest task of ``kind`` in any state, if any."""
        query = (
            select(tasks)
            .where(tasks.c.prospect_id == prospect_id, tasks.c.kind == str(kind))
            .order_by(tasks.c.id.desc())
        )
        with self.read() as conn:
            row = conn.execute(query).first()
        return None if row is None else to_task(row)

    def open_call_load(self, start: date, end: date) -> dict[date, int]:
        """How many open follow-up calls fall on each day from ``start`` to ``end`` inclusive."""
        query = (
            select(tasks.c.due, func.count())
            .where(
                tasks.c.state == _OPEN,
                tasks.c.kind.in_(_CALLS),
                tasks.c.due >= start,
                tasks.c.due <= end,
            )
            .group_by(tasks.c.due)
        )
        with self.read() as conn:
            return {due: int(n) for due, n in conn.execute(query)}

    def open_call_dues(self, prospect_ids: Sequence[int]) -> dict[int, date]:
        """The day of each of these prospects' open follow-up call, for those that have one."""
        found: dict[int, date] = {}
        with self.read() as conn:
            for chunk in _in_chunks(prospect_ids):
                query = select(tasks.c.prospect_id, tasks.c.due).where(
                    tasks.c.prospect_id.in_(chunk),
                    tasks.c.kind.in_(_CALLS),
                    tasks.c.state == _OPEN,
                )
                found.update((int(pid), due) for pid, due in conn.execute(query))
        return found

    def call_load(self, start: date, end: date) -> tuple[dict[date, int], int]:
        """Open calls per day from ``start`` to ``end``, and how many are overdue before it."""
        with self.read() as conn:
            overdue = conn.execute(
                select(func.count()).where(
                    tasks.c.state == _OPEN, tasks.c.kind.in_(_CALLS), tasks.c.due < start
                )
            ).scalar()
        return self.open_call_load(start, end), int(overdue or 0)

    # -- the call sheet ----------------------------------------------------------------

    def call_sheet(self, until: date | None) -> list[SheetRow]:
        """Open follow-up calls due on or before ``until`` (all when None), oldest first."""
        query = (
            select(tasks)
            .where(tasks.c.kind.in_(_CALLS), tasks.c.state == _OPEN)
            .where(tasks.c.prospect_id.is_not(None))
            .order_by(tasks.c.due, tasks.c.id)
        )
        if until is not None:
            query = query.where(tasks.c.due <= until)
        with self.read() as conn:
            return _sheet_rows(conn, [to_task(r) for r in conn.execute(query)])

    def cancelled_calls(self, since: date) -> list[SheetRow]:
        """Follow-up calls dropped on or after ``since``: calendars must hear of them."""
        query = (
            select(tasks)
            .where(
                tasks.c.kind.in_(_CALLS),
                tasks.c.state == str(TaskState.CANCELLED),
                tasks.c.closed_on >= since,
            )
            .where(tasks.c.prospect_id.is_not(None))
            .order_by(tasks.c.due, tasks.c.id)
        )
        with self.read() as conn:
            return _sheet_rows(conn, [to_task(r) for r in conn.execute(query)])

    def open_agenda(self, until: date | None) -> list[AgendaRow]:
        """Every open task due on or before ``until`` (all when None), with its people."""
        query = select(tasks).where(tasks.c.state == _OPEN).order_by(tasks.c.due, tasks.c.id)
        if until is not None:
            query = query.where(tasks.c.due <= until)
        with self.read() as conn:
            found = [to_task(r) for r in conn.execute(query)]
            by_pid, by_cid = {}, {}
            for chunk in _in_chunks([t.prospect_id for t in found if t.prospect_id is not None]):
                for r in conn.execute(select(prospects).where(prospects.c.id.in_(chunk))):
                    by_pid[r.id] = to_prospect(r)
            for chunk in _in_chunks([t.contact_id for t in found if t.contact_id is not None]):
                for r in conn.execute(select(contacts).where(contacts.c.id.in_(chunk))):
                    by_cid[r.id] = to_contact(r)
        return [
            AgendaRow(
                t,
                None if t.prospect_id is None else by_pid.get(t.prospect_id),
                None if t.contact_id is None else by_cid.get(t.contact_id),
            )
            for t in found
        ]

    # -- the call log ------------------------------------------------------------------

    def call_history(self, prospect_id: int) -> list[CallRecord]:
        """Every call logged for a prospect, oldest first."""
        with self.read() as conn:
            rows = conn.execute(
                select(calls)
                .where(calls.c.prospect_id == prospect_id)
                .order_by(calls.c.called_on, calls.c.id)
            )
            return [to_call(r) for r in rows]

    def insert_call(
        self,
        prospect_id: int,
        called_on: date,
        *,
        attempt: int,
        outcome: str,
        note: str = "",
        gatekeeper: str = "",
        callback: date | None = None,
        task_id: int | None = None,
    ) -> CallRecord:
        """Add a call to the log; returns it."""
        with self.write() as conn:
            result = conn.execute(
                calls.insert().values(
                    prospect_id=prospect_id,
                    task_id=task_id,
                    called_on=called_on,
                    attempt=attempt,
                    outcome=str(outcome),
                    note=note,
                    gatekeeper=gatekeeper,
                    callback=callback,
                )
            )
            key = result.inserted_primary_key
            assert key is not None
            return to_call(conn.execute(select(calls).where(calls.c.id == key[0])).one())
