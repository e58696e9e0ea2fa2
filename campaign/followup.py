"""Follow-up scheduling: when each call falls, and what comes after each outcome.

The rules of the follow-up live here and nowhere else:

* a call falls on a business day with room under ``calls_per_day`` (``CallLoad.place``);
* every send schedules a first call (``schedule_first_call``), and a prospect has at most
  one open follow-up call: a second letter keeps the booked call, or moves it to the day
  the letter promises;
* each outcome leads to its next step (``next_step``), written with the call in one unit
  of work (``log_call``); a referral heard on a call adds the prospects and the contact
  who gave them, and the first to refer a prospect keeps the credit;
* no call without a phone: a task to find the number comes instead (``need_phone``), and
  the call once it is in (``phone_added``);
* a call not on the day asked for says every day it skipped, and why (``skipped_days``);
* a hire winds the campaign down (``campaign.winddown``), and ``resume`` undoes it;
* a declined or closed prospect can be reopened (``reopen``);
* what the inbox heard (``campaign inbox``): a reply turns the open call into "answer
  their email of 3 Dec", due today (``answer_email``); an out-of-office with a return
  date moves the call to the first business day after it (``wait_for_return``); a letter
  that bounced loses the call it brought (``drop_call_of``).
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right, insort
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import date, timedelta
from typing import Any

from campaign.batches import delivery_channel
from campaign.clock import BusinessCalendar
from campaign.config import Schedule, Settings
from campaign.errors import InputError, arg
from campaign.intake.known import find_known, store_records
from campaign.models import (
    AFTER_OFFER,
    ANSWER,
    CALL_KINDS,
    FINISHED_STATUSES,
    REFERRAL_OUTCOMES,
    REOPENABLE_STATUSES,
    UNANSWERED,
    CallRecord,
    Cancel,
    Channel,
    ContactKind,
    Logged,
    NextStep,
    Outcome,
    Prospect,
    ProspectStatus,
    ReferralPlan,
    Referred,
    Resumed,
    Send,
    Task,
    TaskKind,
    TaskState,
)
from campaign.people import (
    format_phone,
    identity,
    is_department,
    name_key,
    parse_name,
    person_key,
    same_contact,
)
from campaign.store import Store, Transaction
from campaign.templating import field_name
from campaign.winddown import wind_down
from campaign.wording import listed

# How far ahead a call may be pushed by full days; a year is far beyond any real load.
LOAD_HORIZON = timedelta(days=366)
REFERRAL_PRIORITY = 1  # a referral is the warmest lead: it goes in the next wave
CATCH_UP = "catch-up: news of the search and of any referral"
NEED_PHONE = "phone"  # a research task's need: the follow-up call waits for a number

SUGGEST_NOTE = "send a short note instead of chasing: {n} calls went unanswered"
SUGGEST_GIFT = "before this call, send an information gift (an article) with a short note"
AWAY = "; moved: "  # what an out-of-office added to a call's reason starts with


# -- placing calls under the daily cap ---------------------------------------------------


@dataclass
class CallLoad:
    """Open follow-up calls per day, read once and kept current as calls are placed.

    A send run holds the send lock, so only a concurrent `campaign log` could add a
    call meanwhile; at worst one day gets one call over its cap. Reading the load again
    for every letter made a 2,000-letter run 2x slower.

    Placing a call does not walk past the full days one by one (that made a run of
    10,000 letters quadratic: 9.5 s): the full business days are kept as runs of
    consecutive business days (``_FullDays``), so a call due inside a run jumps to the
    business day after it, and ``add``/``remove`` grow, merge or split the runs as days
    fill and empty. ``days`` holds the counts; change it only through ``add``/``remove``.
    """

    calendar: BusinessCalendar
    per_day: int
    days: dict[date, int] = field(default_factory=dict)
    start: date | None = None
    _full: _FullDays | None = field(default=None, init=False, repr=False, compare=False)

    @classmethod
    def read(
        cls, store: Store | Transaction, calendar: BusinessCalendar, per_day: int, start: date
    ) -> CallLoad:
        """The load from ``start`` on, as the store has it now."""
        days = store.open_call_load(start, start + 2 * LOAD_HORIZON)
        return cls(calendar, per_day, days, start)

    def place(self, earliest: date) -> date:
        """The first business day on or after ``earliest`` with room for one more call.

        The same day as ``place_call`` (the plain walk) gives, in O(log runs) steps.
        """
        day = self.calendar.on_or_after(earliest)
        end = self._full_days().run_end(day)
        return day if end is None else self.calendar.after(end)

    def add(self, day: date) -> None:
        """A call now falls on ``day``."""
        before = self.days.get(day, 0)
        self.days[day] = before + 1
        if self._full is not None and before < self.per_day <= before + 1:
            self._full.fill(day)

    def remove(self, day: date) -> None:
        """A call no longer falls on ``day`` (moved or closed)."""
        before = self.days.get(day, 0)
        if before:
            self.days[day] = before - 1
            if self._full is not None and before - 1 < self.per_day <= before:
                self._full.empty(day)

    def book(self, earliest: date, skip: date | None = None) -> date:
        """Place one call (a call moved off ``skip`` does not compete with itself) and count it."""
        if skip is not None:
            self.remove(skip)
        day = self.place(earliest)
        self.add(day)
        return day

    def _full_days(self) -> _FullDays:
        if self._full is None:
            full = [d for d, n in self.days.items() if n >= self.per_day]
            self._full = _FullDays(self.calendar, full)
        return self._full


class _FullDays:
    """The full business days as maximal runs of consecutive business days.

    A run ``start..end`` holds every business day from ``start`` to ``end`` and no other
    days; the business days just before and after it have room. ``place`` finds the run
    holding a day by bisecting the sorted run starts; filling or emptying one day
    touches at most two runs.
    """

    def __init__(self, calendar: BusinessCalendar, full: Sequence[date]) -> None:
        self.calendar = calendar
        self.starts: list[date] = []
        self.end: dict[date, date] = {}  # run start -> run end
        self.start_of: dict[date, date] = {}  # run end -> run start
        for day in sorted(d for d in full if calendar.is_business_day(d)):
            if self.starts and calendar.after(self.end[self.starts[-1]]) == day:
                self._set(self.starts[-1], day)
            else:
                self.starts.append(day)
                self._set(day, day)

    def _set(self, start: date, end: date) -> None:
        old_end = self.end.get(start)
        if old_end is not None and self.start_of.get(old_end) == start:
            del self.start_of[old_end]
        self.end[start] = end
        self.start_of[end] = start

    def _drop_start(self, start: date) -> None:
        del self.starts[bisect_left(self.starts, start)]
        del self.end[start]

    def _add_start(self, start: date, end: date) -> None:
        insort(self.starts, start)
        self._set(start, end)

    def run_end(self, day: date) -> date | None:
        """The last day of the run holding ``day``, or None when ``day`` has room."""
        i = bisect_right(self.starts, day) - 1
        if i < 0:
            return None
        end = self.end[self.starts[i]]
        return end if day <= end else None

    def _before(self, day: date) -> date:
        day -= timedelta(days=1)
        while not self.calendar.is_business_day(day):
            day -= timedelta(days=1)
        return day

    def fill(self, day: date) -> None:
        """``day`` has just become full: a new run, or one grown, or two joined."""
        if not self.calendar.is_business_day(day):
            return
        left = self.start_of.get(self._before(day))  # a run ending the business day before
        nxt = self.calendar.after(day)
        right = self.end.get(nxt)  # a run starting the business day after
        if right is not None:
            self._drop_start(nxt)
            del self.start_of[right]
        if left is not None:
            self._set(left, right if right is not None else day)
        else:
            self._add_start(day, right if right is not None else day)

    def empty(self, day: date) -> None:
        """``day`` has just got room again: its run shrinks, splits or goes."""
        if not self.calendar.is_business_day(day):
            return
        i = bisect_right(self.starts, day) - 1
        start = self.starts[i]
        end = self.end[start]
        del self.start_of[end]
        self._drop_start(start)
        if start < day:
            self._add_start(start, self._before(day))
        if day < end:
            self._add_start(self.calendar.after(day), end)


def place_call(
    calendar: BusinessCalendar, earliest: date, load: Mapping[date, int], per_day: int
) -> date:
    """The first business day on or after ``earliest`` with room for one more call."""
    day = calendar.on_or_after(earliest)
    while load.get(day, 0) >= per_day:
        day = calendar.after(day)
    return day


def call_load(store: Store | Transaction, settings: Settings, start: date) -> CallLoad:
    """The campaign's call load from ``start`` on, placed by its calendar and daily cap."""
    calendar = BusinessCalendar(settings.country)
    return CallLoad.read(store, calendar, settings.schedule.calls_per_day, start)


