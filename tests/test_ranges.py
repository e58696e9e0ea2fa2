"""Every number and day the user gives has a range, checked with a one-line error naming it."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

from campaign.config import RANGES, SECTIONS
from tests.factories import add_prospects, store_at


def test_every_whole_number_in_campaign_toml_has_a_named_range() -> None:
    numbers = {
        (section, f.name)
        for section, cls in SECTIONS.items()
        for f in dataclasses.fields(cls)
        if isinstance(f.default, int) and not isinstance(f.default, bool)
    }
    assert numbers == set(RANGES)
    for (section, key), (low, high) in RANGES.items():
        default = next(f.default for f in dataclasses.fields(SECTIONS[section]) if f.name == key)
        assert low <= default <= high, (section, key)


@pytest.mark.parametrize(
    ("section", "line", "message"),
    [
        (
            "schedule",
            "first_call_after_days = 999999999",
            "first_call_after_days must be from 0 to 365, got 999999999",
        ),
        ("schedule", "postal_days = 3000000", "postal_days must be from 0 to 60, got 3000000"),
        ("schedule", "postal_days = -1", "postal_days must be from 0 to 60, got -1"),
        (
            "schedule",
            "calls_per_day = 99999999999999999999",
            "calls_per_day must be from 1 to 1000, got 99999999999999999999",
        ),
        ("smtp", "timeout = 99999999999", "timeout must be from 1 to 3600, got 99999999999"),
        ("smtp", "port = 70000", "port must be from 1 to 65535, got 70000"),
        ("smtp", "port = 0", "port must be from 1 to 65535, got 0"),
        ("interview", "note_days = 100000000", "note_days must be from 0 to 365, got 100000000"),
        (
            "smtp",
            'host = "smtp.example.com\\r\\nRCPT TO:<x@y.test>"',
            "host 'smtp.example.com\\r\\nRCPT TO:<x@y.test>' is not a host name",
        ),
    ],
)
@pytest.mark.parametrize("command", [("status",), ("send",), ("calls",)])
def test_a_value_out_of_range_is_one_line_naming_key_and_range(
    run, sender_config: Path, campaign_home: Path, section: str, line: str, message: str,
    command: tuple[str, ...],
) -> None:  # fmt: skip
    store = store_at(campaign_home)
    add_prospects(store, 1)
    store.close()
    text = sender_config.read_text(encoding="utf-8")
    if section == "smtp" and "host" not in line:
        line = f'host = "127.0.0.1"\n{line}'
    sender_config.write_text(f"{text}[{section}]\n{line}\n", encoding="utf-8")
    result = run(*command)
    assert result.exit_code == 1
    assert result.stderr == f"Error: {sender_config}: [{section}] {message}\n"


@pytest.mark.parametrize("day", ["9999-12-31", "0001-01-01", "1969-12-31", "2200-01-01"])
@pytest.mark.parametrize("command", [("status",), ("send",), ("report",), ("calls",)])
def test_campaign_today_out_of_range_is_one_line(
    run, sender_config: Path, campaign_home: Path, day: str, command: tuple[str, ...]
) -> None:
    store_at(campaign_home).close()
    result = run(*command, env={"CAMPAIGN_TODAY": day})
    assert result.exit_code == 1
    assert result.stderr == (
        f"Error: CAMPAIGN_TODAY='{day}' is out of range: use a day from 1970-01-01 to 2199-12-31\n"
    )


def test_the_first_and_last_days_work(run, sender_config: Path, campaign_home: Path) -> None:
    store = store_at(campaign_home)
    add_prospects(store, 2, email="")
    store.close()
    for day in ("1970-01-01", "2199-12-31"):
        assert run("status", env={"CAMPAIGN_TODAY": day}).exit_code == 0
    result = run("send", env={"CAMPAIGN_TODAY": "2199-12-31"})
    assert result.exit_code == 0, result.output
    assert run("calls", "--due", "all", env={"CAMPAIGN_TODAY": "2199-12-31"}).exit_code == 0


@pytest.mark.parametrize(
    "args",
    [
        ["calls", "--due", "9999-12-31"],
        ["calls", "--due", "0001-01-01"],
    ],
)
def test_a_day_option_out_of_range_is_a_usage_error(run, sender_config: Path, args) -> None:
    result = run(*args)
    assert result.exit_code == 2
    assert "is out of range: use a day from 1970-01-01 to 2199-12-31" in result.stderr
