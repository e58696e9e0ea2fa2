"""``campaign meeting``: record a meeting and its thank-yous; correct or remove one."""

from __future__ import annotations

from datetime import date, datetime

import click

from campaign.agenda import ACTIONS
from campaign.cli.app import App, pass_app
from campaign.cli.params import DATE, ID, TIME
from campaign.interview import MeetingRequest, is_planned, plan_ahead, record_meeting
from campaign.meeting_changes import edit_meeting, remove_meeting
from campaign.models import Task, TaskKind
from campaign.notecards import NoteCard, open_note_cards, write_note_cards
from campaign.wording import task_ref


def _day(value: datetime | None) -> date | None:
    return value.date() if value is not None else None


class _RecordByDefault(click.Group):
    """``campaign meeting 12 --on ...`` records (as ``meeting record``); edit/remove correct."""

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        if args and args[0] not in self.commands and args[0] not in ctx.help_option_names:
            args = ["record", *args]
        return super().parse_args(ctx, args)


@click.group(cls=_RecordByDefault)
def meeting() -> None:
    """Record a meeting and schedule a distinct thank-you to everyone met.

    `campaign meeting PROSPECT --on DAY --with NAME ...` records one (the same as
    `campaign meeting record ...`); `meeting edit ID` corrects it (its thank-yous and
    status call move with its day) and `meeting remove ID` takes back one recorded by
    mistake.

    \b
    Example:
      campaign meeting 12 --on 2026-11-16 --with "Ms. Ana Ruiz, VP Sales"
      campaign meeting edit 3 --on 2026-11-13
      campaign meeting remove 3
    """


@meeting.command("record")
@click.argument("prospect", type=ID)
@click.option(
    "--on", "held_on", type=DATE, required=True, help="The day of the meeting (later: planned)."
)
@click.option(
    "--at", "at", type=TIME, help="The hour of a meeting still to come: on the agenda at it."
)
@click.option(
    "--with",
    "people",
    multiple=True,
    help='A person met: "Ms. Ana Ruiz, VP Sales" (at least one once held; repeatable).',
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
def meeting_record(
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
    at: str | None,
    **text: str,
) -> None:
    """Record a meeting and schedule a distinct thank-you to everyone met.

    A meeting on a later day (or later today --at an hour) is planned instead: it goes
    on the agenda and in its calendar file on its day and hour, with a reminder, and
    prospecting calls stop; record it with --with once it is held.

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
      campaign meeting 12 --on 2027-01-14 --at 10:00     # agreed on a call: planned
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
        at=at or "",
        **text,
    )
    if is_planned(request, app.today):
        return _planned(app, request)
    if not people:  # a meeting held names everyone met (a planned one need not)
        ctx = click.get_current_context()
        with_ = next(p for p in ctx.command.params if p.name == "people")
        raise click.MissingParameter(ctx=ctx, param=with_)
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
    first = next((t for t in saved.tasks if t.kind != TaskKind.STATUS_CALL), None)
    click.echo(
        "Next: `campaign agenda --drafts` shows each draft, `campaign notes` prints the "
        f"note cards; `campaign done {task_ref(first.id) if first else 'T1'}` after each."
    )


def _planned(app: App, request: MeetingRequest) -> None:
    planned = plan_ahead(app.store, app.settings, app.today, request)
    task = planned.task
    when = f"{task.due:%a %d %b %Y}" + (f" at {request.at}" if request.at else "")
    if planned.moved_from == task.due and planned.moved_from_at == request.at:
        click.echo(f"The meeting with {planned.company} on {when} is on the agenda already.")
    elif planned.moved_from is not None:
        before = f"{planned.moved_from:%a %d %b}" + (
            f" at {planned.moved_from_at}" if planned.moved_from_at else ""
        )
        click.echo(f"Moved the meeting with {planned.company} to {when} (from {before}).")
    else:
        click.echo(f"Planned a meeting with {planned.company} on {when}.")
    click.echo(
        f"  task {task_ref(task.id)}: on the agenda and in `campaign agenda --format ics` "
        "(with a reminder); prospecting calls stop."
    )
    click.echo(
        f"Once it is held: `campaign meeting {request.prospect_id} --on "
        f'{task.due.isoformat()} --with "Name, Title"` schedules the thank-yous.'
    )


def _cards_of(app: App, task_ids: list[int]) -> list[NoteCard]:
    return [c for c in open_note_cards(app.store, None) if c.task_id in task_ids]


def _echo_tasks(tasks: list[Task]) -> None:
    for task in tasks:
        who = task.detail.get("person", "")
        what = ACTIONS.get(task.kind, task.kind)
        click.echo(
            f"  task {task_ref(task.id)}: {what} due {task.due}" + (f" for {who}" if who else "")
        )


@meeting.command("edit")
@click.argument("meeting_id", metavar="MEETING", type=int)
@click.option("--on", "held_on", type=DATE, help="The day it really was.")
@click.option("--note", help="What happened, in your words.")
@click.option("--next-steps", help="The next steps and timeline you were given.")
@click.option("--decision-by", type=DATE, help="When they expect to decide: sets the status call.")
@click.option("--standing", help="Where you stand against the other candidates.")
@pass_app
def meeting_edit(
    app: App,
    meeting_id: int,
    held_on: datetime | None,
    decision_by: datetime | None,
    **text: str | None,
) -> None:
    """Correct a recorded meeting; its open thank-yous and status call follow a new day.

    \b
    Example:
      campaign meeting edit 3 --on 2026-11-13 --decision-by 2026-11-27
    """
    values = {"held_on": _day(held_on), "decision_by": _day(decision_by), **text}
    change = edit_meeting(app.store, app.settings, app.today, meeting_id, values)
    if not change.changed:
        click.echo(f"Meeting {meeting_id}: nothing changed.")
        return
    names = ", ".join(n.replace("_", " ") for n in change.changed)
    click.echo(f"Meeting {meeting_id} (prospect {change.prospect_id}): {names} changed.")
    _echo_tasks(change.moved)


@meeting.command("remove")
@click.argument("meeting_id", metavar="MEETING", type=int)
@pass_app
def meeting_remove(app: App, meeting_id: int) -> None:
    """Remove a meeting recorded by mistake: its open thank-yous and status call are cancelled.

    \b
    Example:
      campaign meeting remove 3
    """
    change = remove_meeting(app.store, app.settings, app.today, meeting_id)
    click.echo(
        f"Removed meeting {meeting_id} of prospect {change.prospect_id}; "
        f"{change.cancelled} open {'task' if change.cancelled == 1 else 'tasks'} cancelled."
    )
    if change.call is not None:
        click.echo(f"Back to prospecting: a follow-up call on {change.call.due}.")
