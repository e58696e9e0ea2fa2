"""Every command where a person waits, side by side with the naive way, in one run.

    python benchmarks/compare.py                  # 200, 2,000 and 20,000 prospects
    python benchmarks/compare.py --sizes 200,2000 --repeats 5
    python benchmarks/compare.py --only status,calls

For each size it builds a campaign (a year of letters, calls, meetings and open tasks,
written straight into a real SQLite store), then runs each ``campaign`` command as a
user does (a new process: interpreter start and imports included) and its naive
counterpart from ``benchmarks/naive/`` alternately, ``--repeats`` times each, and prints
the medians and their ratio (wall time; CPU time and peak memory beside it, steadier on
a shared machine). ``send`` delivers to a local SMTP sink (aiosmtpd in its own process).
The merge and import benchmarks (``bench_merge.py``, ``bench_import.py``) add their own
rows when they offer ``measure()``. Nothing here asserts a speed: it measures.
"""

from __future__ import annotations

import argparse
import importlib
import importlib.util
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
NAIVE = HERE / "naive"
sys.path[:0] = [str(ROOT), str(HERE)]

TODAY = date(2026, 11, 18)  # a Wednesday
SENDER = (
    '[sender]\nname = "Pat Example"\nstreet = "12 Elm Street"\ncity = "Springfield"\n'
    'region = "IL"\npostal_code = "62701"\ncountry = "US"\nphone = "+1 217 555 0100"\n'
    'email = "pat@example.com"\n'
)
OUTCOMES = ("reached", "voicemail", "no-answer", "gatekeeper", "meeting", "declined")
WEIGHTS = (20, 35, 25, 12, 5, 3)


# -- measuring one process ------------------------------------------------------------


@dataclass
class Sample:
    """One run of one process."""

    wall: float
    cpu: float
    rss_mb: float


@dataclass
class Row:
    """One line of the table: a command and its naive counterpart, measured alternately."""

    work: str
    size: str
    ours: list[Sample] = field(default_factory=list)
    naive: list[Sample] = field(default_factory=list)
    note: str = ""
    unit: float = 1.0  # divide the seconds by this (per email ...)
    unit_name: str = "s"


# A small launcher between us and each measured process: a child forked from this big
# process would count our memory as its own peak (ru_maxrss includes the time before
# exec), so a fresh interpreter without site forks it and reports its usage.
_LAUNCH = (
    "import os, sys, time\n"
    "start = time.perf_counter(); pid = os.fork()\n"
    "if pid == 0: os.execv(sys.argv[1], sys.argv[1:])\n"
    "_, status, usage = os.wait4(pid, 0)\n"
    "wall = time.perf_counter() - start\n"
    "print(wall, usage.ru_utime + usage.ru_stime, usage.ru_maxrss, file=sys.stderr)\n"
    "sys.exit(os.waitstatus_to_exitcode(status))\n"
)


def run_process(args: Sequence[str], env: dict[str, str], cwd: Path) -> Sample:
    """Wall and CPU seconds and peak RSS of one process run to its end (it must succeed)."""
    done = subprocess.run(
        [sys.executable, "-S", "-c", _LAUNCH, *args],
        env=env,
        cwd=cwd,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
        check=False,
    )
    lines = done.stderr.strip().splitlines()
    if done.returncode not in (0, 3) or not lines:
        raise RuntimeError(f"{' '.join(args)} failed ({done.returncode}): {done.stderr[-800:]}")
    wall, cpu, rss_kb = lines[-1].split()
    return Sample(float(wall), float(cpu), float(rss_kb) / 1024)


def campaign(*args: str) -> list[str]:
    """The command line of ``campaign ARGS`` (as installed: ``python -m campaign``)."""
    return [sys.executable, "-m", "campaign", *args]


def naive(script: str, *args: str) -> list[str]:
    """The command line of a naive script."""
    return [sys.executable, str(NAIVE / script), *args]


def alternate(
    row: Row,
    ours: Callable[[], Sample],
    theirs: Callable[[], Sample] | None,
    repeats: int,
) -> Row:
    """Run both ``repeats`` times, alternating which goes first (drift cancels out)."""
    for i in range(repeats):
        pair = [("ours", ours), ("naive", theirs)]
        for name, fn in pair if i % 2 == 0 else pair[::-1]:
            if fn is not None:
                getattr(row, name).append(fn())
    return row


# -- the campaigns ----------------------------------------------------------------------


