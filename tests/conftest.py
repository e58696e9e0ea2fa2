"""Every test runs in its own campaign folder, on a fixed day, with no SMTP password.

Hypothesis runs a small ``dev`` profile by default (``DEV_EXAMPLES`` examples a property)
and today's full counts under the ``ci`` profile: CI=true (as ``.ci/run`` sets) picks it,
and so does ``HYPOTHESIS_PROFILE=ci`` on a developer's machine.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from hypothesis import settings

from campaign.cli import cli, spell
from campaign.errors import CampaignError
from campaign.store import Store
from tests.factories import SENDER_TOML, store_at
from tests.imap_server import imap_server, imap_user  # noqa: F401 - one private Dovecot
from tests.pg_firm import firm  # noqa: F401 - a firm's database on it, new for each test
from tests.postgres import postgres_url  # noqa: F401 - one private server per test session
from tests.smtp_server import SmtpServer
from tests.unavailable import in_ci

TODAY = date(2026, 11, 16)  # a Monday

DEV_EXAMPLES = 10
settings.register_profile("ci", max_examples=100)  # Hypothesis's own default: the full counts
settings.register_profile("dev", max_examples=DEV_EXAMPLES)
HYPOTHESIS_PROFILE = os.environ.get("HYPOTHESIS_PROFILE") or ("ci" if in_ci() else "dev")
settings.load_profile(HYPOTHESIS_PROFILE)


def examples(full: int) -> int:
    """A property's ``max_examples``: ``full`` under the ci profile, else at most the profile's."""
    if HYPOTHESIS_PROFILE == "ci":
        return full
    return min(full, settings.default.max_examples)


@pytest.fixture(autouse=True)
def campaign_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """CAMPAIGN_HOME=tmp_path/home, CAMPAIGN_TODAY fixed, no DB or password from outside."""
    home = tmp_path / "home"
    home.mkdir()
    monkeypatch.setenv("CAMPAIGN_HOME", str(home))
    monkeypatch.setenv("CAMPAIGN_TODAY", TODAY.isoformat())
    for name in ("CAMPAIGN_DB", "CAMPAIGN_SMTP_PASSWORD"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.chdir(tmp_path)
    yield home


@pytest.fixture
def run(campaign_home: Path):
    """Run the real CLI in-process: ``run("import", "x.csv", env={...})`` -> Result."""
    runner = CliRunner()

    def _run(*args: str, env: dict[str, str] | None = None, input: str | None = None) -> Result:
        return runner.invoke(cli, list(args), env=env, input=input, catch_exceptions=False)

    return _run


@pytest.fixture
def store(campaign_home: Path) -> Iterator[Store]:
    """The campaign folder's SQLite store (a test file may override it with its own)."""
    opened = store_at(campaign_home)
    yield opened
    opened.close()


@pytest.fixture
def server() -> Iterator[SmtpServer]:
    """A real SMTP server on 127.0.0.1 that accepts everything until told otherwise."""
    with SmtpServer() as running:
        yield running


@pytest.fixture
def sender_config(campaign_home: Path) -> Path:
    """A campaign.toml with a complete sender and no SMTP (every letter is printed)."""
    path = campaign_home / "campaign.toml"
    path.write_text(SENDER_TOML, encoding="utf-8")
    return path


def cli_words(error: CampaignError) -> str:
    """An error as the CLI shows it: each argument the core names spelled as its option."""
    return error.worded(spell)


def env_without(*names: str) -> dict[str, str]:
    """The current environment less ``names`` (for subprocess tests)."""
    return {k: v for k, v in os.environ.items() if k not in names}
