"""The send lock on PostgreSQL is the database's: real ``campaign send`` processes at once.

Several folders of one campaign (a seeker's laptop and desktop, say) start ``campaign
send`` together: exactly one sends and every recipient gets one copy. The SMTP server
holds the winner at its greeting until the others have been refused, so the test never
depends on who was quicker. The lock never trusts a hostname or a pid: a holder whose
row claims a pid that is dead here (what a second machine of the same name would see)
still holds it; a holder killed with ``kill -9`` lets go at once, and the next run goes
ahead without ``--unlock``; another campaign's run is never held up by it.
"""

from __future__ import annotations

import re
import signal
import socket
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest

from tests.pg_firm import FirmDatabase, prospect_list, seeker_folder
from tests.processes import start_campaign
from tests.smtp_server import SmtpServer

pytestmark = pytest.mark.slow

PEOPLE = 3
REFUSED = re.compile(
    r"Error: a send run is in progress \(pid (\d+) on host (\S+) since "
    r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\); wait for it to finish\n"
)


@pytest.fixture
def zoe(run, firm: FirmDatabase, server: SmtpServer, tmp_path: Path) -> list[Path]:
    """Zoe's campaign with three prospects to email, and three folders pointing at it."""
    counsellor = tmp_path / "counsellor"
    counsellor.mkdir()
    (counsellor / "campaign.toml").write_text(f'[store]\nurl = "{firm.url()}"\n', encoding="utf-8")
    role = firm.role("zoe")
    added = run("--home", str(counsellor), "campaigns", "add", "zoe-mueller", "--role", role)
    assert added.exit_code == 0, added.output
    homes = [
        seeker_folder(tmp_path / place, "zoe", firm.url(role), "zoe-mueller", server.port)
        for place in ("laptop", "desktop", "phone")
    ]
    csv = prospect_list(tmp_path / "zoe.csv", "zoe", PEOPLE)
    assert run("--home", str(homes[0]), "import", str(csv)).exit_code == 0
    return homes


def start(home: Path, *args: str) -> subprocess.Popen[str]:
    return start_campaign(home, "send", *args)


def finish(proc: subprocess.Popen[str], timeout: float = 60) -> tuple[int, str, str]:
    out, err = proc.communicate(timeout=timeout)
    return proc.returncode, out, err


def received(server: SmtpServer) -> Counter[str]:
    return Counter(r.recipients[0] for r in server.received)


def everyone_once() -> Counter[str]:
    return Counter(f"zoe{n}@zoe-employer{n}.example" for n in range(1, PEOPLE + 1))


def hold_at_greeting(server: SmtpServer) -> None:
    server.handler.pause_at = ("EHLO", 1)
    server.handler.paused.clear()


@pytest.mark.parametrize("runs", [2, 3])
def test_runs_started_at_once_from_different_folders_send_once(
    runs: int, zoe: list[Path], server: SmtpServer, firm: FirmDatabase
) -> None:
    hold_at_greeting(server)
    procs = [start(home) for home in zoe[:runs]]
    try:
        assert server.handler.paused.wait(60), [finish(p, 5) for p in procs]
        [(pid,)] = firm.sql("SELECT pid FROM zoe_mueller.locks")
        holder = next(p for p in procs if p.pid == pid)
        # The others are refused while the holder waits at the server's greeting.
        others = [finish(p) for p in procs if p is not holder]
        for code, out, err in others:
            assert (code, out) == (1, ""), err
            said = REFUSED.fullmatch(err)
            assert said, err
            assert (int(said[1]), said[2]) == (holder.pid, socket.gethostname())
        server.release()
        code, out, err = finish(holder)
    finally:
        for proc in procs:
            if proc.poll() is None:
                proc.kill()
                proc.wait()
    assert code == 0, err
    assert out.startswith(f"Sent {PEOPLE} by email")
    assert received(server) == everyone_once()


def test_a_holder_whose_pid_looks_dead_here_still_holds_the_lock(
    zoe: list[Path], server: SmtpServer, firm: FirmDatabase
) -> None:
    # Two machines of the same name: the holder's row names this host and a pid that is
    # not alive here. The row-and-pid lock of SQLite would take that over; the database's
    # lock does not care what the row says.
    gone = subprocess.run(
        [sys.executable, "-c", "import os; print(os.getpid())"],
        capture_output=True,
        text=True,
        check=True,
    )
    dead = int(gone.stdout)
    hold_at_greeting(server)
    holder = start(zoe[0])
    try:
        assert server.handler.paused.wait(60), finish(holder, 5)
        firm.sql(f"UPDATE zoe_mueller.locks SET pid = {dead}, host = '{socket.gethostname()}'")
        code, out, err = finish(start(zoe[1]))
        assert (code, out) == (1, "")
        said = REFUSED.fullmatch(err)
        assert said and (int(said[1]), said[2]) == (dead, socket.gethostname()), err
        server.release()
        code, out, err = finish(holder)
    finally:
        if holder.poll() is None:
            holder.kill()
            holder.wait()
    assert code == 0, err
    assert received(server) == everyone_once()


def test_kill_9_of_the_holder_and_the_next_run_goes_ahead_without_unlock(
    zoe: list[Path], server: SmtpServer, run, firm: FirmDatabase, tmp_path: Path
) -> None:
    hold_at_greeting(server)
    holder = start(zoe[0])
    try:
        assert server.handler.paused.wait(60), finish(holder, 5)
        unlock = finish(start(zoe[1], "--unlock"))
        assert unlock[0] == 1
        assert unlock[2].startswith(f"Error: a send run is in progress (pid {holder.pid} on ")
        assert unlock[2].endswith(
            ") and alive: the database holds its lock until it ends, so there is nothing to "
            "unlock\n"
        )
        # Another campaign's run is not held up by Zoe's lock.
        ben_role = firm.role("ben")
        counsellor = tmp_path / "counsellor"
        added = run("--home", str(counsellor), "campaigns", "add", "ben", "--role", ben_role)
        assert added.exit_code == 0, added.output
        ben = seeker_folder(tmp_path, "ben", firm.url(ben_role), "ben", server.port)
        csv = prospect_list(tmp_path / "b.csv", "ben", 1)
        assert run("--home", str(ben), "import", str(csv)).exit_code == 0
        code, out, err = finish(start(ben))
        assert code == 0, err
        assert out.startswith("Sent 1 by email, printed 0 (2026-W47: 1 of 20 used).")
        holder.send_signal(signal.SIGKILL)
        holder.wait(10)
    finally:
        if holder.poll() is None:
            holder.kill()
            holder.wait()
    server.handler.pause_at = None
    server.release()
    code, out, err = finish(start(zoe[2]))
    assert code == 0, err
    assert out.startswith(f"Sent {PEOPLE} by email")
    zoe_received = received(server) - Counter(["ben1@ben-employer1.example"])
    assert zoe_received == everyone_once()
    # The dead run's row was taken over and then given back: no lock is left.
    assert firm.sql("SELECT count(*) FROM zoe_mueller.locks") == [(0,)]
