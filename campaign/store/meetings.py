"""Meetings, the people met, and networking contacts."""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import delete, func, or_, select, update

from campaign.errors import NotFound
from campaign.models import Contact, ContactKind, Meeting, Task, TaskState
from campaign.store.base import Connected
from campaign.store.rows import to_contact, to_meeting, to_task
from campaign.store.schema import contacts, meeting_people, meetings, tasks


def _new_id(result: Any) -> int:
    key = result.inserted_primary_key
    assert key is not None  # an INSERT of one row always has one
    return int(key[0])


class MeetingQueries(Connected):
    """Reading and writing meetings and contacts."""

    # -- meetings ------------------------------------------------------------------------

    def list_meetings(self, prospect_id: int | None = None) -> list[Meeting]:
        """Every meeting (optionally of one prospect), oldest first."""
        query = select(meetings).order_by(meetings.c.held_on, meetings.c.id)
        if prospect_id is not None:
            query = query.where(meetings.c.prospect_id == prospect_id)
        with self.read() as conn:
            return [to_meeting(r) for r in conn.execute(query)]

    def insert_meeting(
        self, prospect_id: int, held_on: date, today: date, **values: Any
    ) -> Meeting:
        """Add a meeting with a prospect's company; returns it."""
        with self.write() as conn:
            meeting_id = _new_id(
                conn.execute(
                    meetings.insert().values(
                        prospect_id=prospect_id,
                        held_on=held_on,
                        outcome="",
                        created_on=today,
                        **values,
                    )
                )
            )
            return to_meeting(
                conn.execute(select(meetings).where(meetings.c.id == meeting_id)).one()
            )

    def add_meeting_person(
        self, meeting_id: int, contact_id: int, discussed: str = "", gift: str = ""
    ) -> None:
        """Record that ``contact_id`` was met at ``meeting_id``."""
        with self.write() as conn:
            conn.execute(
                meeting_people.insert().values(
                    meeting_id=meeting_id, contact_id=contact_id, discussed=discussed, gift=gift
                )
            )

    def meeting_people(self, meeting_id: int) -> list[tuple[Contact, str, str]]:
        """The people met at a meeting, each with what was discussed and the gift chosen."""
        query = (
            select(contacts, meeting_people.c.discussed, meeting_people.c.gift)
            .join(meeting_people, meeting_people.c.contact_id == contacts.c.id)
            .where(meeting_people.c.meeting_id == meeting_id)
            .order_by(contacts.c.id)
        )
        with self.read() as conn:
            return [(to_contact(r), r.discussed, r.gift) for r in conn.execute(query)]

    def get_meeting(self, meeting_id: int) -> Meeting:
        """One meeting by id, or NotFound naming the id."""
        with self.read() as conn:
            row = conn.execute(select(meetings).where(meetings.c.id == meeting_id)).first()
        if row is None:
            raise NotFound(f"no meeting with id {meeting_id} (see `campaign show PROSPECT`)")
        return to_meeting(row)

    def update_meeting(self, meeting_id: int, **values: Any) -> None:
        """Change the given columns of one meeting."""
        with self.write() as conn:
            conn.execute(update(meetings).where(meetings.c.id == meeting_id).values(**values))

    def meeting_tasks(self, meeting_id: int) -> list[Task]:
        """The tasks a meeting planned (thank-yous, notes, its status call), by id."""
        query = select(tasks).where(tasks.c.meeting_id == meeting_id).order_by(tasks.c.id)
        with self.read() as conn:
            return [to_task(r) for r in conn.execute(query)]

    def delete_meeting(self, meeting_id: int) -> None:
        """Remove a meeting and who was met at it; its tasks stay, no longer tied to it."""
        with self.write() as conn:
            conn.execute(
                update(tasks).where(tasks.c.meeting_id == meeting_id).values(meeting_id=None)
            )
            conn.execute(delete(meeting_people).where(meeting_people.c.meeting_id == meeting_id))
            conn.execute(delete(meetings).where(meetings.c.id == meeting_id))

    def settle_meetings(self, prospect_id: int, outcome: str) -> None:
        """Give every undecided meeting of a prospect its ``outcome``."""
        with self.write() as conn:
            conn.execute(
                update(meetings)
                .where(meetings.c.prospect_id == prospect_id, meetings.c.outcome == "")
                .values(outcome=str(outcome))
            )

    def cancel_company_tasks(self, prospect_id: int, today: date, note: str) -> int:
        """Cancel every open task of a prospect, its interviewers and its meetings; how many."""
        people = select(contacts.c.id).where(
            contacts.c.prospect_id == prospect_id,
            contacts.c.kind == str(ContactKind.INTERVIEWER),
        )
        theirs = select(meetings.c.id).where(meetings.c.prospect_id == prospect_id)
        with self.write() as conn:
            cancelled = conn.execute(
                update(tasks)
                .where(
                    tasks.c.state == str(TaskState.OPEN),
                    or_(
                        tasks.c.prospect_id == prospect_id,
                        tasks.c.contact_id.in_(people),
                        tasks.c.meeting_id.in_(theirs),
                    ),
                )
                .values(state=str(TaskState.CANCELLED), closed_on=today, note=note)
            ).rowcount
        return int(cancelled)

    # -- contacts ------------------------------------------------------------------------

    def list_contacts(
        self, kind: str | None = None, prospect_id: int | None = None
    ) -> list[Contact]:
        """Every contact (optionally of one kind, or met at one prospect), by name."""
        query = select(contacts).order_by(func.lower(contacts.c.name), contacts.c.id)
        if kind is not None:
            query = query.where(contacts.c.kind == str(kind))
        if prospect_id is not None:
            query = query.where(contacts.c.prospect_id == prospect_id)
        with self.read() as conn:
            return [to_contact(r) for r in conn.execute(query)]

    def get_contact(self, contact_id: int) -> Contact:
        """One contact by id, or NotFound naming the id."""
        with self.read() as conn:
            row = conn.execute(select(contacts).where(contacts.c.id == contact_id)).first()
        if row is None:
            raise NotFound(f"no contact with id {contact_id} (see `campaign contact list`)")
        return to_contact(row)

    def insert_contact(self, kind: str, today: date, **values: Any) -> Contact:
        """Add a contact; returns it."""
        with self.write() as conn:
            contact_id = _new_id(
                conn.execute(contacts.insert().values(kind=str(kind), created_on=today, **values))
            )
            return to_contact(
                conn.execute(select(contacts).where(contacts.c.id == contact_id)).one()
            )

    def update_contact(self, contact_id: int, **values: Any) -> None:
        """Change the given fields of one contact."""
        if values:
            with self.write() as conn:
                conn.execute(update(contacts).where(contacts.c.id == contact_id).values(**values))