# -- the first call of a send -------------------------------------------------------------


def first_call_earliest(channel: str, sent_on: date, schedule: Schedule) -> date:
    """The day a send's first call is due before business days and the daily cap apply."""
    days = schedule.first_call_after_days + (schedule.postal_days if channel == Channel.POST else 0)
    return sent_on + timedelta(days=days)


def promised_calls(
    sends: Sequence[tuple[int, str]],
    sent_on: date,
    schedule: Schedule,
    calendar: BusinessCalendar,
    load: Mapping[date, int],
) -> dict[int, date]:
    """The first-call day of each (prospect id, channel) sent on ``sent_on``, in order.

    Each is placed under ``calls_per_day`` on top of ``load`` (the open calls already
    scheduled), so the day a letter promises is the day its call will be due.
    """
    calls = CallLoad(calendar, schedule.calls_per_day, dict(load))
    return {
        prospect_id: calls.book(first_call_earliest(channel, sent_on, schedule))
        for prospect_id, channel in sends
    }


def first_call_reason(letter: str, channel: str, sent_on: date) -> str:
    """Why the call is on the sheet, e.g. ``marketing letter mailed 16 Nov``."""
    verb = "mailed" if channel == Channel.POST else "emailed"
    return f"{letter} letter {verb} {sent_on.day} {sent_on:%b}"


