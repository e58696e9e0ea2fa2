"""The sends ledger's rows and state changes, and the lock that keeps send runs one at a time.

The lock: on PostgreSQL, the database's own (a session advisory lock keyed by the
campaign's schema, held on a connection of the run's own, which the server lets go the
moment that connection dies, whatever killed it, on whichever machine); the ``locks`` row
beside it only says who holds it and since when. On SQLite, the row is the lock, and a
holder's pid that is dead on this host lets the next run take it over.

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

from sqlalchemy import Connection, Integer, Row, String, bindparam, func, or_, select, text
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.exc import IntegrityError, SQLAlchemyError

from campaign.errors import LedgerConflict, NotFound, RunInProgress, StoreError, arg
from campaign.models import (
    CAP_STATES,
    RETRYABLE_STATES,
    Channel,
    Claim,
    LockHolder,
    Send,
    SendState,
)
from campaign.store.base import Connected
from campaign.store.rows import to_send
from campaign.store.schema import locks, sends

SEND_LOCK = "send"
# The advisory lock of the named lock in this campaign: the pair (hashtext of the name, the
# oid of the connection's schema), unique per campaign, so two campaigns never meet.
_TRY = "SELECT pg_try_advisory_lock({})"
_UNLOCK = "SELECT pg_advisory_unlock({})"
_SERVER_KEY = (
    "hashtext(:name), (SELECT oid FROM pg_namespace WHERE nspname = current_schema())::int"
)
# The lock's connection sits idle for the whole run: the server must not end it for
# idling, and must notice soon when its machine vanishes (TCP keepalives). Settings this
# server lacks are skipped.
_LOCK_SESSION = (
    "SELECT set_config(s.name, v.setting, false) FROM (VALUES"
    " ('idle_session_timeout', '0'), ('idle_in_transaction_session_timeout', '0'),"
    " ('tcp_keepalives_idle', '30'), ('tcp_keepalives_interval', '10'),"
    " ('tcp_keepalives_count', '3')) AS v(name, setting) JOIN pg_settings s ON s.name = v.name"
)


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

    def mailed_addresses(self, letter: str | None = None) -> dict[str, int]:
        """Mailboxes that had ``letter`` (any letter when None), each with the prospect it
        went to as; a refused (failed) send does not count, a waiting or in-doubt one does."""
        query = select(sends.c.address, sends.c.prospect_id).where(
            sends.c.address != "", sends.c.state != str(SendState.FAILED)
        )
        if letter is not None:
            query = query.where(sends.c.letter == letter)
        with self.read() as conn:
            return {
                row.address: row.prospect_id for row in conn.execute(query.order_by(sends.c.id))
            }

    def send_to_address(self, letter: str, address: str, other_than: int) -> Send | None:
        """Another send of ``letter`` to ``address`` that counts (see ``mailed_addresses``)."""
        query = (
            select(sends)
            .where(
                sends.c.letter == letter,
                sends.c.address == address,
                sends.c.state != str(SendState.FAILED),
                sends.c.id != other_than,
            )
            .order_by(sends.c.id)
        )
        with self.read() as conn:
            row = conn.execute(query).first()
        return None if row is None else to_send(row)

    def claimed_packs(self) -> dict[str, list[Send]]:
        """CLAIMED printed letters already assigned a print pack (a run stopped on the way)."""
        query = (
            select(sends)
            .where(
                sends.c.state == str(SendState.CLAIMED),
                sends.c.channel == str(Channel.POST),
                sends.c.pack != "",
            )
            .order_by(sends.c.id)
        )
        packs: dict[str, list[Send]] = {}
        with self.read() as conn:
            for row in conn.execute(query):
                packs.setdefault(row.pack, []).append(to_send(row))
        return packs

    def cap_used(self, week: str) -> int:
        """Sends that use up a slot of the cap in ISO ``week`` (failed ones do not)."""
        query = (
            select(func.count())
            .select_from(sends)
            .where(sends.c.week == week, sends.c.state.in_([str(s) for s in CAP_STATES]))
            .where(sends.c.task_id.is_(None))  # thank-you emails need no slot
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

    def sends_of(self, prospect_id: int) -> list[Send]:
        """A prospect's ledger rows, oldest first."""
        query = select(sends).where(sends.c.prospect_id == prospect_id).order_by(sends.c.id)
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
        """Rows the next run delivers first: DEFERRED (4xx) and CLAIMED left by a killed run.

        Letters only: thank-you emails are retried by the thank-you run.
        """
        return [
            s
            for s in self.list_sends([SendState.CLAIMED, SendState.DEFERRED])
            if not s.is_thank_you
        ]

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
                        task_id=item.task_id,
                        contact_id=item.contact_id,
                        address=item.address,
                        promised_on=item.promised_on,
                    )
                )
            except IntegrityError:
                if item.task_id is not None:
                    raise LedgerConflict(
                        f"the thank-you of task {item.task_id} is in the ledger already; "
                        "it is never sent twice"
                    ) from None
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
                    address=item.address,
                    promised_on=item.promised_on,
                    pack="",
                )
            )
        if result.rowcount != 1:
            raise LedgerConflict(f"send {item.send_id} can't be claimed: its state changed")
        return item.send_id

    def assign_pack(self, send_ids: Sequence[int], pack: str) -> None:
        """Record which print pack holds these CLAIMED letters ("" forgets it), before it is
        written: a rerun finds the pack a killed run finished, or the partial one to remove."""
        with self.write() as conn:
            result = conn.execute(
                sends.update()
                .where(sends.c.id.in_(list(send_ids)), sends.c.state == str(SendState.CLAIMED))
                .values(pack=pack)
            )
        if result.rowcount != len(set(send_ids)):
            raise LedgerConflict("a printed letter of this run is no longer claimed by it")

    def release_claim(self, send_id: int, before: Send | None) -> None:
        """A claim this run never delivered goes back to waiting: a new row is removed, a
        retried one gets back the state (and week) it had. Only CLAIMED or TRANSMITTING rows
        (the server refused the session, so nothing was taken) are released."""
        mine = (
            sends.c.id == send_id,
            sends.c.state.in_([str(SendState.CLAIMED), str(SendState.TRANSMITTING)]),
        )
        with self.write() as conn:
            if before is None:
                conn.execute(sends.delete().where(*mine))
                return
            conn.execute(
                sends.update()
                .where(*mine)
                .values(
                    state=str(before.state),
                    channel=str(before.channel),
                    week=before.week,
                    claimed_on=before.claimed_on,
                    address=before.address,
                    promised_on=before.promised_on,
                    pack=before.pack,
                    attempts=before.attempts,
                    last_error=before.last_error,
                    message_id=before.message_id,
                )
            )

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

        PostgreSQL: the database's lock, held until ``release_lock`` or until this
        process's connection dies; the row of a holder whose lock died with it is taken
        over (pid and host are only shown). SQLite: a lock held by a pid that is dead on
        this host (a killed run) is taken over. Either way the previous holder is
        returned so the caller can say so.
        """
        mine = {"holder": f"{pid}@{host}", "pid": pid, "host": host, "acquired_at": now}
        if self.dialect == "postgresql":
            return self._acquire_on_server(name, mine)
        with self.write() as conn:
            row = conn.execute(select(locks).where(locks.c.name == name)).first()
            if row is None:
                try:
                    conn.execute(locks.insert().values(name=name, **mine))
                except IntegrityError:
                    # Another run inserted it between our read and our insert.
                    raise RunInProgress("a send run is in progress (it has just started)") from None
                return None
            holder = LockHolder(row.pid, row.host, row.acquired_at)
            if row.host != host or (row.pid != pid and alive(row.pid)):
                raise RunInProgress(
                    f"a send run is in progress ({_who(row)}); wait for it to finish"
                    + (
                        ""
                        if row.host == host
                        else f", or if it died on {row.host}, run `campaign send {arg('unlock')}`"
                    )
                )
            conn.execute(locks.update().where(locks.c.name == name).values(**mine))
            return holder

    def _acquire_on_server(self, name: str, mine: dict[str, Any]) -> LockHolder | None:
        """PostgreSQL: the advisory lock on a session of its own, then the row saying whose.

        Everything happens in one transaction that first locks the row (inserting it if
        there is none), so a second run waits the few milliseconds until the first has
        written its name, and its refusal names the run that holds the lock now.
        """
        conn = self.open_session(f"lock:{name}")
        try:
            with conn.begin():
                conn.execute(text(_LOCK_SESSION))
                inserted = conn.execute(
                    pg_insert(locks)
                    .values(name=name, **mine)
                    .on_conflict_do_nothing(index_elements=[locks.c.name])
                    .returning(locks.c.name)
                ).first()
                row = conn.execute(
                    select(locks).where(locks.c.name == name).with_for_update()
                ).one()
                got = conn.scalar(text(_TRY.format(_SERVER_KEY)), {"name": name})
                if not got:
                    raise RunInProgress(
                        "a send run is in progress "
                        f"({'it has just started' if inserted else _who(row)}); "
                        "wait for it to finish"
                    )
                if inserted:
                    return None
                conn.execute(locks.update().where(locks.c.name == name).values(**mine))
                return LockHolder(row.pid, row.host, row.acquired_at)
        except BaseException:
            _end(self.close_session(f"lock:{name}"))
            raise

    def release_lock(self, *, pid: int, host: str, name: str = SEND_LOCK) -> None:
        """Give the lock back (only if this process still holds it)."""
        mine = (locks.c.name == name, locks.c.pid == pid, locks.c.host == host)
        session = self.close_session(f"lock:{name}")
        if session is not None:  # PostgreSQL: the row, then the lock with its connection
            try:
                with session.begin():
                    session.execute(locks.delete().where(*mine))
                    session.execute(text(_UNLOCK.format(_SERVER_KEY)), {"name": name})
            except SQLAlchemyError as exc:
                # The database is gone: so is the lock (it ended with the connection).
                raise StoreError(f"the send lock could not be given back: {exc}") from None
            finally:
                _end(session)
            return
        with self.write() as conn:
            conn.execute(locks.delete().where(*mine))

    def break_lock(
        self, name: str = SEND_LOCK, holder: LockHolder | None = None
    ) -> LockHolder | None:
        """Remove the lock whoever holds it (a run that died on another host); returns it.

        With ``holder``, only while that holder still has it (not a run started since).
        PostgreSQL: a lock is broken only when its holder is gone (the database lets go of
        a dead run's lock by itself; this clears the row it left); a live holder's lock
        raises RunInProgress.
        """
        if self.dialect == "postgresql":
            return self._break_on_server(name)
        with self.write() as conn:
            row = conn.execute(select(locks).where(locks.c.name == name)).first()
            if row is None or (
                holder is not None and (row.pid, row.host) != (holder.pid, holder.host)
            ):
                return None
            conn.execute(locks.delete().where(locks.c.name == name))
        return LockHolder(row.pid, row.host, row.acquired_at)

    def lock_holder(self, name: str = SEND_LOCK) -> LockHolder | None:
        """Who holds the named lock now (None: nobody); changes nothing."""
        with self.read() as conn:
            row = conn.execute(select(locks).where(locks.c.name == name)).first()
        return None if row is None else LockHolder(row.pid, row.host, row.acquired_at)

    def _break_on_server(self, name: str) -> LockHolder | None:
        session = self.open_session(f"unlock:{name}")
        try:
            with session.begin():
                row = session.execute(
                    select(locks).where(locks.c.name == name).with_for_update()
                ).first()
                free = session.scalar(text(_TRY.format(_SERVER_KEY)), {"name": name})
                if not free:
                    held = _who(row) if row is not None else "it has just started"
                    raise RunInProgress(
                        f"a send run is in progress ({held}) and alive: the database holds "
                        "its lock until it ends, so there is nothing to unlock"
                    )
                session.execute(locks.delete().where(locks.c.name == name))
                session.execute(text(_UNLOCK.format(_SERVER_KEY)), {"name": name})
        finally:
            _end(self.close_session(f"unlock:{name}"))
        return None if row is None else LockHolder(row.pid, row.host, row.acquired_at)


def _who(row: Row[Any]) -> str:
    return f"pid {row.pid} on host {row.host} since {row.acquired_at:%Y-%m-%d %H:%M:%S}"


def _end(session: Connection | None) -> None:
    """Close a lock's connection for good: what it held must not go back to the pool."""
    if session is None:
        return
    try:
        session.invalidate()
        session.close()
    except SQLAlchemyError:
        pass  # the server has let go of it already
