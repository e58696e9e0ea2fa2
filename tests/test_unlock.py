"""``campaign send --unlock`` never removes the lock of a run still going."""

from __future__ import annotations

import socket
import subprocess
import sys
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path

import pytest

from campaign.store import Store
from tests.factories import store_at

WHEN = datetime(2026, 11, 16, 8, 0)  # noqa: DTZ001 - the lock records naive local time


@pytest.fixture
def store(campaign_home: Path, sender_config: Path) -> Iterator[Store]:
    opened = store_at(campaign_home)
    yield opened
    opened.close()


def test_a_live_run_on_this_host_keeps_its_lock(run, store: Store) -> None:
    live = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
    try:
        store.acquire_lock(pid=live.pid, host=socket.gethostname(), now=WHEN, alive=bool)
        result = run("send", "--unlock")
        assert result.exit_code == 1
        assert result.stderr == (
            f"Error: the send run holding the lock is still running (pid {live.pid} on this "
            "host since 2026-11-16 08:00:00); let it finish, or stop it first\n"
        )
        assert store.lock_holder() is not None
    finally:
        live.kill()
        live.wait()
    result = run("send", "--unlock")  # now it is dead: its lock goes
    assert (result.exit_code, result.stdout) == (
        0,
        f"Removed the lock of pid {live.pid} on {socket.gethostname()}.\n",
    )
    assert store.lock_holder() is None


def test_a_lock_from_another_host_is_removed_only_when_confirmed(run, store: Store) -> None:
    store.acquire_lock(pid=4242, host="laptop", now=WHEN, alive=bool)
    question = (
        "The send lock is held by pid 4242 on host laptop since 2026-11-16 08:00:00. This "
        "computer can't see that host's processes: check on laptop that it is no longer "
        "running (`ps -p 4242` there shows nothing). Remove the lock? [y/N]: "
    )
    kept = run("send", "--unlock", input="n\n")
    assert kept.exit_code == 1
    assert kept.stderr == question + "n\nError: the lock of pid 4242 on laptop was left in place\n"
    no_answer = run("send", "--unlock")  # no terminal, no answer: nothing is removed
    assert no_answer.exit_code == 1 and store.lock_holder() is not None
    removed = run("send", "--unlock", input="y\n")
    assert (removed.exit_code, removed.stdout) == (0, "Removed the lock of pid 4242 on laptop.\n")
    assert store.lock_holder() is None
    assert run("send", "--unlock").stdout == "No lock held.\n"
