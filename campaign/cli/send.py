"""``campaign send``."""

from __future__ import annotations

import itertools
import sys
from collections.abc import Callable
from datetime import datetime

import click

from campaign import sending, thanks
from campaign.batches import BATCHES, why_unreachable
from campaign.cli.app import App, pass_app
from campaign.cli.inbox import check_inbox, connect_imap, echo_inbox
from campaign.cli.output import progress
from campaign.cli.params import ID
from campaign.config import Settings, moment
from campaign.errors import InputError, PartialDelivery
from campaign.imap import FilingMailer
from campaign.letters import review_notes
from campaign.mailer import Mailer, open_smtp, smtp_password
from campaign.models import MARKETING
from campaign.sending import Item, SendSummary, describe
from campaign.wording import counted, noun

# The modes of `campaign send` other than a send run: at most one at a time.
MODES = ("unlock", "settle", "resend", "test_to", "thank_yous", "prospect", "dry_run")
# A preview goes with a resend, the thank-yous and one letter to one prospect.
COMPATIBLE = {
    frozenset(("resend", "dry_run")),
    frozenset(("thank_yous", "dry_run")),
    frozenset(("prospect", "dry_run")),
}


def _connector(app: App) -> Mailer:
    smtp = app.settings.smtp
    if smtp is None:
        raise InputError("no [smtp] section in campaign.toml: emails can't be sent")
    prompt = None
    if sys.stdin.isatty():

        def prompt(text: str) -> str:
            return str(click.prompt(text, hide_input=True))

    return open_smtp(smtp, smtp_password(smtp, app.env, prompt))


def _filing(app: App, made: list[FilingMailer]) -> Mailer:
    """The SMTP connection; with [imap] sent_folder, each accepted email filed there too."""
    mailer = _connector(app)
    imap = app.settings.imap
    if imap is None or not imap.sent_folder:
        return mailer
    filing = FilingMailer(mailer, lambda: connect_imap(app), imap.sent_folder)
    made.append(filing)
    return filing


def clock(app: App) -> Callable[[], datetime]:
    """The moment of sending: now, in the local time zone, on the campaign's day."""
    return lambda: moment(app.today, datetime.now().astimezone())


def read_inbox_first(app: App, skip: bool) -> None:
    """With [imap], a run reads the inbox first: a reply or a bounce changes what goes out."""
    if app.settings.imap is not None and not skip:
        echo_inbox(check_inbox(app), brief=True)


def _after(made: list[FilingMailer]) -> None:
    for filing in made:
        if not filing.problem:
            continue
        click.echo(
            f"Note: a copy of each email could not be filed in Sent: {filing.problem}", err=True
        )


