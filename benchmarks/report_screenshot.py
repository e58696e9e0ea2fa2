"""Four weeks of the shipped sample campaign through the real commands, then its report.

Copies ``campaign.toml`` and ``lists/`` to a temporary folder, and for each Monday
from 26 Oct to 16 Nov 2026 runs ``campaign send``; on every business day it works
through ``campaign calls`` and logs an outcome for each call (a fixed, varied cycle).
Then ``campaign report`` writes the page and headless Chromium photographs it.

Run: ``python benchmarks/report_screenshot.py [OUT.png]`` (default docs/report.png)
"""

from __future__ import annotations

import itertools
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
START, END = date(2026, 10, 26), date(2026, 11, 16)
CYCLE = ("voicemail", "no-answer", "reached", "gatekeeper", "voicemail", "meeting", "declined")


def campaign(home: Path, day: date, *args: str) -> str:
    """Run one command as of ``day``; its standard output."""
    env = {**os.environ, "CAMPAIGN_HOME": str(home), "CAMPAIGN_TODAY": day.isoformat()}
    env.pop("CAMPAIGN_DB", None)
    done = subprocess.run(
        [sys.executable, "-m", "campaign", *args], env=env, capture_output=True, text=True
    )
    if done.returncode not in (0, 3):
        raise SystemExit(f"campaign {' '.join(args)}: {done.stderr.strip()}")
    return done.stdout


def simulate(home: Path) -> None:
    """Send every Monday, log every due call on every business day."""
    outcomes = itertools.cycle(CYCLE)
    campaign(home, START, "init")
    campaign(home, START, "import", "lists/sample-prospects.csv")
    day = START
    while day <= END:
        if day.weekday() == 0:
            campaign(home, day, "send")
        if day.weekday() < 5 and day < END:
            for call in json.loads(campaign(home, day, "calls", "--format", "json")):
                campaign(home, day, "log", str(call["prospect_id"]), "--outcome", next(outcomes))
        day += timedelta(days=1)


def screenshot(page: Path, out: Path, profile: Path) -> None:
    """Photograph ``page`` with headless Chromium into ``out``."""
    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    if chromium is None:
        raise SystemExit("chromium is not installed (apt-get install chromium)")
    subprocess.run(
        [
            chromium,
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--hide-scrollbars",
            f"--user-data-dir={profile}",
            f"--screenshot={out}",
            "--window-size=1280,2600",
            page.as_uri(),
        ],
        check=True,
        capture_output=True,
    )


def main() -> None:
    """Simulate, report, photograph."""
    out = Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT / "docs" / "report.png"
    with tempfile.TemporaryDirectory(prefix="sample-campaign-") as folder:
        home = Path(folder) / "campaign"
        home.mkdir()
        shutil.copy(ROOT / "campaign.toml", home)
        shutil.copytree(ROOT / "lists", home / "lists")
        simulate(home)
        start = time.perf_counter()
        written = campaign(home, END, "report").strip()
        print(f"{written} in {time.perf_counter() - start:.1f} s")
        print(campaign(home, END, "status"))
        page = Path(written.split(": ", 1)[1])
        out.parent.mkdir(parents=True, exist_ok=True)
        shot = Path(folder) / "report.png"
        screenshot(page, shot, Path(folder) / "chromium")
        from PIL import Image

        # The page is greyscale by design: one channel halves the file kept in the repo.
        with Image.open(shot) as image:
            image.convert("L").save(out, optimize=True)
    print(f"screenshot: {out}")


if __name__ == "__main__":
    main()
