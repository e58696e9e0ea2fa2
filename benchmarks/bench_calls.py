"""`campaign calls` on a campaign of 2,000 prospects: seconds per command, as a user runs it.

Run from the repository root:

    python benchmarks/bench_calls.py           # 2,000 prospects
    python benchmarks/bench_calls.py 5000      # any size

Every prospect has been sent a letter, 20 a week (through the real send ledger, each
with its first call), and a quarter have two logged calls, so the sheet shows history.
"Today" is mid-campaign; the calls that fell before it are taken as made and moved
into the coming weeks, so today's sheet is a day's work (a user who kept up), while
`--due all` lists every one of the 2,000 open calls. Each command runs as a fresh
process (`python -m campaign ...`, interpreter and SQLAlchemy start-up included), five
times, and in-process (CliRunner, after one warm-up: the command's own work); medians
are reported. It also checks that the table and JSON paths import none of pandas,
reportlab, matplotlib, icalendar or holidays.
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from campaign.config import Schedule  # noqa: E402
from campaign.store.schema import calls, tasks  # noqa: E402
from tests.callfactory import send_letters  # noqa: E402
from tests.factories import add_prospects, store_at  # noqa: E402

SENDER = (
    '[sender]\nname = "Pat Example"\nstreet = "12 Elm Street"\ncity = "Springfield"\n'
    'region = "IL"\npostal_code = "62701"\ncountry = "US"\nphone = "+1 217 555 0100"\n'
    'email = "pat@example.com"\n'
)
HEAVY = ("pandas", "reportlab", "matplotlib", "icalendar", "holidays")
RUNS = 5
TODAY = date(2026, 11, 19)  # a Thursday


def build(home: Path, count: int, today: date) -> None:
    """A campaign whose letters went out 20 a week for ``count / 20`` weeks."""
    (home / "campaign.toml").write_text(SENDER, encoding="utf-8")
    store = store_at(home)
    people = add_prospects(store, count)
    # The last wave was mailed ten days ago: its first calls fall due today.
    start = today - timedelta(days=10, weeks=(count - 1) // 20)
    for week, i in enumerate(range(0, count, 20)):
        send_letters(store, people[i : i + 20], start + timedelta(weeks=week), schedule=Schedule())
    with store.write() as conn:
        conn.execute(
            calls.insert(),
            [
                {
                    "prospect_id": p.id,
                    "called_on": date(2026, 1, 2),
                    "attempt": n,
                    "outcome": "voicemail",
                    "note": f"left message {n}",
                    "gatekeeper": "",
                }
                for p in people[::4]
                for n in (1, 2)
            ],
        )
        # The calls before today were made: each follow-up moved into the coming weeks.
        made = conn.execute(tasks.select().where(tasks.c.due < today)).all()
        for row in made:
            later = today + timedelta(days=1 + row.id % 40)
            conn.execute(tasks.update().where(tasks.c.id == row.id).values(due=later))
    store.close()


def timed(home: Path, today: str, *args: str) -> tuple[float, int]:
    """Median seconds of ``campaign args`` as a new process, and its output's line count."""
    env = {**os.environ, "CAMPAIGN_HOME": str(home), "CAMPAIGN_TODAY": today}
    times, lines = [], 0
    for _ in range(RUNS):
        start = time.perf_counter()
        out = subprocess.run(
            [sys.executable, "-m", "campaign", *args], env=env, capture_output=True, check=True
        )
        times.append(time.perf_counter() - start)
        lines = out.stdout.count(b"\n")
    return statistics.median(times), lines


def floor() -> float:
    """Median seconds of a bare interpreter importing what any store command needs."""
    times = []
    for _ in range(RUNS):
        start = time.perf_counter()
        code = "import sqlalchemy, click, rich.table"
        subprocess.run([sys.executable, "-c", code], check=True)
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def in_process(home: Path, today: str, *args: str) -> float:
    """Median seconds of the command itself, its modules already imported."""
    from click.testing import CliRunner

    from campaign.cli import cli

    env = {"CAMPAIGN_HOME": str(home), "CAMPAIGN_TODAY": today}
    runner = CliRunner()
    runner.invoke(cli, list(args), env=env, catch_exceptions=False)
    times = []
    for _ in range(RUNS):
        start = time.perf_counter()
        runner.invoke(cli, list(args), env=env, catch_exceptions=False)
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def heavy_imports(home: Path, today: str, *args: str) -> list[str]:
    """Which heavy packages a command imports (run in a fresh interpreter)."""
    code = (
        "import sys\nfrom click.testing import CliRunner\nfrom campaign.cli import cli\n"
        f"r = CliRunner().invoke(cli, {list(args)!r})\nassert r.exit_code == 0, r.output\n"
        f"print(','.join(m for m in {HEAVY!r} if m in sys.modules))"
    )
    env = {**os.environ, "CAMPAIGN_HOME": str(home), "CAMPAIGN_TODAY": today}
    out = subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, check=True, text=True
    )
    return [m for m in out.stdout.strip().split(",") if m]


def main(sizes: list[int]) -> None:
    """Build each size of campaign and time the call sheet's commands."""
    for count in sizes:
        with tempfile.TemporaryDirectory() as folder:
            home = Path(folder)
            day = TODAY
            today = day.isoformat()
            start = time.perf_counter()
            build(home, count, day)
            print(f"{count} prospects built in {time.perf_counter() - start:.1f} s; today {today}")
            print(f"  {'command':<45} {'process':>8} {'in-process':>11}  output")
            for args in (
                ("calls",),
                ("calls", "--format", "json"),
                ("calls", "--due", "week", "--format", "csv"),
                ("calls", "--due", "all", "--format", "json"),
                ("calls", "--plan"),
                ("--help",),
            ):
                seconds, lines = timed(home, today, *args)
                inside = in_process(home, today, *args)
                print(
                    f"  campaign {' '.join(args):<36} {seconds * 1000:5.0f} ms "
                    f"{inside * 1000:8.0f} ms  {lines} lines"
                )
            base = floor()
            print(f"  {'(python -c import sqlalchemy, click, rich)':<45} {base * 1000:5.0f} ms")
            for args in (("calls",), ("calls", "--format", "json")):
                heavy = heavy_imports(home, today, *args)
                print(f"  heavy imports for `campaign {' '.join(args)}`: {heavy or 'none'}")


if __name__ == "__main__":
    main([int(a) for a in sys.argv[1:]] or [2000])
