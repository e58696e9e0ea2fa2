"""Help is documentation: every command explains itself with an example."""

from __future__ import annotations

import subprocess
import sys

import click
import pytest

from campaign.cli import COMMANDS, all_commands

LOADED = all_commands()


def test_the_contract_commands_exist() -> None:
    for name in ("init", "import", "prospects", "merge", "send", "calls", "log", "status"):
        assert name in LOADED, f"campaign {name} is missing"


def test_the_list_in_campaign_help_is_each_commands_own_first_line() -> None:
    # `campaign --help` lists the commands without importing them: the lines must agree.
    for name, (_, _, listed) in COMMANDS.items():
        assert LOADED[name].get_short_help_str(limit=1000) == listed, name


@pytest.mark.parametrize("name", sorted(LOADED))
def test_every_command_has_help_with_an_example(run, name: str) -> None:
    command = LOADED[name]
    assert command.help and len(command.help.strip()) > 20, f"campaign {name} has no help"
    text = run(name, "--help").output
    assert "Example" in text, f"campaign {name} --help shows no example"
    if isinstance(command, click.Group):
        for sub in command.commands.values():
            assert sub.help, f"campaign {name} {sub.name} has no help"


def test_help_starts_without_heavy_imports() -> None:
    code = (
        "import sys; from campaign.cli import cli; "
        "heavy = {'pandas', 'reportlab', 'matplotlib', 'docxtpl', 'docx', 'yagmail', 'openpyxl', "
        "'sqlalchemy', 'rich'}; "
        "print(sorted(heavy & set(sys.modules)))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_the_flags_table_spells_each_argument_as_its_command_does() -> None:
    # `campaign status` words its advice from FLAGS, without importing every command.
    import ast
    from pathlib import Path

    from campaign.cli import FLAGS, spellings

    assert {name: spellings().get(name) for name in FLAGS} == FLAGS
    named = set()
    for path in (Path(__file__).parents[1] / "campaign").rglob("*.py"):
        if "cli" in path.parts:
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if (
                isinstance(node, ast.Call)
                and getattr(node.func, "id", None) == "arg"
                and node.args
                and isinstance(node.args[0], ast.Constant)
            ):
                named.add(node.args[0].value)
    missing = sorted(named - set(FLAGS))
    assert missing == [], f"add these arguments to campaign.cli.FLAGS: {missing}"
