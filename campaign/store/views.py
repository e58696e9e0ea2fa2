"""The read queries behind status, the call sheet, the agenda and the report: each defined once.

Each view is a SQLAlchemy Core statement with named parameters (``:today``, ``:ids``
...), built by a function registered in ``VIEWS`` under a name. ``campaign.store.reads``
runs them by name through a runner: on the SQLAlchemy side ``CoreViews`` executes these
statements (SQLite and PostgreSQL alike); on a current SQLite file the morning commands
run the same statements as SQLAlchemy compiled them, from ``campaign/store/compiled.py``
(``python -m campaign.store.precompile`` writes it; a test holds it to this file), over
the standard library's sqlite3, so they never pay for importing SQLAlchemy.

A view whose shape depends on a setting (can the campaign email?) is registered once per
shape (``status.waiting.email``, ``.post``, ``.any``): a view has no Python branches.

The conditions the views share (who is reachable, met, offered ...) are defined here once;
the SQLAlchemy primitives that need them too import them from here.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from functools import partial
from typing import Any

from sqlalchemy import (
    Date,
    Integer,
    String,
    and_,
    bindparam,
    case,
    exists,
    func,
    or_,
    select,
    tuple_,
)
from sqlalchemy.sql import Select

from campaign.models import (
    ATTENTION_STATES,
    CALL_KINDS,
    CAP_STATES,
    CONVERSATIONS,
    POSTAL_RULE,
    Channel,
    Outcome,
    ProspectStatus,
    SendState,
    TaskKind,
    TaskState,
)
from campaign.store.prospects import WAVE_ORDER
from campaign.store.schema import (
    calls,
    contacts,
    meetings,
    prospects,
    sends,
    tasks,
    wind_downs,
)

# How many ids an attention item names (the count is always exact).
SAMPLE = 10

View = Callable[[], Select[Any]]
VIEWS: dict[str, View] = {}


def view(name: str) -> Callable[[View], View]:
    """Register the statement-building function as the view ``name``."""

    def register(build: View) -> View:
        VIEWS[name] = build
        return build

    return register


def _values(items: Iterable[Any]) -> list[str]:
    return [str(i) for i in items]


def _day(name: str) -> Any:
    return bindparam(name, type_=Date)


def _one_of(column: Any, values: Iterable[Any]) -> Any:
    """``column`` equal to one of these fixed values (no IN list to expand on every run)."""
    return or_(*(column == str(v) for v in values))


def _ids(name: str = "ids") -> Any:
    return bindparam(name, expanding=True, type_=Integer)


_CALLS = _values(CALL_KINDS)
_OPEN = str(TaskState.OPEN)

# -- status ---------------------------------------------------------------------------


# The conditions below are uncorrelated IN (subquery) tests, not EXISTS per row: the
# database reads each subquery once into a lookup, where a correlated EXISTS scanned the
# meetings (or the call log) again for every prospect: status on 20,000 prospects took
# 10 s that way.


def _logged_task_ids() -> Any:
    return select(calls.c.task_id).where(calls.c.task_id.is_not(None))


def _done_status_call() -> Any:
    """Status calls closed with `campaign done`: done tasks the call log holds no row for."""
    return and_(
        tasks.c.kind == str(TaskKind.STATUS_CALL),
        tasks.c.state == str(TaskState.DONE),
        tasks.c.prospect_id.is_not(None),
        tasks.c.id.not_in(_logged_task_ids()),
    )


def _called(outcomes: Iterable[Any]) -> Any:
    """Prospects with a logged call of one of ``outcomes``."""
    return select(calls.c.prospect_id).where(calls.c.outcome.in_(_values(outcomes)))


def _met(outcome: str | None = None) -> Any:
    """Prospects with a meeting (that ended with ``outcome``, if given)."""
    query = select(meetings.c.prospect_id)
    return query if outcome is None else query.where(meetings.c.outcome == outcome)


def _planned() -> Any:
    """Prospects with a meeting planned on the agenda (a ``meeting`` task, in any state)."""
    return select(tasks.c.prospect_id).where(
        tasks.c.kind == str(TaskKind.MEETING), tasks.c.prospect_id.is_not(None)
    )


def _reached_condition() -> Any:
    """Prospects spoken with: a conversation on a call, or a meeting."""
    return or_(prospects.c.id.in_(_called(CONVERSATIONS)), prospects.c.id.in_(_met()))


def met_condition() -> Any:
    """Prospects met: a meeting recorded, one agreed on a call, or one planned on the agenda."""
    return or_(
        prospects.c.id.in_(_met()),
        prospects.c.id.in_(_called((Outcome.MEETING,))),
        prospects.c.id.in_(_planned()),
    )


def offered_condition() -> Any:
    """Prospects that made an offer (or hired): by status, at a meeting or on a call."""
    return or_(
        prospects.c.status.in_(_values((ProspectStatus.OFFER, ProspectStatus.HIRED))),
        prospects.c.id.in_(_met(str(Outcome.OFFER))),
        prospects.c.id.in_(_called((Outcome.HIRED, Outcome.OFFER))),
    )


def interview_to_come() -> Any:
    """In the interview stage with no meeting recorded yet: a meeting agreed, still to come."""
    return and_(
        prospects.c.status == str(ProspectStatus.INTERVIEW),
        ~exists().where(meetings.c.prospect_id == prospects.c.id),
    )


def has_postal_address() -> Any:
    """SQL for ``Prospect.has_postal_address``: built from the same ``POSTAL_RULE``."""
    return and_(
        *(or_(*(func.trim(prospects.c[name]) != "" for name in group)) for group in POSTAL_RULE)
    )


def needs_address() -> Any:
    """SQL for ``Prospect.needs_address``: no email and no complete postal address."""
    return and_(func.trim(prospects.c.email) == "", ~has_postal_address())


def reachable(can_email: bool) -> Any:
    """A letter can reach them: by email (with [smtp]), or by post (a complete address)."""
    by_post = has_postal_address()
    # An address that bounced is no way to reach them (a corrected one is).
    emailable = and_(prospects.c.email != "", prospects.c.email != prospects.c.undeliverable)
    return or_(emailable, by_post) if can_email else by_post


def untracked_post() -> Any:
    """A printed letter whose pack is no task: no ``post_letter`` task was made its day."""
    return ~exists().where(
        tasks.c.kind == str(TaskKind.POST_LETTER), tasks.c.created_on == sends.c.sent_on
    )


def _letter() -> Any:
    """A letter of the campaign: thank-you emails are in the ledger, not in the mailing."""
    return sends.c.task_id.is_(None)


def _unsent() -> Any:
    """Active prospects without a ledger row for ``:letter``."""
    return and_(
        prospects.c.status == str(ProspectStatus.ACTIVE),
        ~exists().where(
            sends.c.prospect_id == prospects.c.id,
            sends.c.letter == bindparam("letter", type_=String),
        ),
    )


def _count(where: Any) -> Select[Any]:
    return select(func.count().label("n")).select_from(prospects).where(where)


def _first_ids(where: Any) -> Select[Any]:
    return select(prospects.c.id).where(where).order_by(prospects.c.id).limit(SAMPLE)


# The channels a campaign may use: "email" (with [smtp]) reaches more than "post".
REACH = {"any": None, "email": True, "post": False}


def _waiting(reach: str, what: str) -> Select[Any]:
    can_email = REACH[reach]
    unsent = _unsent() if can_email is None else and_(_unsent(), reachable(can_email))
    if what == "count":
        return _count(unsent)
    return select(prospects.c.id).where(unsent).order_by(*WAVE_ORDER).limit(1)


def _unreachable(reach: str, what: str) -> Select[Any]:
    # Those who need an address are counted on their own (status.needs_address).
    cut_off = and_(_unsent(), ~reachable(bool(REACH[reach])), ~needs_address())
    return _count(cut_off) if what == "count" else _first_ids(cut_off)


def _next_in_line(reach: str) -> Select[Any]:
    """The first ``:limit`` active prospects not yet sent ``:letter`` (reachable), in wave order."""
    can_email = REACH[reach]
    unsent = _unsent() if can_email is None else and_(_unsent(), reachable(can_email))
    return (
        select(prospects)
        .where(unsent)
        .order_by(*WAVE_ORDER)
        .limit(bindparam("limit", type_=Integer))
    )


for _reach in REACH:
    VIEWS[f"status.waiting.{_reach}"] = partial(_waiting, _reach, "count")
    VIEWS[f"status.next_waiting.{_reach}"] = partial(_waiting, _reach, "first")
    VIEWS[f"prospects.next_in_line.{_reach}"] = partial(_next_in_line, _reach)
for _reach in ("email", "post"):
    VIEWS[f"status.unreachable.{_reach}"] = partial(_unreachable, _reach, "count")
    VIEWS[f"status.unreachable_ids.{_reach}"] = partial(_unreachable, _reach, "ids")


@view("status.by_status")
def _by_status() -> Select[Any]:
    return select(prospects.c.status, func.count().label("n")).group_by(prospects.c.status)


@view("status.sent_by_channel")
def _sent_by_channel() -> Select[Any]:
    return (
        select(sends.c.channel, func.count().label("n"))
        .where(sends.c.state == str(SendState.SENT), _letter())
        .group_by(sends.c.channel)
    )


@view("status.cap_used")
def _cap_used() -> Select[Any]:
    return (
        select(func.count().label("n"))
        .select_from(sends)
        .where(
            sends.c.week == bindparam("week", type_=String),
            sends.c.state.in_(_values(CAP_STATES)),
            _letter(),  # thank-you emails need no slot
        )
    )


@view("status.calls_by_outcome")
def _calls_by_outcome() -> Select[Any]:
    return (
        select(calls.c.outcome, func.count().label("n"))
        .where(calls.c.prospect_id.is_not(None))
        .group_by(calls.c.outcome)
    )


@view("status.status_calls_done")
def _status_calls_done() -> Select[Any]:
    return select(func.count().label("n")).select_from(tasks).where(_done_status_call())


@view("status.spoken_met_offered")
def _spoken_met_offered() -> Select[Any]:
    return select(
        func.sum(case((_reached_condition(), 1), else_=0)).label("spoken"),
        func.sum(case((met_condition(), 1), else_=0)).label("met"),
        func.sum(case((offered_condition(), 1), else_=0)).label("offered"),
    ).select_from(prospects)


@view("status.due")
def _due() -> Select[Any]:
    return (
        select(tasks.c.kind, tasks.c.due, func.count().label("n"))
        .where(
            tasks.c.state == _OPEN,
            tasks.c.due <= _day("today"),
            tasks.c.kind != str(TaskKind.POST_LETTER),
        )
        .group_by(tasks.c.kind, tasks.c.due)
        .order_by(tasks.c.due)
    )


@view("status.packs_due")
def _packs_due() -> Select[Any]:
    """Print packs to post (a task each): their day and detail (how many letters)."""
    return (
        select(tasks.c.due, tasks.c.detail)
        .where(
            tasks.c.state == _OPEN,
            tasks.c.due <= _day("today"),
            tasks.c.kind == str(TaskKind.POST_LETTER),
        )
        .order_by(tasks.c.due, tasks.c.id)
    )


@view("status.to_post")
def _to_post() -> Select[Any]:
    return (
        select(func.count().label("n"))
        .select_from(sends)
        .where(
            sends.c.channel == str(Channel.POST),
            sends.c.state == str(SendState.SENT),
            sends.c.sent_on == _day("today"),
            untracked_post(),
        )
    )


@view("status.attention_counts")
def _attention_counts() -> Select[Any]:
    return (
        select(sends.c.state, func.count().label("n"))
        .where(sends.c.state.in_(_values(ATTENTION_STATES)))
        .group_by(sends.c.state)
    )


@view("status.attention_sends")
def _attention_sends() -> Select[Any]:
    # Each state's oldest few rows are enough to name in a summary.
    return (
        select(
            sends.c.id,
            sends.c.prospect_id,
            sends.c.letter,
            sends.c.state,
            prospects.c.company,
            sends.c.last_error,
        )
        .join(prospects, prospects.c.id == sends.c.prospect_id)
        .where(sends.c.state == bindparam("state", type_=String))
        .order_by(sends.c.id)
        .limit(SAMPLE)
    )


@view("status.late_calls")
def _late_calls() -> Select[Any]:
    return (
        select(tasks.c.prospect_id)
        .where(
            tasks.c.state == _OPEN,
            _one_of(tasks.c.kind, _CALLS),
            tasks.c.due < _day("late_before"),
            tasks.c.prospect_id.is_not(None),
        )
        .order_by(tasks.c.due, tasks.c.id)
        .limit(SAMPLE)
    )


def _live() -> Any:
    return prospects.c.status.in_(_values((ProspectStatus.ACTIVE, ProspectStatus.INTERVIEW)))


def _no_phone() -> Any:
    return and_(_live(), func.trim(prospects.c.phone) == "")


def _no_contact() -> Any:
    return and_(_live(), func.trim(prospects.c.contact) == "")


def _incomplete() -> Any:
    return and_(prospects.c.status == str(ProspectStatus.ACTIVE), needs_address())


VIEWS["status.no_phone"] = lambda: _count(_no_phone())
VIEWS["status.no_phone_ids"] = lambda: _first_ids(_no_phone())
VIEWS["status.no_contact"] = lambda: _count(_no_contact())
VIEWS["status.no_contact_ids"] = lambda: _first_ids(_no_contact())
VIEWS["status.needs_address"] = lambda: _count(_incomplete())
VIEWS["status.needs_address_ids"] = lambda: _first_ids(_incomplete())


@view("status.people")
def _people() -> Select[Any]:
    """(id, contact, title) of the live prospects: the domain tells who looks like HR."""
    return (
        select(prospects.c.id, prospects.c.contact, prospects.c.title)
        .where(_live())
        .order_by(prospects.c.id)
    )


@view("status.wind_down")
def _wind_down() -> Select[Any]:
    """The wind-down in force (not resumed), with the company that hired."""
    return (
        select(wind_downs, prospects.c.company)
        .join(prospects, prospects.c.id == wind_downs.c.prospect_id)
        .where(wind_downs.c.resumed_on.is_(None))
        .order_by(wind_downs.c.id.desc())
        .limit(1)
    )


@view("sends.bounced")
def _bounced() -> Select[Any]:
    return select(sends).where(sends.c.state == str(SendState.BOUNCED)).order_by(sends.c.id)


# -- a counsellor's list: one campaign's pace -----------------------------------------


@view("firm.pace")
def _pace() -> Select[Any]:
    """One campaign's pace as of ``:today`` (ISO ``:week``) for ``:letter``, in one query."""

    def count(table: Any, *where: Any) -> Any:
        return select(func.count()).select_from(table).where(*where).scalar_subquery()

    def latest(column: Any) -> Any:
        return select(func.max(column)).scalar_subquery()

    today = _day("today")
    open_call = and_(tasks.c.state == _OPEN, _one_of(tasks.c.kind, _CALLS))
    week = bindparam("week", type_=String)
    return select(
        count(prospects).label("prospects"),
        # As status counts the cap: thank-you emails use no slot.
        count(sends, sends.c.week == week, sends.c.state.in_(_values(CAP_STATES)), _letter()).label(
            "sent_this_week"
        ),
        count(tasks, open_call, tasks.c.due <= today).label("calls_due"),
        count(tasks, open_call, tasks.c.due < today).label("calls_overdue"),
        select(func.min(tasks.c.due))
        .where(open_call, tasks.c.due < today)
        .scalar_subquery()
        .label("oldest_call_due"),
        count(prospects, met_condition()).label("meetings"),
        count(prospects, offered_condition()).label("offers"),
        count(prospects, interview_to_come()).label("interviews_agreed"),
        count(prospects, _unsent()).label("waiting"),
        latest(sends.c.sent_on).label("last_sent"),
        latest(sends.c.claimed_on).label("last_claimed"),
        latest(calls.c.called_on).label("last_called"),
        latest(meetings.c.held_on).label("last_met"),
        latest(prospects.c.updated_on).label("last_updated"),
        latest(tasks.c.closed_on).label("last_closed"),
    )


