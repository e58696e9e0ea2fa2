"""Prospects: the list the job seeker imported, one row per hiring authority."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import date
from typing import Any

from sqlalchemy import and_, func, nulls_last, or_, select, update

from campaign.errors import NotFound
from campaign.models import Contact, Prospect, ProspectHistory
from campaign.store.base import Connected
from campaign.store.rows import (
    IMPORTED_FIELDS,
    to_call,
    to_contact,
    to_meeting,
    to_prospect,
    to_send,
    to_task,
)
from campaign.store.schema import (
    calls,
    contacts,
    former_emails,
    meeting_people,
    meetings,
    prospects,
    sends,
    tasks,
)

# Wave order: priority 1 first, prospects without a priority after, then file order.
WAVE_ORDER = (nulls_last(prospects.c.priority.asc()), prospects.c.seq.asc(), prospects.c.id.asc())


class ProspectQueries(Connected):
    """Reading and writing prospects."""

    def list_prospects(self, statuses: Iterable[str] | None = None) -> list[Prospect]:
        """Every prospect (optionally only those in ``statuses``), in wave order."""
        query = select(prospects).order_by(*WAVE_ORDER)
        if statuses is not None:
            query = query.where(prospects.c.status.in_([str(s) for s in statuses]))
        with self.read() as conn:
            return [to_prospect(r) for r in conn.execute(query)]

    def prospects_by_id(self, ids: Iterable[int]) -> dict[int, Prospect]:
        """The prospects with these ids (those that exist)."""
        wanted = sorted(set(ids))
        found: dict[int, Prospect] = {}
        with self.read() as conn:
            for i in range(0, len(wanted), 500):  # under every driver's parameter limit
                chunk = wanted[i : i + 500]
                for row in conn.execute(select(prospects).where(prospects.c.id.in_(chunk))):
                    found[row.id] = to_prospect(row)
        return found

    def prospect_rows(self) -> dict[int, dict[str, Any]]:
        """Every prospect as a plain dict by id (what identity matching compares against).

        Plain dicts: attribute access on 20,000 Rows costs more than the query.
        """
        with self.read() as conn:
            return {r["id"]: dict(r) for r in conn.execute(select(prospects)).mappings()}

    def insert_prospects(
        self, rows: Sequence[Mapping[str, Any]], source_file: str, today: date
    ) -> list[int]:
        """Add new prospects in order, ``seq`` after the largest (file order); their ids."""
        if not rows:
            return []
        with self.write() as conn:
            seq = int(conn.scalar(select(func.coalesce(func.max(prospects.c.seq), 0))) or 0)
            values = [
                {
                    **{k: row[k] for k in IMPORTED_FIELDS if k in row},
                    "identity": row["identity"],
                    "extra": dict(row.get("extra") or {}),
                    "source_file": source_file,
                    "source_row": int(row.get("source_row") or 0),
                    "seq": seq + number,
                    "import_digest": str(row.get("import_digest") or ""),
                    "created_on": today,
                    "updated_on": today,
                }
                for number, row in enumerate(rows, start=1)
            ]
            conn.execute(prospects.insert(), values)
            new = select(prospects.c.id).where(prospects.c.seq > seq).order_by(prospects.c.seq)
            return [int(i) for i in conn.scalars(new)]

    def update_prospect(self, prospect_id: int, **values: Any) -> None:
        """Change the given columns of one prospect; NotFound if there is none."""
        with self.write() as conn:
            done = conn.execute(
                update(prospects).where(prospects.c.id == prospect_id).values(**values)
            )
        if done.rowcount == 0:
            raise NotFound(f"no prospect with id {prospect_id} (see `campaign prospects`)")

    def import_digests(self) -> dict[str, int]:
        """The digest of the list row each prospect was last imported from -> its id."""
        query = select(prospects.c.import_digest, prospects.c.id).where(
            prospects.c.import_digest != ""
        )
        with self.read() as conn:
            return {str(d): int(i) for d, i in conn.execute(query)}

    def add_former_email(self, prospect_id: int, email: str, until: date) -> None:
        """Remember an address a correction replaced (who was mailed where)."""
        with self.write() as conn:
            conn.execute(
                former_emails.insert().values(prospect_id=prospect_id, email=email, until=until)
            )

    def former_email_list(self, prospect_id: int) -> list[tuple[str, date]]:
        """The addresses a prospect had before, oldest first, with the day each was replaced."""
        query = (
            select(former_emails.c.email, former_emails.c.until)
            .where(former_emails.c.prospect_id == prospect_id)
            .order_by(former_emails.c.until, former_emails.c.id)
        )
        with self.read() as conn:
            return [(str(e), u) for e, u in conn.execute(query)]

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
