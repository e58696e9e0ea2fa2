"""Everything due, of every kind: calls, emails to send, notes to write, letters to post."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

from campaign.clock import due_until
from campaign.contacts import referral_news
from campaign.models import CALL_KINDS, AgendaRow, TaskKind
from campaign.store import Store
from campaign.wording import counted, task_ref

# What to do, in the job seeker's words, for each kind of task.
ACTIONS: dict[str, str] = {
    TaskKind.CALL: "Follow-up call",
    TaskKind.STATUS_CALL: "Status call",
    TaskKind.THANK_YOU_EMAIL: "Send thank-you email",
    TaskKind.NOTE: "Write note by hand",
    TaskKind.CONTACT_CALL: "Catch-up call",
    TaskKind.POST_LETTER: "Post printed letter",
    TaskKind.RESEARCH: "Find what the list lacks",
    TaskKind.MEETING: "Meeting",
    TaskKind.ANSWER_OFFER: "Answer the offer",
    TaskKind.WITHDRAW: "Withdraw politely",
    TaskKind.SHARE_NEWS: "Tell them the news and thank them",
}
# The same in a few words, for a table row at the screen's width.
SHORT: dict[str, str] = {
    TaskKind.CALL: "Call",
    TaskKind.STATUS_CALL: "Status call",
    TaskKind.THANK_YOU_EMAIL: "Thank-you email",
    TaskKind.NOTE: "Note by hand",
    TaskKind.CONTACT_CALL: "Catch-up call",
    TaskKind.POST_LETTER: "Post letters",
    TaskKind.RESEARCH: "Find",
    TaskKind.MEETING: "Meeting",
    TaskKind.ANSWER_OFFER: "Answer offer",
    TaskKind.WITHDRAW: "Withdraw",
    TaskKind.SHARE_NEWS: "Share news",
}
# What each research task looks for (``detail["need"]``), as the agenda says it.
NEEDS = {"phone": "Find a phone number", "address": "Find a mailing address or email"}
# The command that closes each kind of task, when it is not `campaign done T12`:
# a follow-up call and an offer are answered with `log`, a phone found with `edit`,
# and a meeting held is recorded with `meeting` (all take the prospect's id).
CLOSED_BY: dict[str, str] = {
    TaskKind.CALL: "log",
    TaskKind.ANSWER_OFFER: "log",
    TaskKind.RESEARCH: "edit",
    TaskKind.MEETING: "meeting",
}


@dataclass(frozen=True)
class AgendaItem:
    """One thing to do on a day, and for whom."""

    due: date
    kind: str
    what: str
    who: str
    company: str = ""
    phone: str = ""
    email: str = ""
    task_id: int | None = None
    prospect_id: int | None = None
    contact_id: int | None = None
    meeting_id: int | None = None
    reason: str = ""
    subject: str = ""
    draft: str = ""
    uid: str = ""
    sequence: int = 0
    at: str = ""  # a planned meeting's time of day, "10:00"
    short: str = ""  # ``what`` in a few words, for a table row
    # 0 sorts before everything else (an email to answer), 1 is the rest: the task's
    # ``detail["urgency"]`` (see ``agenda_order``).
    urgency: int = 1

    @property
    def reach(self) -> str:
        """How to reach them for this task: the email for an email, else the phone."""
        if self.kind == TaskKind.THANK_YOU_EMAIL:
            return self.email or "no email on record: ask for their card"
        if self.kind in (TaskKind.WITHDRAW, TaskKind.SHARE_NEWS):
            return self.email or self.phone
        return self.phone or self.email

    @property
    def command(self) -> str:
        """What closes this item: ``log 12``, ``done T7``, ``edit 12``, ``meeting 12``.

        A prospect's id is bare, a task's has its ``T``; "" for a printed letter of a
        campaign from before print packs were tasks (it leaves the agenda by itself).
        """
        verb = CLOSED_BY.get(self.kind)
        if verb is not None and self.prospect_id is not None:
            return f"{verb} {self.prospect_id}"
        return f"done {task_ref(self.task_id)}" if self.task_id is not None else ""

    def as_json(self) -> dict[str, Any]:
        """The item as a JSON object (dates as ISO strings by the caller's encoder)."""
        return {
            "task_id": self.task_id,
            "kind": self.kind,
            "due": self.due,
            "what": self.what,
            "who": self.who,
            "company": self.company,
            "phone": self.phone,
            "email": self.email,
            "prospect_id": self.prospect_id,
            "contact_id": self.contact_id,
            "meeting_id": self.meeting_id,
            "reason": self.reason,
            "subject": self.subject,
            "draft": self.draft,
            "command": self.command,
            "at": self.at,
        }


def agenda_order(item: AgendaItem) -> tuple[Any, ...]:
    """What is urgent first (``urgency`` 0), then by due day, then the tasks' order."""
    return (item.urgency, item.due, item.task_id is None, item.task_id or 0)


def agenda(store: Store, today: date, spec: str = "today") -> list[AgendaItem]:
    """Every open task due by ``spec`` (overdue included) and today's letters to post."""
    until = due_until(spec, today)
    items = [_from_row(store, row) for row in store.open_agenda(until)]
    if until is None or until >= today:
        for send, prospect in store.letters_to_post(today, until or today):
            items.append(
                AgendaItem(
                    due=send.sent_on or today,
                    kind=TaskKind.POST_LETTER,
                    what=f"{ACTIONS[TaskKind.POST_LETTER]} ({send.letter})",
                    who=prospect.contact,
                    company=prospect.company,
                    prospect_id=prospect.id,
                    reason=f"in {send.pack}" if send.pack else "printed in the send run",
                    uid=f"post-{send.id}@campaign",
                    short=SHORT[TaskKind.POST_LETTER],
                )
            )
    return sorted(items, key=agenda_order)


def _from_row(store: Store, row: AgendaRow) -> AgendaItem:
    task, prospect, contact = row.task, row.prospect, row.contact
    detail = task.detail
    who = (
        detail.get("person")
        or (contact.display_name if contact else "")
        or (prospect.contact if prospect else "")
    )
    company = prospect.company if prospect else (contact.company if contact else "")
    phone = (contact.phone if contact else "") or (prospect.phone if prospect else "")
    email = (contact.email if contact else "") or (prospect.email if prospect else "")
    if task.kind in (TaskKind.THANK_YOU_EMAIL, TaskKind.NOTE) and contact is not None:
        # A thank-you goes to the person met, never to the hiring authority by mistake.
        phone, email = contact.phone, contact.email
    if task.kind == TaskKind.STATUS_CALL and prospect is not None:
        who, phone = prospect.contact, prospect.phone
    reason = task.reason
    if task.kind == TaskKind.CONTACT_CALL and contact is not None:
        reason = _with_referrals(store, contact.id, reason)
    what = ACTIONS.get(task.kind, task.kind.replace("_", " ").capitalize())
    short = SHORT.get(task.kind, what)
    if task.kind in CALL_KINDS and task.attempt > 1:
        what = f"{what} (attempt {task.attempt})"
        short = f"{short} ({task.attempt})"
    at = str(detail.get("at", ""))
    if task.kind == TaskKind.POST_LETTER:
        letters = int(detail.get("letters") or 0)
        what = f"Post {counted(letters, 'printed letter')}"
        who = counted(letters, "letter")
    elif task.kind == TaskKind.RESEARCH:
        what = NEEDS.get(str(detail.get("need", "")), what)
        short = f"{short} {detail.get('need', '')}".strip()
        if detail.get("suggest"):
            reason = f"{reason}; {detail['suggest']}"
    elif task.kind == TaskKind.MEETING and at:
        what, short = f"{what} at {at}", f"{short} {at}"
    return AgendaItem(
        due=task.due,
        kind=task.kind,
        what=what,
        who=who,
        company=company,
        phone=phone,
        email=email,
        task_id=task.id,
        prospect_id=task.prospect_id,
        contact_id=task.contact_id,
        meeting_id=task.meeting_id,
        reason=reason,
        subject=str(detail.get("subject", "")),
        draft=str(detail.get("draft", "")),
        uid=task.uid,
        sequence=task.sequence,
        at=at,
        short=short,
        urgency=task.urgency,
    )


def _with_referrals(store: Store, contact_id: int, reason: str) -> str:
    """A catch-up call tells the contact what became of every referral they gave."""
    news = referral_news(store, contact_id)
    return f"{reason}; referrals: {', '.join(news)}" if news else reason


def to_ics(items: Sequence[AgendaItem], today: date) -> bytes:
    """An iCalendar file: one all-day event per item, with a stable UID and SEQUENCE."""
    from icalendar import Calendar, Event

    cal = Calendar()
    cal.add("prodid", "-//campaign//agenda//EN")
    cal.add("version", "2.0")
    # DTSTAMP from "today", not the clock: the same agenda gives the same file.
    stamp = datetime.combine(today, time(0, 0))
    for item in items:
        event = Event()
        event.add("uid", item.uid or f"agenda-{item.kind}-{item.task_id}@campaign")
        event.add("sequence", item.sequence)
        event.add("dtstamp", stamp)
        start = _time_of(item)
        if start is not None:
            # A meeting agreed for an hour: its day and hour (local time), an hour long.
            begins = datetime.combine(item.due, start)
            event.add("dtstart", begins)
            event.add("dtend", begins + timedelta(hours=1))
        else:
            event.add("dtstart", item.due)
            event.add("dtend", item.due + timedelta(days=1))
        who = f"{item.who} ({item.company})" if item.company else item.who
        event.add("summary", f"{item.what}: {who}")
        lines = [item.reason, item.phone, item.email]
        if item.kind == TaskKind.MEETING:
            lines.append(
                f"Once it is held: campaign meeting {item.prospect_id}, with its day and "
                "everyone met"
            )
        elif item.command:
            lines.append(f"Then: campaign {item.command}")
        if item.draft:
            lines += ["", item.subject, item.draft] if item.subject else ["", item.draft]
        event.add("description", "\n".join(line for line in lines if line is not None).strip())
        reminder = REMINDERS.get(item.kind)
        if reminder is not None:
            event.add_component(_alarm(reminder if start is not None else ALL_DAY_REMINDER, item))
        cal.add_component(event)
    return bytes(cal.to_ical())


# How long before it a calendar reminds you of a meeting (or an offer's deadline).
REMINDERS: dict[str, timedelta] = {
    TaskKind.MEETING: timedelta(hours=1),
    TaskKind.ANSWER_OFFER: timedelta(hours=15),
}
ALL_DAY_REMINDER = timedelta(hours=15)  # an all-day event: 9:00 the day before


def _time_of(item: AgendaItem) -> time | None:
    if not item.at:
        return None
    hours, _, minutes = item.at.partition(":")
    return time(int(hours), int(minutes or 0))


def _alarm(before: timedelta, item: AgendaItem) -> Any:
    from icalendar import Alarm

    alarm = Alarm()
    alarm.add("action", "DISPLAY")
    alarm.add("trigger", -before)
    alarm.add("description", f"{item.what}: {item.who}")
    return alarm
