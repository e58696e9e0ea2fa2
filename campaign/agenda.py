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

# What to do, in the job seeker's words, for each kind of task.
ACTIONS: dict[str, str] = {
    TaskKind.CALL: "Follow-up call",
    TaskKind.STATUS_CALL: "Status call",
    TaskKind.THANK_YOU_EMAIL: "Send thank-you email",
    TaskKind.NOTE: "Write note by hand",
    TaskKind.CONTACT_CALL: "Catch-up call",
    TaskKind.POST_LETTER: "Post printed letter",
    TaskKind.RESEARCH: "Research",
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
    answering: bool = False  # a call that is now "answer their email": listed first

    @property
    def reach(self) -> str:
        """How to reach them for this task: the email for an email, else the phone."""
        if self.kind == TaskKind.THANK_YOU_EMAIL:
            return self.email or "no email on record: ask for their card"
        return self.phone or self.email

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
        }


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
                )
            )
    # Emails to answer first, then by day (overdue first) and task.
    return sorted(items, key=lambda i: (not i.answering, i.due, i.task_id is None, i.task_id or 0))


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
    if task.kind in CALL_KINDS and task.attempt > 1:
        what = f"{what} (attempt {task.attempt})"
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
        answering=task.answering,
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
        event.add("dtstart", item.due)
        event.add("dtend", item.due + timedelta(days=1))
        who = f"{item.who} ({item.company})" if item.company else item.who
        event.add("summary", f"{item.what}: {who}")
        lines = [item.reason, item.phone, item.email]
        if item.draft:
            lines += ["", item.subject, item.draft] if item.subject else ["", item.draft]
        event.add("description", "\n".join(line for line in lines if line is not None).strip())
        cal.add_component(event)
    return bytes(cal.to_ical())