def schedule_first_call(
    tx: Transaction,
    send: Send,
    sent_on: date,
    schedule: Schedule,
    load: CallLoad,
    promised: date | None = None,
) -> date | None:
    """The follow-up call a delivered letter brings; its day, or None when one was kept.

    One open follow-up per prospect: a call already booked stays, unless this letter
    promises a later day in writing, which then wins (the call moves there).
    ``promised`` also beats the daily cap: the letter named that day.
    """
    booked = tx.open_call(send.prospect_id)
    reason = first_call_reason(send.letter, send.channel, sent_on)
    prospect = tx.get_prospect(send.prospect_id)
    if booked is None and not prospect.phone.strip():
        # No call without a phone: finding one comes first, and the call waits for it.
        earliest = first_call_earliest(send.channel, sent_on, schedule)
        call_on = promised if promised is not None and promised >= earliest else earliest
        need_phone(tx, prospect, sent_on, load.calendar.on_or_after(call_on), reason, send.id)
        return None
    if booked is not None:
        if promised is None or booked.due >= promised:
            return None
        # A letter sent to someone whose email waited for an answer is that answer.
        detail = {k: v for k, v in booked.detail.items() if k != ANSWER}
        tx.move_task(booked.id, promised, send_id=send.id, reason=reason, detail=detail)
        load.remove(booked.due)
        load.add(promised)
        return promised
    earliest = first_call_earliest(send.channel, sent_on, schedule)
    if promised is not None and promised >= earliest:
        due = load.calendar.on_or_after(promised)
        load.add(due)
    else:
        due = load.book(earliest)
    tx.insert_task(
        kind=TaskKind.CALL,
        due=due,
        today=sent_on,
        prospect_id=send.prospect_id,
        send_id=send.id,
        attempt=1,
        reason=reason,
    )
    return due


def scheduled_calls(
    prospects: Sequence[Prospect], settings: Settings, today: date, store: Store | None = None
) -> dict[int, date]:
    """The call day each letter sent today promises, on top of the calls already in ``store``.

    A prospect whose follow-up call is already on the books (a second letter) is promised
    that call when it falls late enough for the letter to have arrived; otherwise the
    letter promises a new day and the send moves the call there.
    """
    load: dict[date, int] = {}
    booked: dict[int, date] = {}
    if store is not None:
        load = store.call_load(today, today + timedelta(days=400))[0]
        booked = store.open_call_dues([p.id for p in prospects])
    promised: dict[int, date] = {}
    sends: list[tuple[int, str]] = []
    for p in prospects:
        channel = delivery_channel(p, settings) or Channel.POST
        due = booked.get(p.id)
        if due is not None and due >= first_call_earliest(channel, today, settings.schedule):
            promised[p.id] = due
        else:
            sends.append((p.id, channel))
    calendar = BusinessCalendar(settings.country)
    promised.update(promised_calls(sends, today, settings.schedule, calendar, load))
    return promised


# -- no call without a phone ---------------------------------------------------------

# Columns a list may give the company's main number in (as merge fields name them).
_MAIN_NUMBER = re.compile(
    r"^(?:(?:main|company|general|corporate|hq|head_office|office_main)_"
    r"(?:phone|phone_number|number|line|tel|telephone)|switchboard|reception|main_line)$"
)


def main_number(prospect: Prospect) -> str:
    """The company's main number when the list had one (a ``Main Phone`` column ...)."""
    for key, value in prospect.extra.items():
        if value.strip() and _MAIN_NUMBER.match(field_name(key)):
            region = prospect.country.upper() if len(prospect.country) == 2 else "US"
            return format_phone(value, region)
    return ""


def need_phone(
    tx: Transaction,
    prospect: Prospect,
    today: date,
    call_on: date,
    call_reason: str,
    send_id: int | None = None,
) -> Task:
    """A task to find the phone number a follow-up call needs (one per prospect).

    ``call_on`` is the day the call would have been (the letter may have promised it);
    once the number is in (``phone_added``), the call is placed then, or as soon after
    as the daily cap allows.
    """
    for task in tx.prospect_tasks(prospect.id, (TaskKind.RESEARCH,), open_only=True):
        if task.detail.get("need") == NEED_PHONE:
            return task
    detail: dict[str, Any] = {
        "need": NEED_PHONE,
        "call_on": call_on.isoformat(),
        "call_reason": call_reason,
    }
    number = main_number(prospect)
    if number:
        detail["suggest"] = f"the list has the company's main number, {number}: ask for them"
    return tx.insert_task(
        kind=TaskKind.RESEARCH,
        due=today,
        today=today,
        prospect_id=prospect.id,
        send_id=send_id,
        reason=f"find a phone number for {prospect.contact} at {prospect.company}",
        detail=detail,
    )


