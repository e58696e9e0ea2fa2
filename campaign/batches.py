"""Which prospects a run takes: the weekly wave (``top20``) or everyone left (``all``)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from campaign.clock import iso_week, next_week_start
from campaign.errors import InputError
from campaign.models import ACTIVE, Prospect
from campaign.store import Store

BATCHES = ("top20", "all")


@dataclass(frozen=True)
class Batch:
    """The prospects a run would take, and why that many."""

    name: str
    letter: str
    prospects: list[Prospect]
    week: str
    cap: int
    cap_used: int
    waiting: int  # active prospects not yet sent this letter, in all
    next_wave: date  # when the cap opens again

    @property
    def cap_left(self) -> int:
        """Slots of this week's cap still free."""
        return max(self.cap - self.cap_used, 0)


def select_batch(
    store: Store,
    name: str,
    letter: str,
    today: date,
    weekly_cap: int,
    limit: int | None = None,
) -> Batch:
    """The batch ``name`` for ``letter`` as of ``today``, highest priority first.

    ``top20`` takes as many as this ISO week's cap still allows; ``all`` takes every
    active prospect not yet sent this letter. ``limit`` takes fewer still.
    """
    if name not in BATCHES:
        raise InputError(f"unknown batch {name!r}; use one of: {', '.join(BATCHES)}")
    week = iso_week(today)
    used = store.cap_used(week)
    already = store.prospects_with_letter(letter)
    waiting = [p for p in store.list_prospects([ACTIVE]) if p.id not in already]
    chosen = waiting if name == "all" else waiting[: max(weekly_cap - used, 0)]
    if limit is not None:
        chosen = chosen[: max(limit, 0)]
    return Batch(
        name=name,
        letter=letter,
        prospects=chosen,
        week=week,
        cap=weekly_cap,
        cap_used=used,
        waiting=len(waiting),
        next_wave=next_week_start(today),
    )
