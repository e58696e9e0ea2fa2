"""Aggregate read-only queries for status and the report.

Status must answer in a blink on thousands of prospects, so ``status_figures`` runs a
handful of GROUP BY / EXISTS queries in one read transaction and hands back counts;
``report_history`` reads the whole campaign once (a few plain SELECTs) for the report.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from sqlalchemy import Connection, Row, and_, case, exists, func, or_, select

from campaign.models import (
    ACTIVE,
    CAP_STATES,
    CLAIMED,
    DEFERRED,
    DONE,
    FAILED,
    HIRED,
    INTERVIEW,
    OFFER,
    OPEN,
    POST,
    SENT,
    UNKNOWN,
    CallRecord,
    Meeting,
    Prospect,
    Send,
    Task,
)
from campaign.store.base import StoreBase
from campaign.store.prospects import WAVE_ORDER
from campaign.store.schema import calls, meetings, prospects, sends, tasks
from campaign.store.tasks import CALL_KINDS

# Outcomes of a call on which the job seeker spoke with the hiring authority.
CONVERSATION_OUTCOMES = ("reached", "meeting", "declined", "hired", "offer")
# A status call after a meeting is closed with `campaign done` (not `campaign log`), so it
# leaves a done task and no row in the call log: it is a call made all the same.
STATUS_CALL = "status_call"
# Ledger states that need the user: in doubt, failed, or waiting for the next run.
ATTENTION_STATES = (UNKNOWN, FAILED, DEFERRED, CLAIMED)
# Printed letters of the day's run, to post: `campaign agenda` lists them with the tasks
# (as campaign.agenda.POST_LETTER), so status counts them among today's other tasks.
POST_LETTER = "post_letter"
# How many ids an attention item names (the count is always exact).
_SAMPLE = 10

_CALL_FIELDS = {f.name for f in dataclasses.fields(CallRecord)}


def to_call(row: Row[Any]) -> CallRecord:
    """A database row of the call log as a CallRecord."""
    return CallRecord(**{k: v for k, v in row._mapping.items() if k in _CALL_FIELDS})


@dataclass(frozen=True)
class AttentionSend:
    """A ledger row that needs the user, with whom it was for."""

    id: int
    prospect_id: int
    letter: str
    state: str
    company: str
    last_error: str


@dataclass(frozen=True)
class DueCount:
    """Open tasks of one kind due on one day (on or before the day status looks at).

    Today's printed letters to post count as ``post_letter`` tasks due today, as in
    ``campaign agenda``.
    """

    kind: str
    due: date
    count: int


@dataclass(frozen=True)
class StatusCallDone:
    """A status call closed with ``campaign done``: the day, and the decision it brought."""

    task_id: int
    prospect_id: int
    called_on: date
    decision: str  # "offer", "declined", ... or "" when no decision came yet


@dataclass(frozen=True)
class StatusFigures:
    """The store's side of ``campaign status``: counts only, no judgement."""

    by_status: dict[str, int] = field(default_factory=dict)
    sent_by_channel: dict[str, int] = field(default_factory=dict)
    cap_used: int = 0
    waiting: int = 0  # active prospects not yet sent the letter (whom a letter can reach)
    unreachable: int = 0  # ... and those no letter can reach (no address, no email to use)
    unreachable_ids: list[int] = field(default_factory=list)
    calls_by_outcome: dict[str, int] = field(default_factory=dict)
    status_calls_done: int = 0  # status calls closed with `campaign done` (not in the log)
    conversations: int = 0  # distinct prospects spoken with (on a call or at a meeting)
    meetings: int = 0  # distinct prospects met (or a meeting agreed on a call)
    offers: int = 0  # distinct prospects that made an offer (or hired)
    due: list[DueCount] = field(default_factory=list)
    attention_sends: list[AttentionSend] = field(default_factory=list)
    attention_counts: dict[str, int] = field(default_factory=dict)
    no_phone: int = 0
    no_phone_ids: list[int] = field(default_factory=list)
    no_contact: int = 0
    no_contact_ids: list[int] = field(default_factory=list)
    late_call_ids: list[int] = field(default_factory=list)  # prospects, oldest call first
    next_waiting_id: int | None = None  # the first prospect of the next wave


@dataclass(frozen=True)
class ReportHistory:
    """Everything the report draws from, read in one transaction."""

    prospects: list[Prospect]
    sends: list[Send]
    calls: list[CallRecord]
    open_tasks: list[Task]
    meetings: list[Meeting]
    status_calls: list[StatusCallDone] = field(default_factory=list)


def _done_status_call() -> Any:
    """Status calls closed with `campaign done`: done tasks the call log holds no row for."""
    return and_(
        tasks.c.kind == STATUS_CALL,
        tasks.c.state == DONE,
        tasks.c.prospect_id.is_not(None),
        ~exists().where(calls.c.task_id == tasks.c.id),
    )


