"""``campaign meeting, contact, agenda, done, notes``: interview follow-up and networking."""

from __future__ import annotations

from datetime import date, datetime
from typing import TYPE_CHECKING

import click

from campaign.cli.app import App, pass_app
from campaign.cli.output import echo_json, echo_table
from campaign.cli.params import DATE, DUE

if TYPE_CHECKING:
    from campaign.models import Task
    from campaign.notecards import NoteCard


def _day(value: datetime | None) -> date | None:
    return value.date() if value is not None else None


@click.command()
@click.argument("prospect", type=int)
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
@click.option("--referred-by", type=int, help="The networking contact (id) who led you here.")
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
    from campaign.interview import MeetingRequest, record_meeting
    from campaign.notecards import write_note_cards

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
    from campaign.notecards import open_note_cards

    return [c for c in open_note_cards(app.store, None) if c.task_id in task_ids]


def _echo_tasks(tasks: list[Task]) -> None:
    from campaign.agenda import ACTIONS

    for task in tasks:
        who = task.detail.get("person", "")
        what = ACTIONS.get(task.kind, task.kind)
        click.echo(f"  task {task.id}: {what} due {task.due}" + (f" for {who}" if who else ""))


@click.group()
def contact() -> None:
    """Networking contacts: people who are not hiring authorities, called every six weeks.

    \b
    Example:
      campaign contact add "Dana Lee" --company "Lee & Co" --phone "+1 217 555 0199"
      campaign contact list
      campaign contact refer 3 12     # contact 3 gave you prospect 12
    """


@contact.command("add")
@click.argument("name")
@click.option("--company", default="", help="Where they work.")
@click.option("--phone", default="", help="Their phone number.")
@click.option("--email", default="", help="Their email address.")
@click.option("--note", default="", help="How you know them, what they offered.")
@click.option("--referred-by", type=int, help="The contact (id) who introduced you.")
@pass_app
def contact_add(
    app: App, name: str, company: str, phone: str, email: str, note: str, referred_by: int | None
) -> None:
    """Add a networking contact and schedule the first catch-up call.

    \b
    Example:
      campaign contact add "Dana Lee" --company "Lee & Co" --email dana@lee.example
    """
    from campaign.interview import add_contact

    person, task = add_contact(
        app.start_store(),
        app.settings,
        app.today,
        name,
        company=company,
        phone=phone,
        email=email,
        notes=note,
        referred_by=referred_by,
    )
    click.echo(f"Added contact {person.id}: {person.display_name}; first catch-up call {task.due}.")


@contact.command("list")
@click.option("--format", "fmt", type=click.Choice(["table", "json"]), default="table")
@pass_app
def contact_list(app: App, fmt: str) -> None:
    """List contacts: networking contacts and the people met at interviews.

    Referrals shows what became of each prospect or contact the person referred.

    \b
    Example:
      campaign contact list --format json
    """
    import dataclasses

    from campaign.agenda import referral_news

    people = app.store.list_contacts()
    news = {c.id: referral_news(app.store, c.id) for c in people}
    if fmt == "json":
        echo_json(
            [
                {**dataclasses.asdict(c), "display_name": c.display_name, "referrals": news[c.id]}
                for c in people
            ]
        )
        return
    echo_table(
        ["ID", "Name", "Kind", "Title", "Company", "Phone", "Email", "Interest", "Referrals"],
        [
            (c.id, c.display_name, c.kind, c.title, c.company, c.phone, c.email, c.interest, n)
            for c in people
            for n in [", ".join(news[c.id])]
        ],
    )


@contact.command("refer")
@click.argument("contact_id", type=int)
@click.argument("prospect_id", type=int)
@pass_app
def contact_refer(app: App, contact_id: int, prospect_id: int) -> None:
    """Record that a contact referred a prospect: their catch-up calls report on it.

    \b
    Example:
      campaign contact refer 3 12
    """
    app.store.refer_prospect(contact_id, prospect_id, app.today)
    click.echo(f"Prospect {prospect_id} is recorded as referred by contact {contact_id}.")


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
    from campaign.agenda import agenda as build
    from campaign.agenda import to_ics

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
@click.argument("task_id", type=int)
@click.option("--note", default="", help="What you did or heard.")
@click.option(
    "--decision",
    type=click.Choice(["offer", "declined"]),
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
    from campaign.agenda import ACTIONS
    from campaign.interview import finish_task

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
    from campaign.agenda import due_until
    from campaign.notecards import open_note_cards, write_note_cards
    from campaign.wording import counted

    cards = open_note_cards(app.store, due_until(due, app.today))
    if not cards:
        click.echo("No notes to write.")
        return
    path = write_note_cards(cards, app.settings.output_dir, app.today)
    click.echo(f"Wrote {counted(len(cards), 'note card')} to {path}")


COMMANDS: list[click.Command] = [meeting, contact, agenda, done, notes]
