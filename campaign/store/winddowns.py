"""Wind-downs: a hire closes the campaign, and a resume opens it again."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date

from sqlalchemy import select, update

from campaign.models import WindDown
from campaign.store.base import Connected
from campaign.store.rows import to_wind_down
from campaign.store.schema import prospects, wind_downs

_WITH_COMPANY = select(wind_downs, prospects.c.company).join(
    prospects, prospects.c.id == wind_downs.c.prospect_id
)


class WindDownQueries(Connected):
    """Writing wind-downs (the one in force is read by ``reads.current_wind_down``)."""

    def insert_wind_down(
        self,
        prospect_id: int,
        hired_on: date,
        today: date,
        statuses: Mapping[int, str],
        task_ids: Sequence[int],
        made: Sequence[int] = (),
    ) -> WindDown:
        """Record a wind-down and what undoing it restores; returns it."""
        with self.write() as conn:
            key = conn.execute(
                wind_downs.insert().values(
                    prospect_id=prospect_id,
                    hired_on=hired_on,
                    statuses={str(k): str(v) for k, v in statuses.items()},
                    tasks=list(task_ids),
                    made=list(made),
                    created_on=today,
                )
            ).inserted_primary_key
            assert key is not None
            row = conn.execute(_WITH_COMPANY.where(wind_downs.c.id == key[0])).one()
        return to_wind_down(row)

    def mark_resumed(self, wind_down_id: int, today: date) -> None:
        """The wind-down is undone as of ``today``."""
        with self.write() as conn:
            conn.execute(
                update(wind_downs).where(wind_downs.c.id == wind_down_id).values(resumed_on=today)
            )
