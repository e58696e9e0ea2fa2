"""``kill -9`` of a real ``campaign send`` while it makes the print pack: no letter printed twice.

The run records which pack holds which claimed letters before it writes a byte, builds
the pack in a hidden ``.NAME.partial`` folder and renames it into place only when
complete. The test watches output/ and kills the subprocess the moment a chosen file
appears (or, to catch the pack complete but not yet recorded as printed, holds the
database's write lock so the run waits there); the rerun must adopt a complete pack and
remove a partial one, and every letter ends up in exactly one complete pack.
"""

from __future__ import annotations

import csv
import os
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Callable
from pathlib import Path

import pytest

from campaign.models import SendState
from campaign.store import Store
from tests.factories import add_prospects, store_at
from tests.processes import start_campaign
from tests.test_cli_send import configure

pytestmark = pytest.mark.slow
LETTERS = 5


def start_send(home: Path) -> subprocess.Popen[str]:
    return start_campaign(home, "send")


def wait_for(proc: subprocess.Popen[str], seen: Callable[[], bool], timeout: float = 60) -> None:
    """Poll (every millisecond or so) until ``seen()``; fail if the run ends first."""
    end = time.monotonic() + timeout
    while not seen():
        if proc.poll() is not None:
            out, err = proc.communicate()
            pytest.fail(f"the run ended first ({proc.returncode}): {out}{err}")
        if time.monotonic() > end:
            pytest.fail("timed out watching output/")
        time.sleep(0.001)


def kill(proc: subprocess.Popen[str]) -> None:
    proc.send_signal(signal.SIGKILL)
    proc.communicate(timeout=20)
    assert proc.returncode == -signal.SIGKILL


def partial(output: Path) -> list[Path]:
    return sorted(output.glob(".print-pack-*.partial")) if output.is_dir() else []


def in_partial(name: str, output: Path) -> Callable[[], bool]:
    """Seen once ``name`` (or its temporary, ``.name.*.tmp``) is in the partial pack."""

    def seen() -> bool:
        return any(
            n == name or n.startswith(f".{name}.") for p in partial(output) for n in os.listdir(p)
        )

    return seen


def setup_campaign(sender_config: Path, home: Path) -> Store:
    configure(sender_config, None)  # no [smtp]: every letter is printed
    store = store_at(home)
    add_prospects(store, LETTERS, email="")
    return store


def send_again(home: Path) -> subprocess.CompletedProcess[str]:
    proc = start_send(home)
    out, err = proc.communicate(timeout=120)
    return subprocess.CompletedProcess(proc.args, proc.returncode, out, err)


def assert_printed_once(home: Path, store: Store) -> None:
    """Every letter SENT, in exactly one complete pack; nothing partial, empty or temporary."""
    output = home / "output"
    leftovers = list(output.rglob(".*"))
    assert leftovers == [], leftovers
    assert [p for p in output.rglob("*") if p.is_file() and p.stat().st_size == 0] == []
    listed: Counter[str] = Counter()
    for manifest in output.glob("print-pack-*/manifest.csv"):
        with manifest.open(encoding="utf-8", newline="") as handle:
            listed.update(row["prospect_id"] for row in csv.DictReader(handle))
    assert listed == Counter(str(i) for i in range(1, LETTERS + 1))
    for send in store.list_sends():
        assert send.state == SendState.SENT
        with (home / send.pack / "manifest.csv").open(encoding="utf-8") as handle:
            assert str(send.prospect_id) in {r["prospect_id"] for r in csv.DictReader(handle)}


def test_killed_while_the_pack_is_written_the_rerun_removes_it_and_prints_once(
    sender_config: Path, campaign_home: Path
) -> None:
    store = setup_campaign(sender_config, campaign_home)
    output = campaign_home / "output"
    proc = start_send(campaign_home)
    wait_for(proc, lambda: bool(partial(output)))
    proc.send_signal(signal.SIGSTOP)
    # Claimed, and the ledger already knows which pack will hold them; it is not in place.
    sends = store.list_sends()
    assert {(s.state, s.pack) for s in sends} == {
        (SendState.CLAIMED, "output/print-pack-2026-W47-2026-11-16-1")
    }
    assert not (output / "print-pack-2026-W47-2026-11-16-1").exists()
    kill(proc)
    again = send_again(campaign_home)
    assert again.returncode == 0, again.stderr
    assert "Printed:\n  Company 1 Inc." in again.stdout
    assert "Adopted" not in again.stdout
    assert_printed_once(campaign_home, store)