def phone_added(
    tx: Transaction, settings: Settings, prospect: Prospect, today: date
) -> Task | None:
    """A phone number came in (``campaign edit ID --phone``): the waiting call is placed.

    The open "find a phone number" task is done, and the follow-up call it held back is
    placed on the day it would have been (or today, if that has passed), as soon as the
    daily cap allows. None when no call was waiting (or there is still no phone).
    """
    waiting = [
        t
        for t in tx.prospect_tasks(prospect.id, (TaskKind.RESEARCH,), open_only=True)
        if t.detail.get("need") == NEED_PHONE
    ]
    if not waiting or not prospect.phone.strip():
        return None
    task = waiting[0]
    tx.close_task(task.id, TaskState.DONE, today, "phone number added")
    # Only a prospect still being prospected gets the call (an interview has its own).
    if prospect.status != ProspectStatus.ACTIVE or tx.open_call(prospect.id) is not None:
        return None
    asked = date.fromisoformat(str(task.detail.get("call_on") or today.isoformat()))
    earliest = max(asked, today)
    return tx.insert_task(
        kind=TaskKind.CALL,
        due=call_load(tx, settings, earliest).book(earliest),
        today=today,
        prospect_id=prospect.id,
        send_id=task.send_id,
        reason=str(task.detail.get("call_reason") or f"follow-up: phone added {_day(today)}"),
    )


# -- outcomes and what follows them ---------------------------------------------------


def unanswered_streak(history: Sequence[CallRecord]) -> int:
    """Voicemails and no-answers in a row at the end of ``history`` (oldest first)."""
    count = 0
    for call in reversed(history):
        if call.outcome not in UNANSWERED:
            break
        count += 1
    return count


def next_step(
    outcome: str,
    *,
    today: date,
    attempt: int,
    history: Sequence[CallRecord],
    schedule: Schedule,
    calendar: BusinessCalendar,
    callback: date | None = None,
) -> NextStep:
    """The next step after a call with ``outcome`` (``history`` excludes this call).

    Due dates here are the earliest day; ``log_call`` places them under the daily cap,
    except an agreed callback, which keeps its day.
    """
    if outcome == Outcome.REACHED:
        talks = sum(1 for c in history if c.outcome == Outcome.REACHED) + 1
        asked = today + timedelta(days=schedule.call_every_days)
        gift = SUGGEST_GIFT if talks == 2 else ""
        return NextStep(
            outcome,
            calendar.on_or_after(asked),
            1,
            f"keeping in touch: you spoke on {_day(today)}",
            gift,
            message=f"keep in touch at the {schedule.call_every_days}-day cadence: next call",
            asked=asked,
        )
    if outcome in UNANSWERED:
        streak = unanswered_streak(history) + 1
        if streak >= schedule.max_unanswered:
            asked = today + timedelta(days=schedule.call_every_days)
            note = SUGGEST_NOTE.format(n=streak)
            return NextStep(
                outcome,
                calendar.on_or_after(asked),
                1,
                f"new round after {streak} unanswered calls",
                note,
                message=f"{streak} calls unanswered in a row; a new round at the "
                f"{schedule.call_every_days}-day cadence: next call",
                asked=asked,
            )
        due = calendar.add_business_days(today, schedule.retry_after_days)
        return NextStep(
            outcome,
            due,
            attempt + 1,
            f"retry after {outcome} on {_day(today)}",
            message="retry",
        )
    if outcome == Outcome.GATEKEEPER:
        if callback is not None:
            due = calendar.on_or_after(callback)
            return NextStep(
                outcome,
                due,
                attempt + 1,
                f"call back as agreed for {_day(callback)}",
                exact=True,
                message="call back as agreed",
                moved=skipped_days(calendar, callback, due, agreed=True),
                asked=callback,
            )
        due = calendar.add_business_days(today, schedule.retry_after_days)
        return NextStep(
            outcome,
            due,
            attempt + 1,
            f"call back: an assistant answered on {_day(today)}",
            message="call back",
        )
    if outcome == Outcome.MEETING:
        return after_meeting(today)
    if outcome == Outcome.DECLINED:
        return NextStep(
            outcome,
            status=ProspectStatus.DECLINED,
            cancel=Cancel.ALL,
            message="declined: no more calls or letters unless you `campaign reopen` it",
        )
    if outcome == Outcome.HIRED:
        return NextStep(
            outcome,
            status=ProspectStatus.HIRED,
            cancel=Cancel.ALL,
            message="hired: congratulations, the campaign did its job; "
            "everything outstanding for this prospect is cancelled",
        )
    if outcome == Outcome.OFFER:
        return NextStep(
            outcome,
            status=ProspectStatus.OFFER,
            cancel=Cancel.ALL,
            message="an offer: every open task for this company and its interviewers is closed",
        )
    known = ", ".join(Outcome)
    raise InputError(f"{arg('outcome')} {outcome!r} is not an outcome (one of {known})")


