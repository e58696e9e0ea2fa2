"""The ``campaign`` command: thin adapters over the core, one module per command group.

Errors are turned into messages in exactly one place, ``CampaignGroup.invoke``: every
``CampaignError`` becomes a one-line ``Error: ...`` on stderr with its exit code
(1 for the user's input or setup, 3 for a partly done send run), each argument it names
spelled as this CLI's option (``--callback``); Click's own usage errors exit 2.

Commands are loaded when they run: ``COMMANDS`` names each command's module, so
``campaign --help`` lists them (with the one-line help written here, which a test holds
to each command's own) without importing the core and its database layer.
"""

from __future__ import annotations

import importlib
from functools import cache
from typing import Any

import click

from campaign import __version__
from campaign.errors import CampaignError, plain

# name -> (module, attribute, one-line help as `campaign --help` lists it)
COMMANDS: dict[str, tuple[str, str, str]] = {
    "init": (
        "campaign.cli.setup", "init",
        "Create campaign.toml, templates/, lists/ and output/ where missing.",
    ),
    "import": (
        "campaign.cli.prospects", "import_",
        "Import a CSV, XLSX or vCard list of employers and their hiring authorities.",
    ),
    "prospects": (
        "campaign.cli.prospects", "prospects_",
        "List prospects in wave order: priority 1 first, then file order.",
    ),
    "show": (
        "campaign.cli.record", "show",
        "One prospect's whole record: person, address, letters, calls, meetings, tasks, next "
        "step.",
    ),
    "edit": (
        "campaign.cli.corrections", "edit",
        "Correct a prospect, with the import's checks; says what changed in one line.",
    ),
    "merge": (
        "campaign.cli.letters", "merge",
        "Write the batch's letters into output/ for review; records no send.",
    ),
    "send": (
        "campaign.cli.send", "send",
        "Deliver this week's letters: email where there is an address and [smtp], print "
        "the rest.",
    ),
    "inbox": (
        "campaign.cli.inbox", "inbox",
        "Read [imap]: replies, bounces and auto-replies change the next steps.",
    ),
    "calls": (
        "campaign.cli.calls", "calls",
        "The follow-up calls due: a call sheet to work from, oldest first.",
    ),
    "log": (
        "campaign.cli.calls", "log",
        "Record a call's outcome and schedule the next step; without --outcome, show the "
        "history.",
    ),
    "reopen": (
        "campaign.cli.calls", "reopen",
        "Make a declined or closed prospect active again, with a call on the next business "
        "day.",
    ),
    "resume": (
        "campaign.cli.calls", "resume",
        "Undo a hire's wind-down: the search goes on where it stood.",
    ),
    "meeting": (
        "campaign.cli.meetings", "meeting",
        "Record a meeting and schedule a distinct thank-you to everyone met.",
    ),
    "contact": (
        "campaign.cli.contacts", "contact",
        "Networking contacts: people who are not hiring authorities, called every six weeks.",
    ),
    "agenda": (
        "campaign.cli.agenda", "agenda",
        "Everything to do: calls, emails to send, notes to write, letters to post.",
    ),
    "done": (
        "campaign.cli.done", "done",
        "Mark a task done: it leaves the agenda (calls to prospects use `campaign log`).",
    ),
    "notes": (
        "campaign.cli.agenda", "notes",
        "Print the thank-you notes still to write as note cards (a PDF under output/notes/).",
    ),
    "status": (
        "campaign.cli.status", "status",
        "Where the campaign stands: the funnel, this week's pace, what is due, what needs you.",
    ),
    "report": (
        "campaign.cli.status", "report",
        "Write a self-contained HTML report with charts under output/ (prints on paper too).",
    ),
    "campaigns": (
        "campaign.cli.firm", "campaigns",
        "Every campaign of a shared database, with its pace this week.",
    ),
}  # fmt: skip


class CampaignFailure(click.ClickException):
    """A CampaignError on its way out, with the exit code it carries."""

    def __init__(self, message: str, exit_code: int) -> None:
        super().__init__(message)
        self.exit_code = exit_code  # type: ignore[misc]  # per instance: 1 or 3


