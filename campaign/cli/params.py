"""Option types: a malformed value is a usage error (exit 2, Click's message), worded once.

The contract makes a bad option value a usage error, not a failure of the user's data:
each type here checks its value while Click parses the command line, so the command
never starts, and every command words the same mistake the same way. The core keeps its
own checks (and InputErrors) for callers that are not the CLI.
"""

from __future__ import annotations

import re
from datetime import date, datetime
from typing import Any

import click

from campaign.clock import DAY_RANGE, DUE_WORDS, in_range

DATE_WORDING = "a date as YYYY-MM-DD"
_ISO_DAY = re.compile(r"\d{4}-\d{2}-\d{2}")


def _day(text: str) -> date | None:
    if not _ISO_DAY.fullmatch(text):
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:  # 2026-02-30: the right shape, no such day
        return None


class DateParam(click.ParamType):
    """``YYYY-MM-DD`` -> a ``datetime`` at midnight (as ``click.DateTime`` gives)."""

    name = "YYYY-MM-DD"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> Any:
        if isinstance(value, datetime):
            return value
        day = _day(str(value).strip())
        if day is None:
            self.fail(f"{value!r} is not {DATE_WORDING}", param, ctx)
        if not in_range(day):
            self.fail(f"{value!r} is out of range: use {DAY_RANGE}", param, ctx)
        return datetime(day.year, day.month, day.day)  # noqa: DTZ001 - a calendar day, no time


class DueParam(click.ParamType):
    """``today``, ``week``, ``all`` or ``YYYY-MM-DD``, checked and passed on as written.

    The command turns it into a last due day as of its ``today`` (``due_until``).
    """

    name = "today|week|all|YYYY-MM-DD"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> Any:
        text = str(value).strip()
        if text in DUE_WORDS:
            return text
        day = _day(text)
        if day is not None and not in_range(day):
            self.fail(f"{value!r} is out of range: use {DAY_RANGE}", param, ctx)
        if day is not None:
            return text
        self.fail(f"{value!r} is not today, week, all or {DATE_WORDING}", param, ctx)


class IdParam(click.types.IntParamType):
    """A row's id: a whole number a database can hold (1 to 2**63-1), so a typo of twenty
    digits is a usage error, not an overflow deep in the store."""

    name = "integer"
    LARGEST = 2**63 - 1

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> Any:
        number = super().convert(value, param, ctx)
        if not 1 <= number <= self.LARGEST:
            self.fail(f"{value!r} is not an id (ids run from 1 to {self.LARGEST})", param, ctx)
        return number


ID = IdParam()


_TIME = re.compile(r"(\d{1,2})(?:[:.](\d{2}))?\s*([ap]\.?m\.?)?", re.IGNORECASE)


class TimeParam(click.ParamType):
    """A time of day, ``10:00``, ``14:30``, ``9am`` or ``2:30 pm`` -> ``"14:30"``."""

    name = "HH:MM"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> Any:
        match = _TIME.fullmatch(str(value).strip())
        hour = int(match[1]) if match else 99
        minute = int(match[2] or 0) if match else 99
        if match and match[3]:
            if not 1 <= hour <= 12:
                hour = 99
            hour = hour % 12 + (12 if match[3].lower().startswith("p") else 0)
        elif match and not match[2]:
            hour = 99  # a bare "10": morning or evening?
        if hour > 23 or minute > 59:
            self.fail(
                f"{value!r} is not a time of day as HH:MM (10:00, 14:30) or 2:30pm", param, ctx
            )
        return f"{hour:02d}:{minute:02d}"


class TaskParam(click.ParamType):
    """A task id as the agenda shows it, ``T12``, or plain ``12`` -> 12."""

    name = "TASK"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> Any:
        if isinstance(value, int):
            return value
        text = str(value).strip()
        digits = text[1:] if text[:1] in ("T", "t") else text
        if not digits.isdigit() or not 1 <= int(digits) <= IdParam.LARGEST:
            self.fail(
                f"{value!r} is not a task id (as the agenda shows it: T12, or 12)", param, ctx
            )
        return int(digits)


DATE = DateParam()
TASK = TaskParam()
TIME = TimeParam()
DUE = DueParam()