def after_meeting(today: date) -> NextStep:
    """A meeting was agreed: prospecting stops and the interview follow-up takes over.

    The hook the interview stage extends: ``campaign meeting`` records the meeting
    itself and schedules its thank-yous and status calls.
    """
    return NextStep(
        Outcome.MEETING,
        status=ProspectStatus.INTERVIEW,
        cancel=Cancel.CALLS,
        message="a meeting is agreed: prospecting calls stop",
    )


def _day(day: date) -> str:
    return f"{day.day} {day:%b}"


def _weekday(day: date) -> str:
    return f"{day:%a %d %b}"


def skipped_days(calendar: BusinessCalendar, asked: date, due: date, agreed: bool = False) -> str:
    """Why a call asked for ``asked`` falls on ``due``: every day it skipped, and why.

    ``"Sat 16 Jan and Sun 17 Jan are the weekend, Mon 18 Jan is Martin Luther King Jr.
    Day"``; a business day skipped was full (``calls_per_day``). ``agreed``: ``asked``
    is the day the call was agreed for, and says so. "" when nothing was skipped.
    """
    groups: list[tuple[str, list[date]]] = []
    day = asked
    while day < due:
        why = calendar.holiday_name(day) or ("weekend" if day.weekday() >= 5 else "full")
        if groups and groups[-1][0] == why and groups[-1][1][-1] == day - timedelta(days=1):
            groups[-1][1].append(day)
        else:
            groups.append((why, [day]))
        day += timedelta(days=1)
    parts = []
    for why, days in groups:
        named = [_weekday(d) for d in days]
        if agreed and days[0] == asked:
            named[0] += ", the day agreed,"
        if why == "weekend":
            said = "is a weekend day" if len(days) == 1 else "are the weekend"
        elif why == "full":
            said = "is full" if len(days) == 1 else "are full"
        else:
            said = f"is {why}" if len(days) == 1 else f"are {why}"
        parts.append(f"{listed(named)} {said}")
    return ", ".join(parts)


def check_in_play(prospect: Prospect, outcome: str | None = None) -> None:
    """InputError when the prospect's follow-up is over, so nothing more may be recorded.

    ``outcome`` is the call being logged: an offer still takes its answer (hired, declined).
    """
    pid, company, status = prospect.id, prospect.company, prospect.status
    if status == ProspectStatus.OFFER:
        if outcome in AFTER_OFFER:
            return
        raise InputError(
            f"prospect {pid} ({company}) made an offer; record how it ends with "
            f"`campaign log {pid} {arg('outcome')} hired` (or `{arg('outcome')} declined`)"
        )
    if status == ProspectStatus.HIRED:
        raise InputError(f"prospect {pid} ({company}) is hired; its follow-up is over")
    if status in FINISHED_STATUSES:
        raise InputError(
            f"prospect {pid} ({company}) is {status}; "
            f"`campaign reopen {pid}` first if you are in touch again"
        )


# -- logging a call ------------------------------------------------------------------------


def log_call(
    store: Store,
    settings: Settings,
    today: date,
    prospect_id: int,
    outcome: str,
    *,
    note: str = "",
    gatekeeper: str = "",
    callback: date | None = None,
    referred: Sequence[str] = (),
    respond_by: date | None = None,
) -> Logged:
    """Record a call's outcome and schedule what follows, in one unit of work.

    The prospect's follow-up is one task that moves: rescheduling updates its due day
    and bumps its SEQUENCE, so its calendar event keeps one UID. Each ``referred``
    ("Name, Company") becomes a priority-1 prospect (or links a known one) referred by
    the hiring authority, who becomes a networking contact. An offer may bring the day
    to answer it by (``respond_by``); a hire winds the campaign down (``winddown``).
    """
    pairs = check_referred(outcome, referred)
    prospect = store.get_prospect(prospect_id)
    check_in_play(prospect, outcome)
    check_respond_by(respond_by, outcome == Outcome.OFFER, today)
    if callback is not None and callback < today:
        raise InputError(
            f"{arg('callback')} {callback.isoformat()} is in the past "
            f"(today is {today.isoformat()})"
        )
    if callback is not None and outcome != Outcome.GATEKEEPER:
        raise InputError(
            f"{arg('callback')} goes with {arg('outcome')} gatekeeper (a time the assistant gave)"
        )
    history = store.call_history(prospect_id)
    task = store.open_call(prospect_id)
    attempt = task.attempt if task else (history[-1].attempt + 1 if history else 1)
    calendar = BusinessCalendar(settings.country)
    step = next_step(
        outcome,
        today=today,
        attempt=attempt,
        history=history,
        schedule=settings.schedule,
        calendar=calendar,
        callback=callback,
    )
    if (
        prospect.status == ProspectStatus.INTERVIEW
        and step.status is None
        and not (task and task.kind != TaskKind.CALL)
    ):
        # The interview follow-up has its own calls: no prospecting call comes back.
        # (An open status call is rescheduled like any call: every call_every_days.)
        step = replace(step, due=None, message="recorded; the interview follow-up goes on")
    referral = plan_referral(prospect, pairs, settings, today) if pairs else None
    if referral is not None and _self_referral(prospect, referral):
        raise InputError(
            f"{arg('referred')} names {prospect.contact} of {prospect.company}, the person you "
            "called: a referral is someone else"
        )
    note, gatekeeper = " ".join(note.split()), " ".join(gatekeeper.split())
    with store.transaction() as tx:
        task = tx.open_call(prospect_id)
        call = tx.insert_call(
            prospect_id,
            today,
            attempt=attempt,
            outcome=outcome,
            note=note,
            gatekeeper=gatekeeper,
            callback=callback,
            task_id=task.id if task else None,
        )
        changes: dict[str, Any] = {}
        if gatekeeper:
            changes["gatekeeper"] = gatekeeper
        if step.status is not None:
            changes["status"] = str(step.status)
        if changes:
            tx.update_prospect(prospect_id, updated_on=today, **changes)
        why = f"{outcome} on {today.isoformat()}"
        if prospect.status == ProspectStatus.OFFER:
            for answer in tx.prospect_tasks(prospect_id, (TaskKind.ANSWER_OFFER,), True):
                tx.close_task(answer.id, TaskState.DONE, today, f"answered: {outcome}")
        if step.cancel:
            kinds = (TaskKind.CALL,) if step.cancel == Cancel.CALLS else None
            tx.cancel_open_tasks(prospect_id, today, why, kinds)
            task = None
        if respond_by is not None:
            offer_deadline(tx, prospect, respond_by, today)
        wound = wind_down(tx, settings, prospect, today) if outcome == Outcome.HIRED else None
        nxt = _next_call(tx, settings, calendar, today, prospect_id, task, step, note)
        start = step.asked or step.due
        if nxt is not None and start is not None and not step.moved and nxt.due != start:
            step = replace(step, moved=skipped_days(calendar, start, nxt.due))
        if nxt is None and task is not None:
            # No further prospecting call (e.g. an interview is under way): this one is done.
            tx.close_task(task.id, TaskState.DONE, today, why)
        done = save_referral(tx, settings, referral, today) if referral is not None else None
    return Logged(call, step, nxt, done, wound)


