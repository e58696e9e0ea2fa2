"""ISO weeks and business days."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from campaign.clock import BusinessCalendar, iso_week, next_week_start, week_start
from campaign.errors import ConfigError

US = BusinessCalendar("US")


def test_iso_weeks_run_monday_to_sunday() -> None:
    assert iso_week(date(2026, 11, 16)) == "2026-W47"
    assert iso_week(date(2026, 11, 22)) == "2026-W47"
    assert iso_week(date(2026, 11, 23)) == "2026-W48"
    assert iso_week(date(2027, 1, 1)) == "2026-W53"  # a Friday in 2026's 53rd week
    assert week_start(date(2026, 11, 22)) == date(2026, 11, 16)
    assert next_week_start(date(2026, 11, 16)) == date(2026, 11, 23)


def test_weekends_and_holidays_move_forward() -> None:
    assert US.on_or_after(date(2026, 11, 21)) == date(2026, 11, 23)  # Saturday -> Monday
    assert US.on_or_after(date(2026, 11, 26)) == date(2026, 11, 27)  # Thanksgiving -> Friday
    assert US.on_or_after(date(2026, 12, 25)) == date(2026, 12, 28)  # Christmas (Fri) -> Monday
    assert US.holiday_name(date(2026, 11, 26)) == "Thanksgiving Day"
    assert US.holiday_name(date(2026, 11, 27)) is None


def test_add_business_days_skips_holidays() -> None:
    assert US.add_business_days(date(2026, 11, 25), 1) == date(2026, 11, 27)
    assert US.add_business_days(date(2026, 11, 27), 2) == date(2026, 12, 1)


def test_country_sets_the_holidays() -> None:
    uk = BusinessCalendar("GB")
    assert uk.is_business_day(date(2026, 11, 26))  # no Thanksgiving in the UK
    assert not uk.is_business_day(date(2026, 12, 28))  # Boxing Day (substitute)


def test_unknown_country_is_a_config_error() -> None:
    with pytest.raises(ConfigError, match=r"country 'XX'"):
        BusinessCalendar("XX")


@given(st.dates(min_value=date(2024, 1, 1), max_value=date(2030, 12, 31)), st.integers(0, 40))
def test_no_due_date_is_a_weekend_or_holiday(day: date, days: int) -> None:
    due = US.due_after(day, days)
    assert due.weekday() < 5
    assert US.holiday_name(due) is None
    assert due >= day + timedelta(days=days)
