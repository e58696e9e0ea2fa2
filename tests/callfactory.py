"""Sent letters with their first calls, through the real send ledger (as the send run does)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from campaign import ledger
from campaign.clock import BusinessCalendar, iso_week
from campaign.config import Schedule
from campaign.models import Channel, Claim, FollowUp, Prospect
from campaign.store import Store

_CALENDAR: dict[str, BusinessCalendar] = {}


def calendar(country: str = "US") -> BusinessCalendar:
    """One BusinessCalendar per country for the whole test run (building one costs ~150 ms)."""
    if country not in _CALENDAR:
        _CALENDAR[country] = BusinessCalendar(country)
    return _CALENDAR[country]


def send_letters(
    store: Store,
    people: Sequence[Prospect],
    sent_on: date,
    *,
    channel: str = Channel.POST,
    letter: str = "marketing",
    schedule: Schedule | None = None,
) -> list[FollowUp]:
    """Record ``people``'s letters as sent on ``sent_on``; each schedules its first call."""
    schedule = schedule or Schedule()
    claimed = ledger.claim(
        store,
        [Claim(p.id, letter, channel) for p in people],
        week=iso_week(sent_on),
        today=sent_on,
        run_id="test",
        cap=None,
    )
    if channel == Channel.POST:
        return ledger.mark_printed(
            store,
            [s.id for s in claimed],
            sent_on=sent_on,
            pack="test.pdf",
            schedule=schedule,
            calendar=calendar(),
        )
    assert channel == Channel.EMAIL
    done = []
    for s in claimed:
        store.mark_transmitting(s.id, f"<{s.id}@test>")
        done.append(
            ledger.mark_sent(store, s.id, sent_on=sent_on, schedule=schedule, calendar=calendar())
        )
    return done