def check_respond_by(respond_by: date | None, offered: bool, today: date) -> None:
    """InputError unless a ``respond_by`` day goes with an offer and is still to come."""
    if respond_by is None:
        return
    if not offered:
        raise InputError(
            f"{arg('respond_by')} goes with an offer (the day you must answer it by): "
            f"{arg('outcome')} offer, or {arg('decision')} offer"
        )
    if respond_by < today:
        raise InputError(
            f"{arg('respond_by')} {respond_by.isoformat()} is in the past "
            f"(today is {today.isoformat()})"
        )


def offer_deadline(tx: Transaction, prospect: Prospect, respond_by: date, today: date) -> Task:
    """The day an offer must be answered by, on the agenda (answered with a logged outcome)."""
    return tx.insert_task(
        kind=TaskKind.ANSWER_OFFER,
        due=respond_by,
        today=today,
        prospect_id=prospect.id,
        reason=f"answer {prospect.company}'s offer by {_weekday(respond_by)}",
        detail={"respond_by": respond_by.isoformat()},
    )


def _next_call(
    tx: Transaction,
    settings: Settings,
    calendar: BusinessCalendar,
    today: date,
    prospect_id: int,
    task: Task | None,
    step: NextStep,
    note: str,
) -> Task | None:
    """The step's call written: the open one moved, or a new one; None if the step has none."""
    if step.due is None:
        return None
    if step.exact:
        due = step.due
    else:
        load = CallLoad.read(tx, calendar, settings.schedule.calls_per_day, step.due)
        due = load.book(step.due, skip=task.due if task is not None else None)
    detail = {"suggest": step.suggestion} if step.suggestion else {}
    if task is not None:
        return tx.move_task(
            task.id, due, attempt=step.attempt, reason=step.reason, note=note, detail=detail
        )
    return tx.insert_task(
        kind=TaskKind.CALL,
        due=due,
        today=today,
        prospect_id=prospect_id,
        attempt=step.attempt,
        reason=step.reason,
        detail=detail,
    )


# -- referrals heard on a call ---------------------------------------------------------------


def check_referred(outcome: str | None, referred: Sequence[str]) -> list[tuple[str, str]]:
    """Each referral ``"Name, Company"`` as (name, company); InputError if misused."""
    if referred and outcome not in REFERRAL_OUTCOMES:
        raise InputError(
            f"{arg('referred')} goes with {arg('outcome')} reached or meeting "
            "(the person you spoke to gave you a name)"
        )
    pairs: list[tuple[str, str]] = []
    for text in referred:
        name, comma, company = text.partition(",")
        name, company = " ".join(name.split()), " ".join(company.split())
        if not (comma and name and company):
            raise InputError(f'{arg("referred")} {text!r}: write it as "Name, Company"')
        if is_department(name):
            raise InputError(
                f"{arg('referred')} {text!r}: {name!r} is a department, not a person; "
                "ask for the name of the person who can hire you"
            )
        if (name_key(name), name_key(company)) not in {
            (name_key(n), name_key(c)) for n, c in pairs
        }:
            pairs.append((name, company))  # the same name given twice is one referral
    return pairs


