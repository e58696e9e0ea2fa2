"""Nothing outside the campaign: a report leaves the user's home as it found it."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.callfactory import send_letters
from tests.factories import TODAY, add_prospects, store_at

pytestmark = pytest.mark.slow


def test_report_writes_nothing_in_the_users_home(
    sender_config: Path, campaign_home: Path, tmp_path: Path
) -> None:
    store = store_at(campaign_home)
    send_letters(store, add_prospects(store, 3), TODAY)
    store.close()
    home = tmp_path / "user-home"
    home.mkdir()
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in ("MPLCONFIGDIR", "XDG_CACHE_HOME", "XDG_CONFIG_HOME")
    }
    env.update(HOME=str(home), CAMPAIGN_HOME=str(campaign_home), CAMPAIGN_TODAY="2026-11-16")
    result = subprocess.run(
        [sys.executable, "-m", "campaign", "report"],
        env=env,
        capture_output=True,
        text=True,
        timeout=180,
    )
    assert result.returncode == 0, result.stderr
    assert list(home.rglob("*")) == []
    assert [p.name for p in (campaign_home / "output").glob("report-*.html")] == [
        "report-2026-11-16.html"
    ]