def build_campaign(home: Path, count: int, seed: int = 7) -> dict[str, int]:
    """A year of a campaign of ``count`` prospects, written in a few transactions.

    Half the list has had its letter (a fiftieth of the list a week for 50 weeks); each
    letter brings up to four calls; a meeting may follow and bring an offer; the open
    follow-up calls fall from a few days back to a few weeks ahead.
    """
    from campaign.clock import iso_week
    from campaign.store.schema import calls, meetings, prospects, sends, tasks
    from campaign.store.sql import open_sql_store

    rng = random.Random(seed)
    weeks = 50
    per_week = max(1, count // 100)
    (home / "output").mkdir(parents=True, exist_ok=True)
    (home / "campaign.toml").write_text(
        SENDER + f"\n[schedule]\nweekly_cap = {per_week}\n", encoding="utf-8"
    )
    store = open_sql_store(f"sqlite:///{home / 'campaign.db'}")
    start = TODAY - timedelta(weeks=weeks)
    people = [
        {
            "identity": f"p{n}@example.com",
            "company": f"Company {n} Inc.",
            "contact": f"Ms. Alex Person{n}",
            "honorific": "Ms.",
            "first_name": "Alex",
            "last_name": f"Person{n}",
            "title": "Director of Operations",
            "email": f"p{n}@example.com" if n % 3 else "",
            "phone": f"+1 217 555 {n % 10000:04d}" if n % 50 else "",
            "street": f"{n} Main Street",
            "city": "Springfield",
            "region": "IL",
            "postal_code": "62701",
            "priority": n % 7 + 1 if n % 11 else None,
            "seq": n,
            "extra": {},
            "created_on": start,
        }
        for n in range(1, count + 1)
    ]
    send_rows: list[dict[str, Any]] = []
    call_rows: list[dict[str, Any]] = []
    task_rows: list[dict[str, Any]] = []
    meeting_rows: list[dict[str, Any]] = []
    pid = 0
    for week in range(weeks):
        monday = start + timedelta(weeks=week)
        for _ in range(per_week):
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
                if day >= TODAY - timedelta(days=3):
                    task_rows.append(
                        {
                            "kind": "call",
                            "state": "open",
                            "due": day,
                            "prospect_id": pid,
                            "send_id": len(send_rows),
                            "attempt": attempt,
                            "reason": f"marketing letter emailed {monday:%d %b}",
                            "uid": f"call-{pid}@bench",
                            "detail": {},
                        }
                    )
                    break
                outcome = rng.choices(OUTCOMES, WEIGHTS)[0]
                call_rows.append(
                    {
                        "prospect_id": pid,
                        "called_on": day,
                        "attempt": attempt,
                        "outcome": outcome,
                        "note": "asked to call back" if outcome == "gatekeeper" else "",
                    }
                )
                if outcome == "meeting" and day + timedelta(days=7) < TODAY:
                    meeting_rows.append(
                        {
                            "prospect_id": pid,
                            "held_on": day + timedelta(days=7),
                            "outcome": "offer" if rng.random() < 0.2 else "",
                        }
                    )
                if outcome in ("declined", "meeting", "reached"):
                    break
                day += timedelta(days=rng.choice((2, 3, 7)))
    with store.write() as conn:
        conn.execute(prospects.insert(), people)
        conn.execute(sends.insert(), send_rows)
        if call_rows:
            conn.execute(calls.insert(), call_rows)
        if meeting_rows:
            conn.execute(meetings.insert(), meeting_rows)
        if task_rows:
            conn.execute(tasks.insert(), task_rows)
    store.close()
    return {
        "prospects": count,
        "sends": len(send_rows),
        "calls": len(call_rows),
        "meetings": len(meeting_rows),
        "open calls": len(task_rows),
    }


def build_send_campaign(home: Path, count: int, port: int) -> None:
    """``count`` prospects with an email address, none written to yet, and [smtp] on the sink."""
    from bench_send import email_prospects

    from campaign.store.schema import prospects
    from campaign.store.sql import open_sql_store

    (home / "output").mkdir(parents=True, exist_ok=True)
    (home / "campaign.toml").write_text(
        SENDER
        + f'[smtp]\nhost = "127.0.0.1"\nport = {port}\nsecurity = "none"\nuser = ""\n'
        + f"\n[schedule]\nweekly_cap = {count}\n",
        encoding="utf-8",
    )
    store = open_sql_store(f"sqlite:///{home / 'campaign.db'}")
    with store.write() as conn:
        conn.execute(prospects.insert(), email_prospects(count))
    store.close()


# -- the rows -------------------------------------------------------------------------


def env_for(home: Path) -> dict[str, str]:
    """The environment of a command run in the campaign ``home`` as of TODAY."""
    env = {**os.environ, "CAMPAIGN_HOME": str(home), "CAMPAIGN_TODAY": TODAY.isoformat()}
    for name in ("CAMPAIGN_DB", "CAMPAIGN_SMTP_PASSWORD", "COLUMNS"):
        env.pop(name, None)
    return env


READS = {  # command -> (its arguments, the naive script)
    "status": (("status",), "status.py"),
    "calls": (("calls",), "calls.py"),
    "agenda": (("agenda",), "agenda.py"),
    "report": (("report",), "report.py"),
}


def read_rows(home: Path, size: int, only: set[str], repeats: int) -> list[Row]:
    """status, calls, agenda and report on the campaign in ``home``."""
    env = env_for(home)
    rows = []
    have_matplotlib = importlib.util.find_spec("matplotlib") is not None
    for name, (args, script) in READS.items():
        if name not in only:
            continue
        row = Row(f"`campaign {' '.join(args)}`", f"{size:,}")
        theirs: Callable[[], Sample] | None = lambda s=script: run_process(  # noqa: E731
            naive(s, str(home), TODAY.isoformat()), env, home
        )
        if name == "report" and not have_matplotlib:
            theirs, row.note = None, "naive: pip install matplotlib"
        rows.append(
            alternate(row, lambda a=args: run_process(campaign(*a), env, home), theirs, repeats)
        )
    return rows


def help_row(repeats: int, cwd: Path) -> Row:
    """``campaign --help`` against a one-file Click CLI listing the same commands."""
    env = env_for(cwd)
    row = Row("`campaign --help`", "-")
    return alternate(
        row,
        lambda: run_process(campaign("--help"), env, cwd),
        lambda: run_process(naive("help.py"), env, cwd),
        repeats,
    )


def send_row(count: int, repeats: int) -> Row:
    """``campaign send --batch all --no-cap`` against a plain smtplib loop, per email."""
    from bench_send import Sink

    row = Row(f"`campaign send`, {count:,} emails (per email)", f"{count:,}")
    row.unit, row.unit_name = count / 1000, "ms"
    for i in range(repeats):
        with tempfile.TemporaryDirectory(prefix="compare-send-") as folder, Sink() as sink:
            home = Path(folder)
            build_send_campaign(home, count, sink.port)
            env = env_for(home)

            def ours(h: Path = home, e: dict[str, str] = env) -> Sample:
                return run_process(campaign("send", "--batch", "all", "--no-cap"), e, h)

            def theirs(h: Path = home, e: dict[str, str] = env, p: int = sink.port) -> Sample:
                return run_process(naive("send.py", str(h), "127.0.0.1", str(p)), e, h)

            for name, fn in (("ours", ours), ("naive", theirs))[:: 1 if i % 2 == 0 else -1]:
                getattr(row, name).append(fn())
            received = sink.received()
        assert received == 2 * count, f"the sink got {received} of {2 * count} messages"
    return row


def _seconds(found: dict[str, Any], side: str) -> float | None:
    names = ("campaign", "ours") if side == "ours" else ("naive",)
    for name in names:
        for key in (f"{name}_s", f"{name}_seconds", name):
            value = found.get(key)
            if isinstance(value, int | float):
                return float(value)
    return None


def outside_rows(only: set[str]) -> list[Row]:
    """Rows from bench_merge.py and bench_import.py, when they offer ``measure()``.

    ``measure()`` returns one dict per row: ``work`` and ``size`` (what and how much),
    ``campaign_s`` and ``naive_s`` (median wall seconds), and optionally
    ``campaign_cpu_s``, ``naive_cpu_s``, ``campaign_mb``, ``naive_mb`` and ``note``.
    """
    rows = []
    for name in ("bench_merge", "bench_import"):
        if name.removeprefix("bench_") not in only:
            continue
        try:
            module = importlib.import_module(name)
        except ImportError:
            continue
        measure = getattr(module, "measure", None)
        if measure is None:
            continue
        for found in measure():
            row = Row(str(found.get("work", name)), str(found.get("size", "")))
            for side, prefix in (("ours", "campaign"), ("naive", "naive")):
                seconds = _seconds(found, side)
                if seconds is not None:
                    cpu = float(found.get(f"{prefix}_cpu_s") or 0)
                    rss = float(found.get(f"{prefix}_mb") or 0)
                    getattr(row, side).append(Sample(seconds, cpu, rss))
            row.note = str(found.get("note", ""))
            rows.append(row)
    return rows


# -- printing ---------------------------------------------------------------------------


def _median(samples: list[Sample], what: str) -> float:
    return statistics.median(getattr(s, what) for s in samples)


def _shown(row: Row, samples: list[Sample]) -> str:
    if not samples:
        return ""
    wall, cpu = _median(samples, "wall") / row.unit, _median(samples, "cpu") / row.unit
    rss = max(s.rss_mb for s in samples)
    if row.unit_name == "ms":
        text = f"{wall:.1f} ms" + (f" (CPU {cpu:.1f} ms)" if cpu else "")
    else:
        text = f"{wall:.2f} s" + (f" (CPU {cpu:.2f} s)" if cpu else "")
    return text + (f", {rss:.0f} MB" if rss else "")


def _ratio(row: Row) -> str:
    if not row.ours or not row.naive:
        return ""
    ours, theirs = _median(row.ours, "wall"), _median(row.naive, "wall")
    if ours <= theirs:
        return f"{theirs / ours:.1f}x faster"
    return f"{ours / theirs:.1f}x slower"


def table(rows: list[Row]) -> str:
    """The Markdown table the README quotes."""
    lines = [
        "| work | prospects | campaign (median) | naive way, same run | ratio |",
        "| --- | --- | --- | --- | --- |",
    ]
    for row in rows:
        naive_text = _shown(row, row.naive) or row.note
        lines.append(
            f"| {row.work} | {row.size} | {_shown(row, row.ours)} | {naive_text} | {_ratio(row)} |"
        )
    return "\n".join(lines)


def scale_table(rows: list[Row], sizes: Sequence[int]) -> str:
    """Each read command's wall time and peak memory as the campaign grows."""
    heads = " | ".join(f"{s:,}" for s in sizes)
    lines = [f"| command | {heads} |", "| --- |" + " --- |" * len(sizes)]
    works = dict.fromkeys(r.work for r in rows if r.size.replace(",", "").isdigit())
    for work in works:
        cells = []
        for size in sizes:
            found = [r for r in rows if r.work == work and r.size == f"{size:,}" and r.ours]
            if found:
                r = found[0]
                cells.append(
                    f"{_median(r.ours, 'wall') / r.unit:.2f} {r.unit_name}, "
                    f"{max(s.rss_mb for s in r.ours):.0f} MB"
                )
            else:
                cells.append("")
        lines.append(f"| {work} | " + " | ".join(cells) + " |")
    return "\n".join(lines)


def main() -> None:
    """Build, measure, print."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="200,2000,20000")
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--emails", default="200,2000", help="send run sizes")
    parser.add_argument(
        "--only",
        default="help,status,calls,agenda,report,send,merge,import",
        help="comma-separated rows to measure",
    )
    options = parser.parse_args()
    sizes = [int(s) for s in options.sizes.split(",") if s]
    only = set(options.only.split(","))
    rows: list[Row] = []
    started = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="compare-") as folder:
        if "help" in only:
            rows.append(help_row(options.repeats * 2, Path(folder)))
        for size in sizes:
            if not only & set(READS):
                break
            home = Path(folder) / f"campaign-{size}"
            home.mkdir()
            built = build_campaign(home, size)
            print(f"built {home.name}: {built}", file=sys.stderr)
            rows += read_rows(home, size, only, options.repeats)
    if "send" in only:
        for count in (int(c) for c in options.emails.split(",") if c):
            rows.append(send_row(count, max(1, options.repeats // 2)))
    rows += outside_rows(only)
    load = os.getloadavg()[0]
    print(
        f"\n`python benchmarks/compare.py --sizes {options.sizes} --repeats {options.repeats}`: "
        f"{time.perf_counter() - started:.0f} s on {os.cpu_count()} cores, load {load:.1f}; "
        f"medians of {options.repeats} alternating runs, each a new process\n"
    )
    print(table(rows))
    if len(sizes) > 1:
        print("\nAs the campaign grows (wall time, peak memory):\n")
        print(scale_table(rows, sizes))


if __name__ == "__main__":
    main()
