"""Aggregate read-only queries for status and the report.

Status must answer in a blink on thousands of prospects, so ``status_figures`` runs a
handful of GROUP BY / EXISTS queries in one read transaction and hands back counts;
``report_history`` reads the whole campaign once (a few plain SELECTs) for the report.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import Connection, and_, case, exists, func, or_, select

from campaign.errors import NotFound
from campaign.models import (
    ATTENTION_STATES,
    CALL_KINDS,
    CAP_STATES,
    CONVERSATIONS,
    POSTAL_RULE,
    AttentionSend,
    Channel,
    Contact,
    DueCount,
    Outcome,
    PaceFigures,
    Prospect,
    ProspectHistory,
    ProspectStatus,
    ReportHistory,
    SendState,
    StatusCallDone,
    StatusFigures,
    TaskKind,
    TaskState,
)
from campaign.store.base import Connected
from campaign.store.prospects import WAVE_ORDER
from campaign.store.rows import to_call, to_contact, to_meeting, to_prospect, to_send, to_task
from campaign.store.schema import calls, contacts, meeting_people, meetings, prospects, sends, tasks
from campaign.store.sends import untracked_post

# How many ids an attention item names (the count is always exact).
_SAMPLE = 10


def _values(items: Any) -> list[str]:
    return [str(i) for i in items]


def _done_status_call() -> Any:
    """Status calls closed with `campaign done`: done tasks the call log holds no row for."""
    return and_(
        tasks.c.kind == str(TaskKind.STATUS_CALL),
        tasks.c.state == str(TaskState.DONE),
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
        later.c.kind == str(TaskKind.STATUS_CALL),
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


def _met_condition() -> Any:
    """Prospects met: a meeting recorded, one agreed on a call, or one planned on the agenda."""
    return or_(
        exists().where(meetings.c.prospect_id == prospects.c.id),
        exists().where(
            calls.c.prospect_id == prospects.c.id, calls.c.outcome == str(Outcome.MEETING)
        ),
        exists().where(
            tasks.c.prospect_id == prospects.c.id, tasks.c.kind == str(TaskKind.MEETING)
        ),
    )


def _offered_condition() -> Any:
    """Prospects that made an offer (or hired): by status, at a meeting or on a call."""
    return or_(
        prospects.c.status.in_(_values((ProspectStatus.OFFER, ProspectStatus.HIRED))),
        exists().where(
            meetings.c.prospect_id == prospects.c.id, meetings.c.outcome == str(Outcome.OFFER)
        ),
        exists().where(
            calls.c.prospect_id == prospects.c.id,
            calls.c.outcome.in_(_values((Outcome.HIRED, Outcome.OFFER))),
        ),
    )


def _interview_to_come() -> Any:
    """In the interview stage with no meeting recorded yet: a meeting agreed, still to come."""
    return and_(
        prospects.c.status == str(ProspectStatus.INTERVIEW),
        ~exists().where(meetings.c.prospect_id == prospects.c.id),
    )


def _reached_condition() -> Any:
    """Prospects spoken with: a conversation on a call, or a meeting."""
    return or_(
        exists().where(
            calls.c.prospect_id == prospects.c.id, calls.c.outcome.in_(_values(CONVERSATIONS))
        ),
        exists().where(meetings.c.prospect_id == prospects.c.id),
    )


class ReportQueries(Connected):
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

    def next_in_line(
        self, letter: str, limit: int, can_email: bool | None = None
    ) -> list[Prospect]:
        """The first ``limit`` active prospects not yet sent ``letter``, in wave order.

        ``can_email`` (is [smtp] set up?): only those a letter can reach, as the send
        run takes them; None takes everyone waiting.
        """
        waiting = and_(
            prospects.c.status == str(ProspectStatus.ACTIVE),
            ~exists().where(sends.c.prospect_id == prospects.c.id, sends.c.letter == letter),
        )
        if can_email is not None:
            waiting = and_(waiting, _reachable(can_email))
        query = select(prospects).where(waiting).order_by(*WAVE_ORDER).limit(limit)
        with self.read() as conn:
            return [to_prospect(r) for r in conn.execute(query)]

    def prospect_history(self, prospect_id: int) -> ProspectHistory:
        """Everything recorded about one prospect (NotFound naming the id if none)."""
        with self.read() as conn:
            row = conn.execute(select(prospects).where(prospects.c.id == prospect_id)).first()
            if row is None:
                raise NotFound(f"no prospect with id {prospect_id} (see `campaign prospects`)")
            met = [
                to_meeting(r)
                for r in conn.execute(
                    select(meetings)
                    .where(meetings.c.prospect_id == prospect_id)
                    .order_by(meetings.c.held_on, meetings.c.id)
                )
            ]
            people: dict[int, list[Contact]] = {m.id: [] for m in met}
            if met:
                for r in conn.execute(
                    select(contacts, meeting_people.c.meeting_id)
                    .join(meeting_people, meeting_people.c.contact_id == contacts.c.id)
                    .where(meeting_people.c.meeting_id.in_([m.id for m in met]))
                    .order_by(contacts.c.id)
                ):
                    people[r.meeting_id].append(to_contact(r))
            interviewers = select(contacts.c.id).where(contacts.c.prospect_id == prospect_id)
            theirs = or_(
                tasks.c.prospect_id == prospect_id,
                tasks.c.meeting_id.in_([m.id for m in met] or [-1]),
                and_(tasks.c.prospect_id.is_(None), tasks.c.contact_id.in_(interviewers)),
            )
            return ProspectHistory(
                prospect=to_prospect(row),
                sends=[
                    to_send(r)
                    for r in conn.execute(
                        select(sends).where(sends.c.prospect_id == prospect_id).order_by(sends.c.id)
                    )
                ],
                calls=[
                    to_call(r)
                    for r in conn.execute(
                        select(calls)
                        .where(calls.c.prospect_id == prospect_id)
                        .order_by(calls.c.called_on, calls.c.id)
                    )
                ],
                meetings=met,
                people=people,
                tasks=[
                    to_task(r)
                    for r in conn.execute(select(tasks).where(theirs).order_by(tasks.c.id))
                ],
            )

    def pace_figures(self, today: date, week: str, letter: str = "marketing") -> PaceFigures:
        """The campaign's pace as of ``today`` (ISO ``week``), in one query (the firm's list)."""
        with self.read() as conn:
            return _pace_figures(conn, today, week, letter)

    def interviews_to_come(self) -> list[Prospect]:
        """Prospects with a meeting agreed and none recorded yet, in wave order."""
        query = select(prospects).where(_interview_to_come()).order_by(*WAVE_ORDER)
        with self.read() as conn:
            return [to_prospect(r) for r in conn.execute(query)]

    def report_history(self) -> ReportHistory:
        """Every prospect, send, logged call, open task and meeting (for the report)."""
        with self.read() as conn:
            return ReportHistory(
                prospects=[
                    to_prospect(r) for r in conn.execute(select(prospects).order_by(*WAVE_ORDER))
                ],
                sends=[
                    to_send(r)
                    for r in conn.execute(
                        # The letters: thank-you emails are not part of the mailing.
                        select(sends).where(sends.c.task_id.is_(None)).order_by(sends.c.id)
                    )
                ],
                calls=[
                    to_call(r)
                    for r in conn.execute(select(calls).order_by(calls.c.called_on, calls.c.id))
                ],
                open_tasks=[
                    to_task(r)
                    for r in conn.execute(
                        select(tasks)
                        .where(tasks.c.state == str(TaskState.OPEN))
                        .order_by(tasks.c.due, tasks.c.id)
                    )
                ],
                meetings=[
                    to_meeting(r)
                    for r in conn.execute(select(meetings).order_by(meetings.c.held_on))
                ],
                status_calls=_status_calls(conn),
            )


def has_postal_address() -> Any:
    """SQL for ``Prospect.has_postal_address``: built from the same ``POSTAL_RULE``."""
    return and_(
        *(or_(*(func.trim(prospects.c[name]) != "" for name in group)) for group in POSTAL_RULE)
    )


def needs_address() -> Any:
    """SQL for ``Prospect.needs_address``: no email and no complete postal address."""
    return and_(func.trim(prospects.c.email) == "", ~has_postal_address())


def _reachable(can_email: bool) -> Any:
    """A letter can reach them: by email (with [smtp]), or by post (a complete address)."""
    by_post = has_postal_address()
    # An address that bounced is no way to reach them (a corrected one is).
    emailable = and_(prospects.c.email != "", prospects.c.email != prospects.c.undeliverable)
    return or_(emailable, by_post) if can_email else by_post


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
        .where(sends.c.state == str(SendState.SENT), sends.c.task_id.is_(None))
        .group_by(sends.c.channel),
    )
    cap_used = int(
        conn.scalar(
            select(func.count())
            .select_from(sends)
            .where(sends.c.week == week, sends.c.state.in_(_values(CAP_STATES)))
            .where(sends.c.task_id.is_(None))
        )
        or 0
    )
    unsent = and_(
        prospects.c.status == str(ProspectStatus.ACTIVE),
        ~exists().where(sends.c.prospect_id == prospects.c.id, sends.c.letter == letter),
    )
    unreachable = unreachable_ids = None
    if can_email is not None:
        # Those who need an address are counted on their own (needs_address below).
        cut_off = and_(unsent, ~_reachable(can_email), ~needs_address())
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
    met, offered = _met_condition(), _offered_condition()
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
            .where(
                tasks.c.state == str(TaskState.OPEN),
                tasks.c.due <= today,
                tasks.c.kind != str(TaskKind.POST_LETTER),
            )
            .group_by(tasks.c.kind, tasks.c.due)
            .order_by(tasks.c.due)
        )
    ]
    # A print pack to post counts its letters, as the agenda's row says them.
    letters: dict[date, int] = {}
    for day, detail in conn.execute(
        select(tasks.c.due, tasks.c.detail).where(
            tasks.c.state == str(TaskState.OPEN),
            tasks.c.due <= today,
            tasks.c.kind == str(TaskKind.POST_LETTER),
        )
    ):
        letters[day] = letters.get(day, 0) + int(dict(detail or {}).get("letters") or 1)
    due += [DueCount(TaskKind.POST_LETTER, day, n) for day, n in sorted(letters.items())]
    to_post = int(
        conn.scalar(
            select(func.count())
            .select_from(sends)
            .where(
                sends.c.channel == str(Channel.POST),
                sends.c.state == str(SendState.SENT),
                sends.c.sent_on == today,
                untracked_post(),
            )
        )
        or 0
    )
    if to_post:
        due.append(DueCount(TaskKind.POST_LETTER, today, to_post))
    attention_counts = _grouped(
        conn,
        select(sends.c.state, func.count())
        .where(sends.c.state.in_(_values(ATTENTION_STATES)))
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
            .where(sends.c.state == str(state))
            .order_by(sends.c.id)
            .limit(_SAMPLE)
        )
        attention_sends.extend(AttentionSend(*row) for row in rows)
    late_call_ids: list[int] = []
    if late_before is not None:
        late = (
            select(tasks.c.prospect_id)
            .where(
                tasks.c.state == str(TaskState.OPEN),
                tasks.c.kind.in_(_values(CALL_KINDS)),
                tasks.c.due < late_before,
                tasks.c.prospect_id.is_not(None),
            )
            .order_by(tasks.c.due, tasks.c.id)
            .limit(_SAMPLE)
        )
        late_call_ids = [int(i) for i in conn.scalars(late)]
    live = prospects.c.status.in_(_values((ProspectStatus.ACTIVE, ProspectStatus.INTERVIEW)))
    no_phone_where = and_(live, func.trim(prospects.c.phone) == "")
    no_contact_where = and_(live, func.trim(prospects.c.contact) == "")
    incomplete = and_(prospects.c.status == str(ProspectStatus.ACTIVE), needs_address())
    people = [
        (int(i), str(c), str(t))
        for i, c, t in conn.execute(
            select(prospects.c.id, prospects.c.contact, prospects.c.title)
            .where(live)
            .order_by(prospects.c.id)
        )
    ]
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
        needs_address=_count(conn, incomplete),
        needs_address_ids=_ids(conn, incomplete),
        people=people,
        next_waiting_id=next_waiting_id,
    )


def _pace_figures(conn: Connection, today: date, week: str, letter: str) -> PaceFigures:
    def count(table: Any, *where: Any) -> Any:
        return select(func.count()).select_from(table).where(*where).scalar_subquery()

    def latest(column: Any) -> Any:
        return select(func.max(column)).scalar_subquery()

    open_call = and_(tasks.c.state == str(TaskState.OPEN), tasks.c.kind.in_(_values(CALL_KINDS)))
    unsent = and_(
        prospects.c.status == str(ProspectStatus.ACTIVE),
        ~exists().where(sends.c.prospect_id == prospects.c.id, sends.c.letter == letter),
    )
    row = conn.execute(
        select(
            count(prospects),
            count(sends, sends.c.week == week, sends.c.state.in_(_values(CAP_STATES))),
            count(tasks, open_call, tasks.c.due <= today),
            count(tasks, open_call, tasks.c.due < today),
            select(func.min(tasks.c.due)).where(open_call, tasks.c.due < today).scalar_subquery(),
            count(prospects, _met_condition()),
            count(prospects, _offered_condition()),
            count(prospects, _interview_to_come()),
            count(prospects, unsent),
            latest(sends.c.sent_on),
            latest(sends.c.claimed_on),
            latest(calls.c.called_on),
            latest(meetings.c.held_on),
            latest(prospects.c.updated_on),
            latest(tasks.c.closed_on),
        )
    ).one()
    days = [d for d in row[9:] if d is not None]
    return PaceFigures(
        prospects=int(row[0] or 0),
        sent_this_week=int(row[1] or 0),
        calls_due=int(row[2] or 0),
        calls_overdue=int(row[3] or 0),
        oldest_call_due=row[4],
        meetings=int(row[5] or 0),
        offers=int(row[6] or 0),
        interviews_agreed=int(row[7] or 0),
        waiting=int(row[8] or 0),
        last_activity=max(days) if days else None,
    )


def _grouped(conn: Connection, query: Any) -> dict[str, int]:
    return {str(key): int(n) for key, n in conn.execute(query)}


def _count(conn: Connection, where: Any) -> int:
    return int(conn.scalar(select(func.count()).select_from(prospects).where(where)) or 0)


def _ids(conn: Connection, where: Any) -> list[int]:
    query = select(prospects.c.id).where(where).order_by(prospects.c.id).limit(_SAMPLE)
    return [int(i) for i in conn.scalars(query)]
