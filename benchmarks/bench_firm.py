"""Does one seeker's campaign stay fast when a firm's database holds a hundred of them?

Starts a private PostgreSQL server (Debian's binaries, a Unix socket, as the tests do),
adds campaigns with ``campaign campaigns add`` (a schema and a role each) and fills each
with 200 prospects and six weeks of a campaign (20 letters a week, their calls logged,
the follow-ups still open). Then, at 10 campaigns and again at 100 (20,000 prospects),
it times as a user runs them (a fresh process: interpreter start and imports included;
the median and, in brackets, the fastest of several runs):

* one seeker's ``campaign status`` and ``campaign calls``, connected as that seeker's role;
* the counsellor's ``campaign campaigns`` and ``campaign report --all``;
* one seeker's status computation and the counsellor's list alone, in-process and warm.

One seeker's commands should not grow with the number of other seekers; the
counsellor's grow with it (one query per campaign).

Run: ``python benchmarks/bench_firm.py [--campaigns 10,100] [--prospects 200] [--runs 5]``
"""

from __future__ import annotations

import argparse
import glob
import os
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, timedelta
from pathlib import Path

from campaign.clock import iso_week
from campaign.config import load_settings
from campaign.firm import campaign_paces
from campaign.status import campaign_status
from campaign.store import Store, open_firm, open_store
from campaign.store.schema import calls, prospects, sends, tasks

TODAY = date(2026, 11, 16)
WEEKS = 6
OUTCOMES = ("reached", "voicemail", "no-answer", "gatekeeper", "meeting", "declined")
WEIGHTS = (20, 35, 25, 12, 5, 3)


@contextmanager
def private_server() -> Iterator[str]:
    """A throwaway PostgreSQL server on a Unix socket; yields its superuser's URL."""
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"))
    if not found:
        sys.exit("PostgreSQL's server binaries (initdb) are not installed")
    bindir = Path(found[-1]).parent
    root = Path(tempfile.mkdtemp(prefix="bench-firm-"))
    root.chmod(0o777)
    if os.geteuid() == 0:
        shutil.chown(root, "postgres")

    def run(program: str, *args: str) -> None:
        command = [str(bindir / program), *args]
        if os.geteuid() == 0:
            command = ["runuser", "-u", "postgres", "--", *command]
        subprocess.run(command, check=True, capture_output=True, timeout=120)

    data = root / "data"
    run("initdb", "-D", str(data), "-A", "trust", "-U", "campaign", "-E", "UTF8")
    options = f"-k {root} -c listen_addresses='' -c fsync=off -c max_connections=200"
    run("pg_ctl", "-D", str(data), "-o", options, "-w", "-l", str(root / "log"), "start")
    try:
        run("createdb", "-h", str(root), "-U", "campaign", "firm")
        yield f"postgresql+psycopg://campaign@/firm?host={root}"
    finally:
        run("pg_ctl", "-D", str(data), "-m", "immediate", "-w", "stop")
        shutil.rmtree(root, ignore_errors=True)


def seeker_url(url: str, role: str) -> str:
    """The server URL as ``role``."""
    return url.replace("campaign@", f"{role}@", 1)


def add_and_fill(url: str, first: int, last: int, count: int) -> None:
    """Campaigns ``seeker-FIRST`` .. ``seeker-LAST``: added, then filled as their own role."""
    firm = open_firm(url)
    for n in range(first, last + 1):
        firm.add(f"seeker-{n:03d}", f"seeker_{n:03d}")
    firm.close()
    for n in range(first, last + 1):
        store = open_store(seeker_url(url, f"seeker_{n:03d}"), f"seeker-{n:03d}")
        fill(store, count, random.Random(n))
        store.close()


def fill(store: Store, count: int, rng: random.Random) -> None:
    """``count`` prospects and WEEKS weeks of sends, logged calls and open follow-ups."""
    start = TODAY - timedelta(weeks=WEEKS)
    with store.write() as conn:
        conn.execute(
            prospects.insert(),
            [
                {
                    "identity": f"p{n}@employer{n}.example",
                    "company": f"Employer {n}",
                    "contact": f"Alex Person{n}",
                    "email": f"p{n}@employer{n}.example" if n % 3 else "",
                    "phone": f"+1 217 555 {n:04d}",
                    "street": f"{n} Main Street",
                    "city": "Springfield",
                    "region": "IL",
                    "postal_code": "62701",
                    "priority": n % 7 + 1,
                    "seq": n,
                    "extra": {},
                    "created_on": start,
                }
                for n in range(1, count + 1)
            ],
        )
    send_rows, call_rows, task_rows = [], [], []
    pid = 0
    for week in range(WEEKS):
        monday = start + timedelta(weeks=week)
        for _ in range(20):
            pid += 1
            if pid > count:
                break
            send_rows.append(
                {
                    "prospect_id": pid,
                    "letter": "marketing",
                    "channel": "email" if pid % 3 else "post",
                    "state": "sent",
                    "week": iso_week(monday),
                    "claimed_on": monday,
                    "sent_on": monday,
                    "attempts": 1,
                }
            )
            day = monday + timedelta(days=7)
            for attempt in range(1, 5):
                if day >= TODAY - timedelta(days=rng.choice((0, 0, 2))):
                    task_rows.append((pid, day, attempt))
                    break
                outcome = rng.choices(OUTCOMES, WEIGHTS)[0]
                call_rows.append(
                    {"prospect_id": pid, "called_on": day, "attempt": attempt, "outcome": outcome}
                )
                if outcome in ("declined", "meeting", "reached"):
                    break
                day += timedelta(days=rng.choice((2, 3, 7)))
    task_dicts = [
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
    ]
    with store.write() as conn:
        for table, rows in ((sends, send_rows), (calls, call_rows), (tasks, task_dicts)):
            if rows:  # an empty list would insert one row of defaults
                conn.execute(table.insert(), rows)


