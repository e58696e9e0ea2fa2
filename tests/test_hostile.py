"""Every command against a corpus of hostile inputs: never a traceback, only exits 0-3.

The corpus is ``tests/data/hostile/`` (see its README): campaign.toml files, environment
values, command lines, prospect lists and letter templates, each a case that once broke
something. Each case runs in its own campaign (seeded with prospects, a sent letter and
its call, with an SMTP server to send to) through the real CLI; any uncaught exception,
"Traceback" in the output, an exit code outside 0-3, or an "Error:" longer than one line
fails it. Add a file for every bug found.
"""

from __future__ import annotations

import json
import re
import shutil
import sqlite3
from collections.abc import Iterator
from contextlib import closing
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from campaign.cli import cli
from campaign.store.migrations import latest_version
from tests.callfactory import send_letters
from tests.factories import SENDER_TOML, TODAY, add_prospect, store_at
from tests.smtp_server import PATIENT, SmtpServer

CORPUS = Path(__file__).parent / "data" / "hostile"
SMTP = f'[smtp]\nhost = "127.0.0.1"\nport = {{smtp_port}}\nsecurity = "none"\ntimeout = {PATIENT}\n'
# What a campaign does in a week; `report` is slow, so only the cases about days run it.
EVERY_COMMAND = [
    ["status"],
    ["status", "--format", "json"],
    ["prospects", "--format", "csv"],
    ["prospects", "--format", "json"],
    ["merge"],
    ["send", "--dry-run"],
    ["send"],
    ["calls", "--due", "all"],
    ["calls", "--due", "all", "--format", "csv"],
    ["calls", "--due", "all", "--format", "ics"],
    ["calls", "--due", "all", "--format", "pdf"],
    ["log", "1"],
    ["agenda"],
    ["notes"],
    ["contact", "list"],
]
LETTER_COMMANDS = [["merge"], ["send", "--dry-run"], ["send"], ["status"]]


def case(kind: str, name: str) -> object:
    """A case of the corpus by its file name (every case runs: each once broke a command)."""
    return name


def files(kind: str) -> list[object]:
    return [case(kind, p.name) for p in sorted((CORPUS / kind).iterdir())]


def entries(name: str) -> dict[str, object]:
    data: dict[str, object] = json.loads((CORPUS / name).read_text(encoding="utf-8"))
    return data


@pytest.fixture(scope="module")
def smtp() -> Iterator[SmtpServer]:
    with SmtpServer() as server:
        yield server


@pytest.fixture(scope="module")
def seeded(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A campaign.db with an emailed and a printed prospect waiting, and one called."""
    folder = tmp_path_factory.mktemp("seed")
    store = store_at(folder)
    sent = add_prospect(store, company="Sent Co", email="")
    add_prospect(store, company="Mail Co")
    add_prospect(store, company="Post Co", email="")
    send_letters(store, [sent], TODAY)
    store.close()
    return folder / "campaign.db"


@pytest.fixture
def home(campaign_home: Path, seeded: Path, smtp: SmtpServer) -> Path:
    shutil.copy(seeded, campaign_home / "campaign.db")
    (campaign_home / "campaign.toml").write_text(
        SENDER_TOML + SMTP.format(smtp_port=smtp.port), encoding="utf-8"
    )
    return campaign_home


def check(result: Result, args: list[str]) -> None:
    """No traceback, an exit code of the contract, and an error said in one line."""
    shown = f"{args[:4]} -> {result.exit_code}: {result.output[-2000:]}"
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        raise AssertionError(f"{shown}\nuncaught {result.exception!r}") from result.exception
    assert result.exit_code in (0, 1, 2, 3), shown
    assert "Traceback" not in result.output, shown
    errors = [line for line in result.stderr.splitlines() if line.startswith("Error:")]
    if result.exit_code == 1 and errors:
        assert len(errors) == 1 and result.stderr.endswith(errors[0] + "\n"), shown


def run_all(commands: list[list[str]], env: dict[str, str] | None = None) -> None:
    runner = CliRunner()
    for args in commands:
        result = runner.invoke(cli, args, env=env, catch_exceptions=True)
        check(result, args)


def with_sections(base: str, case_text: str) -> str:
    """``base`` with each [section] the case names replaced by the case's (else added)."""
    sections = set(re.findall(r"^\[([A-Za-z_]+)[\].]", case_text, flags=re.MULTILINE))
    kept = re.split(r"(?m)^(?=\[)", base)
    keep = [s for s in kept if not any(s.startswith(f"[{name}]") for name in sections)]
    return "".join(keep) + case_text


def test_a_database_from_a_newer_campaign_is_one_line_everywhere(home: Path) -> None:
    with closing(sqlite3.connect(home / "campaign.db")) as db, db:
        db.execute("INSERT INTO schema_migrations VALUES (9999, 'from the future', '2030-01-01')")
    runner = CliRunner()
    for args in EVERY_COMMAND:
        result = runner.invoke(cli, args, catch_exceptions=True)
        check(result, args)
        assert result.exit_code == 1, args
        assert result.stderr.endswith(
            f"(schema version 9999; this one knows up to {latest_version()}): upgrade campaign\n"
        ), args


@pytest.mark.parametrize("name", files("config"))
def test_campaign_toml(home: Path, smtp: SmtpServer, name: str) -> None:
    raw = (CORPUS / "config" / name).read_bytes()
    config = home / "campaign.toml"
    if name.endswith(".whole.toml"):  # the file as it is, bytes and all
        config.write_bytes(raw)
    else:
        text = raw.decode("utf-8").replace("{smtp_port}", str(smtp.port))
        config.write_text(with_sections(config.read_text(encoding="utf-8"), text), "utf-8")
    run_all([*EVERY_COMMAND, ["init"]])


@pytest.mark.parametrize("name", sorted(entries("env.json")))
def test_environment(home: Path, name: str) -> None:
    env = entries("env.json")[name]
    assert isinstance(env, dict)
    commands = [*EVERY_COMMAND, ["send", "--test-to", "me@example.com"]]
    if "CAMPAIGN_TODAY" in env:
        commands.append(["report"])
    run_all(commands, env=env)


@pytest.mark.parametrize("name", sorted(entries("args.json")))
def test_command_line(home: Path, name: str) -> None:
    args = entries("args.json")[name]
    assert isinstance(args, list)
    run_all([[str(a) for a in args], ["status"]])


@pytest.mark.parametrize("name", files("lists"))
def test_prospect_list(home: Path, name: str) -> None:
    path = home / "lists" / name
    path.parent.mkdir(exist_ok=True)
    shutil.copy(CORPUS / "lists" / name, path)
    run_all([["import", str(path)], *EVERY_COMMAND, ["merge", "--batch", "all"]])


@pytest.mark.parametrize("name", files("templates"))
def test_letter_template(home: Path, name: str) -> None:
    (home / "templates").mkdir(exist_ok=True)
    shutil.copy(CORPUS / "templates" / name, home / "templates" / "marketing.txt")
    run_all(LETTER_COMMANDS)
    assert not (home / "escaped.txt").exists()
