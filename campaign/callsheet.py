"""The call sheet: who to call, why, what to say; as rows, a calendar file and a PDF.

Light at import time: icalendar and reportlab are imported only by the functions
that write those formats, and nothing here needs the holidays package.

Calendar design: each prospect's follow-up is one task whose UID never changes.
Rescheduling it (a retry, the next round, a callback) moves that one event and bumps
its SEQUENCE, so re-importing the file updates the event instead of adding one; a
follow-up that is dropped (declined, hired, a meeting) comes out with
STATUS:CANCELLED for 60 days after it was dropped, so calendars remove it.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

from campaign.clock import BusinessCalendar, iso_week, week_start
from campaign.documents.files import write_new
from campaign.documents.fonts import register_fonts
from campaign.models import ANSWER, Channel, Outcome, SheetRow, TaskKind, TaskState
from campaign.people import format_phone
from campaign.store import Store
from campaign.wording import counted, due_word

CANCELLED_VISIBLE_DAYS = 60

DECISION_ASK = "has a decision been made, and is there anything more I can send you?"
ASKS = {
    "marketing": "asked for twenty minutes to talk about how I could help",
    "cover": "asked to be considered for the opening",
}


@dataclass(frozen=True)
class CallLine:
    """One call as the sheet shows it."""

    task_id: int
    uid: str
    sequence: int
    state: str
    prospect_id: int
    contact: str
    title: str
    company: str
    phone: str
    due: date
    attempt: int
    reason: str
    gatekeeper: str
    last_note: str
    suggestion: str
    talking_points: tuple[str, str]
    history: tuple[str, ...]
    urgency: int = 1  # 0 sorts first (an email to answer): the task's ``detail["urgency"]``

    @property
    def history_lines(self) -> tuple[str, ...]:
        """The calls before this one as a person reads them: ``27 Nov 2026 attempt 1: ...``."""
        return tuple(
            re.sub(r"^(\S+) #(\d+) ", lambda m: f"{m[1]} attempt {m[2]}: ", line)
            for line in self.history
        )

    def as_dict(self) -> dict[str, Any]:
        """The JSON object of one call."""
        return {
            "prospect_id": self.prospect_id,
            "company": self.company,
            "contact": self.contact,
            "title": self.title,
            "phone": self.phone,
            "due": self.due,
            "attempt": self.attempt,
            "reason": self.reason,
            "gatekeeper": self.gatekeeper,
            "last_note": self.last_note,
            "suggestion": self.suggestion,
            "talking_points": list(self.talking_points),
            "history": list(self.history),
            "task_id": self.task_id,
            "uid": self.uid,
        }


CSV_COLUMNS = (
    "prospect_id",
    "due",
    "attempt",
    "contact",
    "title",
    "company",
    "phone",
    "reason",
    "gatekeeper",
    "last_note",
    "suggestion",
    "talking_points",
)


def _day(day: date) -> str:
    return f"{day.day} {day:%b}"


def _addressee(row: SheetRow) -> str:
    p = row.prospect
    if p.honorific and p.last_name:
        return f"{p.honorific} {p.last_name}"
    return p.contact


def _sentence(text: str) -> str:
    text = " ".join(text.split())
    return text if text[-1:] in ".?!" else f"{text}."


def status_points(row: SheetRow, me: str, who: str) -> tuple[str, str]:
    """A status call follows up the meeting: the decision, its timeline and next steps."""
    meeting = row.meeting
    ask = DECISION_ASK
    question = ask[0].upper() + ask[1:]
    if meeting is None:  # a status call whose meeting is unknown still follows one up
        return f"Hello {who}, this is {me}; following up on our meeting.", question
    first = f"Hello {who}, this is {me}; following up on our meeting of {_day(meeting.held_on)}."
    steps = meeting.next_steps.strip()
    if meeting.decision_by is not None and steps:
        return (
            first,
            f"You expected a decision by {_day(meeting.decision_by)} and described the next "
            f"steps: {_sentence(steps)} {question}",
        )
    if meeting.decision_by is not None:
        return first, f"You expected a decision by {_day(meeting.decision_by)}: {ask}"
    if steps:
        return first, f"You described the next steps: {_sentence(steps)} {question}"
    return first, question


def last_note(row: SheetRow) -> str:
    """What happened last: the last call, or for a status call the meeting it follows up.

    A status call's last word is the meeting's next steps (or its note) until a call
    after the meeting says something newer.
    """
    meeting = row.meeting if row.task.kind == TaskKind.STATUS_CALL else None
    calls = [c for c in row.history if meeting is None or c.called_on >= meeting.held_on]
    if calls:
        last = calls[-1]
        return f"{_day(last.called_on)} {last.outcome}" + (f": {last.note}" if last.note else "")
    if meeting is not None:
        said = (
            f"next steps: {meeting.next_steps.strip()}"
            if meeting.next_steps.strip()
            else meeting.note.strip()
        )
        return f"{_day(meeting.held_on)} meeting" + (f": {said}" if said else "")
    return ""


def talking_points(row: SheetRow, sender_name: str) -> tuple[str, str]:
    """Two lines to open the call: who you are and when you wrote (or met); what to ask."""
    me = sender_name or "(your name)"
    who = _addressee(row)
    if row.task.kind == TaskKind.STATUS_CALL:
        return status_points(row, me, who)
    answer = row.task.detail.get(ANSWER)
    if isinstance(answer, dict):  # they wrote back: the call answers their email
        when = answer.get("date", "")
        day = _day(date.fromisoformat(when)) if when else "recently"
        subject = str(answer.get("subject", "")).strip()
        about = f" ({subject!r})" if subject else ""
        return (
            f"Hello {who}, this is {me}; thank you for your email of {day}{about}.",
            "Answer what they asked, then ask when would suit them to meet.",
        )
    talks = [c for c in row.history if c.outcome == Outcome.REACHED]
    if talks:
        first = f"Hello {who}, this is {me}; we spoke on {_day(talks[-1].called_on)}."
        second = "Follow up on what you discussed and ask whether anything has changed."
        return first, second
    send = row.send
    if send is not None and send.sent_on is not None:
        how = "mailed" if send.channel == Channel.POST else "emailed"
        first = f"Hello {who}, this is {me}; I {how} you a letter on {_day(send.sent_on)}."
        ask = ASKS.get(send.letter, "asked for a short conversation about how I could help")
    else:
        first = f"Hello {who}, this is {me}; I wrote to you recently."
        ask = ASKS["marketing"]
    return first, f"In it I {ask} {row.prospect.company}: is there a good time to meet?"


def gatekeeper_line(row: SheetRow) -> str:
    """``ask for Ms. Lee; you spoke with Tom, her assistant`` once an assistant is known."""
    if not row.prospect.gatekeeper:
        return ""
    return f"ask for {_addressee(row)}; you spoke with {row.prospect.gatekeeper}"


def call_line(row: SheetRow, sender_name: str) -> CallLine:
    """The sheet's view of one call."""
    t, p = row.task, row.prospect
    return CallLine(
        task_id=t.id,
        uid=t.uid,
        sequence=t.sequence,
        state=t.state,
        prospect_id=p.id,
        contact=p.contact,
        title=p.title,
        company=p.company,
        phone=format_phone(p.phone),
        due=t.due,
        attempt=t.attempt,
        reason=t.reason,
        gatekeeper=gatekeeper_line(row),
        last_note=last_note(row),
        suggestion=str(t.detail.get("suggest", "")),
        talking_points=talking_points(row, sender_name),
        urgency=t.urgency,
        history=tuple(
            f"{c.called_on.isoformat()} #{c.attempt} {c.outcome}"
            + (f" ({c.gatekeeper})" if c.gatekeeper else "")
            + (f": {c.note}" if c.note else "")
            for c in row.history
        ),
    )