@view("prospects.interviews_to_come")
def _interviews_to_come() -> Select[Any]:
    return select(prospects).where(interview_to_come()).order_by(*WAVE_ORDER)


# -- the report's history -------------------------------------------------------------


@view("report.prospects")
def _all_prospects() -> Select[Any]:
    return select(prospects).order_by(*WAVE_ORDER)


@view("report.sends")
def _all_sends() -> Select[Any]:
    # The letters: thank-you emails are not part of the mailing.
    return select(sends).where(_letter()).order_by(sends.c.id)


@view("report.calls")
def _all_calls() -> Select[Any]:
    return select(calls).order_by(calls.c.called_on, calls.c.id)


@view("report.open_tasks")
def _open_tasks() -> Select[Any]:
    return select(tasks).where(tasks.c.state == _OPEN).order_by(tasks.c.due, tasks.c.id)


@view("report.meetings")
def _all_meetings() -> Select[Any]:
    return select(meetings).order_by(meetings.c.held_on)


@view("report.status_calls")
def _status_calls() -> Select[Any]:
    """Each status call done, with the decision when it was the meeting's last one.

    A call done with no decision schedules the next status call (a higher attempt for
    the same meeting); one that brought the decision closes the company, so no later
    status call exists and the meeting carries the outcome.
    """
    later = tasks.alias("later")
    last_attempts = (
        select(later.c.meeting_id, func.max(later.c.attempt))
        .where(later.c.kind == str(TaskKind.STATUS_CALL), later.c.meeting_id.is_not(None))
        .group_by(later.c.meeting_id)
    )
    # (A status call of no meeting has no meeting outcome: its decision is "" either way.)
    last = tuple_(tasks.c.meeting_id, tasks.c.attempt).in_(last_attempts)
    decision = case((last, func.coalesce(meetings.c.outcome, "")), else_="").label("decision")
    return (
        select(tasks.c.id, tasks.c.prospect_id, tasks.c.closed_on, tasks.c.due, decision)
        .outerjoin(meetings, meetings.c.id == tasks.c.meeting_id)
        .where(_done_status_call())
        .order_by(tasks.c.closed_on, tasks.c.id)
    )


