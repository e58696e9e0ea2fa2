"""What a test does when the machine lacks a program or server it needs (PostgreSQL, Chromium).

On a developer's machine it is skipped, saying why and how to install it. Under
``CI=true`` it fails with the same reason: CI installs everything (``.ci/run``), so a
missing tool there is a broken CI machine, and a run that skipped the real-server tests
must not pass.
"""

from __future__ import annotations

import os
from typing import NoReturn

import pytest


def in_ci() -> bool:
    """True when the environment says CI=true."""
    return os.environ.get("CI", "").strip().lower() == "true"


def unavailable(reason: str) -> NoReturn:
    """Skip the current test for ``reason``, or fail it for the same reason under CI=true."""
    if in_ci():
        pytest.fail(reason, pytrace=False)
    pytest.skip(reason)
