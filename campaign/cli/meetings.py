"""``campaign meeting, campaign contact, campaign agenda``."""

from __future__ import annotations

import click

COMMANDS: list[click.Command] = []
