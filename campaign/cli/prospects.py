"""``campaign import FILE, campaign prospects``."""

from __future__ import annotations

import click

COMMANDS: list[click.Command] = []
