"""``campaign status, campaign report``."""

from __future__ import annotations

import os
from typing import Any

import click

from campaign.cli import spell
from campaign.cli.app import App, pass_app
from campaign.cli.output import echo_json, format_option, wrap_keeping_commands
from campaign.errors import InputError
from campaign.firm import write_firm_report
from campaign.report import NOTHING_TO_REPORT, write_report
from campaign.status import Status, campaign_status


@click.command()
@format_option("json", help="A readable summary, or one JSON document for scripts.")
@pass_app
def status(app: App, fmt: str) -> None:
    """Where the campaign stands: the funnel, this week's pace, what is due, what needs you.

    Reads only; it ends with what to do today.

    \b
    Example:
      campaign status
      campaign status --format json | jq .calls_due
    """
    result = campaign_status(app.store_if_any, app.settings, app.today).worded(spell)
    if fmt == "json":
        echo_json(result.as_json())
    else:
        _print_status(result)


@click.command()
@click.option(
    "--all",
    "every",
    is_flag=True,
    help="One page over every seeker's campaign in the shared database (for counsellors).",
)
@pass_app
def report(app: App, every: bool) -> None:
    """Write a self-contained HTML report with charts under output/ (prints on paper too).

    Each run writes a new file (output/report-DATE.html, then -2, -3 ...); it needs no
    network to view. With --all, output/firm-report-DATE.html: who is behind on calls,
    who has not sent this week, who has interviews coming, and every campaign's pace.

    \b
    Example:
      campaign report && xdg-open output/report-2026-11-16.html
      campaign report --all
    """
    if every:
        click.echo(f"Report written: {write_firm_report(app.settings, app.today)}")
        return
    store = app.store_if_any
    if store is None:
        raise InputError(NOTHING_TO_REPORT)
    path = write_report(store, app.settings, app.today, spell)
    click.echo(f"Report written: {path}")


def _print_status(s: Status) -> None:
    from rich.console import Console
    from rich.table import Table

    console = Console(highlight=False, emoji=False, markup=False)
    if not console.is_terminal and "COLUMNS" not in os.environ:
        console = Console(width=100, highlight=False, emoji=False, markup=False)
    f = s.funnel
    console.print(f"Campaign status, {s.today:%A %d %B %Y} (week {s.week})")
    if s.headline:
        console.print(f"{s.headline}: congratulations. The campaign is wound down.")
    table = Table(show_header=False, box=None, pad_edge=False)
    table.add_column(justify="left", no_wrap=True)
    table.add_column(justify="right", no_wrap=True)
    table.add_column(justify="left", overflow="fold")  # wraps between words
    rows = [
        ("Prospects", f.prospects, _statuses(s)),
        (
            "Letters sent",
            f.letters_sent,
            f"{f.letters_by_email} by email, {f.letters_by_post} by post",
        ),
        ("Calls made", f.calls_made, ""),
        ("Conversations", f.conversations, "prospects spoken with"),
        ("Meetings", f.meetings, ""),
        # Declined prospects said no to you, not to an offer: they stay in the first row.
        ("Offers", f.offers, f"prospects that made one; {f.hired} hired you"),
        ("", "", ""),
        (
            "This week",
            f"{s.sent_this_week}/{s.weekly_cap}",
            f"sent against the cap; {s.pace}",
        ),
        ("Calls due", s.calls_due, f"{s.calls_due_today} today, {s.calls_overdue} overdue"),
        (
            "Other tasks",
            s.tasks_due_today + s.tasks_overdue,
            f"{s.tasks_due_today} today, {s.tasks_overdue} overdue",
        ),
        ("Still to write to", s.remaining, _runway(s)),
    ]
    for label, value, note in rows:
        table.add_row(label, str(value), note)
    console.print(table)
    width = console.width
    if s.attention:
        console.print("\nNeeds attention:")
        for item in s.attention:
            _print_wrapped(console, item.message, "  ! ", width)
            _print_wrapped(console, item.command, "      -> ", width)
    console.print("\nNext:")
    for step in s.next_steps:
        _print_wrapped(console, step, "  - ", width)


def _print_wrapped(console: Any, text: str, lead: str, width: int) -> None:
    # Our own wrapping (rich would break inside a command): later lines hang under the first.
    for line in wrap_keeping_commands(text, width - len(lead)):
        console.print(lead + line, soft_wrap=True)
        lead = " " * len(lead)


def _statuses(s: Status) -> str:
    parts = [f"{n} {name}" for name, n in s.by_status.items() if n]
    return ", ".join(parts)


def _runway(s: Status) -> str:
    if not s.funnel.prospects:
        return "no list imported yet"
    if not s.remaining:
        text = "the whole list has had its letter"
        if s.unreachable:
            text = "everyone a letter can reach has had one"
    elif s.last_wave is None:
        text = ""
    else:
        weeks = "week" if s.weeks_to_finish == 1 else "weeks"
        text = (
            f"{s.weeks_to_finish} {weeks} at {s.weekly_cap} a week "
            f"(last wave {s.last_wave:%d %b %Y})"
        )
    if s.unreachable:
        text += f"; {s.unreachable} more no letter can reach (see below)"
    return text
