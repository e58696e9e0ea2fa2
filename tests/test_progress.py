"""Progress on long runs: a bar on a terminal's stderr, silence in pipes, cron and CI."""

from __future__ import annotations

import os
import pty
import select
import subprocess
import sys

import pytest

from campaign.cli.output import progress

SCRIPT = (
    "from campaign.cli.output import progress\n"
    "done = list(progress(list(range(40)), 'Rendering marketing letters'))\n"
    "print(len(done), sum(done))\n"
)


def test_off_a_terminal_items_pass_through_silently(capsys: pytest.CaptureFixture[str]) -> None:
    items = [f"row {n}" for n in range(500)]
    assert list(progress(items, "Importing")) == items
    captured = capsys.readouterr()
    assert (captured.out, captured.err) == ("", "")


def test_a_pipe_gets_only_the_command_output() -> None:
    done = subprocess.run(
        [sys.executable, "-c", SCRIPT], capture_output=True, text=True, check=True, timeout=60
    )
    assert (done.stdout, done.stderr) == ("40 780\n", "")


def _on_a_terminal(term: str) -> tuple[str, str]:
    """Run SCRIPT with stderr on a pseudo-terminal; its stdout and what the terminal got."""
    main, child = pty.openpty()
    env = {**os.environ, "TERM": term, "COLUMNS": "100"}
    env.pop("NO_COLOR", None)
    proc = subprocess.Popen(
        [sys.executable, "-c", SCRIPT], stdout=subprocess.PIPE, stderr=child, env=env
    )
    os.close(child)
    screen = b""
    while True:
        ready, _, _ = select.select([main], [], [], 30)
        if not ready:
            break
        try:
            chunk = os.read(main, 4096)
        except OSError:  # the child closed the terminal
            break
        if not chunk:
            break
        screen += chunk
    out = proc.communicate(timeout=60)[0].decode()
    os.close(main)
    return out, screen.decode(errors="replace")


def test_a_terminal_gets_a_bar_on_stderr_and_stdout_stays_clean() -> None:
    out, screen = _on_a_terminal("xterm-256color")
    assert out == "40 780\n"
    assert "Rendering marketing letters" in screen
    assert "/40" in screen  # the count done of the total


def test_a_dumb_terminal_gets_no_bar() -> None:
    out, screen = _on_a_terminal("dumb")
    assert out == "40 780\n"
    assert screen == ""
