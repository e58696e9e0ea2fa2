"""Prospects: the list the job seeker imported, one row per hiring authority."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import date
from typing import Any

from sqlalchemy import func, nulls_last, select, update

from campaign.errors import NotFound
from campaign.models import Prospect, ProspectStatus
from campaign.store.base import Connected
from campaign.store.rows import IMPORTED_FIELDS, to_prospect
from campaign.store.schema import prospects

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

    def count_prospects(self) -> dict[str, int]:
        """How many prospects there are in each status."""
        query = select(prospects.c.status, func.count()).group_by(prospects.c.status)
        with self.read() as conn:
            counts: dict[str, int] = dict(conn.execute(query).all())
        counts.setdefault(ProspectStatus.ACTIVE, 0)
        return counts

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
