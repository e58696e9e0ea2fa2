"""``campaign meeting``: record a meeting and its thank-yous."""

from __future__ import annotations

from datetime import date, datetime

import click

from campaign.agenda import ACTIONS
from campaign.cli.app import App, pass_app
from campaign.cli.params import DATE, ID
from campaign.interview import MeetingRequest, record_meeting
from campaign.models import Task
from campaign.notecards import NoteCard, open_note_cards, write_note_cards


def _day(value: datetime | None) -> date | None:
    return value.date() if value is not None else None


@click.command()
@click.argument("prospect", type=ID)
@click.option("--on", "held_on", type=DATE, required=True, help="The day of the meeting.")
@click.option(
    "--with",
    "people",
    multiple=True,
    required=True,
    help='A person met: "Ms. Ana Ruiz, VP Sales" (at least one; repeatable).',
)
@click.option("--interest", multiple=True, help='A point of connection: "Ana Ruiz: quilting".')
@click.option("--discussed", multiple=True, help='What you discussed: "Ana Ruiz: the Q3 backlog".')
@click.option("--gift", multiple=True, help='An information gift: "Ana Ruiz: article on quilts".')
@click.option("--email", multiple=True, help='From the business card: "Ana Ruiz: ana@acme.com".')
@click.option("--phone", multiple=True, help='From the business card: "Ana Ruiz: +1 555 0100".')
@click.option("--note", default="", help="What happened, in your words.")
@click.option("--next-steps", default="", help="The next steps and timeline you were given.")
@click.option("--decision-by", type=DATE, help="When they expect to decide: sets the status call.")
@click.option("--standing", default="", help="Where you stand against the other candidates.")
@click.option(
    "--objection",
    "objections",
    multiple=True,
    help='A concern someone raised: "Bo Chen: no WMS experience"; without a name, with '
    "several people met, one raised by the meeting: every note takes it up.",
)
@click.option(
    "--answer",
    "answers",
    multiple=True,
    help='Your answer to an objection, one sentence: "Bo Chen: I ran a WMS rollout".',
)
@click.option("--fit", default="", help="One sentence on why you fit, restated in every note.")
@click.option("--referred-by", type=ID, help="The networking contact (id) who led you here.")
@click.option("--print", "print_cards", is_flag=True, help="Also write the note cards PDF.")
@pass_app
def meeting(
    app: App,
    prospect: int,
    held_on: datetime,
    people: tuple[str, ...],
    interest: tuple[str, ...],
    discussed: tuple[str, ...],
    gift: tuple[str, ...],
    email: tuple[str, ...],
    phone: tuple[str, ...],
    objections: tuple[str, ...],
    answers: tuple[str, ...],
    decision_by: datetime | None,
    referred_by: int | None,
    print_cards: bool,
    **text: str,
) -> None:
    """Record a meeting and schedule a distinct thank-you to everyone met.

    Each person met gets a thank-you email (due the same day) and a handwritten
    note (due the next business day), drafted from templates/thank_you_email.txt
    and thank_you_note.txt; a status call follows a week later, or the business
    day after --decision-by. Options for one person start with their name
    (--interest, --discussed, --gift, --email, --phone, --objection, --answer); with
    one person met it may be left out. An --objection without a name, with several
    people met, was raised by the meeting as a whole: each note takes it up without
    saying its reader raised it.

    \b
    Example:
      campaign meeting 12 --on 2026-11-16 \\
        --with "Ms. Ana Ruiz, VP Sales" --with "Bo Chen, CFO" \\
        --interest "Ana Ruiz: quilting" --discussed "Bo Chen: the month-end close backlog" \\
        --gift "Ana Ruiz: an article on the Gee's Bend quilters" --decision-by 2026-11-27
    """
    request = MeetingRequest(
        prospect_id=prospect,
        held_on=held_on.date(),
        people=people,
        interests=interest,
        discussed=discussed,
        gifts=gift,
        emails=email,
        phones=phone,
        objections=objections,
        answers=answers,
        decision_by=_day(decision_by),
        referred_by=referred_by,
        **text,
    )
    plan, saved = record_meeting(app.store, app.settings, app.today, request)
    click.echo(f"Recorded meeting {saved.meeting.id} with {plan.company} on {plan.held_on}.")
    _echo_tasks(saved.tasks)
    if plan.second_meeting:
        names = plan.second_meeting
        whose = names[0] if len(names) == 1 else f"{', '.join(names[:-1])} and {names[-1]}"
        notes = "the note to" if len(names) == 1 else "the notes to"
        verb = "proposes" if len(names) == 1 else "propose"
        click.echo(f"A problem came up: {notes} {whose} {verb} a second meeting.")
    if print_cards:
        cards = _cards_of(app, [t.id for t in saved.tasks])
        if cards:
            path = write_note_cards(cards, app.settings.output_dir, app.today)
            click.echo(f"Note cards: {path}")
    click.echo(
        "Next: `campaign agenda --drafts` shows each draft, `campaign notes` prints the "
        "note cards; `campaign done ID` after each."
    )


def _cards_of(app: App, task_ids: list[int]) -> list[NoteCard]:
    return [c for c in open_note_cards(app.store, None) if c.task_id in task_ids]


def _echo_tasks(tasks: list[Task]) -> None:
    for task in tasks:
        who = task.detail.get("person", "")
        what = ACTIONS.get(task.kind, task.kind)
        click.echo(f"  task {task.id}: {what} due {task.due}" + (f" for {who}" if who else ""))
