"""What ``campaign inbox`` keeps: a cursor per folder, the messages it matched, the look-ups.

Which message is what, and what it changes, is decided in ``campaign.inbox``; this reads
the ledger and the people for matching and writes what it is handed.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime
from typing import Any

from sqlalchemy import func, select, update

from campaign.models import (
    Contact,
    Cursor,
    InboxMessage,
    Prospect,
    Send,
    SendState,
    Task,
    TaskState,
)
from campaign.store.base import Connected
from campaign.store.rows import to_contact, to_inbox_message, to_prospect, to_send, to_task
from campaign.store.schema import contacts, inbox_cursors, inbox_messages, prospects, sends, tasks

_CHUNK = 500  # under every driver's parameter limit


def _chunks(values: Iterable[Any]) -> Iterable[list[Any]]:
    ordered = sorted(set(values))
    for i in range(0, len(ordered), _CHUNK):
        yield ordered[i : i + _CHUNK]


class InboxQueries(Connected):
    """Cursors, matched messages, and the look-ups that tie a message to a send or a person."""

    # -- cursors -----------------------------------------------------------------------

    def cursor(self, folder: str) -> Cursor | None:
        """Where reading ``folder`` stopped last time, if it was ever read."""
        with self.read() as conn:
            row = conn.execute(
                select(inbox_cursors).where(inbox_cursors.c.folder == folder)
            ).first()
        if row is None:
            return None
        return Cursor(row.folder, int(row.uidvalidity), int(row.last_uid), row.checked_on)

    def save_cursor(self, cursor: Cursor, today: date) -> None:
        """Remember where reading a folder stopped."""
        values = {
            "uidvalidity": cursor.uidvalidity,
            "last_uid": cursor.last_uid,
            "checked_on": today,
        }
        with self.write() as conn:
            done = conn.execute(
                update(inbox_cursors)
                .where(inbox_cursors.c.folder == cursor.folder)
                .values(**values)
            )
            if not done.rowcount:
                conn.execute(inbox_cursors.insert().values(folder=cursor.folder, **values))

    # -- messages ----------------------------------------------------------------------

    def known_message_keys(self, keys: Iterable[str]) -> set[str]:
        """Those of ``keys`` recorded already."""
        found: set[str] = set()
        with self.read() as conn:
            for chunk in _chunks(keys):
                query = select(inbox_messages.c.key).where(inbox_messages.c.key.in_(chunk))
                found.update(conn.scalars(query))
        return found

    def insert_inbox_message(
        self,
        *,
        key: str,
        kind: str,
        folder: str,
        uid: int,
        received: datetime | None,
        sender: str,
        subject: str,
        matched_by: str,
        found_on: date,
        prospect_id: int | None = None,
        contact_id: int | None = None,
        send_id: int | None = None,
        change: str = "",
        detail: dict[str, Any] | None = None,
    ) -> None:
        """Record a matched message and what it changed."""
        with self.write() as conn:
            conn.execute(
                inbox_messages.insert().values(
                    key=key,
                    kind=str(kind),
                    folder=folder,
                    uid=uid,
                    received=received,
                    sender=sender,
                    subject=subject,
                    matched_by=matched_by,
                    prospect_id=prospect_id,
                    contact_id=contact_id,
                    send_id=send_id,
                    change=change,
                    detail=detail or {},
                    found_on=found_on,
                )
            )

    def inbox_messages(self, prospect_id: int | None = None) -> list[InboxMessage]:
        """Every matched message (optionally about one prospect), oldest first."""
        query = select(inbox_messages).order_by(inbox_messages.c.received, inbox_messages.c.id)
        if prospect_id is not None:
            query = query.where(inbox_messages.c.prospect_id == prospect_id)
        with self.read() as conn:
            return [to_inbox_message(r) for r in conn.execute(query)]

    # -- matching ----------------------------------------------------------------------

    def sends_by_message_id(self, message_ids: Iterable[str]) -> dict[str, Send]:
        """The ledger rows that went out with these Message-IDs (``<...>`` as sent)."""
        found: dict[str, Send] = {}
        with self.read() as conn:
            for chunk in _chunks(i for i in message_ids if i):
                for row in conn.execute(select(sends).where(sends.c.message_id.in_(chunk))):
                    found[row.message_id] = to_send(row)
        return found

    def email_sends(self, prospect_id: int) -> list[Send]:
        """A prospect's emails that went out (sent, bounced or in doubt), oldest first."""
        states = [str(s) for s in (SendState.SENT, SendState.BOUNCED, SendState.UNKNOWN)]
        query = (
            select(sends)
            .where(
                sends.c.prospect_id == prospect_id,
                sends.c.channel == "email",
                sends.c.state.in_(states),
                sends.c.message_id != "",
            )
            .order_by(sends.c.sent_on, sends.c.id)
        )
        with self.read() as conn:
            return [to_send(r) for r in conn.execute(query)]

    def prospects_by_email(self, addresses: Iterable[str]) -> dict[str, list[Prospect]]:
        """Prospects whose email (or bounced address) is one of ``addresses`` (lower case)."""
        found: dict[str, list[Prospect]] = {}
        with self.read() as conn:
            for chunk in _chunks(a.casefold() for a in addresses if a):
                query = select(prospects).where(
                    func.lower(prospects.c.email).in_(chunk)
                    | func.lower(prospects.c.undeliverable).in_(chunk)
                )
                for row in conn.execute(query.order_by(prospects.c.id)):
                    p = to_prospect(row)
                    for address in {p.email.casefold(), p.undeliverable.casefold()} & set(chunk):
                        found.setdefault(address, []).append(p)
        return found

    def contacts_by_email(self, addresses: Iterable[str]) -> dict[str, list[Contact]]:
        """Contacts (people met, networking contacts) whose email is one of ``addresses``."""
        found: dict[str, list[Contact]] = {}
        with self.read() as conn:
            for chunk in _chunks(a.casefold() for a in addresses if a):
                query = select(contacts).where(func.lower(contacts.c.email).in_(chunk))
                for row in conn.execute(query.order_by(contacts.c.id)):
                    c = to_contact(row)
                    found.setdefault(c.email.casefold(), []).append(c)
        return found

    def prospect_emails(self) -> list[tuple[int, str]]:
        """Every prospect's (id, email) that has one: their company domains, for review."""
        query = select(prospects.c.id, prospects.c.email).where(prospects.c.email != "")
        with self.read() as conn:
            return [(int(i), str(e)) for i, e in conn.execute(query.order_by(prospects.c.id))]

    def first_send_day(self) -> date | None:
        """The day of the campaign's first claim: mail older than that can't be about it."""
        with self.read() as conn:
            return conn.scalar(select(func.min(sends.c.claimed_on)))

    # -- what the follow-up needs (open_calls and bounced_sends: ``reads``) ------------

    def reopen_task(self, task_id: int, due: date, reason: str) -> Task:
        """A task done or cancelled opened again on ``due`` (same calendar UID)."""
        with self.write() as conn:
            conn.execute(
                update(tasks)
                .where(tasks.c.id == task_id)
                .values(
                    state=str(TaskState.OPEN),
                    due=due,
                    reason=reason,
                    closed_on=None,
                    sequence=tasks.c.sequence + 1,
                )
            )
            return to_task(conn.execute(select(tasks).where(tasks.c.id == task_id)).one())
