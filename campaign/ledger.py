"""The sends ledger's rules: claims within the cap, and a delivery recorded with its call.

The ledger is an outbox that never sends twice. A run claims every delivery in one
committed unit of work before any is made (the database's unique key refuses a second
row for the same prospect and letter, and the claim refuses to put the week over its
cap); a delivery the server accepted (or a letter printed) becomes SENT in the same unit
of work that schedules its first follow-up call. A run killed at any moment leaves
CLAIMED rows (safe to deliver again: nothing left) and at most one TRANSMITTING row per
connection (in doubt: it becomes UNKNOWN, never resent automatically).

Nor is a letter sent twice to one mailbox: each claim keeps the normalised address it
goes to (``people.mailbox``), and the claim refuses an address that already had the
letter as another prospect. Printed letters are told their print pack before it is
written, so a rerun can adopt a pack a killed run finished (``campaign.sending``). A
claim the run never delivered (the server refused the session, the pack could not be
written) is released: back to waiting, as if never claimed.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date
from typing import Any

from campaign.clock import BusinessCalendar
from campaign.config import Schedule
from campaign.errors import LedgerConflict
from campaign.followup import CallLoad, schedule_first_call
from campaign.models import Claim, FollowUp, Send, SendState, TaskKind, TaskState
from campaign.store import Store, Transaction


def claim(
    store: Store,
    claims: Sequence[Claim],
    *,
    week: str,
    today: date,
    run_id: str,
    cap: int | None,
) -> list[Send]:
    """Claim every delivery of a run in one committed unit of work, before any is made.

    New rows are inserted (the unique key refuses a second row for the same prospect and
    letter); retries move to CLAIMED in ``week``. With ``cap`` set, the claim refuses to
    put ``week`` over it; a claim's ``address`` that already had the letter (as another
    prospect, or twice in this claim) is refused too; and then nothing of it is recorded.
    """
    with store.transaction() as tx:
        ids = [
            tx.insert_claim(item, week=week, today=today, run_id=run_id)
            if item.send_id is None
            else tx.reclaim(item, week=week, today=today, run_id=run_id)
            for item in claims
        ]
        for item, send_id in zip(claims, ids, strict=True):
            other = tx.send_to_address(item.letter, item.address, send_id) if item.address else None
            if other is not None:
                raise LedgerConflict(
                    f"{item.address} already has the {item.letter} letter (send {other.id}, "
                    f"prospect {other.prospect_id}); a letter is never sent twice to one mailbox"
                )
        if cap is not None and tx.cap_used(week) > cap:
            # Rolls the whole claim back: the cap is a promise, not an estimate.
            raise LedgerConflict(f"claiming {len(claims)} sends would put {week} over {cap}")
        by_id = {s.id: s for s in tx.list_sends() if s.id in set(ids)}
    return [by_id[i] for i in ids]


def release(store: Store, claims: Sequence[tuple[int, Send | None]]) -> None:
    """Claims this run will not deliver, back to waiting in one unit of work: each
    ``(send_id, before)`` is removed (``before`` None: a new row) or restored to ``before``."""
    with store.transaction() as tx:
        for send_id, before in claims:
            tx.release_claim(send_id, before)


def mark_undelivered(store: Store, send_id: int, state: str, reason: str) -> SendState:
    """A delivery the server did not accept, recorded as what became of it: DEFERRED (4xx:
    the next run retries it), FAILED (5xx: never retried automatically), else UNKNOWN (the
    connection died after DATA began: in doubt). Returns the state recorded."""
    if state == SendState.DEFERRED:
        store.mark_deferred(send_id, reason)
        return SendState.DEFERRED
    if state == SendState.FAILED:
        store.mark_failed(send_id, reason)
        return SendState.FAILED
    store.mark_unknown(send_id, reason)
    return SendState.UNKNOWN


def mark_sent(
    store: Store,
    send_id: int,
    *,
    sent_on: date,
    schedule: Schedule,
    calendar: BusinessCalendar,
    message_id: str = "",
    load: CallLoad | None = None,
    promised: date | None = None,
) -> FollowUp:
    """TRANSMITTING -> SENT after the server's 250, with its first call, in one unit of work.

    ``promised``: the day the letter told the reader to expect the call; the call is
    due then (a promise in writing beats the daily call cap).
    """
    values: dict[str, Any] = {"sent_on": sent_on, "last_error": ""}
    if message_id:
        values["message_id"] = message_id
    with store.transaction() as tx:
        load = load or CallLoad.read(tx, calendar, schedule.calls_per_day, sent_on)
        return _delivered(tx, send_id, (SendState.TRANSMITTING,), values, schedule, load, promised)


def mark_printed(
    store: Store,
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
    The pack becomes a task on the agenda: take it to the post office (``campaign done``).
    """
    values: dict[str, Any] = {"sent_on": sent_on, "pack": pack, "attempted": True}
    with store.transaction() as tx:
        load = load or CallLoad.read(tx, calendar, schedule.calls_per_day, sent_on)
        ups = [
            _delivered(
                tx,
                send_id,
                (SendState.CLAIMED,),
                values,
                schedule,
                load,
                (promised or {}).get(send_id),
            )
            for send_id in send_ids
        ]
        if ups:
            letters = f"{len(ups)} printed {'letter' if len(ups) == 1 else 'letters'}"
            tx.insert_task(
                kind=TaskKind.POST_LETTER,
                due=sent_on,
                today=sent_on,
                reason=f"{letters} in {pack}",
                detail={"pack": pack, "letters": len(ups), "send_ids": list(send_ids)},
            )
        return ups


def settle_sent(
    store: Store, send_id: int, *, schedule: Schedule, calendar: BusinessCalendar
) -> FollowUp:
    """An UNKNOWN send the user found in their Sent folder: SENT (on its claim day) + call."""
    send = store.get_send(send_id)
    values: dict[str, Any] = {"sent_on": send.claimed_on, "last_error": ""}
    with store.transaction() as tx:
        load = CallLoad.read(tx, calendar, schedule.calls_per_day, send.claimed_on)
        return _delivered(tx, send_id, (SendState.UNKNOWN,), values, schedule, load, None)


def _delivered(
    tx: Transaction,
    send_id: int,
    sources: Sequence[str],
    values: dict[str, Any],
    schedule: Schedule,
    load: CallLoad,
    promised: date | None,
) -> FollowUp:
    refusal = f"send {send_id} is {{state}}; it can't be marked sent"
    send = tx.transition(send_id, sources, SendState.SENT, refusal, **values)
    due = schedule_first_call(tx, send, values["sent_on"], schedule, load, promised)
    return FollowUp(send_id, send.prospect_id, due)


def thank_you_sent(store: Store, send_id: int, *, sent_on: date, message_id: str = "") -> Send:
    """A thank-you email the server accepted (or that was found in Sent): SENT, its task done.

    One unit of work, as for a letter; a thank-you brings no follow-up call.
    """
    values: dict[str, Any] = {"sent_on": sent_on, "last_error": ""}
    if message_id:
        values["message_id"] = message_id
    sources = (SendState.TRANSMITTING, SendState.UNKNOWN)
    with store.transaction() as tx:
        send = tx.transition(
            send_id,
            sources,
            SendState.SENT,
            f"send {send_id} is {{state}}; it can't be sent",
            **values,
        )
        if send.task_id is not None:
            tx.close_task(send.task_id, TaskState.DONE, sent_on, "sent by email from the campaign")
    return send
