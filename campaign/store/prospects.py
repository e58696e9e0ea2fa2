"""Prospects: the list the job seeker imported, one row per hiring authority."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable
from typing import Any

from sqlalchemy import Row, func, nulls_last, select

from campaign.errors import NotFound
from campaign.models import ACTIVE, Prospect
from campaign.store.base import StoreBase
from campaign.store.schema import prospects

_PROSPECT_FIELDS = {f.name for f in dataclasses.fields(Prospect)}

# Wave order: priority 1 first, prospects without a priority after, then file order.
WAVE_ORDER = (nulls_last(prospects.c.priority.asc()), prospects.c.seq.asc(), prospects.c.id.asc())


def to_prospect(row: Row[Any]) -> Prospect:
    """A database row as a Prospect."""
    values = {k: v for k, v in row._mapping.items() if k in _PROSPECT_FIELDS}
    values["extra"] = dict(values.get("extra") or {})
    return Prospect(**values)


class ProspectQueries(StoreBase):
    """Reading and writing prospects."""

    def list_prospects(self, statuses: Iterable[str] | None = None) -> list[Prospect]:
        """Every prospect (optionally only those in ``statuses``), in wave order."""
        query = select(prospects).order_by(*WAVE_ORDER)
        if statuses is not None:
            query = query.where(prospects.c.status.in_(list(statuses)))
        with self.read() as conn:
            return [to_prospect(r) for r in conn.execute(query)]

    def get_prospect(self, prospect_id: int) -> Prospect:
        """One prospect by id, or NotFound naming the id."""
        with self.read() as conn:
            row = conn.execute(select(prospects).where(prospects.c.id == prospect_id)).first()
        if row is None:
            raise NotFound(f"no prospect with id {prospect_id} (see `campaign prospects`)")
        return to_prospect(row)

    def count_prospects(self) -> dict[str, int]:
        """How many prospects there are in each status."""
        query = select(prospects.c.status, func.count()).group_by(prospects.c.status)
        with self.read() as conn:
            counts = {status: n for status, n in conn.execute(query)}
        counts.setdefault(ACTIVE, 0)
        return counts