def plan_referral(
    prospect: Prospect, pairs: Sequence[tuple[str, str]], settings: Settings, today: date
) -> ReferralPlan:
    """The hiring authority of ``prospect`` referred you to each (name, company)."""
    records = []
    for name, company in pairs:
        parts = parse_name(name)
        record = {"company": company, "contact": name, **parts, "priority": REFERRAL_PRIORITY}
        records.append({**record, "identity": identity(record)})
    referrer = {
        "name": prospect.contact,
        "company": prospect.company,
        "phone": prospect.phone,
        "email": prospect.email,
        "prospect_id": prospect.id,
        "honorific": prospect.honorific,
        "first_name": prospect.first_name,
        "last_name": prospect.last_name,
        "title": prospect.title,
        "notes": f"hiring authority at {prospect.company}; gave a referral on {_day(today)}",
    }
    return ReferralPlan(
        referrer,
        records,
        today + timedelta(days=settings.schedule.contact_every_days),
        CATCH_UP,
        f"referred on a call to prospect {prospect.id}",
    )


def _self_referral(prospect: Prospect, plan: ReferralPlan) -> bool:
    own = person_key(prospect.company, prospect.contact, prospect.first_name, prospect.last_name)
    return any(record["identity"] == own for record in plan.prospects)


def save_referral(tx: Transaction, settings: Settings, plan: ReferralPlan, today: date) -> Referred:
    """Find or create the networking contact who referred; add (or link) each prospect.

    A person already known (their prospect, or their name at their company) keeps one
    contact row; a prospect already known by import's identity rules is linked, not
    doubled; the first to name a prospect keeps the credit (and hears what became of it).
    """
    who = plan.referrer
    known = sorted(tx.list_contacts(ContactKind.NETWORK), key=lambda c: c.id)
    found = next(
        (
            c
            for c in known
            if c.prospect_id == who["prospect_id"]
            or same_contact({"name": c.name, "company": c.company, "email": c.email}, who)
        ),
        None,
    )
    if found is None:
        contact = tx.insert_contact(ContactKind.NETWORK, today, **who)
        load = call_load(tx, settings, plan.first_call)
        tx.insert_task(
            kind=TaskKind.CONTACT_CALL,
            due=load.book(plan.first_call),
            today=today,
            contact_id=contact.id,
            reason=plan.reason,
        )
    else:
        contact = found
    given: list[tuple[int, bool]] = []
    for record in plan.prospects:
        prospect_id = find_known(tx, record)
        is_new = prospect_id is None
        if prospect_id is None:
            prospect_id = store_records(tx, [record], plan.source, today).new[0]
        if tx.get_prospect(prospect_id).referred_by is None:
            tx.update_prospect(prospect_id, referred_by=contact.id, updated_on=today)
        given.append((prospect_id, is_new))
    return Referred(contact, found is None, given)


# -- what the inbox heard ------------------------------------------------------------------


def answer_reason(written_on: date) -> str:
    """``answer their email of 3 Dec``: what the follow-up call becomes after a reply."""
    return f"answer their email of {_day(written_on)}"


def answer_email(
    tx: Transaction, prospect_id: int, written_on: date, today: date, about: dict[str, Any]
) -> Task:
    """A reply stops the automatic prospecting: the open call becomes "answer their email".

    It is due today whatever the day's load (the email waits), goes first on every list
    (``Task.answering``), and keeps its calendar UID. Nothing is decided for the job
    seeker: `campaign log` records what came of it, and the cadence goes on from there.
    """
    reason = answer_reason(written_on)
    task = tx.open_call(prospect_id)
    if task is None:
        return tx.insert_task(
            kind=TaskKind.CALL,
            due=today,
            today=today,
            prospect_id=prospect_id,
            reason=reason,
            detail={ANSWER: about},
        )
    return tx.move_task(task.id, today, reason=reason, detail={**task.detail, ANSWER: about})


def wait_for_return(
    tx: Transaction, settings: Settings, task: Task, back: date, why: str
) -> Task | None:
    """An out-of-office says they are back on ``back``: the call moves after it, saying why.

    The first business day after ``back`` with room under ``calls_per_day``; None when
    the call already falls later (nothing to move) or waits for an answer to their email.
    """
    calendar = BusinessCalendar(settings.country)
    earliest = calendar.after(back)
    if task.answering or task.due >= earliest:
        return None
    load = CallLoad.read(tx, calendar, settings.schedule.calls_per_day, earliest)
    due = load.book(earliest, skip=task.due)
    base = task.reason.split(AWAY)[0]
    detail = {**task.detail, "away_until": back.isoformat()}
    return tx.move_task(task.id, due, reason=f"{base}{AWAY}{why}", detail=detail)


