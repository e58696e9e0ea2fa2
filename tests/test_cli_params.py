"""Malformed option values are usage errors (exit 2), worded once across commands."""

from __future__ import annotations

import click
import pytest

from campaign.cli import all_commands
from campaign.cli.params import DateParam, DueParam


def _options(command: click.Command, path: str = "campaign") -> list[tuple[str, click.Option]]:
    found = [(path, p) for p in command.params if isinstance(p, click.Option)]
    for name, sub in getattr(command, "commands", {}).items():
        found += _options(sub, f"{path} {name}")
    return found


def test_every_due_and_date_option_uses_the_shared_types() -> None:
    options = [o for name, c in all_commands().items() for o in _options(c, f"campaign {name}")]
    dues = [(path, o) for path, o in options if o.name == "due"]
    assert {path for path, _ in dues} >= {"campaign calls", "campaign agenda", "campaign notes"}
    assert all(isinstance(o.type, DueParam) for _, o in dues)
    dates = [path for path, o in options if isinstance(o.type, DateParam)]
    assert {"campaign log", "campaign meeting record", "campaign meeting edit"} <= set(dates)
    assert not [path for path, o in options if isinstance(o.type, click.DateTime)]


@pytest.mark.parametrize(
    ("args", "option", "value"),
    [
        (["meeting", "1", "--on", "16 Nov"], "--on", "'16 Nov' is not a date as YYYY-MM-DD"),
        (["log", "1", "--callback", "2026-13-01"], "--callback", "'2026-13-01' is not a date"),
        (["calls", "--due", "week2"], "--due", "'week2' is not today, week, all or a date"),
    ],
)
def test_a_bad_date_is_worded_the_same_everywhere(run, args, option, value) -> None:
    result = run(*args)
    assert result.exit_code == 2
    assert f"Error: Invalid value for '{option}': {value}" in result.stderr


def test_good_values_pass(run, campaign_home) -> None:
    from tests.factories import store_at

    store_at(campaign_home).close()
    for due in ("today", "week", "all", "2026-11-20"):
        assert run("calls", "--due", due).exit_code == 0
        assert run("agenda", "--due", due).exit_code == 0
