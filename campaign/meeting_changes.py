"""Correcting a recorded meeting (``campaign meeting edit``) or removing one (``remove``).

A meeting's day moves its open thank-yous with it (the email ``thank_you_email_days``
after, the note ``note_days`` business days after, their reasons and drafts saying the
new day) and its status call (a week after, or the business day after the decision
date). Removing a meeting recorded by mistake cancels its open tasks; a prospect left
with no meeting goes back to prospecting, with a follow-up call on the next business day.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from campaign.clock import BusinessCalendar
from campaign.config import Settings
from campaign.errors import InputError, arg
from campaign.followup import call_load
from campaign.models import Meeting, ProspectStatus, Task, TaskKind, TaskState
from campaign.store import Store, Transaction

# The fields of a meeting ``edit`` may change.
MEETING_FIELDS = ("held_on", "note", "next_steps", "decision_by", "standing")


def _day(day: date) -> str:
    return f"{day.day} {day:%b %Y}"  # as the tasks' reasons write it (interview.plan_meeting)


def _prose_day(day: date) -> str:
    return f"{day:%B} {day.day}"  # as the drafts write it


@dataclass(frozen=True)
class MeetingChange:
    """What an edit or removal did to a meeting and its tasks."""

    meeting_id: int
    prospect_id: int
    changed: list[str] = field(default_factory=list)
    moved: list[Task] = field(default_factory=list)
    cancelled: int = 0
    call: Task | None = None  # the follow-up call a removal put back


def edit_meeting(
    store: Store,
    settings: Settings,
    today: date,
    meeting_id: int,
    values: dict[str, Any],
) -> MeetingChange:
    """Change a meeting's fields; its open thank-yous and status call follow a new day."""
    wanted = {k: v for k, v in values.items() if v is not None and k in MEETING_FIELDS}
    with store.transaction() as tx:
        meeting = tx.get_meeting(meeting_id)
        held_on = wanted.get("held_on", meeting.held_on)
        decision_by = wanted.get("decision_by", meeting.decision_by)
        _check_days(tx, meeting, held_on, decision_by, today)
        changed = [k for k, v in wanted.items() if getattr(meeting, k) != v]
        if not changed:
            return MeetingChange(meeting_id, meeting.prospect_id)
        tx.update_meeting(meeting_id, **{k: wanted[k] for k in changed})
        moved = _replan(tx, settings, meeting, held_on, decision_by)
    return MeetingChange(meeting_id, meeting.prospect_id, changed, moved)


def _check_days(
    tx: Transaction, meeting: Meeting, held_on: date, decision_by: date | None, today: date
) -> None:
    if held_on > today:
        raise InputError(
            f"{arg('held_on')} {held_on.isoformat()} is after today ({today.isoformat()}); "
            "a meeting is recorded once it has happened"
        )
    if decision_by is not None and decision_by < held_on:
        raise InputError(
            f"{arg('decision_by')} {decision_by.isoformat()} is before the meeting "
            f"({held_on.isoformat()})"
        )
    for other in tx.list_meetings(meeting.prospect_id):
        if other.id != meeting.id and other.held_on == held_on:
            raise InputError(
                f"prospect {meeting.prospect_id} already has a meeting on {held_on.isoformat()} "
                f"(meeting {other.id}); nothing changed"
            )


def _replan(
    tx: Transaction,
    settings: Settings,
    meeting: Meeting,
    held_on: date,
    decision_by: date | None,
) -> list[Task]:
    """Move the meeting's open tasks to the days the corrected meeting gives them."""
    calendar = BusinessCalendar(settings.country)
    timing = settings.interview
    moved: list[Task] = []
    old_day, new_day = _day(meeting.held_on), _day(held_on)
    old_prose, new_prose = _prose_day(meeting.held_on), _prose_day(held_on)
    for task in tx.meeting_tasks(meeting.id):
        if task.state != TaskState.OPEN:
            continue
        detail = dict(task.detail)
        if "draft" in detail:
            detail["draft"] = str(detail["draft"]).replace(old_prose, new_prose)
        reason = task.reason.replace(old_day, new_day)
        if task.kind == TaskKind.THANK_YOU_EMAIL:
            due = held_on + timedelta(days=timing.thank_you_email_days)
        elif task.kind == TaskKind.NOTE:
            due = calendar.add_business_days(held_on, timing.note_days)
        elif task.kind == TaskKind.STATUS_CALL:
            if decision_by is not None:
                due = calendar.after(decision_by)
                reason = f"decision was due {_day(decision_by)}"
            else:
                due = held_on + timedelta(days=timing.status_call_days)
                reason = f"status: no decision since the meeting of {new_day}"
            due = call_load(tx, settings, due).book(due, skip=task.due)
        else:
            continue
        if (due, reason, detail) != (task.due, task.reason, task.detail):
            moved.append(tx.move_task(task.id, due, reason=reason, detail=detail))
    return moved


def remove_meeting(store: Store, settings: Settings, today: date, meeting_id: int) -> MeetingChange:
    """Remove a meeting recorded by mistake: its open tasks cancelled, prospecting resumed."""
    with store.transaction() as tx:
        meeting = tx.get_meeting(meeting_id)
        cancelled = 0
        for task in tx.meeting_tasks(meeting_id):
            if task.state == TaskState.OPEN:
                cancelled += int(
                    tx.close_task(task.id, TaskState.CANCELLED, today, "meeting removed")
                )
        tx.delete_meeting(meeting_id)
        prospect = tx.get_prospect(meeting.prospect_id)
        call = None
        if not tx.list_meetings(prospect.id) and prospect.status == ProspectStatus.INTERVIEW:
            tx.update_prospect(prospect.id, status=str(ProspectStatus.ACTIVE), updated_on=today)
            if tx.open_call(prospect.id) is None and prospect.phone:
                earliest = BusinessCalendar(settings.country).after(today)
                call = tx.insert_task(
                    kind=TaskKind.CALL,
                    due=call_load(tx, settings, earliest).book(earliest),
                    today=today,
                    prospect_id=prospect.id,
                    reason=f"follow-up call (the meeting of {_day(meeting.held_on)} was removed)",
                )
    return MeetingChange(meeting_id, meeting.prospect_id, cancelled=cancelled, call=call)
