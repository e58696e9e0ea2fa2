"""``campaign agenda, campaign done, campaign notes``: everything due, and marking it done."""

from __future__ import annotations

import click

from campaign.agenda import AgendaItem, to_ics
from campaign.agenda import agenda as build
from campaign.cli.app import App, pass_app
from campaign.cli.output import Col, echo_json, echo_table, echo_wrapped, format_option
from campaign.cli.params import DUE
from campaign.clock import due_until
from campaign.notecards import open_note_cards, write_note_cards
from campaign.winddown import hired_words
from campaign.wording import counted, due_word, task_ref


@click.command()
@click.option(
    "--due", type=DUE, default="today", help="today (with overdue), week, all or YYYY-MM-DD."
)
@format_option("json", "ics", help="json for scripts; ics: a calendar on stdout.")
@click.option("--drafts", is_flag=True, help="Also print each email and note drafted.")
@pass_app
def agenda(app: App, due: str, fmt: str, drafts: bool) -> None:
    """Everything to do: calls, emails to send, notes to write, letters to post.

    Overdue and today's tasks come first, one line each, starting with the command that
    closes it: `done T7` (T7 is a task), `log 12` after a call (12 is the prospect),
    `edit 12` once you have found a phone number, `meeting 12` once a meeting is held.

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
            AGENDA_COLUMNS,
            [
                (
                    i.command or "-",
                    due_word(i.due, app.today),
                    i.short or i.what,
                    i.who,
                    i.company,
                    i.reach,
                    i.reason,
                )
                for i in items
            ],
        )
        echo_wrapped([("", _agenda_caption(app, items))])
        for item in items if drafts else []:
            if item.draft:
                ref = task_ref(item.task_id) if item.task_id is not None else ""
                click.echo(f"\n--- {ref}: {item.what} to {item.who} ---")
                if item.subject:
                    click.echo(f"Subject: {item.subject}\n")
                click.echo(item.draft, nl=False)


# The agenda's columns at the screen's width: the command and the day never shorten.
AGENDA_COLUMNS = (
    Col("do", keep=True),
    Col("due", keep=True),
    Col("what", least=12),
    Col("for", least=10),
    Col("company", least=8, drop=2),
    Col("phone / email", least=14),
    Col("why", least=10, drop=1),
)

# What each command of a row does, for the caption (only those on the agenda are named).
_LEGEND = {
    "done": "`campaign done T7` once a task is done",
    "log": "`campaign log 12 --outcome ...` after a call or an offer's answer",
    "edit": "`campaign edit 12 --phone NUMBER` once you have found the number",
    "meeting": '`campaign meeting 12 --on DATE --with "Name, Title"` once a meeting is held',
}


def _agenda_caption(app: App, items: list[AgendaItem]) -> str:
    wound = app.store.current_wind_down()
    hired = (
        f"{hired_words(wound.company, wound.hired_on)}: the campaign is wound down. "
        if wound is not None
        else ""
    )
    if not items:
        return f"{hired}Nothing due."
    verbs = {i.command.split()[0] for i in items if i.command}
    said = "; ".join(text for verb, text in _LEGEND.items() if verb in verbs)
    return (
        f"{hired}{counted(len(items), 'thing')} to do. Each row starts with the command "
        f"that closes it (T7 is a task, a bare 12 a prospect): {said}."
    )


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
