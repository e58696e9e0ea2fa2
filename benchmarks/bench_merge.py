"""Merge N prospects to DOCX + PDF + .eml + print pack: campaign against the naive loop.

Run from the repository root:

    python benchmarks/bench_merge.py                       # 200 and 2,000, 3 runs each
    python benchmarks/bench_merge.py --sizes 200,2000,20000 --runs 3
    python benchmarks/bench_merge.py --naive-up-to 200     # the naive loop only at 200

Each run is a fresh process (so peak memory is that run's own), and the ways take turns
(campaign, naive, campaign with a Word template, campaign, naive, ...), so a busy machine
slows them alike: read the ratios. Before each run the disk is synced, so that no run
waits for the previous one's files to be written out. The timed part is what
``campaign merge --batch all``
does once the batch is loaded: render and check every letter (templates compiled once),
then write one DOCX, one PDF and one .eml per prospect and the print pack (letters, #10
envelopes, Avery labels, manifest), libraries' imports included. The naive loop
(``benchmarks/naive/merge_naive.py``) does the same work one letter at a time: docxtpl
render + save, a reportlab document, an ``email`` message, then pypdf for the pack.
"Word" is campaign with a user's ``templates/marketing.docx`` (docxtpl), the case whose
memory used to grow by about 5 MB a letter. Peak memory is the largest resident set of
the run's processes (ru_maxrss: the run and, when it forks workers, the biggest worker).

``measure(sizes) -> list[dict]`` is the same, for ``benchmarks/compare.py``.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import date
from functools import partial
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from campaign.config import Sender  # noqa: E402
from campaign.models import Prospect  # noqa: E402

TODAY = date(2026, 11, 16)
SENDER = Sender(
    name="Pat Example",
    street="12 Elm Street",
    city="Springfield",
    region="IL",
    postal_code="62701",
    phone="+1 217 555 0100",
    email="pat@example.com",
)
COMPANIES = ["Łódź Freight", "Ødegaard & Sons", "Zoë's <Bakery>", "Müller GmbH", "Acme Corp"]
WAYS = ("campaign", "naive", "word")
NAIVE_UP_TO = 2_000  # the naive loop takes about 45 ms a letter: 20,000 would take 15 minutes


def prospects(count: int) -> list[Prospect]:
    """A realistic batch: 1 in 4 without email, non-Latin names, hostile marks."""
    return [
        Prospect(
            id=n,
            company=f"{COMPANIES[n % len(COMPANIES)]} {n}",
            contact=f"Ms. Maria Baptiste{n}",
            honorific="Ms.",
            first_name="Maria",
            last_name=f"Baptiste{n}",
            title="Director of Operations",
            email="" if n % 4 == 0 else f"maria{n}@example.com",
            street=f"{n} Harbor Road",
            city="Peoria",
            region="IL",
            postal_code="61602",
        )
        for n in range(1, count + 1)
    ]


def _peak_mib() -> float:
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    workers = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return max(own, workers) / 1024  # KiB on Linux


def run_once(way: str, size: int) -> dict[str, Any]:
    """One merge of ``size`` prospects in a throwaway campaign folder, in this process."""
    batch = prospects(size)
    with tempfile.TemporaryDirectory() as tmp:
        home = Path(tmp)
        if way == "naive":
            sys.path.insert(0, str(ROOT / "benchmarks" / "naive"))
            from merge_naive import merge, word_template

            template = ROOT / "campaign" / "templates" / "marketing.txt"
            started = time.perf_counter()
            merge(batch, SENDER, TODAY, template, home / "out")
            seconds = time.perf_counter() - started
            out = home / "out"
        else:
            from campaign.config import Settings
            from campaign.letters import load_letter
            from campaign.merge import FORMATS, merge_letters

            if way == "word":
                sys.path.insert(0, str(ROOT / "benchmarks" / "naive"))
                from merge_naive import word_template

                (home / "templates").mkdir()
                template = ROOT / "campaign" / "templates" / "marketing.txt"
                (home / "templates" / "marketing.txt").write_bytes(template.read_bytes())
                word_template(home / "templates" / "marketing.docx")
            settings = Settings(home=home, db_url="sqlite://", sender=SENDER)
            started = time.perf_counter()
            letter = load_letter(settings, "marketing")
            result = merge_letters(letter, batch, settings, TODAY, FORMATS)
            seconds = time.perf_counter() - started
            out = result.folder
        files = [p for p in out.rglob("*") if p.is_file()]
        return {
            "way": way,
            "size": size,
            "seconds": seconds,
            "peak_mib": _peak_mib(),
            "files": len(files),
            "mib_written": sum(p.stat().st_size for p in files) / 2**20,
        }


def _in_a_fresh_process(way: str, size: int) -> dict[str, Any]:
    script = Path(__file__).resolve()
    os.sync()  # the last run's files reach the disk first: no run pays for another's writes
    done = subprocess.run(
        [sys.executable, str(script), "--one", way, "--size", str(size)],
        check=True,
        capture_output=True,
        text=True,
        cwd=ROOT,
    )
    return json.loads(done.stdout.strip().splitlines()[-1])  # type: ignore[no-any-return]


def measure(
    sizes: list[int], runs: int = 3, naive_up_to: int = NAIVE_UP_TO, word: bool = True
) -> list[dict[str, Any]]:
    """Medians of ``runs`` fresh-process runs per way and size, the ways taking turns.

    One dict per size: ``size``, ``campaign_s``, ``naive_s`` (None above ``naive_up_to``),
    ``ratio`` (naive / campaign), ``campaign_mib``, ``naive_mib``, ``word_s``, ``word_mib``
    (campaign with a Word template; None without ``word``), ``files``, ``mib_written``.
    """
    rows = []
    for size in sizes:
        ways = [w for w in WAYS if (w != "naive" or size <= naive_up_to) and (w != "word" or word)]
        seen: dict[str, list[dict[str, Any]]] = {w: [] for w in ways}
        for _ in range(runs):
            for way in ways:
                seen[way].append(_in_a_fresh_process(way, size))

        median = partial(_median, seen)
        campaign_s, naive_s = median("campaign", "seconds"), median("naive", "seconds")
        rows.append(
            {
                "size": size,
                "campaign_s": campaign_s,
                "naive_s": naive_s,
                "ratio": naive_s / campaign_s if naive_s and campaign_s else None,
                "campaign_mib": median("campaign", "peak_mib"),
                "naive_mib": median("naive", "peak_mib"),
                "word_s": median("word", "seconds"),
                "word_mib": median("word", "peak_mib"),
                "files": seen["campaign"][0]["files"],
                "mib_written": seen["campaign"][0]["mib_written"],
                "runs": runs,
            }
        )
    return rows


def _median(seen: dict[str, list[dict[str, Any]]], way: str, key: str) -> float | None:
    values = [r[key] for r in seen.get(way, [])]
    return statistics.median(values) if values else None


def table(rows: list[dict[str, Any]]) -> str:
    """The rows as the Markdown table the README quotes."""

    def cell(value: float | None, unit: str, digits: int = 2) -> str:
        return "-" if value is None else f"{value:,.{digits}f} {unit}"

    lines = [
        "| letters | campaign | naive loop | ratio | campaign peak | naive peak "
        "| with a Word template | its peak |",
        "| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for r in rows:
        ratio = "-" if r["ratio"] is None else f"{r['ratio']:.1f}x faster"
        lines.append(
            f"| {r['size']:,} | {cell(r['campaign_s'], 's')} | {cell(r['naive_s'], 's')} "
            f"| {ratio} | {cell(r['campaign_mib'], 'MiB', 0)} | {cell(r['naive_mib'], 'MiB', 0)} "
            f"| {cell(r['word_s'], 's')} | {cell(r['word_mib'], 'MiB', 0)} |"
        )
    return "\n".join(lines)


def main() -> None:
    """Print the table (or, with --one, one run's figures as JSON)."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", default="200,2000")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--naive-up-to", type=int, default=NAIVE_UP_TO)
    parser.add_argument("--no-word", action="store_true", help="skip the Word-template runs")
    parser.add_argument("--one", choices=WAYS, help=argparse.SUPPRESS)
    parser.add_argument("--size", type=int, default=200, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.one:
        print(json.dumps(run_once(args.one, args.size)))
        return
    sizes = [int(s) for s in args.sizes.split(",")]
    rows = measure(sizes, args.runs, args.naive_up_to, not args.no_word)
    print(table(rows))
    print(f"(medians of {args.runs} runs, each a fresh process, the ways taking turns)")


if __name__ == "__main__":
    main()
