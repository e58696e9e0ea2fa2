"""Thank-you emails after a meeting, sent by the campaign through the sends ledger.

Each person met has a thank-you email task (``campaign meeting``) with its draft. Sending
it (``campaign send --thank-yous`` for every one due, ``campaign done TASK --send`` for
one) works as a letter does: every delivery is claimed in one committed unit of work
(the ledger's row is letter ``thank_you:TASK``, naming the task and the person met, so
each is sent at most once), marked TRANSMITTING just before it goes to the server, and
SENT, with its task done, after the 250. A 4xx defers it (the next run retries), a 5xx
fails it, a lost connection leaves it in doubt, as for letters; a run killed at any
moment sends nothing twice. Thank-yous take no slot of the weekly cap and bring no call.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from email.message import EmailMessage

from campaign import ledger
from campaign.clock import iso_week
from campaign.config import Settings
from campaign.documents.email import message_id, plain_email, stamp
from campaign.errors import InputError
from campaign.mailer import Mailer
from campaign.models import (
    THANK_YOU,
    Channel,
    Claim,
    Contact,
    Prospect,
    Send,
    SendState,
    Task,
    TaskKind,
    TaskState,
)
from campaign.sending import INTERRUPTED, RunLock, undelivered_list, undelivered_words
from campaign.store import Store


@dataclass(frozen=True)
class ThankYou:
    """One thank-you email: the task, the person met, and the ledger row once claimed."""

    task: Task
    prospect: Prospect
    contact: Contact | None
    to: str  # the address ("" when none is on record)
    send: Send | None = None
    detail: str = ""

    @property
    def name(self) -> str:
        """Who it thanks, as the agenda shows them."""
        return str(self.task.detail.get("person") or (self.contact.name if self.contact else ""))

    def line(self) -> str:
        """``Ana Ruiz <ana@acme.example> at Acme (task 3, send 7)``."""
        send = f", send {self.send.id}" if self.send else ""
        where = f" <{self.to}>" if self.to else ""
        return f"{self.name}{where} at {self.prospect.company} (task {self.task.id}{send})"


@dataclass
class ThanksSummary:
    """What a thank-you run did (or, dry, would do)."""

    dry_run: bool = False
    sent: list[ThankYou] = field(default_factory=list)
    deferred: list[ThankYou] = field(default_factory=list)
    failed: list[ThankYou] = field(default_factory=list)
    unknown: list[ThankYou] = field(default_factory=list)
    recovered: list[ThankYou] = field(default_factory=list)  # in doubt after a killed run
    no_email: list[ThankYou] = field(default_factory=list)  # no address on record
    waiting: list[ThankYou] = field(default_factory=list)  # failed or in doubt before

    @property
    def partial(self) -> bool:
        """Some delivery did not go through (exit 3)."""
        return bool(self.deferred or self.failed or self.unknown or self.recovered)

    @property
    def problems(self) -> str:
        """What went wrong, counted, for the exit-3 message ('' when nothing did)."""
        return undelivered_words(self)


def letter_of(task_id: int) -> str:
    """The ledger's letter of a thank-you: ``thank_you:17`` (one row per task)."""
    return f"{THANK_YOU}:{task_id}"


def plan_thank_yous(store: Store, today: date, task_id: int | None = None) -> list[ThankYou]:
    """The thank-you emails due by ``today`` (or the task ``task_id``), with their ledger rows."""
    if task_id is not None:
        task = store.get_task(task_id)
        if task.kind != TaskKind.THANK_YOU_EMAIL:
            raise InputError(f"task {task_id} is a {task.kind.replace('_', ' ')}, not an email")
        if task.state != TaskState.OPEN:
            raise InputError(f"task {task_id} is already {task.state}; nothing to send")
        tasks = [task]
    else:
        tasks = [
            row.task
            for row in store.open_agenda(today)
            if row.task.kind == TaskKind.THANK_YOU_EMAIL
        ]
    rows = {s.task_id: s for s in store.list_sends() if s.task_id is not None}
    people = store.prospects_by_id(t.prospect_id for t in tasks if t.prospect_id is not None)
    found = []
    for task in tasks:
        if task.prospect_id is None or task.prospect_id not in people:
            continue
        contact = store.get_contact(task.contact_id) if task.contact_id is not None else None
        to = (contact.email if contact else "") or str(task.detail.get("to", ""))
        found.append(ThankYou(task, people[task.prospect_id], contact, to, rows.get(task.id)))
    return found