@click.command()
@click.option(
    "--batch",
    type=click.Choice(BATCHES),
    default="top20",
    show_default=True,
    help="top20: this week's wave; all: everyone not yet sent this letter.",
)
@click.option("--letter", default=MARKETING, show_default=True, help="The letter to send.")
@click.option(
    "--dry-run", is_flag=True, help="Show what would go to whom; send and record nothing."
)
@click.option("--limit", type=click.IntRange(min=1), help="Send at most N letters this run.")
@click.option("--no-cap", is_flag=True, help="Ignore the weekly cap (needed by --batch all).")
@click.option("--test-to", metavar="ADDRESS", help="Email one sample to ADDRESS; record nothing.")
@click.option("--resend", type=ID, metavar="ID", help="Send a failed or in-doubt send again.")
@click.option(
    "--settle", type=ID, metavar="ID", help="Settle a send in doubt (with --sent/--not-sent)."
)
@click.option("--sent/--not-sent", "arrived", default=None, help="With --settle: did it arrive?")
@click.option(
    "--unlock",
    is_flag=True,
    help="Remove the lock of a run that died (never of one still running).",
)
@click.option("--thank-yous", is_flag=True, help="Send the thank-you emails due after meetings.")
@click.option(
    "--prospect",
    type=int,
    metavar="ID",
    help="Send --letter to this one prospect now (counts in the week's cap).",
)
@click.option("--no-inbox", is_flag=True, help="Don't read [imap] before sending.")
@pass_app
def send(
    app: App,
    batch: str,
    letter: str,
    dry_run: bool,
    limit: int | None,
    no_cap: bool,
    test_to: str | None,
    resend: int | None,
    settle: int | None,
    arrived: bool | None,
    unlock: bool,
    thank_yous: bool,
    prospect: int | None,
    no_inbox: bool,
) -> None:
    """Deliver this week's letters: email where there is an address and [smtp], print the rest.

    Every letter is rendered first; each send is recorded before and after it goes out,
    schedules its first follow-up call, and is never sent twice. Exit 3 when some
    deliveries were deferred, refused or are in doubt (the summary says what to do).

    \b
    Examples:
      campaign send --dry-run              # who would get what, nothing recorded
      campaign send --test-to me@example.com
      campaign send                        # this week's wave, highest priority first
      campaign send --batch all --no-cap   # the one-time mailing to the whole list
      campaign send --settle 12 --sent     # a send in doubt was in your Sent folder
      campaign send --thank-yous           # the thank-you emails after your meetings
      campaign send --prospect 12 --letter cover   # "please send me your resume"
    """
    _one_mode(click.get_current_context())
    request = sending.SendRequest(batch, letter, limit, no_cap, resend, prospect)
    if unlock or settle is not None or arrived is not None:
        _admin(app, settle, arrived, unlock)
    elif thank_yous or (resend is not None and app.store.get_send(resend).is_thank_you):
        send_thanks(app, dry_run=dry_run, resend=resend, skip_inbox=no_inbox)
    elif dry_run:
        _echo_summary(sending.plan_run(app.store, app.settings, app.today, request), app.settings)
        for note in review_notes(app.settings, letter):
            click.echo(f"Note: {note}", err=True)
    elif test_to:
        sample, reply = sending.send_test(
            app.store, app.settings, app.today, request, test_to, lambda: _connector(app)
        )
        click.echo(f"Sent a sample ({letter} letter to {sample.company}) to {test_to}: {reply}")
    else:
        read_inbox_first(app, no_inbox)
        lock = sending.RunLock.for_this_process(datetime.now())  # noqa: DTZ005 - shown as local time
        made: list[FilingMailer] = []
        summary = sending.send_run(
            app.store, app.settings, app.today, request,
            connect=lambda: _filing(app, made), lock=lock, track=progress, clock=clock(app),
        )  # fmt: skip
        if summary.stop is not None:
            if not summary.idle:
                _echo_summary(summary, app.settings)
            raise summary.stop
        _echo_summary(summary, app.settings)
        _after(made)
        if summary.partial:
            raise PartialDelivery(f"not all went through: {summary.problems}; see above")


def _one_mode(ctx: click.Context) -> None:
    """A usage error when two modes are asked for at once: none of them may quietly win."""
    chosen = [name for name in MODES if ctx.params.get(name) not in (None, False)]
    for first, second in itertools.pairwise(chosen):
        if frozenset((first, second)) not in COMPATIBLE:
            spelled = {p.name: p.opts[0] for p in ctx.command.params if p.name}
            raise click.UsageError(
                f"{spelled[first]} and {spelled[second]} can't be used together; "
                "run them one at a time",
                ctx,
            )


def _admin(app: App, settle: int | None, arrived: bool | None, unlock: bool) -> None:
    if unlock:
        me = sending.RunLock.for_this_process(datetime.now())  # noqa: DTZ005 - local, as the lock
        holder = sending.unlock(
            app.store, me, lambda question: click.confirm(question, default=False, err=True)
        )
        click.echo(
            f"Removed the lock of pid {holder.pid} on {holder.host}." if holder else "No lock held."
        )
        return
    if settle is None:
        raise InputError("--sent and --not-sent go with --settle ID (a send in doubt)")
    if arrived is None:
        raise InputError("--settle ID needs --sent (it arrived) or --not-sent (send it again)")
    row, up = sending.settle(app.store, app.settings, settle, sent=arrived)
    if arrived:
        due = f"; first call due {up.due:%a %d %b %Y}" if up and up.due else ""
        click.echo(f"Send {settle} recorded as sent on {row.sent_on}{due}.")
    else:
        click.echo(f"Send {settle} recorded as not sent: the next `campaign send` delivers it.")