def due_calls(store: Store, until: date | None, sender_name: str) -> list[CallLine]:
    """The open follow-up calls due by ``until`` (overdue included), oldest first."""
    return sorted((call_line(row, sender_name) for row in store.call_sheet(until)), key=sheet_order)


def sheet_order(line: CallLine) -> tuple[int, date, int]:
    """What is urgent first (``urgency`` 0), then the oldest due, then the task's order."""
    return (line.urgency, line.due, line.task_id)


def _due_text(due: date, today: date) -> str:
    late = (today - due).days
    if late > 0:
        return f"{counted(late, 'day')} overdue (due {due:%a %d %b})"
    return "due today" if late == 0 else f"due {due:%a %d %b %Y}"


def command(line: CallLine) -> str:
    """The command that records what came of this call: ``log 12`` (12: the prospect)."""
    return f"log {line.prospect_id}"


def table_rows(lines: Sequence[CallLine], today: date) -> list[tuple[str, ...]]:
    """One line per call: command, due, name, company, phone, attempt, why in a few words.

    The columns of ``TABLE_COLUMNS``; a call with a suggestion (a note, a gift) is
    marked ``!`` (``--long`` says what it is).
    """
    return [
        (
            command(c),
            due_word(c.due, today),
            c.contact,
            c.company,
            c.phone or "no phone",
            str(c.attempt),
            ("! " if c.suggestion else "") + c.reason,
        )
        for c in lines
    ]


