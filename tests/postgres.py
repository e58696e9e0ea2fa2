"""A private, throwaway PostgreSQL server for the portability tests (Debian's binaries).

Started once per test session in a temporary folder on a Unix socket (no TCP port),
stopped at the end. Tests that need it are skipped, saying why, where PostgreSQL's
server binaries are not installed; under ``CI=true`` they fail for that reason instead.
"""

from __future__ import annotations

import glob
import importlib.util
import os
import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.unavailable import unavailable


def _bindir() -> Path | None:
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"))
    if found:
        return Path(found[-1]).parent
    initdb = shutil.which("initdb")
    return Path(initdb).parent if initdb else None


def _as_server_user(args: list[str]) -> list[str]:
    # initdb and postgres refuse to run as root: use the postgres account then.
    if os.geteuid() == 0 and shutil.which("runuser"):
        return ["runuser", "-u", "postgres", "--", *args]
    return args


@pytest.fixture(scope="session")
def postgres_url() -> Iterator[str]:
    """``postgresql+psycopg://`` URL of a fresh database on a private server."""
    if importlib.util.find_spec("psycopg") is None:
        unavailable("psycopg is not installed (pip install -e '.[test]')")
    bindir = _bindir()
    if bindir is None:
        unavailable("PostgreSQL server binaries (initdb) are not installed")
    root = Path(tempfile.mkdtemp(prefix="campaign-pg-"))
    root.chmod(0o777)
    data = root / "data"
    if os.geteuid() == 0:
        shutil.chown(root, "postgres")

    def run(program: str, *args: str) -> None:
        command = _as_server_user([str(bindir / program), *args])
        subprocess.run(command, check=True, capture_output=True, timeout=60)

    try:
        run("initdb", "-D", str(data), "-A", "trust", "-U", "campaign", "-E", "UTF8")
        options = f"-k {root} -c listen_addresses='' -c fsync=off"
        run("pg_ctl", "-D", str(data), "-o", options, "-w", "-l", str(root / "log"), "start")
    except (subprocess.CalledProcessError, OSError) as exc:
        shutil.rmtree(root, ignore_errors=True)
        unavailable(f"could not start a private PostgreSQL server: {exc}")
    try:
        run("createdb", "-h", str(root), "-U", "campaign", "campaign")
        yield f"postgresql+psycopg://campaign@/campaign?host={root}"
    finally:
        run("pg_ctl", "-D", str(data), "-m", "immediate", "-w", "stop")
        shutil.rmtree(root, ignore_errors=True)