def drop_call_of(tx: Transaction, send: Send, today: date, why: str) -> Task | None:
    """The open call a letter brought, cancelled: the letter never arrived (it bounced)."""
    task = tx.open_call(send.prospect_id)
    if task is None or task.send_id != send.id or task.kind != TaskKind.CALL:
        return None
    tx.close_task(task.id, TaskState.CANCELLED, today, why)
    return task


# -- reopening ------------------------------------------------------------------------------


def reopen(store: Store, settings: Settings, today: date, prospect_id: int) -> Task:
    """Make a declined (or closed) prospect active again; its last follow-up comes back.

    The last prospecting call task is opened again on the next business day with room
    (same calendar UID), or a new one is made if there never was one; without a phone
    number, a task to find one comes instead. Reopening the prospect that hired you
    undoes the hire: the campaign resumes (``resume``) and they are a prospect again.
    """
    prospect = store.get_prospect(prospect_id)
    if prospect.status == ProspectStatus.ACTIVE:
        raise InputError(f"prospect {prospect_id} ({prospect.company}) is already active")
    if prospect.status not in (*REOPENABLE_STATUSES, ProspectStatus.HIRED):
        # An interview (or an offer) has its own follow-up; a prospecting call would double it.
        stage: dict[str, str] = {
            ProspectStatus.INTERVIEW: "in the interview stage",
            ProspectStatus.OFFER: "at the offer stage",
        }
        raise InputError(
            f"prospect {prospect_id} ({prospect.company}) is "
            f"{stage.get(prospect.status, prospect.status)}; only a declined, closed "
            f"or hired prospect can be reopened"
        )
    wound = store.current_wind_down()
    if prospect.status == ProspectStatus.HIRED and wound and wound.prospect_id == prospect_id:
        resume(store, settings, today)
    calendar = BusinessCalendar(settings.country)
    reason = f"reopened on {_day(today)}: you are in touch again"
    with store.transaction() as tx:
        tx.update_prospect(prospect_id, status=str(ProspectStatus.ACTIVE), updated_on=today)
        last = tx.last_task(prospect_id, TaskKind.CALL)
        if last is not None and last.state == TaskState.OPEN:
            return last
        earliest = calendar.after(today)
        if not prospect.phone.strip():
            return need_phone(tx, prospect, today, earliest, reason)
        due = call_load(tx, settings, earliest).book(earliest)
        if last is not None:
            return tx.move_task(
                last.id,
                due,
                state=str(TaskState.OPEN),
                attempt=1,
                reason=reason,
                closed_on=None,
                detail={},
            )
        return tx.insert_task(
            kind=TaskKind.CALL, due=due, today=today, prospect_id=prospect_id, reason=reason
        )


# -- resuming after a hire falls through ---------------------------------------------------

# Reopened by a resume on a day with room under the daily cap, as every call is.
_PLACED_AGAIN = (*CALL_KINDS, TaskKind.CONTACT_CALL)


def resume(store: Store, settings: Settings, today: date) -> Resumed:
    """Undo the wind-down: the search goes on as it stood before the hire.

    Every prospect the wind-down closed gets its status back, except one you have since
    withdrawn from (its withdrawal is done); the tasks it cancelled are open again (calls
    on the first day from today with room, the rest on their day or today); the
    withdrawals and thank-yous not yet done are cancelled. The prospect that hired you
    is closed (``reopen`` it if you are still in touch).
    """
    wound = store.current_wind_down()
    if wound is None:
        raise InputError("the campaign is not wound down (no hire is recorded): nothing to resume")
    why = f"resumed on {_day(today)}: the search goes on"
    with store.transaction() as tx:
        made = tx.tasks_by_id(list(wound.made))
        withdrawn = {
            t.prospect_id for t in made if t.kind == TaskKind.WITHDRAW and t.state == TaskState.DONE
        }
        restored = 0
        for prospect_id, status in wound.statuses.items():
            if prospect_id in withdrawn:
                continue
            if tx.get_prospect(prospect_id).status == ProspectStatus.CLOSED:
                tx.update_prospect(prospect_id, status=status, updated_on=today)
                restored += 1
        hired = tx.get_prospect(wound.prospect_id)
        if hired.status == ProspectStatus.HIRED:
            tx.update_prospect(
                wound.prospect_id, status=str(ProspectStatus.CLOSED), updated_on=today
            )
        load = call_load(tx, settings, today)
        reopened = 0
        for task in tx.tasks_by_id(list(wound.tasks)):
            if task.state != TaskState.CANCELLED or task.closed_on != wound.hired_on:
                continue
            if task.prospect_id is not None and (
                task.prospect_id in withdrawn or task.prospect_id == wound.prospect_id
            ):
                continue
            earliest = max(task.due, today)
            due = load.book(earliest) if task.kind in _PLACED_AGAIN else earliest
            tx.move_task(task.id, due, state=str(TaskState.OPEN), closed_on=None, note="")
            reopened += 1
        cancelled = tx.cancel_tasks([t.id for t in made if t.state == TaskState.OPEN], today, why)
        tx.mark_resumed(wound.id, today)
    return Resumed(wound, restored, reopened, cancelled, sorted(p for p in withdrawn if p))