TABLE_COLUMNS = ("do", "due", "name", "company", "phone", "#", "why")


def long_lines(c: CallLine, today: date) -> list[tuple[str, str]]:
    """One call in full, as (label, text) lines: who, how to reach, why, what to say, history."""
    who = ", ".join(x for x in (c.contact, c.title) if x)
    lines = [
        (f"{command(c)}  ", f"{who} - {c.company}"),
        (
            "  ",
            f"{c.phone or 'no phone on file'} · attempt {c.attempt} · {_due_text(c.due, today)}",
        ),
        ("  why:  ", c.reason),
    ]
    if c.suggestion:
        lines.append(("  !     ", c.suggestion))
    if c.gatekeeper:
        lines.append(("  ask:  ", c.gatekeeper))
    lines += [("  say:  ", c.talking_points[0]), ("        ", c.talking_points[1])]
    if c.last_note:
        lines.append(("  last: ", c.last_note))
    for index, past in enumerate(c.history_lines):
        lines.append(("  past: " if index == 0 else "        ", past))
    return lines


def csv_rows(lines: Sequence[CallLine]) -> list[dict[str, Any]]:
    """Flat rows for CSV: the two talking points joined by `` / ``."""
    rows = []
    for c in lines:
        row = c.as_dict()
        row["talking_points"] = " / ".join(c.talking_points)
        rows.append(row)
    return rows


# -- the calendar ------------------------------------------------------------------------


def calendar_lines(
    store: Store, until: date | None, today: date, sender_name: str
) -> list[CallLine]:
    """Due calls plus recently dropped ones (to come out as cancelled)."""
    since = today - timedelta(days=CANCELLED_VISIBLE_DAYS)
    dropped = [call_line(r, sender_name) for r in store.cancelled_calls(since)]
    return due_calls(store, until, sender_name) + dropped


def to_ics(lines: Sequence[CallLine], today: date) -> bytes:
    """An iCalendar file: one all-day event per call on its due day."""
    from icalendar import Calendar, Event

    cal = Calendar()
    cal.add("prodid", "-//campaign//follow-up calls//EN")
    cal.add("version", "2.0")
    cal.add("x-wr-calname", "Follow-up calls")
    for c in lines:
        event = Event()
        event.add("uid", c.uid)
        event.add("sequence", c.sequence)
        # DTSTAMP must be a date-time; the campaign's day keeps the file reproducible.
        event.add("dtstamp", _midnight(today))
        event.add("dtstart", c.due)
        event.add("dtend", c.due + timedelta(days=1))
        event.add("summary", f"Call {c.contact}, {c.company} ({c.phone or 'no phone'})")
        description = [
            f"Phone: {c.phone or '(none on file)'}",
            f"Attempt {c.attempt}: {c.reason}",
            *c.talking_points,
        ]
        if c.gatekeeper:
            description.append(c.gatekeeper)
        if c.suggestion:
            description.append(f"Suggestion: {c.suggestion}")
        if c.last_note:
            description.append(f"Last: {c.last_note}")
        event.add("description", "\n".join(description))
        event.add("status", "CANCELLED" if c.state == TaskState.CANCELLED else "CONFIRMED")
        event.add("transp", "TRANSPARENT")
        cal.add_component(event)
    return bytes(cal.to_ical())


