"""One prospect's whole story: letters, calls, meetings, people met, tasks and decisions.

``story`` reads everything recorded about a prospect (``store.prospect_history``) and
turns it into plain dated entries in the order they happened, for ``campaign log ID``
(and ``campaign show ID``) to print. Nothing here writes.
"""

from __future__ import annotations

from datetime import date

from campaign.models import (
    Channel,
    ProspectHistory,
    SendState,
    StoryEntry,
    StoryKind,
    Task,
    TaskKind,
    TaskState,
)
from campaign.store import Store
from campaign.wording import task_ref

# Within a day: the letter before the call it led to, the meeting before its people,
# the status call done before the decision it brought.
_ORDER = [
    StoryKind.LETTER,
    StoryKind.CALL,
    StoryKind.MEETING,
    StoryKind.PERSON,
    StoryKind.TASK,
    StoryKind.DECISION,
]
# What each kind of task was, in a few words.
_TASKS: dict[str, str] = {
    TaskKind.CALL: "follow-up call",
    TaskKind.STATUS_CALL: "status call",
    TaskKind.CONTACT_CALL: "catch-up call",
    TaskKind.THANK_YOU_EMAIL: "thank-you email",
    TaskKind.NOTE: "handwritten note",
    TaskKind.POST_LETTER: "letters to post",
    TaskKind.RESEARCH: "research",
    TaskKind.MEETING: "meeting planned",
    TaskKind.ANSWER_OFFER: "answer the offer",
    TaskKind.WITHDRAW: "withdraw politely",
    TaskKind.SHARE_NEWS: "share the news",
}


def story(store: Store, prospect_id: int) -> list[StoryEntry]:
    """Everything about a prospect as dated entries, oldest first (NotFound if no such id)."""
    return story_of(store.prospect_history(prospect_id))


def story_of(history: ProspectHistory) -> list[StoryEntry]:
    """The entries of a prospect's history, in the order they happened."""
    entries: list[StoryEntry] = []
    for send in history.sends:
        entries.append(_letter(send.letter, send.channel, send.state, send.pack, send.last_error,
                               send.sent_on or send.claimed_on, send.id))  # fmt: skip
    for call in history.calls:
        text = f"attempt {call.attempt}: {call.outcome}"
        if call.gatekeeper:
            text += f" ({call.gatekeeper})"
        if call.callback is not None:
            text += f", call back {_day(call.callback)}"
        if call.note:
            text += f": {call.note}"
        entries.append(StoryEntry(call.called_on, StoryKind.CALL, text))
    decided: dict[int, date] = {}
    for task in history.tasks:
        if task.meeting_id is not None and task.state == TaskState.DONE and task.closed_on:
            decided[task.meeting_id] = max(decided.get(task.meeting_id, task.closed_on),
                                           task.closed_on)  # fmt: skip
    for meeting in history.meetings:
        parts = [meeting.note] if meeting.note else []
        if meeting.next_steps:
            parts.append(f"next steps: {meeting.next_steps}")
        if meeting.decision_by is not None:
            parts.append(f"decision by {_day(meeting.decision_by)}")
        if meeting.standing:
            parts.append(f"standing: {meeting.standing}")
        if meeting.objection:
            parts.append(f"objections: {meeting.objection}")
        people = history.people.get(meeting.id, [])
        said = f"meeting with {len(people)} {'person' if len(people) == 1 else 'people'}"
        text = said + (f": {'; '.join(parts)}" if parts else "")
        entries.append(
            StoryEntry(meeting.held_on, StoryKind.MEETING, text, f"meeting {meeting.id}")
        )
        for person in people:
            who = ", ".join(p for p in (person.display_name, person.title) if p)
            if person.interest:
                who += f" (interest: {person.interest})"
            entries.append(StoryEntry(meeting.held_on, StoryKind.PERSON, f"met {who}"))
        if meeting.outcome:
            on = decided.get(meeting.id) or history.prospect.updated_on or meeting.held_on
            entries.append(StoryEntry(on, StoryKind.DECISION, f"decision: {meeting.outcome}"))
    for task in history.tasks:
        entry = _task_entry(task)
        if entry is not None:
            entries.append(entry)
    return sorted(entries, key=lambda e: (e.on, _ORDER.index(StoryKind(e.kind))))


def _letter(
    letter: str, channel: str, state: str, pack: str, error: str, on: date, send_id: int
) -> StoryEntry:
    how = "mailed" if channel == Channel.POST else "emailed"
    if state == SendState.SENT:
        text = f"{letter} letter {how}" + (f" (print pack {pack})" if pack else "")
    else:
        text = f"{letter} letter {state}" + (f": {error}" if error else "")
    return StoryEntry(on, StoryKind.LETTER, text, f"send {send_id}")


def _task_entry(task: Task) -> StoryEntry | None:
    """A task as the story tells it; the prospecting call's own moves are the calls above."""
    what = _TASKS.get(task.kind, task.kind.replace("_", " "))
    person = str(task.detail.get("person", ""))
    about = f"{what} for {person}" if person else what
    if task.kind == TaskKind.MEETING and task.detail.get("at"):
        about += f" at {task.detail['at']}"
    ref = task_ref(task.id)
    if task.state == TaskState.OPEN:
        return StoryEntry(task.due, StoryKind.TASK, f"to do: {about}: {task.reason}", ref)
    if task.kind == TaskKind.CALL:
        return None
    on = task.closed_on or task.due
    note = f": {task.note}" if task.note else ""
    return StoryEntry(on, StoryKind.TASK, f"{task.state}: {about}{note}", ref)


def _day(day: date) -> str:
    return f"{day:%a} {day.day} {day:%b %Y}"