def _status_calls(conn: Connection) -> list[StatusCallDone]:
    """Each status call done, with the decision when it was the meeting's last one.

    A call done with no decision schedules the next status call (a higher attempt for
    the same meeting); one that brought the decision closes the company, so no later
    status call exists and the meeting carries the outcome.
    """
    later = tasks.alias("later")
    last = ~exists().where(
        later.c.kind == STATUS_CALL,
        later.c.meeting_id == tasks.c.meeting_id,
        later.c.attempt > tasks.c.attempt,
    )
    decision = case((last, func.coalesce(meetings.c.outcome, "")), else_="")
    query = (
        select(tasks.c.id, tasks.c.prospect_id, tasks.c.closed_on, tasks.c.due, decision)
        .outerjoin(meetings, meetings.c.id == tasks.c.meeting_id)
        .where(_done_status_call())
        .order_by(tasks.c.closed_on, tasks.c.id)
    )
    return [
        StatusCallDone(int(tid), int(pid), closed_on or due, str(outcome or ""))
        for tid, pid, closed_on, due, outcome in conn.execute(query)
    ]


def _reached_condition() -> Any:
    """Prospects spoken with: a conversation on a call, or a meeting."""
    return or_(
        exists().where(
            calls.c.prospect_id == prospects.c.id, calls.c.outcome.in_(CONVERSATION_OUTCOMES)
        ),
        exists().where(meetings.c.prospect_id == prospects.c.id),
    )


class ReportQueries(StoreBase):
    """Counts and figures over the whole campaign."""

    def status_figures(
        self,
        today: date,
        week: str,
        letter: str = "marketing",
        late_before: date | None = None,
        can_email: bool | None = None,
    ) -> StatusFigures:
        """The counts behind ``campaign status`` as of ``today`` (ISO ``week``).

        ``late_before``: name the prospects whose call was due before that day.
        ``can_email`` (is [smtp] set up?): set apart those waiting whom no letter can
        reach, as ``campaign.batches.delivery_channel`` does; None counts everyone.
        """
        with self.read() as conn:
            return _status_figures(conn, today, week, letter, late_before, can_email)

    def report_history(self) -> ReportHistory:
        """Every prospect, send, logged call, open task and meeting (for the report)."""
        from campaign.store.meetings import to_meeting, to_task
        from campaign.store.prospects import to_prospect
        from campaign.store.sends import to_send

        with self.read() as conn:
            return ReportHistory(
                prospects=[
                    to_prospect(r) for r in conn.execute(select(prospects).order_by(*WAVE_ORDER))
                ],
                sends=[to_send(r) for r in conn.execute(select(sends).order_by(sends.c.id))],
                calls=[
                    to_call(r)
                    for r in conn.execute(select(calls).order_by(calls.c.called_on, calls.c.id))
                ],
                open_tasks=[
                    to_task(r)
                    for r in conn.execute(
                        select(tasks).where(tasks.c.state == OPEN).order_by(tasks.c.due, tasks.c.id)
                    )
                ],
                meetings=[
                    to_meeting(r)
                    for r in conn.execute(select(meetings).order_by(meetings.c.held_on))
                ],
                status_calls=_status_calls(conn),
            )


def _reachable(can_email: bool) -> Any:
    """A letter can reach them: by email (with [smtp]), or by post (a complete address)."""
    by_post = and_(
        prospects.c.street != "",
        prospects.c.city != "",
        or_(prospects.c.postal_code != "", prospects.c.region != ""),
    )
    return or_(prospects.c.email != "", by_post) if can_email else by_post


