"""A small tmpfs mounted over a folder (``output/``), to see what a full disk does.

Mounting needs root (CI runs as root); elsewhere the test is skipped, or fails under
``CI=true`` (see ``tests.unavailable``).
"""

from __future__ import annotations

import os
import subprocess
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from tests.unavailable import unavailable


@contextmanager
def small_disk(folder: Path, size: str = "64k", read_only: bool = False) -> Iterator[Path]:
    """``folder`` as a tmpfs of ``size`` (read-only if asked) for the block, unmounted after.

    Read-only by mount, not by mode: root (CI) writes into a folder whatever its mode.
    """
    folder.mkdir(parents=True, exist_ok=True)
    options = f"size={size}" + (",ro" if read_only else "")
    try:
        subprocess.run(
            ["mount", "-t", "tmpfs", "-o", options, "tmpfs", str(folder)],
            check=True,
            capture_output=True,
            text=True,
        )
    except (OSError, subprocess.CalledProcessError) as exc:
        reason = getattr(exc, "stderr", "") or str(exc)
        unavailable(f"can't mount a {size} tmpfs on {folder} (needs root): {reason.strip()}")
    try:
        yield folder
    finally:
        subprocess.run(["umount", "-l", str(folder)], check=False, capture_output=True)


def fill(folder: Path, leave: int) -> None:
    """Fill the file system holding ``folder`` until only about ``leave`` bytes are free."""
    stats = os.statvfs(folder)
    free = stats.f_bavail * stats.f_frsize
    if free > leave:
        (folder / ".filler").write_bytes(b"\0" * (free - leave))


def every_file(folder: Path) -> list[Path]:
    """Every file under ``folder`` but the filler, sorted."""
    return sorted(p for p in folder.rglob("*") if p.is_file() and p.name != ".filler")
