"""The CLI words the core's messages: each argument named as the option the user types."""

from __future__ import annotations

from pathlib import Path

import click
import pytest

from campaign.cli import all_commands, spell, spellings
from campaign.errors import InputError, arg


def _options(command: click.Command) -> list[click.Option]:
    found = [p for p in command.params if isinstance(p, click.Option)]
    for sub in getattr(command, "commands", {}).values():
        found += _options(sub)
    return found


def test_each_argument_name_is_spelled_one_way_across_commands() -> None:
    # One name, one option: `--email` in meeting and in contact add, never two spellings.
    seen: dict[str, set[str]] = {}
    for command in all_commands().values():
        for option in _options(command):
            assert option.name is not None
            seen.setdefault(option.name, set()).add(option.opts[0])
    assert {name: opts for name, opts in seen.items() if len(opts) > 1} == {}


def test_a_core_message_names_the_option_in_the_cli_and_the_argument_elsewhere() -> None:
    error = InputError(f"{arg('callback')} goes with {arg('outcome')} gatekeeper")
    assert str(error) == "callback goes with outcome gatekeeper"
    assert error.worded(spell) == "--callback goes with --outcome gatekeeper"
    assert spell("test_to") == "--test-to"
    assert spell("sent") == "--sent" and spellings()["arrived"] == "--sent/--not-sent"
    assert spell("nothing_like_it") == "nothing like it"  # no option: the plain name


@pytest.mark.parametrize(
    ("args", "named"),
    [
        (["--unlock", "--dry-run"], "--unlock and --dry-run"),
        (["--unlock", "--resend", "3"], "--unlock and --resend"),
        (["--settle", "3", "--sent", "--dry-run"], "--settle and --dry-run"),
        (["--test-to", "me@example.com", "--dry-run"], "--test-to and --dry-run"),
        (["--resend", "3", "--test-to", "me@example.com"], "--resend and --test-to"),
        (["--settle", "3", "--sent", "--resend", "3"], "--settle and --resend"),
    ],
)
def test_send_modes_that_conflict_are_a_usage_error(
    run, sender_config: Path, args: list[str], named: str
) -> None:
    result = run("send", *args)
    assert result.exit_code == 2
    assert f"Error: {named} can't be used together; run them one at a time" in result.stderr
    assert not (sender_config.parent / "campaign.db").exists()  # nothing was started


def test_a_resend_can_be_previewed(run, sender_config: Path) -> None:
    # --resend with --dry-run is the one pair that goes together: it shows the resend.
    result = run("send", "--resend", "3", "--dry-run")
    assert result.exit_code == 1  # no campaign here: the preview ran and said so
    assert "can't be used together" not in result.stderr
