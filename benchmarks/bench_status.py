"""How fast are ``campaign status`` and ``campaign report`` on a 2,000-prospect campaign?

Builds a year of a campaign in a temporary folder (2,000 prospects, 20 letters a
week for 50 weeks, about 2,000 logged calls, an open follow-up for every letter not
yet settled), then times:

* ``campaign status`` and ``campaign report`` as a user runs them (a fresh process:
  interpreter start and imports included), median of several runs;
* the status computation alone, in-process and warm.

Run: ``python benchmarks/bench_status.py [--prospects N] [--runs N]``
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

from campaign.clock import iso_week
from campaign.config import load_settings
from campaign.status import campaign_status
from campaign.store import open_store
from campaign.store.schema import calls, prospects, sends, tasks

TODAY = date(2026, 11, 16)
OUTCOMES = ("reached", "voicemail", "no-answer", "gatekeeper", "meeting", "declined", "hired")
WEIGHTS = (20, 35, 25, 12, 4, 3, 1)


def build(home: Path, count: int, seed: int = 7) -> None:
    """A year-long campaign of ``count`` prospects, written in a few transactions."""
    rng = random.Random(seed)
    store = open_store(f"sqlite:///{home / 'campaign.db'}")
    weeks = 50
    with store.write() as conn:
        conn.execute(
            prospects.insert(),
            [
                {
                    "identity": f"p{n}@example.com",
                    "company": f"Company {n}",
                    "contact": f"Alex Person{n}",
                    "email": f"p{n}@example.com" if n % 3 else "",
                    "phone": f"+1 217 555 {n % 10000:04d}" if n % 50 else "",
                    "street": f"{n} Main Street",
                    "city": "Springfield",
                    "region": "IL",
                    "postal_code": "62701",
                    "priority": n % 7 + 1 if n % 11 else None,
                    "seq": n,
                    "extra": {},
                    "created_on": TODAY - timedelta(weeks=weeks),
                }
                for n in range(1, count + 1)
            ],
        )
    send_rows, call_rows, task_rows = [], [], []
    pid = 0
    for week in range(weeks):
        monday = TODAY - timedelta(weeks=weeks - week)
        for _ in range(20):
            pid += 1
            if pid > count:
                break
            state = rng.choices(["sent", "failed", "unknown", "deferred"], (96, 2, 1, 1))[0]
            send_rows.append(
                {
                    "prospect_id": pid,
                    "letter": "marketing",
                    "channel": "email" if pid % 3 else "post",
                    "state": state,
                    "week": iso_week(monday),
                    "claimed_on": monday,
                    "sent_on": monday if state == "sent" else None,
                    "attempts": 1,
                }
            )
            if state != "sent":
                continue
            day = monday + timedelta(days=10)
            for attempt in range(1, 5):
                if day >= TODAY:
                    task_rows.append((pid, day, attempt))
                    break
                outcome = rng.choices(OUTCOMES, WEIGHTS)[0]
                call_rows.append(
                    {"prospect_id": pid, "called_on": day, "attempt": attempt, "outcome": outcome}
                )
                if outcome in ("declined", "hired", "meeting", "reached"):
                    break
                day += timedelta(days=rng.choice((2, 3, 7)))
    with store.write() as conn:
        conn.execute(sends.insert(), send_rows)
        conn.execute(calls.insert(), call_rows)
        conn.execute(
            tasks.insert(),
            [
                {
                    "kind": "call",
                    "state": "open",
                    "due": due,
                    "prospect_id": p,
                    "attempt": a,
                    "uid": f"call-{i}@bench",
                    "detail": {},
                }
                for i, (p, due, a) in enumerate(task_rows)
            ],
        )
    store.close()
    print(
        f"campaign: {count} prospects, {len(send_rows)} sends, {len(call_rows)} calls, "
        f"{len(task_rows)} open calls"
    )


def cli_seconds(home: Path, args: list[str], runs: int) -> list[float]:
    """Wall-clock seconds of ``campaign ARGS`` in a fresh process, ``runs`` times."""
    env = {**os.environ, "CAMPAIGN_HOME": str(home), "CAMPAIGN_TODAY": TODAY.isoformat()}
    env.pop("CAMPAIGN_DB", None)
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run(
            [sys.executable, "-m", "campaign", *args],
            env=env,
            check=True,
            stdout=subprocess.DEVNULL,
        )
        times.append(time.perf_counter() - start)
    return times


def main() -> None:
    """Build the campaign, time status and report, print the figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--prospects", type=int, default=2000)
    parser.add_argument("--runs", type=int, default=7)
    options = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="bench-status-") as folder:
        home = Path(folder)
        build(home, options.prospects)
        settings = load_settings(home, {})
        store = open_store(settings.db_url)
        campaign_status(store, settings, TODAY)  # warm: imports and caches
        warm = []
        for _ in range(options.runs * 3):
            start = time.perf_counter()
            campaign_status(store, settings, TODAY)
            warm.append(time.perf_counter() - start)
        store.close()
        status = cli_seconds(home, ["status"], options.runs)
        status_json = cli_seconds(home, ["status", "--format", "json"], options.runs)
        help_ = cli_seconds(home, ["--help"], options.runs)
        report = cli_seconds(home, ["report"], max(2, options.runs // 2))

    def show(name: str, values: list[float]) -> None:
        print(
            f"{name:<34} median {statistics.median(values) * 1000:7.0f} ms"
            f"   min {min(values) * 1000:7.0f} ms   ({len(values)} runs)"
        )

    show("status computation (in-process)", warm)
    show("campaign status (new process)", status)
    show("campaign status --format json", status_json)
    show("campaign --help (start-up floor)", help_)
    show("campaign report (new process)", report)


if __name__ == "__main__":
    main()
