"""Follow-up scheduling: when each call falls, and what comes after each outcome."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import date, timedelta
from typing import TYPE_CHECKING, Any

from campaign.clock import BusinessCalendar
from campaign.config import Schedule, Settings
from campaign.errors import InputError
from campaign.models import (
    ACTIVE,
    DECLINED,
    FINISHED_STATUSES,
    HIRED,
    INTERVIEW,
    POST,
    REOPENABLE_STATUSES,
    CallRecord,
    Task,
)
from campaign.models import OFFER as OFFER_STATUS

if TYPE_CHECKING:
    from campaign.models import Prospect
    from campaign.store import Store
    from campaign.store.meetings import Referred


def place_call(
    calendar: BusinessCalendar, earliest: date, load: Mapping[date, int], per_day: int
) -> date:
    """The first business day on or after ``earliest`` with room for one more call."""
    day = calendar.on_or_after(earliest)
    while load.get(day, 0) >= per_day:
        day = calendar.after(day)
    return day


def first_call_earliest(channel: str, sent_on: date, schedule: Schedule) -> date:
    """The day a send's first call is due before business days and the daily cap apply."""
    days = schedule.first_call_after_days + (schedule.postal_days if channel == POST else 0)
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
    days = dict(load)
    promised: dict[int, date] = {}
    for prospect_id, channel in sends:
        earliest = first_call_earliest(channel, sent_on, schedule)
        due = place_call(calendar, earliest, days, schedule.calls_per_day)
        days[due] = days.get(due, 0) + 1
        promised[prospect_id] = due
    return promised


def first_call_reason(letter: str, channel: str, sent_on: date) -> str:
    """Why the call is on the sheet, e.g. ``marketing letter mailed 16 Nov``."""
    verb = "mailed" if channel == POST else "emailed"
    return f"{letter} letter {verb} {sent_on.day} {sent_on:%b}"


# -- outcomes and what follows them ---------------------------------------------------

REACHED = "reached"
VOICEMAIL = "voicemail"
NO_ANSWER = "no-answer"
GATEKEEPER = "gatekeeper"
MEETING = "meeting"
DECLINED_OUTCOME = "declined"
HIRED_OUTCOME = "hired"
OFFER = "offer"  # interview stage: an offer closes everything for that company
OUTCOMES = (
    REACHED,
    VOICEMAIL,
    NO_ANSWER,
    GATEKEEPER,
    MEETING,
    DECLINED_OUTCOME,
    HIRED_OUTCOME,
    OFFER,
)
UNANSWERED = (VOICEMAIL, NO_ANSWER)

SUGGEST_NOTE = "send a short note instead of chasing: {n} calls went unanswered"
SUGGEST_GIFT = "before this call, send an information gift (an article) with a short note"