class CampaignGroup(click.Group):
    """The root group: loads each command when it runs, and words every CampaignError."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return list(COMMANDS)

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        return load_command(cmd_name)

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        limit = formatter.width - 6 - max(len(name) for name in COMMANDS)
        rows = [(name, _short(text, limit)) for name, (_, _, text) in COMMANDS.items()]
        with formatter.section("Commands"):
            formatter.write_dl(rows)

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except CampaignError as exc:
            raise CampaignFailure(exc.worded(spell), exc.exit_code) from exc


def load_command(name: str) -> click.Command | None:
    """The command ``name``, its module imported now; None for an unknown name."""
    if name not in COMMANDS:
        return None
    module, attribute, _ = COMMANDS[name]
    command = getattr(importlib.import_module(module), attribute)
    assert isinstance(command, click.Command)
    return command


def all_commands() -> dict[str, click.Command]:
    """Every command by name, each module imported (for tests and tools, not for --help)."""
    return {name: command for name in COMMANDS if (command := load_command(name)) is not None}


def _short(text: str, limit: int) -> str:
    # As Click shortens a help line: whole words, then "...".
    if len(text) <= limit:
        return text
    cut = text[: max(limit - 3, 1)].rsplit(" ", 1)[0]
    return f"{cut}..."


@cache
def spellings() -> dict[str, str]:
    """Each parameter name of every command as the user types it: ``callback`` -> ``--callback``."""
    found: dict[str, str] = {}

    def walk(command: click.Command) -> None:
        for param in command.params:
            if isinstance(param, click.Option) and param.name:
                longest = [o for o in param.opts if o.startswith("--")] or param.opts
                secondary = [o for o in param.secondary_opts if o.startswith("--")]
                found.setdefault(param.name, "/".join([longest[0], *secondary[:1]]))
                # Each flag answers to its own name too: "sent" -> --sent, "not_sent" -> ...
                for flag in [*longest, *secondary]:
                    found.setdefault(flag.lstrip("-").replace("-", "_"), flag)
        if isinstance(command, click.Group):
            for sub in command.commands.values():
                walk(sub)

    for command in all_commands().values():
        walk(command)
    return found


# The arguments the core's messages name (``errors.arg``), spelled as their options, so
# that wording a message (`campaign status` words several) needs no command imported.
# A test holds each line to ``spellings()``, and asks for a line for every name the core
# passes to ``arg``; a name missing here is still spelled right, by loading every command.
FLAGS: dict[str, str] = {
    "answers": "--answer",
    "batch": "--batch",
    "callback": "--callback",
    "city": "--city",
    "clear": "--clear",
    "decision": "--decision",
    "decision_by": "--decision-by",
    "discussed": "--discussed",
    "drafts": "--drafts",
    "due": "--due",
    "email": "--email",
    "formats": "--to",
    "gift": "--gift",
    "header_row": "--header-row",
    "held_on": "--on",
    "interest": "--interest",
    "letter": "--letter",
    "mapping": "--map",
    "no_cap": "--no-cap",
    "not_sent": "--not-sent",
    "objections": "--objection",
    "outcome": "--outcome",
    "people": "--with",
    "phone": "--phone",
    "postal_code": "--zip",
    "priority": "--priority",
    "referred": "--referred",
    "referred_by": "--referred-by",
    "resend": "--resend",
    "respond_by": "--respond-by",
    "role": "--role",
    "sent": "--sent",
    "settle": "--settle",
    "sheet": "--sheet",
    "street": "--street",
    "test_to": "--test-to",
    "unlock": "--unlock",
}


def spell(name: str) -> str:
    """An argument the core names, as this CLI's option; its plain name if no option has it."""
    return FLAGS.get(name) or spellings().get(name, plain(name))


@click.group(cls=CampaignGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.option(
    "--home",
    type=click.Path(file_okay=False, path_type=str),
    help="The campaign folder (default: $CAMPAIGN_HOME, else the current directory).",
)
@click.version_option(__version__, prog_name="campaign")
def cli(home: str | None) -> None:
    """Run a job seeker's direct-mail and follow-up campaign.

    \b
    A week with campaign:
      campaign init                          # once: campaign.toml, templates/, lists/, output/
      campaign import lists/prospects.csv    # your employers and their hiring authorities
      campaign merge --batch top20           # review this week's letters in output/
      campaign send                          # send them; every send schedules a call
      campaign calls                         # each morning: who to call today
      campaign log 12 --outcome voicemail    # after each call: the next step is scheduled
      campaign status                        # where the campaign stands

    Dates: every command works as of today; CAMPAIGN_TODAY=YYYY-MM-DD plans ahead.
    """
    # The campaign folder is resolved by the command that runs (``App.of``).


def main() -> None:
    """Console entry point."""
    cli(prog_name="campaign")