def send_thank_yous(
    store: Store,
    settings: Settings,
    today: date,
    *,
    connect: Callable[[], Mailer],
    lock: RunLock,
    clock: Callable[[], datetime] | None = None,
    task_id: int | None = None,
    resend: int | None = None,
    dry_run: bool = False,
) -> ThanksSummary:
    """Send the thank-yous due (or one task's, or resend one ledger row); see the module doc."""
    sender = settings.require_sender(to_send=True)
    summary = ThanksSummary(dry_run)
    if dry_run:
        _choose(store, today, task_id, resend, summary)
        return summary
    store.acquire_lock(pid=lock.pid, host=lock.host, now=lock.now, alive=lock.alive)
    try:
        for row in store.recover_interrupted(INTERRUPTED):
            if row.is_thank_you:
                mine = [t for t in plan_thank_yous(store, today) if t.task.id == row.task_id]
                if mine:
                    summary.recovered.append(replace(mine[0], send=row, detail=INTERRUPTED))
        chosen = _choose(store, today, task_id, resend, summary)
        if not chosen:
            return summary
        messages = [_message(settings, t) for t in chosen]
        mailer = connect()
        try:
            claims = [
                Claim(
                    t.prospect.id,
                    letter_of(t.task.id),
                    Channel.EMAIL,
                    t.send.id if t.send else None,
                    task_id=t.task.id,
                    contact_id=t.task.contact_id,
                )
                for t in chosen
            ]
            rows = ledger.claim(
                store, claims, week=iso_week(today), today=today, run_id=uuid.uuid4().hex, cap=None
            )
            connected = True
            for item, message, row in zip(chosen, messages, rows, strict=True):
                item = replace(item, send=row)
                if not connected:
                    reason = "not attempted: the connection to the server was lost"
                    store.mark_deferred(row.id, reason)
                    summary.deferred.append(replace(item, detail=reason))
                    continue
                ident = row.message_id or message_id(THANK_YOU, sender.email)
                stamp(message, ident=ident, when=clock() if clock else None)
                store.mark_transmitting(row.id, ident)
                delivery = mailer.send(message)
                connected = delivery.connected
                if delivery.state == SendState.SENT:
                    ledger.thank_you_sent(store, row.id, sent_on=today, message_id=ident)
                    summary.sent.append(replace(item, detail=delivery.detail))
                else:
                    state = ledger.mark_undelivered(store, row.id, delivery.state, delivery.detail)
                    undelivered_list(summary, state).append(replace(item, detail=delivery.detail))
        finally:
            mailer.close()
    finally:
        store.release_lock(pid=lock.pid, host=lock.host)
    return summary


def _choose(
    store: Store, today: date, task_id: int | None, resend: int | None, summary: ThanksSummary
) -> list[ThankYou]:
    """What this run sends: new ones and deferred or left-over claims; the rest is listed."""
    if resend is not None:
        row = store.get_send(resend)
        if not row.is_thank_you:
            raise InputError(f"send {resend} is a letter, not a thank-you email")
        if row.state not in (SendState.UNKNOWN, SendState.FAILED, SendState.DEFERRED):
            raise InputError(
                f"send {resend} is {row.state}; only a failed, deferred or in-doubt "
                "thank-you can be resent"
            )
        assert row.task_id is not None
        task = store.get_task(row.task_id)
        contact = store.get_contact(row.contact_id) if row.contact_id is not None else None
        to = (contact.email if contact else "") or str(task.detail.get("to", ""))
        return [ThankYou(task, store.get_prospect(row.prospect_id), contact, to, row)]
    chosen = []
    recovered = {t.send.id for t in summary.recovered if t.send}
    for item in plan_thank_yous(store, today, task_id):
        state = item.send.state if item.send else None
        if state in (SendState.UNKNOWN, SendState.FAILED, SendState.TRANSMITTING):
            if item.send is not None and item.send.id not in recovered:
                summary.waiting.append(item)
        elif state == SendState.SENT:
            continue  # its task closes with the send; nothing to do twice
        elif not item.to:
            summary.no_email.append(item)
        else:
            chosen.append(item)
    if summary.dry_run:
        summary.sent = chosen
    return chosen


def _message(settings: Settings, item: ThankYou) -> EmailMessage:
    sender = settings.require_sender()
    detail = item.task.detail
    subject = str(detail.get("subject") or "Thank you")
    body = str(detail.get("draft") or "")
    if not body.strip():
        raise InputError(f"task {item.task.id} has no draft to send (see `campaign agenda`)")
    return plain_email(
        sender, item.name, item.to, subject, body, f"task {item.task.id} email ({item.name})"
    )
