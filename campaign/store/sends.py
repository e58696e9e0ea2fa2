"""The sends ledger: one row per prospect and letter, an outbox that never sends twice.

A row's life: CLAIMED (committed before anything leaves) -> TRANSMITTING (committed
just before the message is handed to the server) -> SENT (with its first follow-up
call, in one transaction) | DEFERRED (4xx: retried by the next run) | FAILED (5xx:
never retried automatically) | UNKNOWN (the connection died mid-transmission: in
doubt, settled by the user). A run killed at any moment leaves CLAIMED rows (safe to
deliver again: nothing left) and at most one TRANSMITTING row per connection (in
doubt: it becomes UNKNOWN, never resent automatically).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import Connection, Row, func, select
from sqlalchemy.exc import IntegrityError

from campaign.clock import BusinessCalendar
from campaign.config import Schedule
from campaign.errors import CampaignError, NotFound, RunInProgress
from campaign.followup import first_call_earliest, first_call_reason, place_call
from campaign.models import (
    CAP_STATES,
    CLAIMED,
    DEFERRED,
    FAILED,
    SENT,
    TRANSMITTING,
    UNKNOWN,
    Send,
)
from campaign.store.base import StoreBase
from campaign.store.schema import locks, sends
from campaign.store.tasks import CALL, insert_task, move_task, open_call_load, open_call_row

_SEND_FIELDS = {f.name for f in dataclasses.fields(Send)}

SEND_LOCK = "send"
# How far ahead a first call may be pushed by full days; a year is far beyond any real load.
_LOAD_HORIZON = timedelta(days=366)


def to_send(row: Row[Any]) -> Send:
    """A database row as a Send."""
    return Send(**{k: v for k, v in row._mapping.items() if k in _SEND_FIELDS})


@dataclass(frozen=True)
class Claim:
    """A delivery a run is about to make: a new ledger row, or (``send_id``) a retry of one."""

    prospect_id: int
    letter: str
    channel: str
    send_id: int | None = None


@dataclass(frozen=True)
class FollowUp:
    """The first call a send scheduled (``due`` is None when one was already open)."""

    send_id: int
    prospect_id: int
    due: date | None


@dataclass(frozen=True)
class LockHolder:
    """Who holds a named lock, and since when."""

    pid: int
    host: str
    acquired_at: datetime


class CallLoad:
    """Open calls per day, read once per run and kept current as the run places calls.

    A run holds the send lock, so only a concurrent `campaign log` could add a call
    meanwhile; at worst one day gets one call over its cap. Reading the load again in
    every transaction made a 2,000-letter run 2x slower.
    """

    def __init__(self) -> None:
        self.days: dict[date, int] | None = None

    def read(self, conn: Connection, start: date) -> dict[date, int]:
        """The load from ``start`` on, from the database the first time only."""
        if self.days is None:
            self.days = open_call_load(conn, start, start + 2 * _LOAD_HORIZON)
        return self.days


class LedgerConflict(CampaignError):
    """A ledger row is not in the state an operation needs (another run got there first)."""


class SendQueries(StoreBase):
    """Reading and writing the ledger, and the lock that keeps send runs one at a time."""

    # -- reading ---------------------------------------------------------------------

    def prospects_with_letter(self, letter: str) -> set[int]:
        """Prospects that already have a ledger row for ``letter`` (in any state)."""
        query = select(sends.c.prospect_id).where(sends.c.letter == letter)
        with self.read() as conn:
            return set(conn.scalars(query))

    def cap_used(self, week: str) -> int:
        """Sends that use up a slot of the cap in ISO ``week`` (failed ones do not)."""
        with self.read() as conn:
            return _cap_used(conn, week)

    def list_sends(self, states: Iterable[str] | None = None) -> list[Send]:
        """Every ledger row (optionally only those in ``states``), oldest first."""
        query = select(sends).order_by(sends.c.id)
        if states is not None:
            query = query.where(sends.c.state.in_(list(states)))
        with self.read() as conn:
            return [to_send(r) for r in conn.execute(query)]

    def get_send(self, send_id: int) -> Send:
        """One ledger row by id, or NotFound naming the id."""
        with self.read() as conn:
            row = conn.execute(select(sends).where(sends.c.id == send_id)).first()
        if row is None:
            raise NotFound(f"no send with id {send_id} (see `campaign status`)")
        return to_send(row)

    def pending_retries(self) -> list[Send]:
        """Rows the next run delivers first: DEFERRED (4xx) and CLAIMED left by a killed run."""
        return self.list_sends([CLAIMED, DEFERRED])

    # -- the outbox ------------------------------------------------------------------

    def recover_interrupted(self, reason: str) -> list[Send]:
        """Turn rows left TRANSMITTING by a killed run into UNKNOWN (in doubt); returns them."""
        with self.write() as conn:
            rows = [
                to_send(r) for r in conn.execute(select(sends).where(sends.c.state == TRANSMITTING))
            ]
            if rows:
                conn.execute(
                    sends.update()
                    .where(sends.c.id.in_([r.id for r in rows]))
                    .values(state=UNKNOWN, last_error=reason)
                )
        return [dataclasses.replace(r, state=UNKNOWN, last_error=reason) for r in rows]

    def claim(
        self,
        claims: Sequence[Claim],
        *,
        week: str,
        today: date,
        run_id: str,
        cap: int | None,
    ) -> list[Send]:
        """Claim every delivery of a run in one committed transaction, before any is made.

        New rows are inserted (the unique key refuses a second row for the same
        prospect and letter); retries move to CLAIMED in ``week``. With ``cap`` set,
        the transaction refuses to put ``week`` over it.
        """
        with self.write() as conn:
            ids: list[int] = []
            for item in claims:
                if item.send_id is None:
                    ids.append(self._insert_claim(conn, item, week, today, run_id))
                    continue
                result = conn.execute(
                    sends.update()
                    .where(
                        sends.c.id == item.send_id,
                        sends.c.state.in_([CLAIMED, DEFERRED, FAILED, UNKNOWN]),
                    )
                    .values(
                        state=CLAIMED,
                        channel=item.channel,
                        week=week,
                        claimed_on=today,
                        run_id=run_id,
                    )
                )
                if result.rowcount != 1:
                    raise LedgerConflict(f"send {item.send_id} can't be claimed: its state changed")
                ids.append(item.send_id)
            if cap is not None and _cap_used(conn, week) > cap:
                # Rolls the whole claim back: the cap is a promise, not an estimate.
                raise LedgerConflict(f"claiming {len(claims)} sends would put {week} over {cap}")
            rows = conn.execute(select(sends).where(sends.c.id.in_(ids))).all()
        by_id = {r.id: to_send(r) for r in rows}
        return [by_id[i] for i in ids]

    @staticmethod
    def _insert_claim(conn: Connection, item: Claim, week: str, today: date, run_id: str) -> int:
        try:
            result = conn.execute(
                sends.insert().values(
                    prospect_id=item.prospect_id,
                    letter=item.letter,
                    channel=item.channel,
                    state=CLAIMED,
                    week=week,
                    claimed_on=today,
                    attempts=0,
                    last_error="",
                    message_id="",
                    pack="",
                    run_id=run_id,
                )
            )
        except IntegrityError:
            # The whole claim rolls back with this: nothing of the run is recorded.
            raise LedgerConflict(
                f"prospect {item.prospect_id} already has a {item.letter} letter in the ledger; "
                f"a letter is never sent twice"
            ) from None
        return int(result.inserted_primary_key[0])  # type: ignore[index]

    def mark_transmitting(self, send_id: int, message_id: str = "") -> None:
        """CLAIMED -> TRANSMITTING, committed just before the message goes to the server."""
        with self.write() as conn:
            result = conn.execute(
                sends.update()
                .where(sends.c.id == send_id, sends.c.state == CLAIMED)
                .values(
                    state=TRANSMITTING,
                    attempts=sends.c.attempts + 1,
                    message_id=message_id,
                )
            )
            if result.rowcount != 1:
                raise LedgerConflict(f"send {send_id} is no longer claimed by this run")

    def mark_sent(
        self,
        send_id: int,
        *,
        sent_on: date,
        schedule: Schedule,
        calendar: BusinessCalendar,
        message_id: str = "",
        load: CallLoad | None = None,
        promised: date | None = None,
    ) -> FollowUp:
        """TRANSMITTING -> SENT after the server's 250, with its first call, in one transaction.

        ``promised``: the day the letter told the reader to expect the call; the call is
        due then (a promise in writing beats the daily call cap).
        """
        with self.write() as conn:
            values: dict[str, Any] = {"state": SENT, "sent_on": sent_on, "last_error": ""}
            if message_id:
                values["message_id"] = message_id
            return self._finish(
                conn, send_id, (TRANSMITTING,), values, schedule, calendar, load, promised
            )

    def mark_printed(
        self,
        send_ids: Sequence[int],
        *,
        sent_on: date,
        pack: str,
        schedule: Schedule,
        calendar: BusinessCalendar,
        load: CallLoad | None = None,
        promised: Mapping[int, date] | None = None,
    ) -> list[FollowUp]:
        """CLAIMED printed letters -> SENT the day their print pack is made, with their calls.

        ``promised`` maps a send id to the call day its letter names (see ``mark_sent``).
        """
        values: dict[str, Any] = {"state": SENT, "sent_on": sent_on, "pack": pack}
        load = load or CallLoad()  # one read for the whole pack
        with self.write() as conn:
            return [
                self._finish(
                    conn,
                    send_id,
                    (CLAIMED,),
                    {**values, "attempts": sends.c.attempts + 1},
                    schedule,
                    calendar,
                    load,
                    (promised or {}).get(send_id),
                )
                for send_id in send_ids
            ]

    def settle_sent(
        self, send_id: int, *, schedule: Schedule, calendar: BusinessCalendar
    ) -> FollowUp:
        """An UNKNOWN send the user found in their Sent folder: SENT (on its claim day) + call."""
        send = self.get_send(send_id)
        with self.write() as conn:
            values: dict[str, Any] = {"state": SENT, "sent_on": send.claimed_on, "last_error": ""}
            return self._finish(conn, send_id, (UNKNOWN,), values, schedule, calendar)

    def settle_not_sent(self, send_id: int, reason: str) -> None:
        """An UNKNOWN send that never arrived: DEFERRED, so the next run delivers it."""
        self._move(send_id, (UNKNOWN,), DEFERRED, reason)

    def mark_deferred(self, send_id: int, reason: str) -> None:
        """The server said 4xx (or the connection died before DATA): the next run retries it."""
        self._move(send_id, (CLAIMED, TRANSMITTING), DEFERRED, reason)

    def mark_failed(self, send_id: int, reason: str) -> None:
        """The server said 5xx: recorded with its words, never retried automatically."""
        self._move(send_id, (CLAIMED, TRANSMITTING), FAILED, reason)

    def mark_unknown(self, send_id: int, reason: str) -> None:
        """The connection died after DATA began: in doubt, never resent automatically."""
        self._move(send_id, (TRANSMITTING,), UNKNOWN, reason)

    def _move(self, send_id: int, sources: Sequence[str], target: str, reason: str) -> None:
        with self.write() as conn:
            result = conn.execute(
                sends.update()
                .where(sends.c.id == send_id, sends.c.state.in_(list(sources)))
                .values(state=target, last_error=reason)
            )
            if result.rowcount != 1:
                raise LedgerConflict(
                    f"send {send_id} is not {' or '.join(sources)}; it can't become {target}"
                )

    def _finish(
        self,
        conn: Connection,
        send_id: int,
        sources: Sequence[str],
        values: dict[str, Any],
        schedule: Schedule,
        calendar: BusinessCalendar,
        cache: CallLoad | None = None,
        promised: date | None = None,
    ) -> FollowUp:
        row = conn.execute(select(sends).where(sends.c.id == send_id)).first()
        if row is None or row.state not in sources:
            state = row.state if row is not None else "missing"
            raise LedgerConflict(f"send {send_id} is {state}; it can't be marked sent")
        conn.execute(sends.update().where(sends.c.id == send_id).values(**values))
        sent_on: date = values["sent_on"]
        booked = open_call_row(conn, row.prospect_id)
        if booked is not None:  # one open follow-up per prospect
            if promised is None or booked.due >= promised:
                return FollowUp(send_id, row.prospect_id, None)
            # This letter promises a later call than the one on the books: keep its word.
            reason = first_call_reason(row.letter, row.channel, sent_on)
            move_task(conn, booked.id, promised, send_id=send_id, reason=reason)
            if cache is not None:
                load = cache.read(conn, sent_on)
                load[booked.due] = max(load.get(booked.due, 1) - 1, 0)
                load[promised] = load.get(promised, 0) + 1
            return FollowUp(send_id, row.prospect_id, promised)
        earliest = first_call_earliest(row.channel, sent_on, schedule)
        if cache is None:
            load = open_call_load(conn, earliest, earliest + _LOAD_HORIZON)
        else:
            load = cache.read(conn, sent_on)
        if promised is not None and promised >= earliest:
            due = calendar.on_or_after(promised)
        else:
            due = place_call(calendar, earliest, load, schedule.calls_per_day)
        if cache is not None:
            load[due] = load.get(due, 0) + 1
        insert_task(
            conn,
            kind=CALL,
            due=due,
            today=sent_on,
            prospect_id=row.prospect_id,
            send_id=send_id,
            attempt=1,
            reason=first_call_reason(row.letter, row.channel, sent_on),
        )
        return FollowUp(send_id, row.prospect_id, due)

    # -- the run lock ----------------------------------------------------------------

    def acquire_lock(
        self,
        *,
        pid: int,
        host: str,
        now: datetime,
        alive: Callable[[int], bool],
        name: str = SEND_LOCK,
    ) -> LockHolder | None:
        """Take the named lock, or raise RunInProgress naming its holder.

        A lock held by a pid that is dead on this host (a killed run) is taken over;
        the previous holder is returned so the caller can say so.
        """
        with self.write() as conn:
            row = conn.execute(select(locks).where(locks.c.name == name)).first()
            mine = {"holder": f"{pid}@{host}", "pid": pid, "host": host, "acquired_at": now}
            if row is None:
                try:
                    conn.execute(locks.insert().values(name=name, **mine))
                except IntegrityError:
                    # PostgreSQL: another run inserted it between our read and our insert.
                    raise RunInProgress("a send run is in progress (it has just started)") from None
                return None
            holder = LockHolder(row.pid, row.host, row.acquired_at)
            if row.host != host or (row.pid != pid and alive(row.pid)):
                raise RunInProgress(
                    f"a send run is in progress (pid {row.pid} on host {row.host} since "
                    f"{row.acquired_at:%Y-%m-%d %H:%M:%S}); wait for it to finish"
                    + (
                        ""
                        if row.host == host
                        else f", or if it died on {row.host}, run `campaign send --unlock`"
                    )
                )
            conn.execute(locks.update().where(locks.c.name == name).values(**mine))
            return holder

    def release_lock(self, *, pid: int, host: str, name: str = SEND_LOCK) -> None:
        """Give the lock back (only if this process still holds it)."""
        with self.write() as conn:
            conn.execute(
                locks.delete().where(locks.c.name == name, locks.c.pid == pid, locks.c.host == host)
            )

    def break_lock(self, name: str = SEND_LOCK) -> LockHolder | None:
        """Remove the lock whoever holds it (a run that died on another host); returns it."""
        with self.write() as conn:
            row = conn.execute(select(locks).where(locks.c.name == name)).first()
            conn.execute(locks.delete().where(locks.c.name == name))
        return None if row is None else LockHolder(row.pid, row.host, row.acquired_at)


def _cap_used(conn: Connection, week: str) -> int:
    query = (
        select(func.count())
        .select_from(sends)
        .where(sends.c.week == week, sends.c.state.in_(CAP_STATES))
    )
    return int(conn.scalar(query) or 0)
