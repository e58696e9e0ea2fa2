"""Rendering results for people (rich tables, progress) and for scripts (JSON, CSV)."""

from __future__ import annotations

import csv
import json
import os
import sys
from collections.abc import Iterable, Iterator, Sequence
from datetime import date, datetime
from typing import Any, TypeVar

import click

from campaign.documents.files import spreadsheet_safe

T = TypeVar("T")

FORMAT_TABLE_CSV_JSON = click.Choice(["table", "csv", "json"])


def _default(value: Any) -> Any:
    if isinstance(value, date | datetime):
        return value.isoformat()
    if isinstance(value, set | frozenset | tuple):
        return list(value)
    raise TypeError(f"not JSON serialisable: {type(value).__name__}")


def echo_json(document: Any) -> None:
    """One JSON document on stdout and nothing else."""
    click.echo(json.dumps(document, default=_default, indent=2, ensure_ascii=False))


def echo_csv(columns: Sequence[str], rows: Iterable[dict[str, Any]]) -> None:
    """A header and one CSV line per row, on stdout; no cell a spreadsheet would evaluate."""
    writer = csv.DictWriter(sys.stdout, fieldnames=list(columns), extrasaction="ignore")
    writer.writerow({c: spreadsheet_safe(c) for c in columns})
    for row in rows:
        writer.writerow({k: _cell(v) for k, v in row.items()})


def _cell(value: Any) -> Any:
    if value is None:
        return ""
    if isinstance(value, date | datetime):
        return value.isoformat()
    return spreadsheet_safe(value)


def echo_table(
    columns: Sequence[str],
    rows: Iterable[Sequence[Any]],
    title: str | None = None,
    caption: str | None = None,
) -> None:
    """A rich table on stdout; plain characters when stdout is not a terminal."""
    from rich.console import Console
    from rich.table import Table

    table = Table(title=title, caption=caption, show_lines=False, expand=False)
    for column in columns:
        table.add_column(column, overflow="fold")
    for row in rows:
        table.add_row(*("" if v is None else str(v) for v in row))
    console = Console(soft_wrap=False, highlight=False, emoji=False, markup=False)
    if not console.is_terminal:
        console = Console(width=200, highlight=False, emoji=False, markup=False)
    console.print(table)


def progress(items: Sequence[T], label: str) -> Iterator[T]:
    """Yield ``items``, with a progress bar on a terminal and silence elsewhere (pipes, cron).

    The bar goes to stderr, so stdout stays clean for JSON and CSV; it shows the count
    done and the time left, and is cleared when the run ends (the command's own summary
    lines follow). Off a terminal, or with ``TERM=dumb``, nothing is drawn: logs get
    only the command's line-oriented output.
    """
    if len(items) < 2 or not sys.stderr.isatty() or os.environ.get("TERM") == "dumb":
        yield from items
        return
    from rich.progress import (
        BarColumn,
        MofNCompleteColumn,
        Progress,
        TextColumn,
        TimeRemainingColumn,
    )

    columns = (
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeRemainingColumn(),
    )
    with Progress(*columns, transient=True, console=_stderr_console()) as bar:
        yield from bar.track(items, total=len(items), description=label)


def _stderr_console() -> Any:
    from rich.console import Console

    return Console(stderr=True)
