"""``campaign agenda, campaign done, campaign notes``: everything due, and marking it done."""

from __future__ import annotations

import click

from campaign.agenda import ACTIONS, to_ics
from campaign.agenda import agenda as build
from campaign.cli.app import App, pass_app
from campaign.cli.output import echo_json, echo_table
from campaign.cli.params import DUE, ID
from campaign.clock import due_until
from campaign.models import Decision
from campaign.notecards import open_note_cards, write_note_cards
from campaign.tasks import finish_task
from campaign.wording import counted


@click.command()
@click.option(
    "--due", type=DUE, default="today", help="today (with overdue), week, all or YYYY-MM-DD."
)
@click.option("--format", "fmt", type=click.Choice(["table", "json", "ics"]), default="table")
@click.option("--drafts", is_flag=True, help="Also print each email and note drafted.")
@pass_app
def agenda(app: App, due: str, fmt: str, drafts: bool) -> None:
    """Everything to do: calls, emails to send, notes to write, letters to post.

    Overdue and today's tasks come first. Mark each one done with `campaign done ID`.

    \b
    Example:
      campaign agenda --due week --drafts
      campaign agenda --format ics > agenda.ics
    """
    items = build(app.store, app.today, due)
    if fmt == "json":
        echo_json([i.as_json() for i in items])
    elif fmt == "ics":
        click.echo(to_ics(items, app.today).decode("utf-8"), nl=False)
    else:
        echo_table(
            ["Task", "Due", "Do", "For", "Company", "Phone / email", "Why"],
            [(i.task_id or "", i.due, i.what, i.who, i.company, i.reach, i.reason) for i in items],
            caption=(
                "`campaign done TASK` after each; a call is logged with "
                "`campaign log PROSPECT --outcome ...`"
                if items
                else "Nothing due."
            ),
        )
        for item in items if drafts else []:
            if item.draft:
                click.echo(f"\n--- task {item.task_id}: {item.what} to {item.who} ---")
                if item.subject:
                    click.echo(f"Subject: {item.subject}\n")
                click.echo(item.draft, nl=False)


@click.command()
@click.argument("task_id", type=ID)
@click.option("--note", default="", help="What you did or heard.")
@click.option(
    "--decision",
    type=click.Choice([Decision.OFFER.value, Decision.DECLINED.value]),
    help="The company decided: closes every open task for it and its interviewers.",
)
@pass_app
def done(app: App, task_id: int, note: str, decision: str | None) -> None:
    """Mark a task done: it leaves the agenda (calls to prospects use `campaign log`).

    A status call that brings an offer (or a no) closes the loop with --decision.

    \b
    Example:
      campaign done 7 --note "emailed from my phone"
      campaign done 12 --decision offer --note "offer letter on Friday"
    """
    task, nxt = finish_task(app.store, app.settings, app.today, task_id, note, decision)
    click.echo(f"Task {task.id} done.")
    if decision is not None:
        click.echo(f"Decision {decision}: every open task for prospect {task.prospect_id} closed.")
    if nxt is not None:
        click.echo(f"Next {ACTIONS[nxt.kind].lower()}: task {nxt.id} due {nxt.due}.")


@click.command()
@click.option(
    "--due", type=DUE, default="all", help="Notes due by: today, week, all or YYYY-MM-DD."
)
@pass_app
def notes(app: App, due: str) -> None:
    """Print the thank-you notes still to write as note cards (a PDF under output/notes/).

    \b
    Example:
      campaign notes --due week
    """
    cards = open_note_cards(app.store, due_until(due, app.today))
    if not cards:
        click.echo("No notes to write.")
        return
    path = write_note_cards(cards, app.settings.output_dir, app.today)
    click.echo(f"Wrote {counted(len(cards), 'note card')} to {path}")
