"""Follow-up scheduling: when each call falls, and what comes after each outcome.

The rules of the follow-up live here and nowhere else:

* a call falls on a business day with room under ``calls_per_day`` (``CallLoad.place``);
* every send schedules a first call (``schedule_first_call``), and a prospect has at most
  one open follow-up call: a second letter keeps the booked call, or moves it to the day
  the letter promises;
* each outcome leads to its next step (``next_step``), written with the call in one unit
  of work (``log_call``); a referral heard on a call adds the prospects and the contact
  who gave them, and the first to refer a prospect keeps the credit;
* a declined or closed prospect can be reopened (``reopen``).
"""

from __future__ import annotations

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
    Send,
    Task,
    TaskKind,
    TaskState,
)
from campaign.people import identity, is_department, name_key, parse_name, person_key, same_contact
from campaign.store import Store, Transaction

# How far ahead a call may be pushed by full days; a year is far beyond any real load.
LOAD_HORIZON = timedelta(days=366)
REFERRAL_PRIORITY = 1  # a referral is the warmest lead: it goes in the next wave
CATCH_UP = "catch-up: news of the search and of any referral"

SUGGEST_NOTE = "send a short note instead of chasing: {n} calls went unanswered"
SUGGEST_GIFT = "before this call, send an information gift (an article) with a short note"


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
    if booked is not None:
        if promised is None or booked.due >= promised:
            return None
        tx.move_task(booked.id, promised, send_id=send.id, reason=reason)
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
        due = calendar.due_after(today, schedule.call_every_days)
        gift = SUGGEST_GIFT if talks == 2 else ""
        return NextStep(
            outcome,
            due,
            1,
            f"keeping in touch: you spoke on {_day(today)}",
            gift,
            message=f"keep in touch at the {schedule.call_every_days}-day cadence: next call",
        )
    if outcome in UNANSWERED:
        streak = unanswered_streak(history) + 1
        if streak >= schedule.max_unanswered:
            due = calendar.due_after(today, schedule.call_every_days)
            note = SUGGEST_NOTE.format(n=streak)
            return NextStep(
                outcome,
                due,
                1,
                f"new round after {streak} unanswered calls",
                note,
                message=f"{streak} calls unanswered in a row; a new round at the "
                f"{schedule.call_every_days}-day cadence: next call",
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
                f"call back as agreed on {_day(today)}",
                exact=True,
                message="call back as agreed",
                moved=""
                if due == callback
                else f"{callback:%a %d %b}, the day agreed, is "
                f"{calendar.holiday_name(callback) or 'a weekend'}",
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
) -> Logged:
    """Record a call's outcome and schedule what follows, in one unit of work.

    The prospect's follow-up is one task that moves: rescheduling updates its due day
    and bumps its SEQUENCE, so its calendar event keeps one UID. Each ``referred``
    ("Name, Company") becomes a priority-1 prospect (or links a known one) referred by
    the hiring authority, who becomes a networking contact.
    """
    pairs = check_referred(outcome, referred)
    prospect = store.get_prospect(prospect_id)
    check_in_play(prospect, outcome)
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
        if step.cancel:
            kinds = (TaskKind.CALL,) if step.cancel == Cancel.CALLS else None
            tx.cancel_open_tasks(prospect_id, today, why, kinds)
            task = None
        nxt = _next_call(tx, settings, calendar, today, prospect_id, task, step, note)
        if nxt is None and task is not None:
            # No further prospecting call (e.g. an interview is under way): this one is done.
            tx.close_task(task.id, TaskState.DONE, today, why)
        done = save_referral(tx, settings, referral, today) if referral is not None else None
    return Logged(call, step, nxt, done)


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


# -- reopening ------------------------------------------------------------------------------


def reopen(store: Store, settings: Settings, today: date, prospect_id: int) -> Task:
    """Make a declined (or closed) prospect active again; its last follow-up comes back.

    The last prospecting call task is opened again on the next business day with room
    (same calendar UID), or a new one is made if there never was one.
    """
    prospect = store.get_prospect(prospect_id)
    if prospect.status == ProspectStatus.ACTIVE:
        raise InputError(f"prospect {prospect_id} ({prospect.company}) is already active")
    if prospect.status not in REOPENABLE_STATUSES:
        # An interview (or an offer) has its own follow-up; a prospecting call would double it.
        stage: dict[str, str] = {
            ProspectStatus.INTERVIEW: "in the interview stage",
            ProspectStatus.OFFER: "at the offer stage",
        }
        raise InputError(
            f"prospect {prospect_id} ({prospect.company}) is "
            f"{stage.get(prospect.status, prospect.status)}; only a declined "
            f"or closed prospect can be reopened"
        )
    calendar = BusinessCalendar(settings.country)
    reason = f"reopened on {_day(today)}: you are in touch again"
    with store.transaction() as tx:
        tx.update_prospect(prospect_id, status=str(ProspectStatus.ACTIVE), updated_on=today)
        last = tx.last_task(prospect_id, TaskKind.CALL)
        if last is not None and last.state == TaskState.OPEN:
            return last
        earliest = calendar.after(today)
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