def _status_figures(
    conn: Connection,
    today: date,
    week: str,
    letter: str,
    late_before: date | None,
    can_email: bool | None,
) -> StatusFigures:
    by_status = _grouped(
        conn,
        select(prospects.c.status, func.count()).group_by(prospects.c.status),
    )
    sent_by_channel = _grouped(
        conn,
        select(sends.c.channel, func.count())
        .where(sends.c.state == SENT)
        .group_by(sends.c.channel),
    )
    cap_used = int(
        conn.scalar(
            select(func.count())
            .select_from(sends)
            .where(sends.c.week == week, sends.c.state.in_(CAP_STATES))
        )
        or 0
    )
    unsent = and_(
        prospects.c.status == ACTIVE,
        ~exists().where(sends.c.prospect_id == prospects.c.id, sends.c.letter == letter),
    )
    unreachable = unreachable_ids = None
    if can_email is not None:
        cut_off = and_(unsent, ~_reachable(can_email))
        unreachable, unreachable_ids = _count(conn, cut_off), _ids(conn, cut_off)
        unsent = and_(unsent, _reachable(can_email))
    waiting = int(conn.scalar(select(func.count()).select_from(prospects).where(unsent)) or 0)
    next_waiting_id = conn.scalar(select(prospects.c.id).where(unsent).order_by(*WAVE_ORDER))
    calls_by_outcome = _grouped(
        conn,
        select(calls.c.outcome, func.count())
        .where(calls.c.prospect_id.is_not(None))
        .group_by(calls.c.outcome),
    )
    status_calls_done = int(
        conn.scalar(select(func.count()).select_from(tasks).where(_done_status_call())) or 0
    )
    met = or_(
        exists().where(meetings.c.prospect_id == prospects.c.id),
        exists().where(calls.c.prospect_id == prospects.c.id, calls.c.outcome == "meeting"),
    )
    offered = or_(
        prospects.c.status.in_([OFFER, HIRED]),
        exists().where(meetings.c.prospect_id == prospects.c.id, meetings.c.outcome == "offer"),
        exists().where(
            calls.c.prospect_id == prospects.c.id, calls.c.outcome.in_(("hired", "offer"))
        ),
    )
    one = select(
        func.sum(case((_reached_condition(), 1), else_=0)),
        func.sum(case((met, 1), else_=0)),
        func.sum(case((offered, 1), else_=0)),
    ).select_from(prospects)
    conversations, met_count, offers = conn.execute(one).one()
    due = [
        DueCount(kind, day, int(n))
        for kind, day, n in conn.execute(
            select(tasks.c.kind, tasks.c.due, func.count())
            .where(tasks.c.state == OPEN, tasks.c.due <= today)
            .group_by(tasks.c.kind, tasks.c.due)
            .order_by(tasks.c.due)
        )
    ]
    to_post = int(
        conn.scalar(
            select(func.count())
            .select_from(sends)
            .where(sends.c.channel == POST, sends.c.state == SENT, sends.c.sent_on == today)
        )
        or 0
    )
    if to_post:
        due.append(DueCount(POST_LETTER, today, to_post))
    attention_counts = _grouped(
        conn,
        select(sends.c.state, func.count())
        .where(sends.c.state.in_(ATTENTION_STATES))
        .group_by(sends.c.state),
    )
    # Each state's oldest few rows are enough to name in a summary.
    attention_sends: list[AttentionSend] = []
    for state in ATTENTION_STATES:
        if not attention_counts.get(state):
            continue
        rows = conn.execute(
            select(
                sends.c.id,
                sends.c.prospect_id,
                sends.c.letter,
                sends.c.state,
                prospects.c.company,
                sends.c.last_error,
            )
            .join(prospects, prospects.c.id == sends.c.prospect_id)
            .where(sends.c.state == state)
            .order_by(sends.c.id)
            .limit(_SAMPLE)
        )
        attention_sends.extend(AttentionSend(*row) for row in rows)
    late_call_ids: list[int] = []
    if late_before is not None:
        late = (
            select(tasks.c.prospect_id)
            .where(
                tasks.c.state == OPEN,
                tasks.c.kind.in_(CALL_KINDS),
                tasks.c.due < late_before,
                tasks.c.prospect_id.is_not(None),
            )
            .order_by(tasks.c.due, tasks.c.id)
            .limit(_SAMPLE)
        )
        late_call_ids = [int(i) for i in conn.scalars(late)]
    live = prospects.c.status.in_([ACTIVE, INTERVIEW])
    no_phone_where = and_(live, func.trim(prospects.c.phone) == "")
    no_contact_where = and_(live, func.trim(prospects.c.contact) == "")
    return StatusFigures(
        by_status=by_status,
        sent_by_channel=sent_by_channel,
        cap_used=cap_used,
        waiting=waiting,
        calls_by_outcome=calls_by_outcome,
        status_calls_done=status_calls_done,
        conversations=int(conversations or 0),
        meetings=int(met_count or 0),
        offers=int(offers or 0),
        due=due,
        attention_sends=attention_sends,
        attention_counts=attention_counts,
        no_phone=_count(conn, no_phone_where),
        no_phone_ids=_ids(conn, no_phone_where),
        no_contact=_count(conn, no_contact_where),
        no_contact_ids=_ids(conn, no_contact_where),
        late_call_ids=late_call_ids,
        unreachable=unreachable or 0,
        unreachable_ids=unreachable_ids or [],
        next_waiting_id=next_waiting_id,
    )


def _grouped(conn: Connection, query: Any) -> dict[str, int]:
    return {str(key): int(n) for key, n in conn.execute(query)}


def _count(conn: Connection, where: Any) -> int:
    return int(conn.scalar(select(func.count()).select_from(prospects).where(where)) or 0)


def _ids(conn: Connection, where: Any) -> list[int]:
    query = select(prospects.c.id).where(where).order_by(prospects.c.id).limit(_SAMPLE)
    return [int(i) for i in conn.scalars(query)]