@pytest.mark.parametrize("name", ["letters.pdf", "labels.pdf", "manifest.csv"])
def test_a_kill_as_each_file_appears_never_prints_a_letter_twice(
    sender_config: Path, campaign_home: Path, tmp_path: Path, name: str
) -> None:
    setup_campaign(sender_config, campaign_home)
    # The last files of a pack appear a moment before the run ends: a fast run can finish
    # between two looks. Each try starts from the same campaign, copied; the kill must land.
    for attempt in range(10):
        home = tmp_path / f"try-{attempt}"
        shutil.copytree(campaign_home, home)
        proc = start_send(home)
        if not seen_before_the_end(proc, in_partial(name, home / "output")):
            continue
        kill(proc)
        again = send_again(home)
        assert again.returncode == 0, again.stderr
        store = store_at(home)
        try:
            assert_printed_once(home, store)
        finally:
            store.close()
        return
    pytest.fail(f"in 10 runs, no kill landed while {name} was being written")


def seen_before_the_end(proc: subprocess.Popen[str], seen: Callable[[], bool]) -> bool:
    """Poll until ``seen()``: True, the run stopped there; False if it ended first."""
    end = time.monotonic() + 60
    while not seen():
        if proc.poll() is not None:
            proc.communicate()
            return False
        if time.monotonic() > end:
            pytest.fail("timed out watching output/")
        time.sleep(0.0005)
    proc.send_signal(signal.SIGSTOP)  # where it is: the kill below finds it there
    return True


def test_killed_with_the_pack_complete_but_not_recorded_the_rerun_adopts_it(
    run, sender_config: Path, campaign_home: Path
) -> None:
    store = setup_campaign(sender_config, campaign_home)
    output = campaign_home / "output"
    final = output / "print-pack-2026-W47-2026-11-16-1"
    proc = start_send(campaign_home)
    wait_for(proc, lambda: bool(partial(output)))
    proc.send_signal(signal.SIGSTOP)
    # Hold the database's write lock: the run finishes the pack, then waits to record it.
    blocker = sqlite3.connect(campaign_home / "campaign.db", isolation_level=None, timeout=30)
    blocker.execute("BEGIN IMMEDIATE")
    try:
        proc.send_signal(signal.SIGCONT)
        wait_for(proc, final.exists)
        time.sleep(0.3)
        kill(proc)
    finally:
        blocker.execute("ROLLBACK")
        blocker.close()
    assert {s.state for s in store.list_sends()} == {SendState.CLAIMED}
    made = {p.name: p.stat().st_mtime_ns for p in final.iterdir()}
    assert sorted(made) == ["envelopes.pdf", "labels.pdf", "letters.pdf", "manifest.csv"]
    dry = run("send", "--dry-run")  # says what it would adopt, records nothing
    assert dry.stdout.startswith(f"Would adopt print pack {final}: a stopped run wrote it whole")
    assert "To print:" not in dry.stdout
    assert {s.state for s in store.list_sends()} == {SendState.CLAIMED}

    again = send_again(campaign_home)
    assert again.returncode == 0, again.stderr
    lines = again.stdout.splitlines()
    assert lines[0] == (
        f"Adopted print pack {final}: a stopped run wrote it whole, so its {LETTERS} letters "
        "are recorded as printed now, not printed again:"
    )
    assert (
        lines[1] == "  Company 1 Inc. - Ms. Alex Person1, by post to Springfield, IL (prospect 1)"
    )
    assert "Printed:" not in again.stdout
    assert {p.name: p.stat().st_mtime_ns for p in final.iterdir()} == made  # untouched
    assert_printed_once(campaign_home, store)
    # The letters promised a call day; the adopted sends keep that promise.
    for send in store.list_sends():
        assert send.promised_on is not None and send.sent_on.isoformat() == "2026-11-16"
    calls = subprocess.run(
        [sys.executable, "-m", "campaign", "calls", "--due", "all", "--format", "csv"],
        env=dict(os.environ, CAMPAIGN_HOME=str(campaign_home), CAMPAIGN_TODAY="2026-11-16"),
        capture_output=True,
        text=True,
        timeout=60,
    )
    due = {r["prospect_id"]: r["due"] for r in csv.DictReader(calls.stdout.splitlines())}
    assert due == {str(s.prospect_id): s.promised_on.isoformat() for s in store.list_sends()}
