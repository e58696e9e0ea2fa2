"""``campaign`` as its own process, started the way a user starts it, for tests that kill it
or run several at once."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path


def start_campaign(home: Path, *args: str, **env: str) -> subprocess.Popen[str]:
    """``campaign ARGS`` in the campaign folder ``home`` on Monday 16 November 2026, its
    output piped; ``env`` adds variables (``CAMPAIGN_DB=...``)."""
    variables = dict(os.environ, CAMPAIGN_HOME=str(home), CAMPAIGN_TODAY="2026-11-16", **env)
    return subprocess.Popen(
        [sys.executable, "-m", "campaign", *args],
        env=variables,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
