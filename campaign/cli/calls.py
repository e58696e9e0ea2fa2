"""``campaign calls, campaign log, campaign reopen``: the follow-up calls."""

from __future__ import annotations

from datetime import datetime

import click

from campaign import callsheet
from campaign.cli.app import App, pass_app
from campaign.cli.output import Col, echo_csv, echo_json, echo_table, echo_wrapped, format_option
from campaign.cli.params import DATE, DUE, ID
from campaign.clock import BusinessCalendar, due_until
from campaign.followup import check_referred, check_respond_by, log_call
from campaign.followup import reopen as reopen_prospect
from campaign.followup import resume as resume_campaign
from campaign.models import Logged, Outcome, Referred, Task, TaskKind, WoundDown
from campaign.record import story
from campaign.winddown import hired_words
from campaign.wording import counted, noun, task_ref


@click.command()
@click.option(
    "--due",
    type=DUE,
    default="today",
    show_default=True,
    help="today (with overdue calls), week, all, or a date YYYY-MM-DD.",
)
@format_option(
    "csv",
    "json",
    "ics",
    "pdf",
    help="ics: a calendar on stdout; pdf: a printable sheet under output/.",
)
@click.option(
    "--long", "long_", is_flag=True, help="Each call in full: talking points, notes, history."
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
def calls(app: App, due: str, fmt: str, long_: bool, show_plan: bool, weeks: int) -> None:
    """The follow-up calls due: a call sheet to work from, oldest first.

    One line per call: the command for after it (`log 12`: 12 is the prospect), when,
    who, the phone, the attempt and why. After each call, record what came of it with
    `campaign log ID --outcome ...`; --long adds the talking points and the history.

    \b
    Example:
      campaign calls                      # today's calls, overdue ones first
      campaign calls --long               # with what to say and what was said before
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
    elif long_:
        for index, line in enumerate(lines):
            if index:
                click.echo("")
            echo_wrapped(callsheet.long_lines(line, app.today))
        if lines:
            click.echo("")
        echo_wrapped([("", _calls_caption(app, lines, long_))])
    else:
        echo_table(CALL_COLUMNS, callsheet.table_rows(lines, app.today))
        echo_wrapped([("", _calls_caption(app, lines, long_))])
    return None


# The call sheet's columns at the screen's width: what identifies the call never shortens.
CALL_COLUMNS = (
    Col("do", keep=True),
    Col("due", keep=True),
    Col("name", least=10),
    Col("company", least=10),
    Col("phone", keep=True),
    Col("#", keep=True, justify="right"),
    Col("why", least=12),
)


def _calls_caption(app: App, lines: list[callsheet.CallLine], long_: bool) -> str:
    if not lines:
        return f"No calls due{_wound_down(app)}."
    more = "" if long_ else "; `campaign calls --long` for what to say and the history"
    return (
        f"{counted(len(lines), 'call')}. After each, `campaign log ID --outcome ...` as its "
        f"row says (`{callsheet.command(lines[0])}` is prospect {lines[0].prospect_id}){more}."
    )


def _wound_down(app: App) -> str:
    wind_down = app.store.current_wind_down()
    if wind_down is None:
        return ""
    hired = hired_words(wind_down.company, wind_down.hired_on)
    return (
        f": {hired[0].lower()}{hired[1:]}, so the campaign is wound down "
        "(`campaign resume` if the job falls through)"
    )


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
@click.option(
    "--respond-by", type=DATE, help="With --outcome offer: the day you must answer it by."
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
    respond_by: datetime | None,
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
      hired        congratulations: the campaign winds down (no more letters or
                   prospecting calls; withdraw from other interviews, tell your
                   contacts); `campaign resume` if the job falls through
      offer        after interviews: closes every task for the company and its interviewers;
                   --respond-by DATE puts the day to answer it on the agenda

    Without --outcome: the prospect's whole story, oldest first (letters, calls,
    meetings, people met, tasks, decisions) and the next step.

    \b
    Example:
      campaign log 12 --outcome gatekeeper --gatekeeper "Tom, her assistant" --callback 2026-11-24
      campaign log 12 --outcome reached --note "budget opens in January"
      campaign log 12 --outcome reached --referred "Jane Roe, Beta Corp"
      campaign log 12 --outcome offer --respond-by 2026-12-04
      campaign log 12                      # the whole story
    """
    if outcome is None:
        check_referred(outcome, referred)
        check_respond_by(respond_by.date() if respond_by else None, False, app.today)
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
        respond_by=respond_by.date() if respond_by else None,
    )
    click.echo(_logged_line(app, prospect, logged))
    if respond_by is not None:
        click.echo(f"The offer's deadline is on the agenda: answer by {respond_by:%a %d %b %Y}.")
    if logged.wound_down is not None:
        _wound_down_lines(logged.wound_down)
    if logged.step.suggestion:
        click.echo(f"Suggestion: {logged.step.suggestion}.")
    if outcome == Outcome.MEETING:
        click.echo(
            f"Put it on the agenda: `campaign meeting {prospect} --on DATE --at HH:MM`; "
            f'once it is held, `campaign meeting {prospect} --on DATE --with "Name, Title"` '
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


def _wound_down_lines(wound: WoundDown) -> None:
    """What the hire's wind-down did, and what is left to do."""
    click.echo(
        f"The campaign winds down: {counted(wound.closed, 'other prospect')} closed, so no "
        f"more letters or prospecting calls ({counted(wound.cancelled, 'open task')} "
        "cancelled)."
    )
    if wound.withdrawals:
        click.echo(
            f"  {counted(len(wound.withdrawals), 'interview process', 'interview processes')} "
            f"to withdraw from politely: {_refs(wound.withdrawals)}"
        )
    if wound.news:
        click.echo(
            f"  {counted(len(wound.news), 'networking contact')} to tell the news and thank: "
            f"{_refs(wound.news)}"
        )
    if wound.withdrawals or wound.news:
        first = task_ref((wound.withdrawals + wound.news)[0].id)
        click.echo(
            f"Next: `campaign agenda --drafts` shows each note drafted; `campaign done {first}` "
            "after each. If the job falls through, `campaign resume` undoes the wind-down."
        )
    else:
        click.echo("If the job falls through, `campaign resume` undoes the wind-down.")


def _refs(tasks: list[Task]) -> str:
    return ", ".join(task_ref(t.id) for t in tasks)


def _history(app: App, prospect_id: int) -> None:
    prospect = app.store.get_prospect(prospect_id)
    entries = story(app.store, prospect_id)
    click.echo(
        f"Prospect {prospect.id}: {prospect.contact}, {prospect.company} ({prospect.status})"
    )
    if not entries:
        click.echo("Nothing recorded yet.")
    echo_wrapped((f"  {e.on:%d %b %Y}  {e.kind:<8}  ", _with_ref(e.text, e.ref)) for e in entries)
    task = app.store.open_call(prospect_id)
    if task is not None:
        click.echo(
            f"Next call: {task.due:%a %d %b %Y} (attempt {task.attempt}): {task.reason}; "
            f"then `campaign log {prospect_id} --outcome ...`"
        )


def _with_ref(text: str, ref: str) -> str:
    return f"{ref}: {text}" if ref else text


@click.command()
@click.argument("prospect", type=ID)
@pass_app
def reopen(app: App, prospect: int) -> None:
    """Make a declined or closed prospect active again, with a call on the next business day.

    Reopening the prospect that hired you undoes the hire (as `campaign resume` does)
    and makes them a prospect again.

    \b
    Example:
      campaign reopen 12
    """
    wound = app.store.current_wind_down()
    task = reopen_prospect(app.store, app.settings, app.today, prospect)
    if wound is not None and wound.prospect_id == prospect:
        click.echo(f"The hire at {wound.company} is undone: the campaign goes on.")
    if task.kind == TaskKind.RESEARCH:
        click.echo(
            f"Prospect {prospect} is active again; it has no phone number: find one "
            f"({task_ref(task.id)}), then `campaign edit {prospect} --phone NUMBER` "
            "places the call."
        )
        return
    click.echo(f"Prospect {prospect} is active again; next call {task.due.isoformat()}.")


@click.command()
@pass_app
def resume(app: App) -> None:
    """Undo a hire's wind-down: the search goes on where it stood.

    For a job that fell through: the prospects the hire closed are open again (except
    those you have withdrawn from), their calls and tasks come back on the first days
    with room, and the withdrawals and thank-yous not yet done are cancelled.

    \b
    Example:
      campaign resume
    """
    done = resume_campaign(app.store, app.settings, app.today)
    wound = done.wind_down
    click.echo(
        f"The campaign resumes: the wind-down after the hire at {wound.company} "
        f"({wound.hired_on:%d %b %Y}) is undone."
    )
    click.echo(
        f"  {counted(done.restored, 'prospect')} open again, {counted(done.reopened, 'task')} "
        f"back on the agenda, {counted(done.cancelled, 'wind-down task')} cancelled."
    )
    if done.withdrawn:
        click.echo(
            f"  Closed still (you withdrew): {noun(len(done.withdrawn), 'prospect')} "
            + ", ".join(str(i) for i in done.withdrawn)
            + "."
        )
    click.echo(
        f"Prospect {wound.prospect_id} ({wound.company}) is closed; `campaign reopen "
        f"{wound.prospect_id}` if you are still in touch. Next: `campaign status`."
    )