@dataclass(frozen=True)
class NextStep:
    """What a call's outcome leads to: a next call (or none), a new status, a suggestion."""

    outcome: str
    due: date | None = None  # the next call's day; None: no more prospecting calls
    attempt: int = 1
    reason: str = ""
    suggestion: str = ""
    status: str | None = None  # the prospect's new status, when it changes
    cancel: str = ""  # "calls": open prospecting calls go; "all": every open task goes
    exact: bool = False  # an agreed callback: the day holds even over the daily cap
    message: str = ""
    moved: str = ""  # why the call is not on the day asked for ("Sat 12 Dec ... is a weekend")


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

    Due dates here are the earliest day; the store places them under the daily cap,
    except an agreed callback, which keeps its day.
    """
    if outcome == REACHED:
        talks = sum(1 for c in history if c.outcome == REACHED) + 1
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
    if outcome == GATEKEEPER:
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
    if outcome == MEETING:
        return after_meeting(today)
    if outcome == DECLINED_OUTCOME:
        return NextStep(
            outcome,
            status=DECLINED,
            cancel="all",
            message="declined: no more calls or letters unless you `campaign reopen` it",
        )
    if outcome == HIRED_OUTCOME:
        return NextStep(
            outcome,
            status=HIRED,
            cancel="all",
            message="hired: congratulations, the campaign did its job; "
            "everything outstanding for this prospect is cancelled",
        )
    if outcome == OFFER:
        return NextStep(
            outcome,
            status=OFFER_STATUS,
            cancel="all",
            message="an offer: every open task for this company and its interviewers is closed",
        )
    raise InputError(f"{outcome!r} is not an outcome (one of {', '.join(OUTCOMES)})")


def after_meeting(today: date) -> NextStep:
    """A meeting was agreed: prospecting stops and the interview follow-up takes over.

    The hook the interview stage extends: ``campaign meeting`` records the meeting
    itself and schedules its thank-yous and status calls.
    """
    return NextStep(
        MEETING,
        status=INTERVIEW,
        cancel="calls",
        message="a meeting is agreed: prospecting calls stop",
    )


def _day(day: date) -> str:
    return f"{day.day} {day:%b}"


# -- the commands' core -----------------------------------------------------------------


@dataclass(frozen=True)
class Logged:
    """A logged call and the step it scheduled."""

    call: CallRecord
    step: NextStep
    task: Task | None  # the follow-up call now open, if any
    referred: Referred | None = None  # what --referred wrote, if given


# -- referrals heard on a call ------------------------------------------------------------

REFERRAL_OUTCOMES = (REACHED, MEETING)  # the hiring authority spoke to you and gave a name
REFERRAL_PRIORITY = 1  # a referral is the warmest lead: it goes in the next wave


@dataclass(frozen=True)
class ReferralPlan:
    """What to write for ``--referred``: the contact who gave it and the prospects given."""

    referrer: dict[str, Any]  # the networking contact's fields (the hiring authority)
    prospects: list[dict[str, Any]]  # records as import makes them, without a way to reach
    first_call: date  # the new contact's first catch-up call, before the daily cap
    reason: str
    source: str  # the new prospects' source_file


def _self_referral(prospect: Prospect, plan: ReferralPlan) -> bool:
    from campaign.store.prospects import person_key

    own = person_key(prospect.company, prospect.contact, prospect.first_name, prospect.last_name)
    return any(record["identity"] == own for record in plan.prospects)


def check_referred(outcome: str | None, referred: Sequence[str]) -> list[tuple[str, str]]:
    """Each ``--referred "Name, Company"`` as (name, company); InputError if misused."""
    if referred and outcome not in REFERRAL_OUTCOMES:
        raise InputError(
            "--referred goes with --outcome reached or meeting "
            "(the person you spoke to gave you a name)"
        )
    pairs: list[tuple[str, str]] = []
    for text in referred:
        name, comma, company = text.partition(",")
        name, company = " ".join(name.split()), " ".join(company.split())
        if not (comma and name and company):
            raise InputError(f'--referred {text!r}: write it as "Name, Company"')
        from campaign.intake import NOT_A_PERSON, header_key

        if header_key(name) in NOT_A_PERSON:
            raise InputError(
                f"--referred {text!r}: {name!r} is a department, not a person; "
                "ask for the name of the person who can hire you"
            )
        if (name.casefold(), company.casefold()) not in {
            (n.casefold(), c.casefold()) for n, c in pairs
        }:
            pairs.append((name, company))  # the same name given twice is one referral
    return pairs


def plan_referral(
    prospect: Prospect, pairs: Sequence[tuple[str, str]], settings: Settings, today: date
) -> ReferralPlan:
    """The hiring authority of ``prospect`` referred you to each (name, company)."""
    from campaign.intake import parse_name
    from campaign.store.prospects import person_key

    records = []
    for name, company in pairs:
        parts = parse_name(name)
        records.append(
            {
                "company": company,
                "contact": name,
                **parts,
                "priority": REFERRAL_PRIORITY,
                "identity": person_key(company, name, parts["first_name"], parts["last_name"]),
            }
        )
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
        "catch-up: news of the search and of any referral",
        f"referred on a call to prospect {prospect.id}",
    )


# An offer is not the end until it is accepted (hired) or falls through (declined).
AFTER_OFFER = (HIRED_OUTCOME, DECLINED_OUTCOME)


def check_in_play(prospect: Prospect, outcome: str | None = None) -> None:
    """InputError when the prospect's follow-up is over, so nothing more may be recorded.

    ``outcome`` is the call being logged: an offer still takes its answer (hired, declined).
    """
    pid, company, status = prospect.id, prospect.company, prospect.status
    if status == OFFER_STATUS:
        if outcome in AFTER_OFFER:
            return
        raise InputError(
            f"prospect {pid} ({company}) made an offer; record how it ends with "
            f"`campaign log {pid} --outcome hired` (or `--outcome declined`)"
        )
    if status == HIRED:
        raise InputError(f"prospect {pid} ({company}) is hired; its follow-up is over")
    if status in FINISHED_STATUSES:
        raise InputError(
            f"prospect {pid} ({company}) is {status}; "
            f"`campaign reopen {pid}` first if you are in touch again"
        )


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
    """Record a call's outcome and schedule what follows, in one transaction.

    Each ``referred`` ("Name, Company") becomes a priority-1 prospect (or links a known
    one) referred by the hiring authority, who becomes a networking contact; in the
    same transaction as the call.
    """
    pairs = check_referred(outcome, referred)
    prospect = store.get_prospect(prospect_id)
    check_in_play(prospect, outcome)
    if callback is not None and callback < today:
        raise InputError(
            f"--callback {callback.isoformat()} is in the past (today is {today.isoformat()})"
        )
    if callback is not None and outcome != GATEKEEPER:
        raise InputError("--callback goes with --outcome gatekeeper (a time the assistant gave)")
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
    if prospect.status == INTERVIEW and step.status is None and not (task and task.kind != "call"):
        # The interview follow-up has its own calls: no prospecting call comes back.
        # (An open status call is rescheduled like any call: every call_every_days.)
        step = replace(step, due=None, message="recorded; the interview follow-up goes on")
    per_day = settings.schedule.calls_per_day

    def place(earliest: date, load: Mapping[date, int]) -> date:
        return place_call(calendar, earliest, load, per_day)

    referral = plan_referral(prospect, pairs, settings, today) if pairs else None
    if referral is not None and _self_referral(prospect, referral):
        raise InputError(
            f"--referred names {prospect.contact} of {prospect.company}, the person you "
            "called: a referral is someone else"
        )
    call, nxt, done = store.record_call(
        prospect_id,
        today,
        attempt=attempt,
        outcome=outcome,
        note=" ".join(note.split()),
        gatekeeper=" ".join(gatekeeper.split()),
        callback=callback,
        step=step,
        place=place,
        referral=referral,
    )
    return Logged(call, step, nxt, done)


def reopen(store: Store, settings: Settings, today: date, prospect_id: int) -> Task:
    """Make a declined (or closed) prospect active again with a first call."""
    prospect = store.get_prospect(prospect_id)
    if prospect.status == ACTIVE:
        raise InputError(f"prospect {prospect_id} ({prospect.company}) is already active")
    if prospect.status not in REOPENABLE_STATUSES:
        # An interview (or an offer) has its own follow-up; a prospecting call would double it.
        stage = {INTERVIEW: "in the interview stage", OFFER_STATUS: "at the offer stage"}
        raise InputError(
            f"prospect {prospect_id} ({prospect.company}) is "
            f"{stage.get(prospect.status, prospect.status)}; only a declined or closed "
            f"prospect can be reopened"
        )
    calendar = BusinessCalendar(settings.country)
    per_day = settings.schedule.calls_per_day
    earliest = calendar.after(today)
    return store.reopen_prospect(
        prospect_id,
        today,
        reason=f"reopened on {_day(today)}: you are in touch again",
        place=lambda first, load: place_call(calendar, first, load, per_day),
        earliest=earliest,
    )
