"""Finishing tasks: `campaign done`, the next call a status or catch-up call brings, and
the decision that closes a company.

A status call done brings the next one at the ``call_every_days`` cadence while the
interview is under way; a catch-up call brings the next at ``contact_every_days``. A
decision heard (an offer, a no) closes every open task of the company and its
interviewers instead.
"""

from __future__ import annotations

from datetime import date, timedelta

from campaign.config import Settings
from campaign.errors import InputError, arg
from campaign.followup import call_load, check_respond_by, offer_deadline
from campaign.models import (
    DECISION_STATUS,
    Decision,
    ProspectStatus,
    Task,
    TaskKind,
    TaskState,
)
from campaign.people import one_line
from campaign.store import Store, Transaction
from campaign.wording import task_ref


def finish_task(
    store: Store,
    settings: Settings,
    today: date,
    task_id: int,
    note: str = "",
    decision: str | None = None,
    respond_by: date | None = None,
) -> tuple[Task, Task | None]:
    """Mark a task done; a status or catch-up call brings the next one at its cadence.

    A ``decision`` (offer, declined) heard on the call closes the company instead; an
    offer's ``respond_by`` day goes on the agenda, to answer with a logged outcome.
    """
    task = store.get_task(task_id)
    check_respond_by(respond_by, decision == Decision.OFFER, today)
    if decision is not None and task.prospect_id is None:
        raise InputError(f"task {task_ref(task_id)} is not about a company; a decision needs one")
    if task.state != TaskState.OPEN:
        when = f" on {task.closed_on.isoformat()}" if task.closed_on else ""
        raise InputError(f"task {task_ref(task_id)} is already {task.state}{when}; nothing changed")
    if task.kind == TaskKind.CALL:
        raise InputError(
            f"task {task_ref(task_id)} is a follow-up call: record what came of it with "
            f"`campaign log {task.prospect_id} {arg('outcome')} ...`"
        )
    if task.kind == TaskKind.ANSWER_OFFER:
        raise InputError(
            f"task {task_ref(task_id)} is the answer to an offer: record it with "
            f"`campaign log {task.prospect_id} {arg('outcome')} hired` "
            f"(or `{arg('outcome')} declined`)"
        )
    if decision is not None and decision not in set(Decision):
        raise InputError(f"{decision!r} is not a decision (one of {', '.join(Decision)})")
    follow: tuple[str, date, str] | None = None
    if decision is None and task.kind == TaskKind.CONTACT_CALL:
        days = settings.schedule.contact_every_days
        follow = (TaskKind.CONTACT_CALL, today + timedelta(days=days), task.reason)
    elif (
        decision is None
        and task.kind == TaskKind.STATUS_CALL
        and task.prospect_id is not None
        and store.get_prospect(task.prospect_id).status == ProspectStatus.INTERVIEW
    ):
        days = settings.schedule.call_every_days
        follow = (TaskKind.STATUS_CALL, today + timedelta(days=days), "status: still no decision")
    with store.transaction() as tx:
        if not tx.close_task(task_id, TaskState.DONE, today, one_line(note)):
            raise InputError(f"task {task_ref(task_id)} is no longer open; nothing changed")
        nxt = None
        if follow is not None:
            kind, earliest, reason = follow
            nxt = tx.insert_task(
                kind=kind,
                due=call_load(tx, settings, earliest).book(earliest),
                today=today,
                prospect_id=task.prospect_id,
                contact_id=task.contact_id,
                meeting_id=task.meeting_id,
                attempt=task.attempt + 1,
                reason=reason,
                detail=task.detail,
            )
        if decision is not None and task.prospect_id is not None:
            close_company(tx, task.prospect_id, Decision(decision), today)
            if respond_by is not None:
                offer_deadline(tx, tx.get_prospect(task.prospect_id), respond_by, today)
    return store.get_task(task_id), nxt


def close_company(tx: Transaction, prospect_id: int, decision: Decision, today: date) -> int:
    """Every open task of the company and its interviewers cancelled; the decision recorded."""
    cancelled = tx.cancel_company_tasks(prospect_id, today, f"closed: {decision}")
    tx.settle_meetings(prospect_id, decision)
    tx.update_prospect(prospect_id, status=str(DECISION_STATUS[decision]), updated_on=today)
    return cancelled