# -- the call sheet and the agenda ------------------------------------------------------


@view("tasks.call_sheet")
def _call_sheet() -> Select[Any]:
    return (
        select(tasks)
        .where(_one_of(tasks.c.kind, _CALLS), tasks.c.state == _OPEN)
        .where(tasks.c.prospect_id.is_not(None), tasks.c.due <= _day("until"))
        .order_by(tasks.c.due, tasks.c.id)
    )


@view("tasks.cancelled_calls")
def _cancelled_calls() -> Select[Any]:
    return (
        select(tasks)
        .where(
            _one_of(tasks.c.kind, _CALLS),
            tasks.c.state == str(TaskState.CANCELLED),
            tasks.c.closed_on >= _day("since"),
        )
        .where(tasks.c.prospect_id.is_not(None))
        .order_by(tasks.c.due, tasks.c.id)
    )


@view("tasks.open_agenda")
def _open_agenda() -> Select[Any]:
    return (
        select(tasks)
        .where(tasks.c.state == _OPEN, tasks.c.due <= _day("until"))
        .order_by(tasks.c.due, tasks.c.id)
    )


@view("tasks.open_call")
def _open_call() -> Select[Any]:
    return (
        select(tasks)
        .where(
            tasks.c.prospect_id == bindparam("prospect_id", type_=Integer),
            _one_of(tasks.c.kind, _CALLS),
            tasks.c.state == _OPEN,
        )
        .order_by(tasks.c.id)
        .limit(1)
    )


