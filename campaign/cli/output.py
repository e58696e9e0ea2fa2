"""Rendering results for people (rich tables, progress) and for scripts (JSON, CSV)."""

from __future__ import annotations

import csv
import json
import sys
from collections.abc import Iterable, Iterator, Sequence
from datetime import date, datetime
from typing import Any, TypeVar

import click

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
    """A header and one CSV line per row, on stdout."""
    writer = csv.DictWriter(sys.stdout, fieldnames=list(columns), extrasaction="ignore")
    writer.writeheader()
    for row in rows:
        writer.writerow({k: _cell(v) for k, v in row.items()})


def _cell(value: Any) -> Any:
    if value is None:
        return ""
    if isinstance(value, date | datetime):
        return value.isoformat()
    return value


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
    """Yield ``items``, with a progress bar on a terminal and silence elsewhere (pipes, cron)."""
    if not sys.stderr.isatty() or len(items) < 2:
        yield from items
        return
    from rich.progress import track

    yield from track(items, description=label, transient=True, console=_stderr_console())


def _stderr_console() -> Any:
    from rich.console import Console

    return Console(stderr=True)
