"""The sends ledger: one row per prospect and letter, an outbox that never sends twice."""

from __future__ import annotations

import dataclasses
from typing import Any

from sqlalchemy import Row, func, select

from campaign.models import CAP_STATES, Send
from campaign.store.base import StoreBase
from campaign.store.schema import sends

_SEND_FIELDS = {f.name for f in dataclasses.fields(Send)}


def to_send(row: Row[Any]) -> Send:
    """A database row as a Send."""
    return Send(**{k: v for k, v in row._mapping.items() if k in _SEND_FIELDS})


class SendQueries(StoreBase):
    """Reading and writing the ledger."""

    def prospects_with_letter(self, letter: str) -> set[int]:
        """Prospects that already have a ledger row for ``letter`` (in any state)."""
        query = select(sends.c.prospect_id).where(sends.c.letter == letter)
        with self.read() as conn:
            return set(conn.scalars(query))

    def cap_used(self, week: str) -> int:
        """Sends that use up a slot of the cap in ISO ``week`` (failed ones do not)."""
        query = (
            select(func.count())
            .select_from(sends)
            .where(sends.c.week == week, sends.c.state.in_(CAP_STATES))
        )
        with self.read() as conn:
            return int(conn.scalar(query) or 0)

    def list_sends(self) -> list[Send]:
        """Every ledger row, oldest first."""
        with self.read() as conn:
            return [to_send(r) for r in conn.execute(select(sends).order_by(sends.c.id))]
