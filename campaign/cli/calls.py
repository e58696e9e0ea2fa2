"""``campaign calls, campaign log, campaign reopen``: the follow-up calls."""

from __future__ import annotations

from datetime import datetime

import click

from campaign import callsheet
from campaign.cli.app import App, pass_app
from campaign.cli.output import echo_csv, echo_json, echo_table
from campaign.cli.params import DATE, DUE, ID
from campaign.clock import BusinessCalendar, due_until
from campaign.followup import check_referred, log_call
from campaign.followup import reopen as reopen_prospect
from campaign.models import Logged, Outcome, Referred
from campaign.wording import counted


@click.command()
@click.option(
    "--due",
    type=DUE,
    default="today",
    show_default=True,
    help="today (with overdue calls), week, all, or a date YYYY-MM-DD.",
)
@click.option(
    "--format",
    "fmt",
    default="table",
    show_default=True,
    type=click.Choice(["table", "csv", "json", "ics", "pdf"]),
    help="ics: a calendar on stdout; pdf: a printable sheet under output/.",
)
@click.option("--plan", "show_plan", is_flag=True, help="Show the call load of the coming weeks.")
@click.option(
    "--weeks",
    default=4,
    show_default=True,
    type=click.IntRange(1, 52),
    help="How many weeks --plan covers.",
)
@pass_app
def calls(app: App, due: str, fmt: str, show_plan: bool, weeks: int) -> None:
    """The follow-up calls due: a call sheet to work from, oldest first.

    After each call, record what came of it with `campaign log ID --outcome ...`.

    \b
    Example:
      campaign calls                      # today's calls, overdue ones first
      campaign calls --due week --format pdf
      campaign calls --due all --format ics > calls.ics
      campaign calls --plan --weeks 6
    """
    if show_plan:
        return _plan(app, fmt, weeks)
    until = due_until(due, app.today)
    name = app.settings.sender.name if app.settings.sender else ""
    if fmt == "ics":
        shown = callsheet.calendar_lines(app.store, until, app.today, name)
        click.echo(callsheet.to_ics(shown, app.today).decode("utf-8"), nl=False)
        return None
    lines = callsheet.due_calls(app.store, until, name)
    if fmt == "json":
        echo_json([c.as_dict() for c in lines])
    elif fmt == "csv":
        echo_csv(callsheet.CSV_COLUMNS, callsheet.csv_rows(lines))
    elif fmt == "pdf":
        title = f"Calls due by {until.isoformat()}" if until else "All open calls"
        path = callsheet.write_pdf(lines, app.settings.output_dir, app.today, title)
        click.echo(f"{counted(len(lines), 'call')}: wrote {path}")
    else:
        caption = (
            f"{counted(len(lines), 'call')}; after each, `campaign log ID --outcome ...` "
            "(ID: the first column)"
            if lines
            else "No calls due."
        )
        echo_table(callsheet.TABLE_COLUMNS, callsheet.table_rows(lines, app.today), caption=caption)
    return None


def _plan(app: App, fmt: str, weeks: int) -> None:
    per_day = app.settings.schedule.calls_per_day
    days = callsheet.plan(
        app.store, app.today, weeks, per_day, BusinessCalendar(app.settings.country)
    )
    if fmt == "json":
        echo_json(days)
    elif fmt == "csv":
        echo_csv(("week", "date", "calls", "cap", "holiday"), days)
    else:
        rows = [
            (
                d["week"],
                f"{d['date']:%a %d %b}" if d["date"] else "",
                d["calls"],
                f"({d['holiday']})" if d["holiday"] else "#" * d["calls"],
            )
            for d in days
        ]
        echo_table(("week", "day", "calls", f"load (cap {per_day})"), rows)


