"""Merge 200 prospects to DOCX + PDF + email + print pack (envelopes, labels): time and peak memory.

Run from the repository root:

    python benchmarks/bench_merge.py          # 200 prospects
    python benchmarks/bench_merge.py 500      # any size

The timed part is what `campaign merge --batch all` does after loading the batch: render
and check every letter (templates compiled once), then write one DOCX, one PDF and one
.eml per prospect and the print pack (letters, #10 envelopes, Avery labels, manifest).
Peak memory is the process's peak resident set size (ru_maxrss), imports included.
"""

from __future__ import annotations

import resource
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

from campaign.config import Sender, Settings
from campaign.letters import load_letter, render_batch
from campaign.merge import write_merge
from campaign.models import Prospect

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


def prospects(count: int) -> list[Prospect]:
    """A realistic batch: 1 in 4 without email (printed), non-Latin names, hostile marks."""
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


def main(count: int) -> None:
    """Time one merge of ``count`` prospects in a throwaway campaign folder."""
    with tempfile.TemporaryDirectory() as tmp:
        home = Path(tmp)
        settings = Settings(home=home, db_url="sqlite://", sender=SENDER)
        batch = prospects(count)
        started = time.perf_counter()
        letter = load_letter(settings, "marketing")
        rendered = render_batch(letter, batch, settings, TODAY)
        rendered_at = time.perf_counter()
        result = write_merge(
            rendered, settings, SENDER, TODAY, ("docx", "pdf", "email"), "all", "marketing"
        )
        finished = time.perf_counter()
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024  # KiB on Linux
        size = sum(p.stat().st_size for p in result.folder.rglob("*") if p.is_file())
        print(
            f"{count} prospects: {finished - started:.2f} s "
            f"(render {rendered_at - started:.2f} s, write {finished - rendered_at:.2f} s), "
            f"peak RSS {peak / 2**20:.0f} MiB; {len(result.docx)} docx, {len(result.pdf)} pdf, "
            f"{len(result.eml)} eml, print pack {result.pack.pages} pages; "
            f"{size / 2**20:.1f} MiB written"
        )


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 200)
