"""Follow-up scheduling: when each call falls, and what comes after each outcome."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, timedelta

from campaign.clock import BusinessCalendar
from campaign.config import Schedule
from campaign.models import POST


def place_call(
    calendar: BusinessCalendar, earliest: date, load: Mapping[date, int], per_day: int
) -> date:
    """The first business day on or after ``earliest`` with room for one more call."""
    day = calendar.on_or_after(earliest)
    while load.get(day, 0) >= per_day:
        day = calendar.after(day)
    return day


def first_call_earliest(channel: str, sent_on: date, schedule: Schedule) -> date:
    """The day a send's first call is due before business days and the daily cap apply."""
    days = schedule.first_call_after_days + (schedule.postal_days if channel == POST else 0)
    return sent_on + timedelta(days=days)


def first_call_reason(letter: str, channel: str, sent_on: date) -> str:
    """Why the call is on the sheet, e.g. ``marketing letter mailed 16 Nov``."""
    verb = "mailed" if channel == POST else "emailed"
    return f"{letter} letter {verb} {sent_on.day} {sent_on:%b}"