def _nothing_sent(summary: SendSummary) -> str:
    """Why a run that had something to do sent no letter, counted (each listed below)."""
    in_doubt = len(summary.unknown) + len(summary.recovered)
    parts = [
        f"{counted(len(summary.unreachable), 'prospect')} no letter can reach"
        if summary.unreachable
        else "",
        f"{counted(len(summary.held), 'email')} waiting for [smtp]" if summary.held else "",
        f"{len(summary.deferred)} deferred by the server" if summary.deferred else "",
        f"{len(summary.failed)} failed" if summary.failed else "",
        f"{in_doubt} in doubt" if in_doubt else "",
    ]
    return ", ".join(p for p in parts if p) + " (see below)"


def _echo_summary(summary: SendSummary, settings: Settings) -> None:
    def block(title: str, items: list[Item], detail: bool = False) -> None:
        if not items:
            return
        click.echo(f"{title}:")
        for item, line in zip(items, describe(items, with_send=detail), strict=True):
            click.echo(f"  {line}" + (f": {item.detail}" if detail and item.detail else ""))

    if summary.wound_down:
        click.echo(
            f"Nothing to send: {summary.wound_down[0].lower()}{summary.wound_down[1:]}, so the "
            "campaign is wound down "
            "(`campaign resume` if the job falls through)."
        )
        return
    if summary.idle:
        if summary.waiting:
            click.echo(
                f"Nothing to send: this week's cap is used ({summary.cap_used} of "
                f"{summary.cap} in {summary.week}); {summary.waiting} waiting for the "
                f"{summary.letter} letter from {summary.next_wave:%a %d %b %Y}."
            )
        else:
            click.echo(
                f"Nothing to send: no active prospect is waiting for the {summary.letter} "
                f"letter (`campaign import` a list, or choose another --letter)."
            )
        return
    for pack, adopted in summary.adopted_packs:
        letters = f"{len(adopted)} {'letter' if len(adopted) == 1 else 'letters'}"
        click.echo(
            f"Would adopt print pack {pack}: a stopped run wrote it whole; its {letters} "
            "would be recorded as printed, not printed again:"
            if summary.dry_run
            else f"Adopted print pack {pack}: a stopped run wrote it whole, so its {letters} "
            f"{'is' if len(adopted) == 1 else 'are'} recorded as printed now, not printed again:"
        )
        for line in describe(adopted):
            click.echo(f"  {line}")
    verb = "Would send" if summary.dry_run else "Sent"
    used = (
        f"({summary.week}: {summary.cap_used} of {summary.cap} used"
        f"{' before this run' if summary.dry_run else ''})"
    )
    if summary.stop is not None:
        click.echo(
            f"Sent {len(summary.emailed)} by email, printed {len(summary.printed)} "
            "before the run stopped."
        )
    elif summary.emailed or summary.printed:
        click.echo(
            f"{verb} {len(summary.emailed)} by email, "
            f"{'would print' if summary.dry_run else 'printed'} {len(summary.printed)} {used}."
        )
    elif not summary.adopted:
        click.echo(f"No letters to send this week {used}: {_nothing_sent(summary)}.")
    block("By email", summary.emailed)
    block("Printed" if not summary.dry_run else "To print", summary.printed)
    if summary.pack is not None:
        click.echo(f"Print pack: {summary.pack} ({', '.join(summary.pack_files)})")
    block(
        "Waiting (deferred earlier; with no [smtp] in campaign.toml now, they stay deferred "
        "until it is back)",
        summary.held,
    )
    block("Deferred by the server (the next `campaign send` retries them)", summary.deferred, True)
    block(
        "Failed (not retried; fix the address, then `campaign send --resend SEND`)",
        summary.failed,
        True,
    )
    in_doubt = summary.unknown + summary.recovered
    block(
        "In doubt (check your Sent folder, then `campaign send --settle SEND --sent` if it "
        "went, or `campaign send --resend SEND` if not)",
        in_doubt,
        True,
    )
    if summary.mailed:
        click.echo(f"Not sent (their address already had the {summary.letter} letter):")
        for prospect, other in summary.mailed:
            click.echo(
                f"  {prospect.company} - {prospect.contact} <{prospect.email}> "
                f"(prospect {prospect.id}; it went to prospect {other})"
            )
    if summary.unreachable:
        cause, fix = why_unreachable(settings)
        click.echo(f"Not sent ({cause}):")
        for prospect in summary.unreachable:
            click.echo(f"  {prospect.company} - {prospect.contact} (prospect {prospect.id})")
        click.echo(f"  To reach them: {fix}.")
    calls = summary.calls
    if calls:
        first = min(c.due for c in calls if c.due)
        last = max(c.due for c in calls if c.due)
        when = (
            f"{first:%a %d %b %Y}" if first == last else f"{first:%a %d %b} to {last:%a %d %b %Y}"
        )
        click.echo(
            f"Next calls: {len(calls)} first follow-up "
            f"{'call' if len(calls) == 1 else 'calls'} due {when}; see `campaign calls --due all`."
        )
    no_phone = [i for i in summary.emailed + summary.printed if not i.prospect.phone.strip()]
    if no_phone:
        ids = ", ".join(str(i.prospect.id) for i in no_phone)
        click.echo(
            f"No phone number for {noun(len(no_phone), 'prospect')} {ids}: "
            + ("their calls wait" if len(no_phone) > 1 else "the call waits")
            + " for one (`campaign agenda` has a task to find each; `campaign edit ID --phone "
            "NUMBER` places the call)."
        )
    if summary.waiting and summary.next_wave and not summary.dry_run and summary.stop is None:
        click.echo(
            f"{summary.waiting} still waiting for the {summary.letter} letter; "
            f"the next wave opens {summary.next_wave:%a %d %b %Y}."
        )


