"""One prospect's whole story as plain data: ``campaign show ID`` and ``campaign log ID``.

Who they are as the letters write them (name line, salutation, inside address), how a
letter reaches them, every letter with its state, every call with its note, the
meetings and the people met, the tasks open and done, the decision, and the next step
(``prospect_record``); and the same story as dated entries in the order things happened
(``story``). Nothing here decides or writes anything: it reads.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from campaign.addresses import recipient_lines
from campaign.batches import delivery_channel
from campaign.config import Settings
from campaign.errors import arg
from campaign.models import (
    FINISHED_STATUSES,
    CallRecord,
    Channel,
    Contact,
    Meeting,
    Prospect,
    ProspectHistory,
    ProspectStatus,
    Send,
    SendState,
    StoryEntry,
    StoryKind,
    Task,
    TaskKind,
    TaskState,
)
from campaign.people import hr_flag, prospect_addressee, salutation, shown_email
from campaign.store import Store
from campaign.wording import task_ref


@dataclass(frozen=True)
class MetPerson:
    """Someone met at a meeting, with what was discussed and the gift chosen."""

    contact: Contact
    discussed: str = ""
    gift: str = ""


@dataclass(frozen=True)
class MeetingRecord:
    """A meeting and the people met at it."""

    meeting: Meeting
    people: tuple[MetPerson, ...] = ()


@dataclass(frozen=True)
class Event:
    """One line of the timeline: a day, what kind of thing, and what happened."""

    day: date
    kind: str
    text: str


@dataclass(frozen=True)
class ProspectRecord:
    """Everything the campaign knows about one prospect."""

    prospect: Prospect
    addressee: str  # the name line: "Dr. Amelia Hartley"
    salutation: str  # "Dear Dr. Hartley:"
    address: tuple[str, ...]  # the inside address as the letters write it
    channel: str  # how a letter reaches them now ("email", "post"), "" when none can
    flag: str  # why they look like HR or recruiting, or ""
    sends: tuple[Send, ...]
    calls: tuple[CallRecord, ...]
    meetings: tuple[MeetingRecord, ...]
    tasks: tuple[Task, ...]
    decision: str  # "offer", "declined", "hired", "closed", or "" while open
    next_step: dict[str, Any]
    former_emails: tuple[tuple[str, date], ...] = ()
    timeline: tuple[Event, ...] = field(default_factory=tuple)

    @property
    def open_tasks(self) -> list[Task]:
        """The tasks still to do."""
        return [t for t in self.tasks if t.state == TaskState.OPEN]

    def as_json(self) -> dict[str, Any]:
        """The record as one JSON object (dates as ISO strings by the caller's encoder)."""
        return {
            "prospect": dataclasses.asdict(self.prospect),
            "addressee": self.addressee,
            "salutation": self.salutation,
            "address_lines": list(self.address),
            "channel": self.channel,
            "email_shown": shown_email(self.prospect.email),
            "flag": self.flag,
            "sends": [dataclasses.asdict(s) for s in self.sends],
            "calls": [dataclasses.asdict(c) for c in self.calls],
            "meetings": [
                {
                    **dataclasses.asdict(m.meeting),
                    "people": [
                        {**dataclasses.asdict(p.contact), "discussed": p.discussed, "gift": p.gift}
                        for p in m.people
                    ],
                }
                for m in self.meetings
            ],
            "tasks": [dataclasses.asdict(t) for t in self.tasks],
            "decision": self.decision,
            "next_step": self.next_step,
            "former_emails": [{"email": e, "until": u} for e, u in self.former_emails],
            "timeline": [dataclasses.asdict(e) for e in self.timeline],
        }


def prospect_record(store: Store, settings: Settings, prospect_id: int) -> ProspectRecord:
    """The whole record of ``prospect_id`` (NotFound naming the id if there is none)."""
    prospect = store.get_prospect(prospect_id)
    sends = tuple(store.sends_of(prospect_id))
    calls = tuple(store.call_history(prospect_id))
    meetings = tuple(
        MeetingRecord(m, tuple(MetPerson(*p) for p in store.meeting_people(m.id)))
        for m in store.list_meetings(prospect_id)
    )
    tasks = tuple(store.tasks_of(prospect_id))
    decision = _decision(prospect, meetings)
    record = ProspectRecord(
        prospect=prospect,
        addressee=prospect_addressee(prospect),
        salutation=salutation(prospect),
        address=tuple(recipient_lines(prospect, settings.country)),
        channel=delivery_channel(prospect, settings) or "",
        flag=hr_flag(prospect.contact, prospect.title),
        sends=sends,
        calls=calls,
        meetings=meetings,
        tasks=tasks,
        decision=decision,
        next_step=_next_step(prospect, tasks, sends, settings),
        former_emails=tuple(store.former_email_list(prospect_id)),
    )
    return dataclasses.replace(record, timeline=tuple(timeline(record)))


def _decision(prospect: Prospect, meetings: tuple[MeetingRecord, ...]) -> str:
    if prospect.status in FINISHED_STATUSES:
        return str(prospect.status)
    outcomes = [m.meeting.outcome for m in meetings if m.meeting.outcome]
    return outcomes[-1] if outcomes else ""


def _next_step(
    prospect: Prospect, tasks: tuple[Task, ...], sends: tuple[Send, ...], settings: Settings
) -> dict[str, Any]:
    """What happens next: the first open task, or why nothing is scheduled."""
    open_tasks = [t for t in tasks if t.state == TaskState.OPEN]
    if open_tasks:
        first = open_tasks[0]
        return {
            "kind": first.kind,
            "due": first.due,
            "task_id": first.id,
            "text": first.reason or first.kind.replace("_", " "),
        }
    if prospect.status in FINISHED_STATUSES:
        return {"kind": "", "due": None, "task_id": None, "text": f"none: {prospect.status}"}
    if prospect.needs_address:
        text = "find a mailing address or email (`campaign edit` adds it)"
        return {"kind": "research", "due": None, "task_id": None, "text": text}
    if prospect.status == ProspectStatus.ACTIVE and not sends:
        channel = delivery_channel(prospect, settings)
        how = f" by {channel}" if channel else ""
        text = (
            f"the first letter{how}, in a coming wave (`campaign prospects {arg('batch')} top20`)"
        )
        if channel is None:
            text = "no letter can reach them yet: add [smtp] or a postal address"
        return {"kind": "letter", "due": None, "task_id": None, "text": text}
    return {"kind": "", "due": None, "task_id": None, "text": "nothing scheduled"}


def timeline(record: ProspectRecord) -> list[Event]:
    """Everything that happened and is planned, in date order."""
    p = record.prospect
    events: list[Event] = []
    if p.created_on:
        source = f" from {p.source_file} row {p.source_row}" if p.source_file else ""
        events.append(Event(p.created_on, "imported", f"imported{source}"))
    for email, until in record.former_emails:
        events.append(Event(until, "corrected", f"email {email} replaced"))
    for send in record.sends:
        day = send.sent_on or send.claimed_on
        error = f" ({send.last_error})" if send.last_error else ""
        events.append(
            Event(day, "letter", f"letter {send.letter!r} by {send.channel}: {send.state}{error}")
        )
    for call in record.calls:
        note = f': "{call.note}"' if call.note else ""
        gatekeeper = f" (gatekeeper {call.gatekeeper})" if call.gatekeeper else ""
        events.append(
            Event(call.called_on, "call", f"call {call.attempt}: {call.outcome}{gatekeeper}{note}")
        )
    for item in record.meetings:
        m = item.meeting
        people = ", ".join(p.contact.display_name for p in item.people)
        text = f"meeting #{m.id}" + (f" with {people}" if people else "")
        if m.note:
            text += f': "{m.note}"'
        if m.outcome:
            text += f" -> {m.outcome}"
        events.append(Event(m.held_on, "meeting", text))
    for task in record.tasks:
        what = task.reason or task.kind.replace("_", " ")
        if task.state == TaskState.OPEN:
            events.append(Event(task.due, "task", f"due: {what} (task #{task.id})"))
        elif task.closed_on is not None:
            note = f': "{task.note}"' if task.note else ""
            events.append(
                Event(task.closed_on, "task", f"{task.state}: {what} (task #{task.id}){note}")
            )
    order = {"imported": 0, "corrected": 1, "letter": 2, "call": 3, "meeting": 4, "task": 5}
    return sorted(events, key=lambda e: (e.day, order.get(e.kind, 9)))


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
