"""The database lost mid-send (a PostgreSQL server that stops taking connections): the run
stops, still says what went out, exits 1 with one line; the next run delivers the rest once."""

from __future__ import annotations

import signal
import subprocess
import time
from collections import Counter
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from campaign.models import SendState
from campaign.store import open_store
from tests.factories import add_prospects
from tests.processes import start_campaign
from tests.smtp_server import SmtpServer
from tests.test_cli_send import configure
from tests.test_migrations import blank_postgres  # noqa: F401 - the fixture
from tests.test_print_pack_kill import wait_for

pytestmark = pytest.mark.slow


def cut_off(url: str, allow: bool) -> None:
    """Let nobody (or everybody again) connect to the database of ``url``."""
    name = make_url(url).database
    admin = create_engine(make_url(url).set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'ALTER DATABASE "{name}" ALLOW_CONNECTIONS {str(allow).lower()}'))
        if not allow:
            conn.execute(
                text("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = :n"),
                {"n": name},
            )
    admin.dispose()


def send(home: Path, url: str) -> subprocess.Popen[str]:
    return start_campaign(home, "send", CAMPAIGN_DB=url)


def test_the_database_lost_mid_send_still_prints_what_went_out(
    sender_config: Path,
    server: SmtpServer,
    campaign_home: Path,
    blank_postgres: str,  # noqa: F811
) -> None:
    configure(sender_config, server.port)
    store = open_store(blank_postgres)
    emails = [p.email for p in add_prospects(store, 4)]
    store.close()
    server.handler.pause_at = ("ACCEPTED", 2)  # the second message taken, its 250 not yet sent
    proc = send(campaign_home, blank_postgres)
    try:
        assert server.handler.paused.wait(60), proc.communicate(timeout=5)
        cut_off(blank_postgres, allow=False)
        server.handler.pause_at = None
        server.release()
        out, err = proc.communicate(timeout=120)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.communicate()
        cut_off(blank_postgres, allow=True)
    assert proc.returncode == 1, (out, err)
    assert out.splitlines() == [
        "Sent 2 by email, printed 0 before the run stopped.",
        "By email:",
        "  Company 1 Inc. - Ms. Alex Person1 <alex1@company1.example> (prospect 1)",
        "  Company 2 Inc. - Ms. Alex Person2 <alex2@company2.example> (prospect 2)",
        "Next calls: 1 first follow-up call due Mon 23 Nov 2026; see `campaign calls --due all`.",
    ]
    assert err.count("\n") == 1 and err.startswith("Error: postgresql+psycopg://"), err
    assert err.rstrip().endswith(
        "the run stopped after 2 emails went out (see above); "
        "the last is in doubt until the next run"
    )
    assert "Traceback" not in err

    again = send(campaign_home, blank_postgres)
    out, err = again.communicate(timeout=120)
    assert again.returncode == 3, (out, err)  # the second is in doubt: the user settles it
    assert "(prospect 2, send 2)" in out
    store = open_store(blank_postgres)
    assert [s.state for s in store.list_sends()] == [
        SendState.SENT,
        SendState.UNKNOWN,
        SendState.SENT,
        SendState.SENT,
    ]
    store.close()
    assert Counter(r.recipients[0] for r in server.received) == Counter(emails)


def test_the_database_lost_once_the_pack_is_written_the_next_run_adopts_it(
    sender_config: Path,
    campaign_home: Path,
    blank_postgres: str,  # noqa: F811
) -> None:
    configure(sender_config, None)  # every letter is printed
    store = open_store(blank_postgres)
    add_prospects(store, 3, email="")
    store.close()
    output = campaign_home / "output"
    final = output / "print-pack-2026-W47-2026-11-16-1"
    proc = send(campaign_home, blank_postgres)
    holder = create_engine(blank_postgres)
    conn = None
    try:
        wait_for(proc, lambda: bool(list(output.glob(".print-pack-*.partial"))))
        proc.send_signal(signal.SIGSTOP)
        # The ledger's table locked: the run writes the pack, then waits to record it ...
        conn = holder.connect()
        conn.execute(text("LOCK TABLE sends IN EXCLUSIVE MODE"))
        proc.send_signal(signal.SIGCONT)
        wait_for(proc, final.exists)
        time.sleep(0.3)
        cut_off(blank_postgres, allow=False)  # ... and the database goes away under it
        out, err = proc.communicate(timeout=120)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.communicate()
        if conn is not None:
            conn.invalidate()  # terminated with the rest: nothing to roll back
        holder.dispose()
        cut_off(blank_postgres, allow=True)
    assert proc.returncode == 1, (out, err)
    assert err.count("\n") == 1 and err.rstrip().endswith(
        f"the run stopped with the print pack {final} written, before any email: "
        "the next run records its letters as printed"
    ), err
    again = send(campaign_home, blank_postgres)
    out, err = again.communicate(timeout=120)
    assert again.returncode == 0, (out, err)
    assert out.startswith(f"Adopted print pack {final}: a stopped run wrote it whole, so its 3")
    store = open_store(blank_postgres)
    assert {(s.state, s.pack) for s in store.list_sends()} == {
        (SendState.SENT, "output/print-pack-2026-W47-2026-11-16-1")
    }
    store.close()
    assert sorted(p.name for p in output.iterdir()) == [final.name]