@click.command()
@click.argument("prospect", type=ID)
@click.option(
    "--outcome", type=click.Choice([o.value for o in Outcome]), help="What came of the call."
)
@click.option("--note", default="", help="What was said; shown on the next call.")
@click.option(
    "--gatekeeper",
    default="",
    metavar="NAME",
    help='Who answered instead: "Tom, her assistant"; remembered for every later call.',
)
@click.option("--callback", type=DATE, help="A day the assistant said to call back (gatekeeper).")
@click.option(
    "--referred",
    multiple=True,
    metavar='"NAME, COMPANY"',
    help="Who they referred you to (reached or meeting; repeatable): a new prospect at "
    "priority 1, since a referral is the warmest lead, and they become a networking contact.",
)
@pass_app
def log(
    app: App,
    prospect: int,
    outcome: str | None,
    note: str,
    gatekeeper: str,
    callback: datetime | None,
    referred: tuple[str, ...],
) -> None:
    """Record a call's outcome and schedule the next step; without --outcome, show the history.

    \b
    Outcomes and what follows:
      reached      next call in call_every_days (30); an information gift before the 3rd talk;
                   --referred "Name, Company": a priority-1 prospect referred by them
      voicemail    retry in retry_after_days business days; after max_unanswered (4) in a row,
      no-answer    a short note instead, and the next round at the 30-day cadence
      gatekeeper   remembers --gatekeeper; calls back on --callback, else like a voicemail
      meeting      interview stage: prospecting calls stop (then `campaign meeting`)
      declined     no more calls or letters, unless `campaign reopen ID`
      hired        congratulations: everything outstanding is cancelled
      offer        after interviews: closes every task for the company and its interviewers

    \b
    Example:
      campaign log 12 --outcome gatekeeper --gatekeeper "Tom, her assistant" --callback 2026-11-24
      campaign log 12 --outcome reached --note "budget opens in January"
      campaign log 12 --outcome reached --referred "Jane Roe, Beta Corp"
      campaign log 12                      # the call history
    """
    if outcome is None:
        check_referred(outcome, referred)
        return _history(app, prospect)
    logged = log_call(
        app.store,
        app.settings,
        app.today,
        prospect,
        outcome,
        note=note,
        gatekeeper=gatekeeper,
        callback=callback.date() if callback else None,
        referred=referred,
    )
    click.echo(_logged_line(app, prospect, logged))
    if logged.step.suggestion:
        click.echo(f"Suggestion: {logged.step.suggestion}.")
    if outcome == Outcome.MEETING:
        click.echo(
            f'Once it is held: `campaign meeting {prospect} --on DATE --with "Name, Title"` '
            "schedules the thank-yous and the follow-up calls."
        )
    if logged.referred is not None:
        _referred(app, logged.referred)
    return None


def _logged_line(app: App, prospect_id: int, logged: Logged) -> str:
    """``Logged voicemail for prospect 12 (Acme), attempt 2.`` and the next step."""
    call, step, task = logged.call, logged.step, logged.task
    company = app.store.get_prospect(prospect_id).company
    who = f"prospect {prospect_id} ({company})"
    head = f"Logged {call.outcome} for {who}, attempt {call.attempt}."
    if task is None:
        return f"{head}\nNext: {step.message}."
    why = f"; {step.moved}" if step.moved else ""
    if step.due is not None and task.due > step.due and not step.exact:
        why = f"; {step.due:%a %d %b} is full"  # calls_per_day
    return f"{head}\nNext: {step.message} on {task.due:%a %d %b %Y} (attempt {task.attempt}{why})."


def _referred(app: App, referred: Referred) -> None:
    giver = referred.contact
    credited = any(
        app.store.get_prospect(pid).referred_by == giver.id for pid, _ in referred.prospects
    )
    if referred.contact_is_new:
        click.echo(
            f"{giver.display_name} is now networking contact {giver.id}"
            + (
                ": on your catch-up calls, tell them what became of the referral."
                if credited
                else "."
            )
        )
    for prospect_id, is_new in referred.prospects:
        p = app.store.get_prospect(prospect_id)
        if is_new:
            click.echo(
                f"Referral: new prospect {p.id}, {p.contact} at {p.company} (priority 1), "
                f"referred by contact {giver.id}."
            )
        elif p.referred_by in (None, giver.id):
            click.echo(
                f"Referral: {p.contact} at {p.company} is prospect {p.id} already; "
                f"now referred by contact {giver.id}."
            )
        else:
            click.echo(
                f"Referral: {p.contact} at {p.company} is prospect {p.id} already, referred "
                f"first by contact {p.referred_by}, who keeps the credit."
            )
    if any(is_new for _, is_new in referred.prospects):
        click.echo("Next: add their address or email to your list and `campaign import` it.")


def _history(app: App, prospect_id: int) -> None:
    prospect = app.store.get_prospect(prospect_id)
    history = app.store.call_history(prospect_id)
    task = app.store.open_call(prospect_id)
    echo_table(
        ("date", "#", "outcome", "gatekeeper", "callback", "note"),
        [(c.called_on, c.attempt, c.outcome, c.gatekeeper, c.callback, c.note) for c in history],
        title=f"{prospect.contact}, {prospect.company} ({prospect.status})",
        caption="No calls logged yet." if not history else None,
    )
    if task is not None:
        click.echo(f"Next call: {task.due.isoformat()} (attempt {task.attempt}): {task.reason}")


@click.command()
@click.argument("prospect", type=ID)
@pass_app
def reopen(app: App, prospect: int) -> None:
    """Make a declined or closed prospect active again, with a call on the next business day.

    \b
    Example:
      campaign reopen 12
    """
    task = reopen_prospect(app.store, app.settings, app.today, prospect)
    click.echo(f"Prospect {prospect} is active again; next call {task.due.isoformat()}.")
