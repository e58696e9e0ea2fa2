"""``campaign status, campaign report``."""

from __future__ import annotations

import click

COMMANDS: list[click.Command] = []
