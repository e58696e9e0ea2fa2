"""Meetings, the people met, networking contacts, and the agenda's view of every task."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, Any

from sqlalchemy import Connection, Row, and_, func, or_, select, update

from campaign.errors import InputError, NotFound
from campaign.models import CANCELLED, DONE, INTERVIEW, OPEN, POST, SENT, Contact, Meeting, Task
from campaign.store.base import StoreBase
from campaign.store.prospects import to_prospect
from campaign.store.schema import contacts, meeting_people, meetings, prospects, sends, tasks
from campaign.store.tasks import insert_task, move_task, open_call_row, place_in

if TYPE_CHECKING:
    from campaign.followup import ReferralPlan
    from campaign.interview import MeetingPlan
    from campaign.models import Prospect, Send

INTERVIEWER = "interviewer"
NETWORK = "network"

_CONTACT_FIELDS = {f.name for f in dataclasses.fields(Contact)}
_MEETING_FIELDS = {f.name for f in dataclasses.fields(Meeting)}
_TASK_FIELDS = {f.name for f in dataclasses.fields(Task)}

# Placing a call looks this far ahead for a day under the daily cap.

Placer = Callable[[date, Mapping[date, int]], date]


def to_contact(row: Row[Any]) -> Contact:
    """A database row as a Contact."""
    return Contact(**{k: v for k, v in row._mapping.items() if k in _CONTACT_FIELDS})


def to_meeting(row: Row[Any]) -> Meeting:
    """A database row as a Meeting."""
    return Meeting(**{k: v for k, v in row._mapping.items() if k in _MEETING_FIELDS})


def to_task(row: Row[Any]) -> Task:
    """A database row as a Task."""
    values = {k: v for k, v in row._mapping.items() if k in _TASK_FIELDS}
    values["detail"] = dict(values.get("detail") or {})
    return Task(**values)


def _new_id(result: Any) -> int:
    key = result.inserted_primary_key
    assert key is not None  # an INSERT of one row always has one
    return int(key[0])


@dataclass(frozen=True)
class SavedMeeting:
    """What recording a meeting wrote: the meeting, the people (as contacts), the tasks."""

    meeting: Meeting
    people: list[Contact]
    tasks: list[Task]


@dataclass(frozen=True)
class AgendaRow:
    """An open task with whoever it is for."""

    task: Task
    prospect: Prospect | None
    contact: Contact | None


@dataclass(frozen=True)
class Referred:
    """What a referral wrote: the contact who gave it, and each prospect as (id, new?)."""

    contact: Contact
    contact_is_new: bool
    prospects: list[tuple[int, bool]]


def save_referral(conn: Connection, plan: ReferralPlan, today: date, place: Placer) -> Referred:
    """Find or create the networking contact who referred; add (or link) each prospect.

    Takes the caller's Connection: a referral heard on a call is written with the call.
    A person already known (their prospect, or their name at their company) keeps one
    contact row; a prospect already known by import's identity rules is linked, not doubled.
    """
    from campaign.store.prospects import find_prospect, upsert_in

    who = plan.referrer
    found = conn.execute(
        select(contacts)
        .where(
            contacts.c.kind == NETWORK,
            or_(
                contacts.c.prospect_id == who["prospect_id"],
                and_(
                    func.lower(contacts.c.name) == str(who["name"]).lower(),
                    func.lower(contacts.c.company) == str(who["company"]).lower(),
                ),
            ),
        )
        .order_by(contacts.c.id)
    ).first()
    if found is None:
        contact_id = _new_id(
            conn.execute(contacts.insert().values(kind=NETWORK, created_on=today, **who))
        )
        insert_task(
            conn,
            kind="contact_call",
            due=place_in(conn, plan.first_call, place),
            today=today,
            contact_id=contact_id,
            reason=plan.reason,
        )
    else:
        contact_id = int(found.id)
    given: list[tuple[int, bool]] = []
    for record in plan.prospects:
        prospect_id = find_prospect(conn, record)
        is_new = prospect_id is None
        if prospect_id is None:
            prospect_id = upsert_in(conn, [record], plan.source, today).new[0]
        # The first to name a prospect keeps the credit (and hears what became of it).
        conn.execute(
            update(prospects)
            .where(prospects.c.id == prospect_id, prospects.c.referred_by.is_(None))
            .values(referred_by=contact_id, updated_on=today)
        )
        given.append((prospect_id, is_new))
    contact = to_contact(conn.execute(select(contacts).where(contacts.c.id == contact_id)).one())
    return Referred(contact, found is None, given)


class MeetingQueries(StoreBase):
    """Reading and writing meetings and contacts."""

    def save_meeting(self, plan: MeetingPlan, today: date, place: Placer) -> SavedMeeting:
        """Write a planned meeting, its people and their tasks in one transaction."""
        with self.write() as conn:
            existing = conn.execute(
                select(meetings.c.id).where(
                    meetings.c.prospect_id == plan.prospect_id, meetings.c.held_on == plan.held_on
                )
            ).first()
            if existing is not None:
                raise InputError(
                    f"prospect {plan.prospect_id} already has a meeting on "
                    f"{plan.held_on.isoformat()} (meeting {existing[0]}); nothing recorded"
                )
            later = conn.execute(
                select(meetings.c.id).where(
                    meetings.c.prospect_id == plan.prospect_id, meetings.c.held_on > plan.held_on
                )
            ).first()
            meeting_id = _new_id(
                conn.execute(
                    meetings.insert().values(
                        prospect_id=plan.prospect_id,
                        held_on=plan.held_on,
                        note=plan.note,
                        next_steps=plan.next_steps,
                        decision_by=plan.decision_by,
                        standing=plan.standing,
                        objection=plan.objection,
                        outcome="",
                        created_on=today,
                    )
                )
            )
            contact_ids = [_upsert_interviewer(conn, plan, person, today) for person in plan.people]
            for person, contact_id in zip(plan.people, contact_ids, strict=True):
                conn.execute(
                    meeting_people.insert().values(
                        meeting_id=meeting_id,
                        contact_id=contact_id,
                        discussed=person.discussed,
                        gift=person.gift,
                    )
                )
            # The interview follow-up replaces prospecting: its open calls go.
            conn.execute(
                update(tasks)
                .where(
                    tasks.c.prospect_id == plan.prospect_id,
                    tasks.c.state == OPEN,
                    tasks.c.kind == "call",
                )
                .values(state=CANCELLED, closed_on=today, note="replaced by interview follow-up")
            )
            values: dict[str, Any] = {"status": INTERVIEW, "updated_on": today}
            if plan.referred_by is not None:
                _require_contact(conn, plan.referred_by)
                values["referred_by"] = plan.referred_by
            conn.execute(
                update(prospects).where(prospects.c.id == plan.prospect_id).values(**values)
            )
            task_ids = []
            for planned in plan.tasks:
                due = planned.due
                if planned.is_call:
                    # One follow-up call per prospect: the latest meeting's status call
                    # takes the place of the one already open (same task, same calendar UID);
                    # a meeting recorded after a later one leaves that one's call alone.
                    current = open_call_row(conn, plan.prospect_id)
                    if current is not None and later is not None:
                        continue
                    if current is not None:
                        due = place_in(conn, due, place, skip=current.id)
                        move_task(
                            conn,
                            current.id,
                            due,
                            meeting_id=meeting_id,
                            attempt=1,
                            reason=planned.reason,
                            note="",
                            detail=planned.detail,
                        )
                        task_ids.append(int(current.id))
                        continue
                    due = place_in(conn, due, place)
                task_ids.append(
                    insert_task(
                        conn,
                        kind=planned.kind,
                        due=due,
                        today=today,
                        prospect_id=plan.prospect_id,
                        contact_id=None if planned.person is None else contact_ids[planned.person],
                        meeting_id=meeting_id,
                        reason=planned.reason,
                        detail=planned.detail,
                    )
                )
            meeting = to_meeting(
                conn.execute(select(meetings).where(meetings.c.id == meeting_id)).one()
            )
            people = [
                to_contact(conn.execute(select(contacts).where(contacts.c.id == cid)).one())
                for cid in contact_ids
            ]
            saved = [
                to_task(r)
                for r in conn.execute(
                    select(tasks).where(tasks.c.id.in_(task_ids)).order_by(tasks.c.id)
                )
            ]
        return SavedMeeting(meeting, people, saved)

    def list_meetings(self, prospect_id: int | None = None) -> list[Meeting]:
        """Every meeting (optionally of one prospect), oldest first."""
        query = select(meetings).order_by(meetings.c.held_on, meetings.c.id)
        if prospect_id is not None:
            query = query.where(meetings.c.prospect_id == prospect_id)
        with self.read() as conn:
            return [to_meeting(r) for r in conn.execute(query)]

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

    def add_contact(
        self, fields: Mapping[str, Any], today: date, first_call: date, place: Placer, reason: str
    ) -> tuple[Contact, Task]:
        """A networking contact and their first catch-up call."""
        with self.write() as conn:
            if fields.get("referred_by") is not None:
                _require_contact(conn, int(fields["referred_by"]))
            contact_id = _new_id(
                conn.execute(contacts.insert().values(kind=NETWORK, created_on=today, **fields))
            )
            task_id = insert_task(
                conn,
                kind="contact_call",
                due=place_in(conn, first_call, place),
                today=today,
                contact_id=contact_id,
                reason=reason,
            )
            contact = to_contact(
                conn.execute(select(contacts).where(contacts.c.id == contact_id)).one()
            )
            task = to_task(conn.execute(select(tasks).where(tasks.c.id == task_id)).one())
        return contact, task

    def list_contacts(self, kind: str | None = None) -> list[Contact]:
        """Every contact (optionally of one kind), by name."""
        query = select(contacts).order_by(func.lower(contacts.c.name), contacts.c.id)
        if kind is not None:
            query = query.where(contacts.c.kind == kind)
        with self.read() as conn:
            return [to_contact(r) for r in conn.execute(query)]

    def get_contact(self, contact_id: int) -> Contact:
        """One contact by id, or NotFound naming the id."""
        with self.read() as conn:
            return _require_contact(conn, contact_id)

    def refer_prospect(self, contact_id: int, prospect_id: int, today: date) -> None:
        """Record that networking contact ``contact_id`` gave prospect ``prospect_id``."""
        with self.write() as conn:
            _require_contact(conn, contact_id)
            done = conn.execute(
                update(prospects)
                .where(prospects.c.id == prospect_id)
                .values(referred_by=contact_id, updated_on=today)
            )
            if done.rowcount == 0:
                raise NotFound(f"no prospect with id {prospect_id} (see `campaign prospects`)")

    def referrals(self, contact_id: int) -> tuple[list[Prospect], list[Contact]]:
        """The prospects and contacts that ``contact_id`` referred."""
        with self.read() as conn:
            given = [
                to_prospect(r)
                for r in conn.execute(
                    select(prospects)
                    .where(prospects.c.referred_by == contact_id)
                    .order_by(prospects.c.id)
                )
            ]
            people = [
                to_contact(r)
                for r in conn.execute(
                    select(contacts)
                    .where(contacts.c.referred_by == contact_id)
                    .order_by(contacts.c.id)
                )
            ]
        return given, people

    def get_task(self, task_id: int) -> Task:
        """One task by id, or NotFound naming the id."""
        with self.read() as conn:
            row = conn.execute(select(tasks).where(tasks.c.id == task_id)).first()
        if row is None:
            raise NotFound(f"no task with id {task_id} (see `campaign agenda`)")
        return to_task(row)

    def finish_task(
        self,
        task_id: int,
        today: date,
        note: str,
        follow: tuple[str, date, str] | None,
        place: Placer,
    ) -> Task | None:
        """Mark an open task done; ``follow`` (kind, earliest, reason) schedules the next one."""
        with self.write() as conn:
            task = to_task(conn.execute(select(tasks).where(tasks.c.id == task_id)).one())
            done = conn.execute(
                update(tasks)
                .where(tasks.c.id == task_id, tasks.c.state == OPEN)
                .values(state=DONE, closed_on=today, note=note)
            )
            if done.rowcount == 0:
                raise InputError(f"task {task_id} is no longer open; nothing changed")
            if follow is None:
                return None
            kind, earliest, reason = follow
            next_id = insert_task(
                conn,
                kind=kind,
                due=place_in(conn, earliest, place),
                today=today,
                prospect_id=task.prospect_id,
                contact_id=task.contact_id,
                meeting_id=task.meeting_id,
                attempt=task.attempt + 1,
                reason=reason,
                detail=task.detail,
            )
            return to_task(conn.execute(select(tasks).where(tasks.c.id == next_id)).one())

    def close_company(self, prospect_id: int, status: str, outcome: str, today: date) -> int:
        """Cancel every open task of a prospect and its interviewers; returns how many."""
        with self.write() as conn:
            people = select(contacts.c.id).where(
                contacts.c.prospect_id == prospect_id, contacts.c.kind == INTERVIEWER
            )
            theirs = select(meetings.c.id).where(meetings.c.prospect_id == prospect_id)
            cancelled = conn.execute(
                update(tasks)
                .where(
                    tasks.c.state == OPEN,
                    or_(
                        tasks.c.prospect_id == prospect_id,
                        tasks.c.contact_id.in_(people),
                        tasks.c.meeting_id.in_(theirs),
                    ),
                )
                .values(state=CANCELLED, closed_on=today, note=f"closed: {outcome}")
            ).rowcount
            conn.execute(
                update(meetings)
                .where(meetings.c.prospect_id == prospect_id, meetings.c.outcome == "")
                .values(outcome=outcome)
            )
            conn.execute(
                update(prospects)
                .where(prospects.c.id == prospect_id)
                .values(status=status, updated_on=today)
            )
        return int(cancelled)

    def open_agenda(self, until: date | None) -> list[AgendaRow]:
        """Every open task due on or before ``until`` (all when None), with its people."""
        query = select(tasks).where(tasks.c.state == OPEN).order_by(tasks.c.due, tasks.c.id)
        if until is not None:
            query = query.where(tasks.c.due <= until)
        with self.read() as conn:
            found = [to_task(r) for r in conn.execute(query)]
            pids = {t.prospect_id for t in found if t.prospect_id is not None}
            cids = {t.contact_id for t in found if t.contact_id is not None}
            by_pid = {
                r.id: to_prospect(r)
                for r in conn.execute(select(prospects).where(prospects.c.id.in_(pids)))
            }
            by_cid = {
                r.id: to_contact(r)
                for r in conn.execute(select(contacts).where(contacts.c.id.in_(cids)))
            }
        return [
            AgendaRow(
                t,
                None if t.prospect_id is None else by_pid.get(t.prospect_id),
                None if t.contact_id is None else by_cid.get(t.contact_id),
            )
            for t in found
        ]

    def letters_to_post(self, start: date, end: date) -> list[tuple[Send, Prospect]]:
        """Printed letters counted as sent from ``start`` to ``end``: they must go in the post."""
        from campaign.store.sends import to_send

        query = (
            select(sends)
            .where(
                sends.c.channel == POST,
                sends.c.state == SENT,
                sends.c.sent_on >= start,
                sends.c.sent_on <= end,
            )
            .order_by(sends.c.sent_on, sends.c.id)
        )
        with self.read() as conn:
            found = [to_send(r) for r in conn.execute(query)]
            by_id = {
                r.id: to_prospect(r)
                for r in conn.execute(
                    select(prospects).where(prospects.c.id.in_({s.prospect_id for s in found}))
                )
            }
        return [(send, by_id[send.prospect_id]) for send in found]


def _require_contact(conn: Connection, contact_id: int) -> Contact:
    row = conn.execute(select(contacts).where(contacts.c.id == contact_id)).first()
    if row is None:
        raise NotFound(f"no contact with id {contact_id} (see `campaign contact list`)")
    return to_contact(row)


def _upsert_interviewer(conn: Connection, plan: MeetingPlan, person: Any, today: date) -> int:
    """The contact for a person met: the same person met again keeps one row."""
    found = conn.execute(
        select(contacts).where(
            contacts.c.prospect_id == plan.prospect_id,
            contacts.c.kind == INTERVIEWER,
            func.lower(contacts.c.name) == person.name.lower(),
        )
    ).first()
    values = {
        "honorific": person.honorific,
        "first_name": person.first_name,
        "last_name": person.last_name,
        "title": person.title,
        "email": person.email,
        "phone": person.phone,
        "interest": person.interest,
    }
    if found is None:
        result = conn.execute(
            contacts.insert().values(
                kind=INTERVIEWER,
                prospect_id=plan.prospect_id,
                name=person.name,
                company=plan.company,
                notes="",
                created_on=today,
                **values,
            )
        )
        return _new_id(result)
    # What is known already stays unless this meeting says something new.
    changes = {k: v for k, v in values.items() if v}
    if changes:
        conn.execute(update(contacts).where(contacts.c.id == found.id).values(**changes))
    return int(found.id)
