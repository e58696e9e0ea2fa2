"""The read primitives of status, the call sheet, the agenda and the report, written once.

Each primitive asks a ``Runner`` for the rows of named views (``campaign.store.views``)
and shapes them into the plain data of ``campaign.models``. Two runners answer: the
SQLAlchemy one (``CoreViews``: any database, and every unit of work) and, for a current
SQLite file, the standard library's sqlite3 running the same statements precompiled
(``campaign.store.lite``). This module imports neither: it is the part both share.

(Also here, because status reads them: the open calls, the bounced emails, the wind-down
in force, who is next in line; and a campaign's pace for the counsellor's list.)
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import AbstractContextManager
from datetime import date
from typing import Any, Protocol

from campaign.errors import NotFound
from campaign.models import (
    ATTENTION_STATES,
    AgendaRow,
    AttentionSend,
    CallRecord,
    Contact,
    DueCount,
    PaceFigures,
    Prospect,
    ReportHistory,
    Send,
    SheetRow,
    StatusCallDone,
    StatusFigures,
    Task,
    TaskKind,
    WindDown,
)
from campaign.store.rows import (
    to_call,
    to_contact,
    to_meeting,
    to_prospect,
    to_send,
    to_task,
    to_wind_down,
)

# "No limit" for a due date: every stored date sorts before it, in SQLite and PostgreSQL.
ALL_DATES = date(9999, 12, 31)
# Ids per IN list: under every driver's parameter limit.
CHUNK = 500

Row = dict[str, Any]


class Runner(Protocol):
    """Runs a named view with its parameters; every row as a dict of Python values."""

    def rows(self, view: str, **params: Any) -> list[Row]:
        """The rows of ``view``."""
        ...


def _scalar(run: Runner, view: str, **params: Any) -> Any:
    found = run.rows(view, **params)
    return next(iter(found[0].values())) if found else None


def _count(run: Runner, view: str, **params: Any) -> int:
    return int(_scalar(run, view, **params) or 0)


def _grouped(run: Runner, view: str) -> dict[str, int]:
    return {str(key): int(n) for key, n in (tuple(r.values()) for r in run.rows(view))}


def _column(run: Runner, view: str, **params: Any) -> list[int]:
    return [int(next(iter(r.values()))) for r in run.rows(view, **params)]


def _in_chunks(ids: Sequence[int]) -> Iterator[list[int]]:
    ordered = sorted(set(ids))
    for i in range(0, len(ordered), CHUNK):
        yield ordered[i : i + CHUNK]


def _by_ids(run: Runner, view: str, ids: Sequence[int]) -> list[Row]:
    found: list[Row] = []
    for chunk in _in_chunks(ids):
        found.extend(run.rows(view, ids=chunk))
    return found


class ViewQueries:
    """The primitives that read through views; ``views()`` gives the runner to use."""

    def views(self) -> AbstractContextManager[Runner]:
        """A runner inside one read transaction (or the unit of work's own)."""
        raise NotImplementedError

    # -- prospects and calls ---------------------------------------------------------------

    def get_prospect(self, prospect_id: int) -> Prospect:
        """One prospect by id, or NotFound naming the id."""
        with self.views() as run:
            found = run.rows("prospects.by_id", id=prospect_id)
        if not found:
            raise NotFound(f"no prospect with id {prospect_id} (see `campaign prospects`)")
        return to_prospect(found[0])

    def open_call(self, prospect_id: int) -> Task | None:
        """The prospect's open follow-up call, if any (there is at most one)."""
        with self.views() as run:
            found = run.rows("tasks.open_call", prospect_id=prospect_id)
        return to_task(found[0]) if found else None

    def call_history(self, prospect_id: int) -> list[CallRecord]:
        """Every call logged for a prospect, oldest first."""
        with self.views() as run:
            return [to_call(r) for r in run.rows("calls.history", prospect_id=prospect_id)]

    def open_call_load(self, start: date, end: date) -> dict[date, int]:
        """How many open follow-up calls fall on each day from ``start`` to ``end`` inclusive."""
        with self.views() as run:
            rows = run.rows("tasks.open_call_load", start=start, end=end)
        return {r["due"]: int(r["n"]) for r in rows}

    def call_load(self, start: date, end: date) -> tuple[dict[date, int], int]:
        """Open calls per day from ``start`` to ``end``, and how many are overdue before it."""
        with self.views() as run:
            overdue = _count(run, "tasks.overdue_calls", start=start)
            rows = run.rows("tasks.open_call_load", start=start, end=end)
        return {r["due"]: int(r["n"]) for r in rows}, overdue

    def referrals(self, contact_id: int) -> tuple[list[Prospect], list[Contact]]:
        """The prospects and contacts that ``contact_id`` referred."""
        with self.views() as run:
            given = [
                to_prospect(r) for r in run.rows("prospects.referred_by", contact_id=contact_id)
            ]
            people = [
                to_contact(r) for r in run.rows("contacts.referred_by", contact_id=contact_id)
            ]
        return given, people

    def letters_to_post(self, start: date, end: date) -> list[tuple[Send, Prospect]]:
        """Printed letters counted as sent from ``start`` to ``end``: they must go in the post.

        Only those printed before print packs became tasks (no ``post_letter`` task was
        made that day): a pack printed since is on the agenda as its own task.
        """
        with self.views() as run:
            found = [to_send(r) for r in run.rows("sends.to_post", start=start, end=end)]
            return _with_prospects(run, found)

    def bounced_sends(self) -> list[tuple[Send, Prospect]]:
        """Emails that bounced for good and are not yet sent another way, oldest first."""
        with self.views() as run:
            return _with_prospects(run, [to_send(r) for r in run.rows("sends.bounced")])

    def open_calls(self, prospect_ids: Sequence[int] | None = None) -> list[Task]:
        """Open follow-up calls (of these prospects, or all), in due order."""
        with self.views() as run:
            if prospect_ids is None:
                return [to_task(r) for r in run.rows("tasks.open_calls")]
            found = [to_task(r) for r in _by_ids(run, "tasks.open_calls_of", prospect_ids)]
        return sorted(found, key=lambda t: (t.due, t.id))

    def current_wind_down(self) -> WindDown | None:
        """The wind-down in force (not resumed), if the campaign has one."""
        with self.views() as run:
            found = run.rows("status.wind_down")
        return to_wind_down(found[0]) if found else None

    def next_in_line(
        self, letter: str, limit: int, can_email: bool | None = None
    ) -> list[Prospect]:
        """The first ``limit`` active prospects not yet sent ``letter``, in wave order.

        ``can_email`` (is [smtp] set up?): only those a letter can reach, as the send
        run takes them; None takes everyone waiting.
        """
        with self.views() as run:
            view = f"prospects.next_in_line.{_reach(can_email)}"
            rows = run.rows(view, letter=letter, limit=limit)
        return [to_prospect(r) for r in rows]

    def interviews_to_come(self) -> list[Prospect]:
        """Prospects with a meeting agreed and none recorded yet, in wave order."""
        with self.views() as run:
            return [to_prospect(r) for r in run.rows("prospects.interviews_to_come")]

    def pace_figures(self, today: date, week: str, letter: str = "marketing") -> PaceFigures:
        """The campaign's pace as of ``today`` (ISO ``week``), in one query (the firm's list)."""
        with self.views() as run:
            row = run.rows("firm.pace", today=today, week=week, letter=letter)[0]
        days = [row[k] for k in _LATEST if row[k] is not None]
        return PaceFigures(
            prospects=int(row["prospects"] or 0),
            sent_this_week=int(row["sent_this_week"] or 0),
            calls_due=int(row["calls_due"] or 0),
            calls_overdue=int(row["calls_overdue"] or 0),
            oldest_call_due=row["oldest_call_due"],
            meetings=int(row["meetings"] or 0),
            offers=int(row["offers"] or 0),
            interviews_agreed=int(row["interviews_agreed"] or 0),
            waiting=int(row["waiting"] or 0),
            last_activity=max(days) if days else None,
        )

    # -- the call sheet and the agenda ---------------------------------------------------

    def call_sheet(self, until: date | None) -> list[SheetRow]:
        """Open follow-up calls due on or before ``until`` (all when None), oldest first."""
        with self.views() as run:
            found = [to_task(r) for r in run.rows("tasks.call_sheet", until=until or ALL_DATES)]
            return _sheet_rows(run, found)

    def cancelled_calls(self, since: date) -> list[SheetRow]:
        """Follow-up calls dropped on or after ``since``: calendars must hear of them."""
        with self.views() as run:
            found = [to_task(r) for r in run.rows("tasks.cancelled_calls", since=since)]
            return _sheet_rows(run, found)

    def open_agenda(self, until: date | None) -> list[AgendaRow]:
        """Every open task due on or before ``until`` (all when None), with its people."""
        with self.views() as run:
            found = [to_task(r) for r in run.rows("tasks.open_agenda", until=until or ALL_DATES)]
            pids = [t.prospect_id for t in found if t.prospect_id is not None]
            cids = [t.contact_id for t in found if t.contact_id is not None]
            by_pid = {p.id: p for p in map(to_prospect, _by_ids(run, "prospects.by_ids", pids))}
            by_cid = {c.id: c for c in map(to_contact, _by_ids(run, "contacts.by_ids", cids))}
        return [
            AgendaRow(
                t,
                None if t.prospect_id is None else by_pid.get(t.prospect_id),
                None if t.contact_id is None else by_cid.get(t.contact_id),
            )
            for t in found
        ]

    # -- status and the report -------------------------------------------------------------

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
        with self.views() as run:
            return _status_figures(run, today, week, letter, late_before, can_email)

    def report_history(self) -> ReportHistory:
        """Every prospect, send, logged call, open task and meeting (for the report)."""
        with self.views() as run:
            return ReportHistory(
                prospects=[to_prospect(r) for r in run.rows("report.prospects")],
                sends=[to_send(r) for r in run.rows("report.sends")],
                calls=[to_call(r) for r in run.rows("report.calls")],
                open_tasks=[to_task(r) for r in run.rows("report.open_tasks")],
                meetings=[to_meeting(r) for r in run.rows("report.meetings")],
                status_calls=[
                    StatusCallDone(
                        int(r["id"]),
                        int(r["prospect_id"]),
                        r["closed_on"] or r["due"],
                        str(r["decision"] or ""),
                    )
                    for r in run.rows("report.status_calls")
                ],
            )


# The columns of ``firm.pace`` whose latest day is the campaign's last activity.
_LATEST = ("last_sent", "last_claimed", "last_called", "last_met", "last_updated", "last_closed")


def _reach(can_email: bool | None) -> str:
    """The views' name for the channels a campaign may use (``views.REACH``)."""
    return "any" if can_email is None else "email" if can_email else "post"


def _with_prospects(run: Runner, found: Sequence[Send]) -> list[tuple[Send, Prospect]]:
    people = _by_ids(run, "prospects.by_ids", [s.prospect_id for s in found])
    by_id = {p.id: p for p in map(to_prospect, people)}
    return [(send, by_id[send.prospect_id]) for send in found]


def _sheet_rows(run: Runner, found: Sequence[Task]) -> list[SheetRow]:
    """Each task with its prospect, the send or meeting it follows, and the call history."""
    pids = [t.prospect_id for t in found if t.prospect_id is not None]
    by_id = {p.id: p for p in map(to_prospect, _by_ids(run, "prospects.by_ids", pids))}
    history: dict[int, list[CallRecord]] = {}
    for call in map(to_call, _by_ids(run, "calls.of_prospects", pids)):
        if call.prospect_id is not None:
            history.setdefault(call.prospect_id, []).append(call)
    sids = [t.send_id for t in found if t.send_id is not None]
    by_send = {s.id: s for s in map(to_send, _by_ids(run, "sends.by_ids", sids))}
    mids = [t.meeting_id for t in found if t.meeting_id is not None]
    by_meeting = {m.id: m for m in map(to_meeting, _by_ids(run, "meetings.by_ids", mids))}
    return [
        SheetRow(
            t,
            by_id[t.prospect_id],
            by_send.get(t.send_id) if t.send_id is not None else None,
            tuple(history.get(t.prospect_id, ())),
            by_meeting.get(t.meeting_id) if t.meeting_id is not None else None,
        )
        for t in found
        if t.prospect_id is not None
    ]


def _status_figures(
    run: Runner,
    today: date,
    week: str,
    letter: str,
    late_before: date | None,
    can_email: bool | None,
) -> StatusFigures:
    reach = _reach(can_email)
    unreachable, unreachable_ids = 0, []
    if can_email is not None:
        unreachable = _count(run, f"status.unreachable.{reach}", letter=letter)
        unreachable_ids = _column(run, f"status.unreachable_ids.{reach}", letter=letter)
    spoken = run.rows("status.spoken_met_offered")[0]
    due = [DueCount(r["kind"], r["due"], int(r["n"])) for r in run.rows("status.due", today=today)]
    # A print pack to post is one task (the agenda's one row), holding its letters.
    packs: dict[date, tuple[int, int]] = {}
    for r in run.rows("status.packs_due", today=today):
        count = int(dict(r["detail"] or {}).get("letters") or 1)
        tasks_then, letters_then = packs.get(r["due"], (0, 0))
        packs[r["due"]] = (tasks_then + 1, letters_then + count)
    due += [
        DueCount(TaskKind.POST_LETTER, day, n, letters)
        for day, (n, letters) in sorted(packs.items())
    ]
    to_post = _count(run, "status.to_post", today=today)
    if to_post:  # printed before packs were tasks: a row each
        due.append(DueCount(TaskKind.POST_LETTER, today, to_post, to_post))
    attention_counts = _grouped(run, "status.attention_counts")
    attention_sends = [
        AttentionSend(
            r["id"], r["prospect_id"], r["letter"], r["state"], r["company"], r["last_error"]
        )
        for state in ATTENTION_STATES
        if attention_counts.get(state)
        for r in run.rows("status.attention_sends", state=str(state))
    ]
    late_call_ids = []
    if late_before is not None:
        late_call_ids = _column(run, "status.late_calls", late_before=late_before)
    next_waiting = _scalar(run, f"status.next_waiting.{reach}", letter=letter)
    return StatusFigures(
        by_status=_grouped(run, "status.by_status"),
        sent_by_channel=_grouped(run, "status.sent_by_channel"),
        cap_used=_count(run, "status.cap_used", week=week),
        waiting=_count(run, f"status.waiting.{reach}", letter=letter),
        calls_by_outcome=_grouped(run, "status.calls_by_outcome"),
        status_calls_done=_count(run, "status.status_calls_done"),
        conversations=int(spoken["spoken"] or 0),
        meetings=int(spoken["met"] or 0),
        offers=int(spoken["offered"] or 0),
        due=due,
        attention_sends=attention_sends,
        attention_counts=attention_counts,
        no_phone=_count(run, "status.no_phone"),
        no_phone_ids=_column(run, "status.no_phone_ids"),
        no_contact=_count(run, "status.no_contact"),
        no_contact_ids=_column(run, "status.no_contact_ids"),
        needs_address=_count(run, "status.needs_address"),
        needs_address_ids=_column(run, "status.needs_address_ids"),
        people=[
            (int(r["id"]), str(r["contact"]), str(r["title"])) for r in run.rows("status.people")
        ],
        late_call_ids=late_call_ids,
        unreachable=unreachable,
        unreachable_ids=unreachable_ids,
        next_waiting_id=None if next_waiting is None else int(next_waiting),
    )
