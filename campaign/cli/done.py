"""``campaign done TASK``: a task of the agenda done (or a thank-you sent, then done).

Apart from ``campaign agenda`` (``cli.agenda``): sending a thank-you needs the send run
and the mailer, which the agenda, read every morning, must not load.
"""

from __future__ import annotations

from datetime import datetime

import click

from campaign.agenda import ACTIONS
from campaign.cli.app import App, pass_app
from campaign.cli.params import DATE, TASK
from campaign.cli.send import send_thanks
from campaign.models import Decision
from campaign.tasks import finish_task
from campaign.wording import task_ref


@click.command()
@click.argument("task_id", metavar="TASK", type=TASK)
@click.option("--note", default="", help="What you did or heard.")
@click.option(
    "--decision",
    type=click.Choice([Decision.OFFER.value, Decision.DECLINED.value]),
    help="The company decided: closes every open task for it and its interviewers.",
)
@click.option(
    "--respond-by", type=DATE, help="With --decision offer: the day you must answer it by."
)
@click.option(
    "--send", "send_it", is_flag=True, help="A thank-you email: send its draft now, then done."
)
@pass_app
def done(
    app: App,
    task_id: int,
    note: str,
    decision: str | None,
    respond_by: datetime | None,
    send_it: bool,
) -> None:
    """Mark a task done: it leaves the agenda (calls to prospects use `campaign log`).

    TASK is the task's id as the agenda shows it (T7; a plain 7 works too). A status
    call that brings an offer (or a no) closes the loop with --decision; an offer's
    --respond-by day goes on the agenda.

    \b
    Example:
      campaign done T7 --note "emailed from my phone"
      campaign done T12 --decision offer --respond-by 2026-12-04 --note "offer letter Friday"
      campaign done T3 --send              # email the thank-you drafted for task T3
    """
    if send_it:
        if decision is not None or respond_by is not None:
            raise click.UsageError("--send goes alone: it sends the thank-you, then marks it done")
        send_thanks(app, task_id=task_id, skip_inbox=True)
        return
    task, nxt = finish_task(
        app.store,
        app.settings,
        app.today,
        task_id,
        note,
        decision,
        respond_by=respond_by.date() if respond_by else None,
    )
    click.echo(f"Task {task_ref(task.id)} done.")
    if decision is not None:
        click.echo(f"Decision {decision}: every open task for prospect {task.prospect_id} closed.")
    if respond_by is not None:
        click.echo(
            f"The offer's deadline is on the agenda: answer by {respond_by:%a %d %b %Y} with "
            f"`campaign log {task.prospect_id} --outcome hired` (or `--outcome declined`)."
        )
    if nxt is not None:
        click.echo(f"Next {ACTIONS[nxt.kind].lower()}: task {task_ref(nxt.id)} due {nxt.due}.")
