"""The sends ledger's rows and state changes, and the lock that keeps send runs one at a time.

A row's life (the rules are in ``campaign.ledger``): CLAIMED (committed before anything
leaves) -> TRANSMITTING (committed just before the message is handed to the server) ->
SENT | DEFERRED (4xx) | FAILED (5xx) | UNKNOWN (the connection died mid-transmission).
Each state change here refuses a row that is not in the state it expects, so two runs
can never both move one row.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from datetime import date, datetime
from functools import cache
from typing import Any

from sqlalchemy import Integer, String, bindparam, func, or_, select
from sqlalchemy.exc import IntegrityError

from campaign.errors import LedgerConflict, NotFound, RunInProgress, arg
from campaign.models import (
    CAP_STATES,
    RETRYABLE_STATES,
    Claim,
    LockHolder,
    Send,
    SendState,
)
from campaign.store.base import Connected
from campaign.store.rows import to_send
from campaign.store.schema import locks, sends

SEND_LOCK = "send"


@cache
def _transition(sources: tuple[str, ...], keys: tuple[str, ...], attempted: bool) -> Any:
    """UPDATE one row in one of ``sources`` RETURNING it: built once per shape, not per send.

    A send run moves each email twice (TRANSMITTING, then SENT): building the statement
    anew each time, and reading the row back with a second SELECT, cost more than the
    durable commit itself.
    """
    values: dict[str, Any] = {k: bindparam(f"set_{k}", type_=sends.c[k].type) for k in keys}
    if attempted:
        values["attempts"] = sends.c.attempts + 1
    return (
        sends.update()
        .where(
            sends.c.id == bindparam("send_id", type_=Integer),
            or_(*(sends.c.state == state for state in sources)),
        )
        .values(state=bindparam("target", type_=String), **values)
        .returning(*sends.c)
    )


class SendQueries(Connected):
    """Reading and writing the ledger, and the named locks."""

    # -- reading ---------------------------------------------------------------------

    def prospects_with_letter(self, letter: str) -> set[int]:
        """Prospects that already have a ledger row for ``letter`` (in any state)."""
        query = select(sends.c.prospect_id).where(sends.c.letter == letter)
        with self.read() as conn:
            return set(conn.scalars(query))

    def cap_used(self, week: str) -> int:
        """Sends that use up a slot of the cap in ISO ``week`` (failed ones do not)."""
        query = (
            select(func.count())
            .select_from(sends)
            .where(sends.c.week == week, sends.c.state.in_([str(s) for s in CAP_STATES]))
        )
        with self.read() as conn:
            return int(conn.scalar(query) or 0)

    def list_sends(self, states: Iterable[str] | None = None) -> list[Send]:
        """Every ledger row (optionally only those in ``states``), oldest first."""
        query = select(sends).order_by(sends.c.id)
        if states is not None:
            query = query.where(sends.c.state.in_([str(s) for s in states]))
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
        return self.list_sends([SendState.CLAIMED, SendState.DEFERRED])

    # -- state changes ------------------------------------------------------------------

    def recover_interrupted(self, reason: str) -> list[Send]:
        """Turn rows left TRANSMITTING by a killed run into UNKNOWN (in doubt); returns them."""
        with self.write() as conn:
            query = select(sends.c.id).where(sends.c.state == str(SendState.TRANSMITTING))
            ids = list(conn.scalars(query))
            if ids:
                conn.execute(
                    sends.update()
                    .where(sends.c.id.in_(ids))
                    .values(state=str(SendState.UNKNOWN), last_error=reason)
                )
            return [to_send(r) for r in conn.execute(select(sends).where(sends.c.id.in_(ids)))]

    def insert_claim(self, item: Claim, *, week: str, today: date, run_id: str) -> int:
        """A new CLAIMED row; LedgerConflict if the prospect has this letter already."""
        with self.write() as conn:
            try:
                result = conn.execute(
                    sends.insert().values(
                        prospect_id=item.prospect_id,
                        letter=item.letter,
                        channel=str(item.channel),
                        state=str(SendState.CLAIMED),
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
                raise LedgerConflict(
                    f"prospect {item.prospect_id} already has a {item.letter} letter in the "
                    f"ledger; a letter is never sent twice"
                ) from None
            key = result.inserted_primary_key
            assert key is not None  # an INSERT of one row always has one
            return int(key[0])

    def reclaim(self, item: Claim, *, week: str, today: date, run_id: str) -> int:
        """A waiting, refused or in-doubt row CLAIMED again by this run (in ``week``)."""
        assert item.send_id is not None
        with self.write() as conn:
            result = conn.execute(
                sends.update()
                .where(
                    sends.c.id == item.send_id,
                    sends.c.state.in_([str(s) for s in RETRYABLE_STATES]),
                )
                .values(
                    state=str(SendState.CLAIMED),
                    channel=str(item.channel),
                    week=week,
                    claimed_on=today,
                    run_id=run_id,
                )
            )
        if result.rowcount != 1:
            raise LedgerConflict(f"send {item.send_id} can't be claimed: its state changed")
        return item.send_id

    def transition(
        self,
        send_id: int,
        sources: Sequence[str],
        target: str,
        refusal: str = "",
        *,
        attempted: bool = False,
        **values: Any,
    ) -> Send:
        """Move one row from one of ``sources`` to ``target`` (setting ``values``); the row after.

        ``attempted`` counts one more delivery attempt. LedgerConflict (worded
        ``refusal``, if given) when the row is in none of ``sources``: another run moved
        it first.
        """
        statement = _transition(tuple(str(s) for s in sources), tuple(sorted(values)), attempted)
        params = {f"set_{k}": v for k, v in values.items()}
        with self.write() as conn:
            row = conn.execute(
                statement, {"send_id": send_id, "target": str(target), **params}
            ).first()
            if row is None:
                row = conn.execute(select(sends.c.state).where(sends.c.id == send_id)).first()
                state = row.state if row is not None else "missing"
                raise LedgerConflict(
                    refusal.format(state=state)
                    or f"send {send_id} is not {' or '.join(sources)}; it can't become {target}"
                )
            return to_send(row)

    def mark_transmitting(self, send_id: int, message_id: str = "") -> None:
        """CLAIMED -> TRANSMITTING, committed just before the message goes to the server."""
        self.transition(
            send_id,
            (SendState.CLAIMED,),
            SendState.TRANSMITTING,
            f"send {send_id} is no longer claimed by this run",
            attempted=True,
            message_id=message_id,
        )

    def mark_deferred(self, send_id: int, reason: str) -> None:
        """The server said 4xx (or the connection died before DATA): the next run retries it."""
        sources = (SendState.CLAIMED, SendState.TRANSMITTING)
        self.transition(send_id, sources, SendState.DEFERRED, last_error=reason)

    def mark_failed(self, send_id: int, reason: str) -> None:
        """The server said 5xx: recorded with its words, never retried automatically."""
        sources = (SendState.CLAIMED, SendState.TRANSMITTING)
        self.transition(send_id, sources, SendState.FAILED, last_error=reason)

    def mark_unknown(self, send_id: int, reason: str) -> None:
        """The connection died after DATA began: in doubt, never resent automatically."""
        self.transition(send_id, (SendState.TRANSMITTING,), SendState.UNKNOWN, last_error=reason)

    def settle_not_sent(self, send_id: int, reason: str) -> None:
        """An UNKNOWN send that never arrived: DEFERRED, so the next run delivers it."""
        self.transition(send_id, (SendState.UNKNOWN,), SendState.DEFERRED, last_error=reason)

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
                        else f", or if it died on {row.host}, run `campaign send {arg('unlock')}`"
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
