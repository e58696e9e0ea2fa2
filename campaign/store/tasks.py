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

from sqlalchemy import or_, select, update

from campaign.errors import NotFound
from campaign.models import CALL_KINDS, CallRecord, Task, TaskState
from campaign.store.base import Connected
from campaign.store.rows import to_call, to_task
from campaign.store.schema import calls, meetings, tasks
from campaign.wording import task_ref

_CALLS = [str(k) for k in CALL_KINDS]
_OPEN = str(TaskState.OPEN)
# Built once: a send run inserts one call per letter (RETURNING spares a SELECT).
_INSERT_TASK = tasks.insert().returning(*tasks.c)


def _in_chunks(ids: Sequence[int]) -> Iterator[list[int]]:
    # Chunked IN lists keep every query under the drivers' parameter limits.
    ordered = sorted(set(ids))
    for i in range(0, len(ordered), 500):
        yield ordered[i : i + 500]


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
        values = {
            "kind": str(kind),
            "state": _OPEN,
            "due": due,
            "prospect_id": prospect_id,
            "contact_id": contact_id,
            "send_id": send_id,
            "meeting_id": meeting_id,
            "attempt": attempt,
            "reason": reason,
            "note": "",
            "uid": f"{kind}-{uuid.uuid4().hex}@campaign",
            "sequence": 0,
            "detail": detail or {},
            "created_on": today,
        }
        with self.write() as conn:
            return to_task(conn.execute(_INSERT_TASK, values).one())

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

    # -- the call sheet ----------------------------------------------------------------

    # -- the call log ------------------------------------------------------------------

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
