"""Dates as the campaign sees them: ISO weeks and business days.

Nothing here reads the clock: "today" is resolved once by the CLI and passed down.
"""

from __future__ import annotations

from collections.abc import Container
from dataclasses import dataclass, field
from datetime import date, timedelta

from campaign.errors import ConfigError, InputError, arg

DUE_WORDS = ("today", "week", "all")
# The days a campaign can be "as of" or plan for: far enough from date.min and date.max
# that no schedule (a year of days, a decade of weeks) runs off the calendar.
FIRST_DAY = date(1970, 1, 1)
LAST_DAY = date(2199, 12, 31)
DAY_RANGE = f"a day from {FIRST_DAY} to {LAST_DAY}"


def in_range(day: date) -> bool:
    """Whether ``day`` lies in the calendar a campaign uses (``FIRST_DAY`` to ``LAST_DAY``)."""
    return FIRST_DAY <= day <= LAST_DAY


def iso_week(day: date) -> str:
    """The ISO week a day falls in, as ``2026-W47``; weeks run Monday to Sunday."""
    year, week, _ = day.isocalendar()
    return f"{year}-W{week:02d}"


def week_start(day: date) -> date:
    """The Monday of the ISO week holding ``day``."""
    return day - timedelta(days=day.weekday())


def next_week_start(day: date) -> date:
    """The Monday after ``day``: when the next weekly wave opens."""
    return week_start(day) + timedelta(days=7)


def due_until(spec: str, today: date) -> date | None:
    """The last due day ``today`` / ``week`` / ``all`` / ``YYYY-MM-DD`` covers (None: all)."""
    if spec == "today":
        return today
    if spec == "week":
        return week_start(today) + timedelta(days=6)
    if spec == "all":
        return None
    try:
        day = date.fromisoformat(spec)
    except ValueError:
        raise InputError(
            f"{arg('due')} {spec!r}: use today, week, all or a date as YYYY-MM-DD"
        ) from None
    if not in_range(day):
        raise InputError(f"{arg('due')} {spec!r} is out of range: use {DAY_RANGE}")
    return day


@dataclass
class BusinessCalendar:
    """Weekends and the public holidays of one country (the ``holidays`` package)."""

    country: str = "US"
    _holidays: Container[date] = field(init=False, repr=False)

    def __post_init__(self) -> None:
        import holidays  # ~150 ms: only commands that schedule pay for it

        try:
            self._holidays = holidays.country_holidays(self.country)
        except NotImplementedError:
            raise ConfigError(
                f"campaign.toml: [sender] country {self.country!r} is not a country code the "
                f"holidays package knows; use an ISO code such as US, GB, CA, DE"
            ) from None

    def holiday_name(self, day: date) -> str | None:
        """The holiday's name when ``day`` is a public holiday, else None."""
        return self._holidays.get(day) if day in self._holidays else None  # type: ignore[attr-defined]

    def is_business_day(self, day: date) -> bool:
        """Monday to Friday and not a public holiday."""
        return day.weekday() < 5 and day not in self._holidays

    def on_or_after(self, day: date) -> date:
        """``day`` itself when it is a business day, else the next one."""
        while not self.is_business_day(day):
            day += timedelta(days=1)
        return day

    def after(self, day: date) -> date:
        """The first business day strictly after ``day``."""
        return self.on_or_after(day + timedelta(days=1))

    def add_business_days(self, day: date, count: int) -> date:
        """``count`` business days after ``day`` (0 gives ``on_or_after(day)``)."""
        if count <= 0:
            return self.on_or_after(day)
        for _ in range(count):
            day = self.after(day)
        return day

    def due_after(self, day: date, days: int) -> date:
        """A due date ``days`` calendar days after ``day``, moved onto a business day."""
        return self.on_or_after(day + timedelta(days=days))
