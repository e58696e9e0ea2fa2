"""``campaign inbox``: what came back by email, and what it changed."""

from __future__ import annotations

import sys
from datetime import datetime

import click

from campaign.cli import spell
from campaign.cli.app import App, pass_app
from campaign.cli.output import echo_json, format_option
from campaign.errors import worded
from campaign.imap import ImapMailbox, imap_password, open_imap
from campaign.inbox import Finding, InboxReport, read_inbox, require_imap
from campaign.models import InboxKind
from campaign.sending import RunLock
from campaign.wording import counted

HEADINGS = {
    InboxKind.REPLY: "Replies (answer them: `campaign calls` lists them first)",
    InboxKind.BOUNCE: "Bounced (the address is bad)",
    InboxKind.DELAY: "Delayed (the server is still trying; nothing changed)",
    InboxKind.AUTO_REPLY: "Auto-replies (not replies)",
    InboxKind.REVIEW: "For review (from a prospect's company; not applied)",
}


def connect_imap(app: App) -> ImapMailbox:
    """The [imap] connection, logged in; the password asked for only at a terminal."""
    imap = require_imap(app.settings)
    prompt = None
    if sys.stdin.isatty():

        def prompt(text: str) -> str:
            return str(click.prompt(text, hide_input=True))

    return open_imap(imap, imap_password(imap, app.env, prompt))


def check_inbox(app: App, dry_run: bool = False) -> InboxReport:
    """Read the inbox now (``campaign inbox``, and the start of a send run)."""
    lock = RunLock.for_this_process(datetime.now())  # noqa: DTZ005 - shown as local time
    return read_inbox(
        app.store,
        app.settings,
        app.today,
        connect=lambda: connect_imap(app),
        lock=lock,
        dry_run=dry_run,
    )


@click.command()
@click.option("--dry-run", is_flag=True, help="Read and report; record and change nothing.")
@format_option("json", help="A readable summary, or one JSON document for scripts.")
@pass_app
def inbox(app: App, dry_run: bool, fmt: str) -> None:
    """Read [imap]: replies, bounces and auto-replies change the next steps.

    Only new mail is read, and nothing in the mailbox changes (no message is marked
    read, moved or deleted). A reply turns the follow-up call into "answer their
    email", due today; a bounce prints the letter instead; an out-of-office moves the
    call after the return date. `campaign send` reads the inbox first too.

    \b
    Examples:
      campaign inbox --dry-run     # what it would change; nothing recorded
      campaign inbox
      campaign inbox --format json
    """
    report = check_inbox(app, dry_run)
    if fmt == "json":
        document = report.as_json()
        for kind in ("replies", "bounces", "delays", "auto_replies", "review"):
            for item in document[kind]:
                item["change"] = worded(item["change"], spell)
        echo_json(document)
        return
    echo_inbox(report)


def echo_inbox(report: InboxReport, brief: bool = False) -> None:
    """What the run read, found and changed; ``brief`` (before a send run) skips the quiet."""
    folders = ", ".join(f"{f.folder} {f.read}" for f in report.folders)
    rescanned = [f.folder for f in report.folders if f.rescanned]
    if not report.findings:
        if not brief:
            click.echo(f"No new mail about the campaign (read {report.read}: {folders}).")
        for name in rescanned:
            click.echo(f"{name} was renumbered by the server (new UIDVALIDITY): read again.")
        return
    lead = "Dry run (nothing recorded or changed): " if report.dry_run else ""
    click.echo(
        f"{lead}Inbox: {len(report.findings)} about the campaign in {report.read} read ({folders})."
    )
    for name in rescanned:
        click.echo(f"{name} was renumbered by the server (new UIDVALIDITY): read again.")
    for kind, heading in HEADINGS.items():
        found = report.of(kind)
        if not found:
            continue
        click.echo(f"{heading}:")
        for item in found:
            click.echo(f"  {_line(item)}")
            click.echo(f"    -> {worded(item.change, spell)}")
    if report.ignored and not brief:
        click.echo(f"Ignored {counted(report.ignored, 'other message')} (not about the campaign).")
    if report.of(InboxKind.REPLY) and not report.dry_run:
        click.echo("Next: `campaign calls` shows who to answer first; then `campaign log ID ...`.")


def _line(item: Finding) -> str:
    day = f"{item.day.day} {item.day:%b}" if item.day else "undated"
    about = ""
    if item.prospect is not None:
        about = f" (prospect {item.prospect.id}, {item.prospect.company}"
        about += f", send {item.send.id})" if item.send else ")"
    reason = f" {item.detail['reason']}" if item.detail.get("reason") else ""
    return f"{day} {item.sender}: {item.subject!r}{about}{reason}"
