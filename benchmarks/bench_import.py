"""Time `campaign import` of a 20,000-row list: first import (all new), then again (unchanged).

Usage: python benchmarks/bench_import.py [ROWS]
Runs the real command in a throwaway campaign folder; prints wall-clock seconds.
"""

from __future__ import annotations

import csv
import os
import random
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

FIRST = ["Ada", "Marcus", "Priya", "Zoë", "Łukasz", "Ingrid", "Tomás", "Hannah", "Kwame", "Mei"]
LAST = ["Okafor", "Lindqvist", "Raman", "Müller", "Nowak", "Ødegaard", "Álvarez", "Chen", "Rossi"]
HEADER = ["Company", "Hiring Manager", "Title", "Email", "Phone", "Address", "City", "State",
          "Zip", "Priority", "Industry", "Notes"]  # fmt: skip


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


def timed(args: list[str], env: dict[str, str]) -> tuple[float, float, str]:
    """Wall-clock and CPU seconds of one run (CPU is steadier on a shared machine)."""
    cpu = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    done = subprocess.run(args, env=env, capture_output=True, text=True, check=True)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    used = (after.ru_utime - cpu.ru_utime) + (after.ru_stime - cpu.ru_stime)
    return wall, used, done.stdout.splitlines()[0]


def main() -> None:
    rows = int(sys.argv[1]) if len(sys.argv) > 1 else 20_000
    with tempfile.TemporaryDirectory() as folder:
        home = Path(folder)
        path = home / "big.csv"
        write_list(path, rows)
        env = {**os.environ, "CAMPAIGN_HOME": str(home), "CAMPAIGN_TODAY": "2026-11-16"}
        command = [sys.executable, "-m", "campaign", "import", str(path)]
        for label in ("new", "unchanged"):
            wall, cpu, summary = timed(command, env)
            print(f"import {rows} rows ({label}): {wall:.2f} s wall, {cpu:.2f} s CPU  [{summary}]")


if __name__ == "__main__":
    main()
