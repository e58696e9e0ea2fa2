"""Help is documentation: every command explains itself with an example."""

from __future__ import annotations

import subprocess
import sys

import click
import pytest

from campaign.cli import cli

COMMANDS = sorted(cli.commands)


def test_the_contract_commands_exist() -> None:
    for name in ("init", "import", "prospects", "merge", "send", "calls", "log", "status"):
        assert name in cli.commands, f"campaign {name} is missing"


@pytest.mark.parametrize("name", COMMANDS)
def test_every_command_has_help_with_an_example(run, name: str) -> None:
    command = cli.commands[name]
    assert command.help and len(command.help.strip()) > 20, f"campaign {name} has no help"
    text = run(name, "--help").output
    assert "Example" in text, f"campaign {name} --help shows no example"
    if isinstance(command, click.Group):
        for sub in command.commands.values():
            assert sub.help, f"campaign {name} {sub.name} has no help"


def test_help_starts_without_heavy_imports() -> None:
    code = (
        "import sys; from campaign.cli import cli; "
        "heavy = {'pandas', 'reportlab', 'matplotlib', 'docxtpl', 'docx', 'yagmail', 'openpyxl'}; "
        "print(sorted(heavy & set(sys.modules)))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"
