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

from campaign.clock import DUE_WORDS

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
        return datetime(day.year, day.month, day.day)  # noqa: DTZ001 - a calendar day, no time


class DueParam(click.ParamType):
    """``today``, ``week``, ``all`` or ``YYYY-MM-DD``, checked and passed on as written.

    The command turns it into a last due day as of its ``today`` (``due_until``).
    """

    name = "today|week|all|YYYY-MM-DD"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> Any:
        text = str(value).strip()
        if text in DUE_WORDS or _day(text) is not None:
            return text
        self.fail(f"{value!r} is not today, week, all or {DATE_WORDING}", param, ctx)


DATE = DateParam()
DUE = DueParam()