def folder(root: Path, name: str, url: str, campaign: str) -> Path:
    """A campaign folder whose [store] is ``url`` and ``campaign``."""
    home = root / name
    home.mkdir(exist_ok=True)
    (home / "campaign.toml").write_text(
        f'[sender]\nname = "A Seeker"\nstreet = "1 Elm"\ncity = "Springfield"\n'
        f'[store]\nurl = "{url}"\ncampaign = "{campaign}"\n',
        encoding="utf-8",
    )
    return home


def cli_seconds(home: Path, args: list[str], runs: int) -> list[float]:
    """Wall-clock seconds of ``campaign ARGS`` in a fresh process, ``runs`` times."""
    env = {**os.environ, "CAMPAIGN_HOME": str(home), "CAMPAIGN_TODAY": TODAY.isoformat()}
    env.pop("CAMPAIGN_DB", None)
    times = []
    for _ in range(runs):
        begin = time.perf_counter()
        command = [sys.executable, "-m", "campaign", *args]
        subprocess.run(command, env=env, check=True, stdout=subprocess.DEVNULL)
        times.append(time.perf_counter() - begin)
    return times


def in_process_status(home: Path, runs: int) -> list[float]:
    """The status computation alone, warm, as the seeker's role."""
    settings = load_settings(home, {})
    store = open_store(settings.db_url, settings.campaign)
    campaign_status(store, settings, TODAY)
    times = []
    for _ in range(runs):
        begin = time.perf_counter()
        campaign_status(store, settings, TODAY)
        times.append(time.perf_counter() - begin)
    store.close()
    return times


def in_process_campaigns(home: Path, runs: int) -> list[float]:
    """The counsellor's list computed alone, warm (a new connection each time, as the CLI)."""
    settings = load_settings(home, {})
    campaign_paces(settings, TODAY)
    times = []
    for _ in range(runs):
        begin = time.perf_counter()
        campaign_paces(settings, TODAY)
        times.append(time.perf_counter() - begin)
    return times


def main() -> None:
    """Build 10 then 100 campaigns, time each command at each size, print the figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--campaigns", default="10,100", help="sizes to measure, ascending")
    parser.add_argument("--prospects", type=int, default=200)
    parser.add_argument("--runs", type=int, default=5)
    options = parser.parse_args()
    sizes = [int(s) for s in options.campaigns.split(",")]
    results: dict[int, dict[str, list[float]]] = {}
    with private_server() as url, tempfile.TemporaryDirectory(prefix="bench-firm-") as tmp:
        root = Path(tmp)
        seeker = folder(root, "seeker", seeker_url(url, "seeker_001"), "seeker-001")
        counsellor = folder(root, "counsellor", url, "default")
        made = 0
        for size in sizes:
            begin = time.perf_counter()
            add_and_fill(url, made + 1, size, options.prospects)
            print(
                f"{size} campaigns ({size * options.prospects} prospects): "
                f"{size - made} added and filled in {time.perf_counter() - begin:.0f} s"
            )
            made = size
            runs = options.runs
            results[size] = {
                "seeker: status computation (warm)": in_process_status(seeker, runs * 6),
                "seeker: campaign status": cli_seconds(seeker, ["status"], runs),
                "seeker: campaign calls": cli_seconds(seeker, ["calls"], runs),
                "counsellor: the list computed (warm)": in_process_campaigns(counsellor, runs),
                "counsellor: campaign campaigns": cli_seconds(counsellor, ["campaigns"], runs),
                "counsellor: campaign report --all": cli_seconds(
                    counsellor, ["report", "--all"], runs
                ),
            }
    names = list(next(iter(results.values())))
    print(f"\n{'median (min), ms':<38}" + "".join(f"{f'{s} campaigns':>17}" for s in sizes))
    for name in names:
        cells = [
            f"{statistics.median(results[s][name]) * 1000:.0f} ({min(results[s][name]) * 1000:.0f})"
            for s in sizes
        ]
        print(f"{name:<38}" + "".join(f"{cell:>17}" for cell in cells))


if __name__ == "__main__":
    main()