@view("tasks.open_calls")
def _open_calls() -> Select[Any]:
    return (
        select(tasks)
        .where(_one_of(tasks.c.kind, _CALLS), tasks.c.state == _OPEN)
        .order_by(tasks.c.due, tasks.c.id)
    )


@view("tasks.open_calls_of")
def _open_calls_of() -> Select[Any]:
    return (
        select(tasks)
        .where(
            _one_of(tasks.c.kind, _CALLS),
            tasks.c.state == _OPEN,
            tasks.c.prospect_id.in_(_ids()),
        )
        .order_by(tasks.c.due, tasks.c.id)
    )


@view("tasks.open_call_load")
def _open_call_load() -> Select[Any]:
    return (
        select(tasks.c.due, func.count().label("n"))
        .where(
            tasks.c.state == _OPEN,
            _one_of(tasks.c.kind, _CALLS),
            tasks.c.due >= _day("start"),
            tasks.c.due <= _day("end"),
        )
        .group_by(tasks.c.due)
    )


@view("tasks.overdue_calls")
def _overdue_calls() -> Select[Any]:
    return select(func.count().label("n")).where(
        tasks.c.state == _OPEN, _one_of(tasks.c.kind, _CALLS), tasks.c.due < _day("start")
    )


@view("calls.history")
def _call_history() -> Select[Any]:
    return (
        select(calls)
        .where(calls.c.prospect_id == bindparam("prospect_id", type_=Integer))
        .order_by(calls.c.called_on, calls.c.id)
    )


