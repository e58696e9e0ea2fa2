"""Rendering results for people (rich tables, progress) and for scripts (JSON, CSV)."""

from __future__ import annotations

import csv
import json
import os
import re
import sys
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, TypeVar

import click

from campaign.documents.files import spreadsheet_safe

T = TypeVar("T")

F = TypeVar("F", bound=Callable[..., Any])


def format_option(*choices: str, help: str) -> Callable[[F], F]:
    """A command's ``--format`` (passed as ``fmt``): ``table`` by default, then ``choices``."""
    return click.option(
        "--format",
        "fmt",
        type=click.Choice(["table", *choices]),
        default="table",
        show_default=True,
        help=help,
    )


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


# Off a terminal (a pipe, a file) with no COLUMNS: wide enough that rows rarely shorten.
WIDE = 200


@dataclass(frozen=True)
class Col:
    """A table column, and how it gives way on a narrow screen.

    ``keep``: never shortened (ids, commands, dates, phones: a cut one is useless);
    otherwise shortened with an ellipsis down to ``least`` cells, never wrapped. When
    even that does not fit, columns with a ``drop`` rank are left out, 1 first.
    """

    name: str
    keep: bool = False
    least: int = 8
    drop: int = 0
    justify: str = "left"


def console() -> Any:
    """A console for people: the terminal's width; elsewhere COLUMNS, else ``WIDE``."""
    from rich.console import Console

    options: dict[str, Any] = {"highlight": False, "emoji": False, "markup": False}
    screen = Console(soft_wrap=False, **options)
    if screen.is_terminal or "COLUMNS" in os.environ:
        return screen
    return Console(width=WIDE, **options)


def fit_widths(natural: Sequence[int], columns: Sequence[Col], width: int) -> list[int | None]:
    """Each column's width so a row fits ``width`` cells (None: the column is left out).

    Kept columns get their natural width; the others share what is left evenly, each
    at least ``least`` (or its natural width, if less) and none more than it needs.
    """
    shown = list(range(len(columns)))

    def need(index: int) -> int:
        column = columns[index]
        return natural[index] if column.keep else min(natural[index], column.least)

    def gaps() -> int:
        return 2 * (len(shown) - 1)

    droppable = sorted((i for i, c in enumerate(columns) if c.drop), key=lambda i: columns[i].drop)
    for index in droppable:
        if sum(need(i) for i in shown) + gaps() <= width:
            break
        shown.remove(index)
    widths: dict[int, int] = {i: need(i) for i in shown}
    room = width - gaps() - sum(widths.values())
    growing = [i for i in shown if widths[i] < natural[i]]
    while room > 0 and growing:
        share = max(room // len(growing), 1)
        for i in sorted(growing, key=lambda i: natural[i] - widths[i]):
            extra = min(share, natural[i] - widths[i], room)
            widths[i] += extra
            room -= extra
        growing = [i for i in growing if widths[i] < natural[i]]
    return [widths.get(i) for i in range(len(columns))]


def echo_table(
    columns: Sequence[str | Col],
    rows: Iterable[Sequence[Any]],
    title: str | None = None,
    caption: str | None = None,
) -> None:
    """A table on stdout, one line per row at the screen's width.

    Cells never wrap: a long one ends in an ellipsis (a ``keep`` column never shortens);
    plain characters when stdout is not a terminal. ``caption`` is wrapped between
    words below it, never inside a `command`.
    """
    from rich.cells import cell_len
    from rich.table import Table

    specs = [c if isinstance(c, Col) else Col(c) for c in columns]
    cells = [["" if v is None else " ".join(str(v).split()) for v in row] for row in rows]
    natural = [
        max([cell_len(spec.name), *(cell_len(row[i]) for row in cells)])
        for i, spec in enumerate(specs)
    ]
    out = console()
    widths = fit_widths(natural, specs, out.width)
    table = Table(
        title=title, box=None, pad_edge=False, padding=(0, 1), header_style="bold", expand=False
    )
    shown = [i for i, w in enumerate(widths) if w is not None]
    for i in shown:
        spec = specs[i]
        table.add_column(
            spec.name,
            width=widths[i],
            no_wrap=True,
            overflow="ellipsis",
            justify=spec.justify,  # type: ignore[arg-type]
        )
    for row in cells:
        table.add_row(*(row[i] for i in shown))
    if cells:
        out.print(table)
    elif title:
        out.print(title)
    if caption:
        for line in wrap_keeping_commands(caption, out.width):
            out.print(line, soft_wrap=True)


def echo_wrapped(lines: Iterable[tuple[str, str]]) -> None:
    """Each (lead, text) printed wrapped between words, later lines hanging under the text."""
    out = console()
    for lead, text in lines:
        for line in wrap_keeping_commands(text, max(out.width - len(lead), 20)):
            out.print(lead + line, soft_wrap=True)
            lead = " " * len(lead)


def wrap_keeping_commands(text: str, width: int) -> list[str]:
    """Wrap ``text`` to ``width``, never breaking inside a word or a `backticked command`.

    A command wider than the line gets a line of its own and runs past the edge: a
    command cut in two can't be copied.
    """
    lines: list[str] = []
    line = ""
    for word in re.findall(r"`[^`]*`\S*|\S+", text):
        if line and len(line) + 1 + len(word) > width:
            lines.append(line)
            line = word
        else:
            line = f"{line} {word}" if line else word
    lines.append(line)
    return lines


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
