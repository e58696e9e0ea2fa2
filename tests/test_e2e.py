"""The newcomer's path: the shipped sample campaign, through the real installed command."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
pytestmark = pytest.mark.slow


def campaign(home: Path, *args: str, today: str = "2026-11-16") -> subprocess.CompletedProcess:
    """Run ``campaign`` as a user would, in its own process."""
    env = {"PATH": "/usr/bin:/bin", "CAMPAIGN_HOME": str(home), "CAMPAIGN_TODAY": today}
    return subprocess.run(
        [sys.executable, "-m", "campaign", *args],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
        check=False,
    )


@pytest.fixture
def sample(tmp_path: Path) -> Path:
    home = tmp_path / "sample"
    home.mkdir()
    shutil.copy(REPO / "campaign.toml", home / "campaign.toml")
    shutil.copytree(REPO / "lists", home / "lists")
    return home


def test_sample_campaign_end_to_end(sample: Path) -> None:
    steps = [
        ("init",),
        ("import", "lists/sample-prospects.csv"),
        ("prospects", "--batch", "top20"),
        ("send",),
        ("calls", "--due", "all"),
        ("status",),
    ]
    for step in steps:
        result = campaign(sample, *step)
        assert result.returncode == 0, f"campaign {' '.join(step)}: {result.stderr}"
        assert "Traceback" not in result.stderr

    status = json.loads(campaign(sample, "status", "--format", "json").stdout)
    assert status["sent"] == 20
    assert status["sent_this_week"] == 20
    assert status["weekly_cap"] == 20

    pdfs = sorted(p.name for p in (sample / "output").rglob("*.pdf"))
    assert any("letters" in name for name in pdfs), pdfs
    assert any("envelopes" in name for name in pdfs), pdfs

    calls = json.loads(campaign(sample, "calls", "--due", "all", "--format", "json").stdout)
    assert len(calls) == 20
    assert all(call["attempt"] == 1 for call in calls)
    # Printed letters: 7 days + 3 postal days after Monday 16 Nov, Thanksgiving skipped.
    assert min(call["due"] for call in calls) == "2026-11-27"

    again = campaign(sample, "send")  # the week's wave is out: nothing more, nothing twice
    assert again.returncode == 0
    status = json.loads(campaign(sample, "status", "--format", "json").stdout)
    assert status["sent"] == 20
