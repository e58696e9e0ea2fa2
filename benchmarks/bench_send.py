"""Send 200 and 2,000 letters to a local aiosmtpd sink over one connection: letters per second.

Run from the repository root:

    python benchmarks/bench_send.py            # 200 and 2,000
    python benchmarks/bench_send.py 500        # any sizes

Each size gets a fresh campaign folder (SQLite store) and a fresh sink (aiosmtpd in its
own process). The timed part is
the whole run as `campaign send --batch all --no-cap` does it: render and check every
letter, claim them all, then for each one TRANSMITTING -> SMTP -> SENT with its follow-up
call, each step a committed transaction (SQLite, WAL, synchronous=FULL).
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
import time
from datetime import date, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from campaign.config import load_settings
from campaign.mailer import open_smtp
from campaign.sending import RunLock, SendRequest, send_run
from campaign.store.schema import prospects
from tests.factories import store_at
from tests.smtp_server import SmtpServer

TODAY = date(2026, 11, 16)
SENDER = (
    '[sender]\nname = "Pat Example"\nstreet = "12 Elm Street"\ncity = "Springfield"\n'
    'region = "IL"\npostal_code = "62701"\ncountry = "US"\nphone = "+1 217 555 0100"\n'
    'email = "pat@example.com"\n'
)


class Sink:
    """The aiosmtpd sink in its own process, so it does not share our GIL."""

    def __enter__(self) -> Sink:
        self.proc = subprocess.Popen(
            [sys.executable, __file__, "--sink"],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )
        assert self.proc.stdout is not None
        self.port = int(self.proc.stdout.readline())
        return self

    def received(self) -> int:
        """How many messages the sink accepted (ends the sink)."""
        out, _ = self.proc.communicate("", timeout=30)
        return int(out)

    def __exit__(self, *exc: object) -> None:
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait()


def sink() -> None:
    """Listen until stdin closes, then print how many messages arrived."""
    with SmtpServer() as server:
        print(server.port, flush=True)
        sys.stdin.read()
        print(len(server.received), flush=True)


def email_prospects(count: int) -> list[dict[str, object]]:
    """``count`` prospects' rows, each with an email address and a phone, none written to."""
    return [
        {
            "identity": f"hm{n}@employer{n}.example",
            "company": f"Employer {n} LLC",
            "contact": f"Ms. Dana Manager{n}",
            "honorific": "Ms.",
            "first_name": "Dana",
            "last_name": f"Manager{n}",
            "title": "Director of Operations",
            "email": f"hm{n}@employer{n}.example",
            "phone": f"+1 217 555 {n % 10000:04d}",
            "street": f"{n} Market Street",
            "city": "Springfield",
            "region": "IL",
            "postal_code": "62701",
            "seq": n,
            "extra": {},
        }
        for n in range(1, count + 1)
    ]


def bench(count: int) -> tuple[float, float, float]:
    """Seconds for the whole run, letters/second overall, and letters/second delivering."""
    with tempfile.TemporaryDirectory() as folder, Sink() as sink:
        home = Path(folder)
        (home / "campaign.toml").write_text(
            SENDER + f'[smtp]\nhost = "127.0.0.1"\nport = {sink.port}\nsecurity = "none"\n',
            encoding="utf-8",
        )
        settings = load_settings(home, {})
        store = store_at(home)
        with store.write() as conn:
            conn.execute(prospects.insert(), email_prospects(count))
        lock = RunLock.for_this_process(datetime.now())  # noqa: DTZ005 - shown as local time
        spent: dict[str, float] = {}

        def track(items, label):  # type: ignore[no-untyped-def]
            # The run's progress hook: it wraps rendering, then the delivery loop.
            start = time.perf_counter()
            yield from items
            spent[label.split()[0]] = time.perf_counter() - start

        start = time.perf_counter()
        summary = send_run(
            store,
            settings,
            TODAY,
            SendRequest(batch="all", no_cap=True),
            connect=lambda: open_smtp(settings.smtp, None),  # type: ignore[arg-type]
            lock=lock,
            track=track,
        )
        total = time.perf_counter() - start
        assert len(summary.emailed) == count == sink.received(), "not all delivered"
        store.close()
        return total, count / total, count / spent["Sending"]


def main(sizes: list[int]) -> None:
    """Print one line per size."""
    for count in sizes:
        total, overall, delivery = bench(count)
        print(
            f"{count:>6} letters: {total:6.2f} s, {overall:6.1f} letters/s overall "
            f"(render + claim + deliver + record), {delivery:6.1f} letters/s delivering"
        )


if __name__ == "__main__":
    if sys.argv[1:] == ["--sink"]:
        sink()
    else:
        main([int(a) for a in sys.argv[1:]] or [200, 2000])