def _midnight(day: date) -> Any:
    return datetime(day.year, day.month, day.day, tzinfo=UTC)


# -- the printable sheet -------------------------------------------------------------------


def write_pdf(lines: Sequence[CallLine], out_dir: Path, today: date, title: str) -> Path:
    """A landscape call sheet with a box per call to write the outcome in."""
    from xml.sax.saxutils import escape

    from reportlab.lib import colors
    from reportlab.lib.pagesizes import landscape, letter
    from reportlab.lib.styles import getSampleStyleSheet
    from reportlab.lib.units import inch
    from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

    styles = getSampleStyleSheet()
    # The letters' font: every name on the sheet prints as written (Łukasz, Ødegaard).
    small = styles["BodyText"].clone("small", fontName=register_fonts(), fontSize=8, leading=10)

    def cell(text: str) -> Any:
        return Paragraph(escape(text).replace("\n", "<br/>"), small)

    data: list[list[Any]] = [
        [cell(h) for h in ("Prospect / due", "Who", "Phone", "Why", "Say", "Outcome")]
    ]
    for c in lines:
        who = "\n".join(x for x in (c.contact, c.title, c.company, c.gatekeeper) if x)
        why = "\n".join(x for x in (c.reason, c.suggestion, c.last_note) if x)
        data.append(
            [
                # The prospect id is what `campaign log` takes after the call.
                cell(f"{command(c)}\n{c.due.isoformat()}\nattempt {c.attempt}"),
                cell(who),
                cell(c.phone or "no phone"),
                cell(why),
                cell("\n".join(c.talking_points)),
                cell(""),
            ]
        )
    widths = [0.9 * inch, 1.9 * inch, 1.1 * inch, 1.9 * inch, 2.9 * inch, 1.3 * inch]
    table = Table(data, colWidths=widths, repeatRows=1)
    table.setStyle(
        TableStyle(
            [
                ("GRID", (0, 0), (-1, -1), 0.5, colors.grey),
                ("BACKGROUND", (0, 0), (-1, 0), colors.lightgrey),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
            ]
        )
    )
    story: list[Any] = [Paragraph(escape(title), styles["Title"]), Spacer(1, 6)]
    if not lines:
        story.append(Paragraph("No calls due.", styles["BodyText"]))
    else:
        story.append(table)

    def build(path: Path) -> None:
        SimpleDocTemplate(
            str(path),
            pagesize=landscape(letter),
            leftMargin=0.5 * inch,
            rightMargin=0.5 * inch,
            topMargin=0.5 * inch,
            bottomMargin=0.5 * inch,
            title=title,
            invariant=1,
        ).build(story)

    return write_new(out_dir, f"call-sheet-{today.isoformat()}", ".pdf", build)


# -- the plan --------------------------------------------------------------------------------


def plan(
    store: Store, today: date, weeks: int, per_day: int, calendar: BusinessCalendar
) -> list[dict[str, Any]]:
    """The open call load per weekday for the coming ``weeks`` ISO weeks, holidays named."""
    start = week_start(today)
    end = start + timedelta(days=7 * weeks - 1)
    load, overdue = store.call_load(today, end)
    days: list[dict[str, Any]] = []
    if overdue:
        days.append(
            {"date": None, "week": "overdue", "calls": overdue, "cap": per_day, "holiday": ""}
        )
    day = start
    while day <= end:
        if day.weekday() < 5 or load.get(day):
            days.append(
                {
                    "date": day,
                    "week": iso_week(day),
                    "calls": load.get(day, 0) if day >= today else 0,
                    "cap": per_day,
                    "holiday": calendar.holiday_name(day) or "",
                }
            )
        day += timedelta(days=1)
    return days
