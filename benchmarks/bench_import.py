"""Time `campaign import` against the naive way of reading the same file, side by side.

Usage: python benchmarks/bench_import.py [ROWS ...]      (default: 20000 100000)

For each size it writes a realistic list (1 in 10 names with an honorific, 1 in 4 without
an email), then alternately, ``REPEATS`` times, runs:

* ``campaign import`` of the file into a fresh campaign (all new), as a new process;
* ``campaign import`` of the same file again (all unchanged), as a new process;
* the naive readers, each as a new process too: ``pandas.read_csv(path, dtype=str)``
  alone, and the ``csv`` module alone (``list(csv.reader(...))``);
* and the same import in-process (``intake.importing.import_file``), which leaves out
  the interpreter's and the libraries' start-up (about 0.4 s here, mostly SQLAlchemy).

It prints a table of medians and ratios. ``measure(rows)`` returns the same rows as
plain dicts, for ``benchmarks/compare.py``: ``work``, ``campaign_s``, ``naive``,
``naive_s``, ``ratio`` (campaign / naive: 2.0 means twice as long as the naive way).
Speed is never asserted in tests; read the ratios, not the seconds, on a loaded machine.
"""

from __future__ import annotations

import csv
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import date
from pathlib import Path
from typing import Any

REPEATS = 3
FIRST = ["Ada", "Marcus", "Priya", "Zoë", "Łukasz", "Ingrid", "Tomás", "Hannah", "Kwame", "Mei"]
LAST = ["Okafor", "Lindqvist", "Raman", "Müller", "Nowak", "Ødegaard", "Álvarez", "Chen", "Rossi"]
HEADER = ["Company", "Hiring Manager", "Title", "Email", "Phone", "Address", "City", "State",
          "Zip", "Priority", "Industry", "Notes"]  # fmt: skip
PANDAS = "import sys, pandas; pandas.read_csv(sys.argv[1], dtype=str, keep_default_na=False)"
CSV = "import csv, sys; list(csv.reader(open(sys.argv[1], newline='', encoding='utf-8')))"


def write_list(path: Path, rows: int) -> None:
    """A realistic list: 1 in 10 names with an honorific, 1 in 4 without email."""
    rng = random.Random(7)
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(HEADER)
        for n in range(1, rows + 1):
            first, last = rng.choice(FIRST), f"{rng.choice(LAST)}{n}"
            name = f"Dr. {first} {last}" if n % 10 == 0 else f"{first} {last}"
            email = "" if n % 4 == 0 else f"p{n}@company{n}.example"
            writer.writerow([
                f"Company {n} Inc.", name, "VP Operations", email, f"(217) 555-01{n % 100:02d}",
                f"{n} Main Street", "Springfield", "IL", f"{62700 + n % 99:05d}",
                rng.choice(["", "1", "2", "3", "4", "5"]), "Manufacturing", "",
            ])  # fmt: skip


def _run(args: list[str], env: dict[str, str]) -> float:
    start = time.perf_counter()
    subprocess.run(args, env=env, capture_output=True, text=True, check=True)
    return time.perf_counter() - start


def _in_process(path: Path, home: Path) -> tuple[float, float]:
    """The core import alone (no start-up): all new, then all unchanged."""
    from campaign.intake.importing import import_file
    from campaign.store import open_store

    store = open_store(f"sqlite:///{home / 'campaign.db'}")
    try:
        times = []
        for _ in ("new", "unchanged"):
            start = time.perf_counter()
            import_file(store, path, today=date(2026, 11, 16), output_dir=home / "output")
            times.append(time.perf_counter() - start)
        return times[0], times[1]
    finally:
        store.close()


def _in_process_csv(path: Path) -> float:
    start = time.perf_counter()
    with path.open(newline="", encoding="utf-8") as handle:
        list(csv.reader(handle))
    return time.perf_counter() - start


def measure(rows: int) -> list[dict[str, Any]]:
    """Medians of ``REPEATS`` alternating runs at ``rows`` rows: one dict per comparison."""
    samples: dict[str, list[float]] = {}

    def add(name: str, seconds: float) -> None:
        samples.setdefault(name, []).append(seconds)

    with tempfile.TemporaryDirectory() as folder:
        base = Path(folder)
        path = base / "big.csv"
        write_list(path, rows)
        for attempt in range(REPEATS):
            home = base / f"home-{attempt}"
            home.mkdir()
            env = {**os.environ, "CAMPAIGN_HOME": str(home), "CAMPAIGN_TODAY": "2026-11-16"}
            command = [sys.executable, "-m", "campaign", "import", str(path)]
            add("new", _run(command, env))
            add("pandas", _run([sys.executable, "-c", PANDAS, str(path)], env))
            add("unchanged", _run(command, env))
            add("csv", _run([sys.executable, "-c", CSV, str(path)], env))
            inside = base / f"inside-{attempt}"
            inside.mkdir()
            new, unchanged = _in_process(path, inside)
            add("core new", new)
            add("core unchanged", unchanged)
            add("core csv", _in_process_csv(path))
    median = {name: statistics.median(values) for name, values in samples.items()}
    n = f"{rows:,}"
    table = [
        (f"import {n} rows, all new (command)", "new", "pandas read_csv(dtype=str)", "pandas"),
        (f"import {n} rows again, unchanged (command)", "unchanged", "csv module alone", "csv"),
        (f"import {n} rows, all new (in-process core)", "core new", "csv module alone", "core csv"),
        (f"import {n} rows again, unchanged (core)", "core unchanged", "csv module alone",
         "core csv"),
    ]  # fmt: skip
    return [
        {
            "work": work,
            "campaign_s": round(median[ours], 3),
            "naive": naive,
            "naive_s": round(median[theirs], 3),
            "ratio": round(median[ours] / median[theirs], 2) if median[theirs] else None,
        }
        for work, ours, naive, theirs in table
    ]


def print_table(results: list[dict[str, Any]]) -> None:
    """The rows as a Markdown table (the README quotes it)."""
    print("| work | campaign | naive way, same run | ratio |")
    print("| --- | --- | --- | --- |")
    for r in results:
        print(
            f"| {r['work']} | {r['campaign_s']:.2f} s | {r['naive']}: {r['naive_s']:.2f} s | "
            f"{r['ratio']}x |"
        )


def main() -> None:
    sizes = [int(a) for a in sys.argv[1:]] or [20_000, 100_000]
    results = [row for rows in sizes for row in measure(rows)]
    print_table(results)


if __name__ == "__main__":
    main()