@view("calls.of_prospects")
def _calls_of_prospects() -> Select[Any]:
    return (
        select(calls).where(calls.c.prospect_id.in_(_ids())).order_by(calls.c.called_on, calls.c.id)
    )


@view("prospects.by_id")
def _prospect_by_id() -> Select[Any]:
    return select(prospects).where(prospects.c.id == bindparam("id", type_=Integer))


@view("prospects.by_ids")
def _prospects_by_ids() -> Select[Any]:
    return select(prospects).where(prospects.c.id.in_(_ids()))


@view("sends.by_ids")
def _sends_by_ids() -> Select[Any]:
    return select(sends).where(sends.c.id.in_(_ids()))


@view("meetings.by_ids")
def _meetings_by_ids() -> Select[Any]:
    return select(meetings).where(meetings.c.id.in_(_ids()))


@view("contacts.by_ids")
def _contacts_by_ids() -> Select[Any]:
    return select(contacts).where(contacts.c.id.in_(_ids()))


@view("sends.to_post")
def _letters_to_post() -> Select[Any]:
    return (
        select(sends)
        .where(
            sends.c.channel == str(Channel.POST),
            sends.c.state == str(SendState.SENT),
            sends.c.sent_on >= _day("start"),
            sends.c.sent_on <= _day("end"),
            # Only those printed before print packs became tasks: a pack printed since
            # is on the agenda as its own task.
            untracked_post(),
        )
        .order_by(sends.c.sent_on, sends.c.id)
    )


@view("prospects.referred_by")
def _referred_prospects() -> Select[Any]:
    return (
        select(prospects)
        .where(prospects.c.referred_by == bindparam("contact_id", type_=Integer))
        .order_by(prospects.c.id)
    )


@view("contacts.referred_by")
def _referred_contacts() -> Select[Any]:
    return (
        select(contacts)
        .where(contacts.c.referred_by == bindparam("contact_id", type_=Integer))
        .order_by(contacts.c.id)
    )


_BUILT: dict[str, Select[Any]] = {}


def statement(name: str) -> Select[Any]:
    """The view ``name`` as a statement (built once per process)."""
    if name not in _BUILT:
        _BUILT[name] = VIEWS[name]()
    return _BUILT[name]