def send_thanks(
    app: App,
    *,
    dry_run: bool = False,
    resend: int | None = None,
    task_id: int | None = None,
    skip_inbox: bool = False,
) -> thanks.ThanksSummary:
    """Send the thank-you emails due (or one task's, or resend one); print what happened."""
    if not dry_run:
        read_inbox_first(app, skip_inbox)
    lock = sending.RunLock.for_this_process(datetime.now())  # noqa: DTZ005 - shown as local time
    made: list[FilingMailer] = []
    summary = thanks.send_thank_yous(
        app.store, app.settings, app.today,
        connect=lambda: _filing(app, made), lock=lock, clock=clock(app),
        task_id=task_id, resend=resend, dry_run=dry_run,
    )  # fmt: skip
    _echo_thanks(summary)
    _after(made)
    if summary.partial:
        raise PartialDelivery(f"not all thank-yous went through: {summary.problems}; see above")
    return summary


def _echo_thanks(summary: thanks.ThanksSummary) -> None:
    def block(title: str, items: list[thanks.ThankYou], detail: bool = False) -> None:
        if items:
            click.echo(f"{title}:")
            for item in items:
                click.echo(
                    f"  {item.line()}" + (f": {item.detail}" if detail and item.detail else "")
                )

    nothing = not (
        summary.sent or summary.deferred or summary.failed or summary.unknown
        or summary.recovered or summary.no_email or summary.waiting
    )  # fmt: skip
    if nothing:
        click.echo("No thank-you email is due (`campaign agenda` lists what is).")
        return
    verb = "Would send" if summary.dry_run else "Sent"
    block(
        f"{verb} {len(summary.sent)} thank-you {'email' if len(summary.sent) == 1 else 'emails'}",
        summary.sent,
    )
    block(
        "Deferred by the server (the next `campaign send --thank-yous` retries them)",
        summary.deferred,
        True,
    )
    block("Failed (fix the address, then `campaign send --resend SEND`)", summary.failed, True)
    block(
        "In doubt (check your Sent folder, then `campaign send --settle SEND --sent` if it "
        "went, or `campaign send --resend SEND` if not)",
        summary.unknown + summary.recovered,
        True,
    )
    block("Not sent before and not retried by itself (see `campaign status`)", summary.waiting)
    block(
        "No email address on record (ask for their card; `campaign done TASK` once sent)",
        summary.no_email,
    )
