"""Time `campaign --help` start-up over several runs, and check no heavy library loads.

Usage: python benchmarks/bench_startup.py [RUNS]
"""

from __future__ import annotations

import statistics
import subprocess
import sys
import time

HEAVY = ("pandas", "reportlab", "docxtpl", "docx", "matplotlib", "yagmail", "icalendar",
         "jinja2", "openpyxl", "nameparser", "phonenumbers", "sqlalchemy")  # fmt: skip


def main() -> None:
    runs = int(sys.argv[1]) if len(sys.argv) > 1 else 10
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run(
            [sys.executable, "-m", "campaign", "--help"], capture_output=True, check=True
        )
        times.append(time.perf_counter() - start)
    probe = f"import sys, campaign.cli; print(' '.join(m for m in {HEAVY!r} if m in sys.modules))"
    loaded = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, check=True
    ).stdout.strip()
    print(
        f"campaign --help over {runs} runs: median {statistics.median(times) * 1000:.0f} ms, "
        f"min {min(times) * 1000:.0f} ms, max {max(times) * 1000:.0f} ms"
    )
    print(f"heavy libraries loaded at start-up: {loaded or 'none'}")


if __name__ == "__main__":
    main()
