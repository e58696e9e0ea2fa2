"""The ``campaign`` command: thin adapters over the core, one module per command group.

Errors are turned into messages in exactly one place, ``CampaignGroup.invoke``: every
``CampaignError`` becomes a one-line ``Error: ...`` on stderr with its exit code
(1 for the user's input or setup, 3 for a partly done send run); Click's own usage
errors exit 2.
"""

from __future__ import annotations

from typing import Any

import click

from campaign import __version__
from campaign.cli.app import App
from campaign.errors import CampaignError


class CampaignFailure(click.ClickException):
    """A CampaignError on its way out, with the exit code it carries."""

    def __init__(self, message: str, exit_code: int) -> None:
        super().__init__(message)
        self.exit_code = exit_code  # type: ignore[misc]  # per instance: 1 or 3


class CampaignGroup(click.Group):
    """A group that turns every CampaignError into a clean one-line message."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except CampaignError as exc:
            raise CampaignFailure(str(exc), exc.exit_code) from exc


@click.group(cls=CampaignGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.option(
    "--home",
    type=click.Path(file_okay=False, path_type=str),
    help="The campaign folder (default: $CAMPAIGN_HOME, else the current directory).",
)
@click.version_option(__version__, prog_name="campaign")
@click.pass_context
def cli(ctx: click.Context, home: str | None) -> None:
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
    ctx.obj = App.from_context(ctx, home)


def _register() -> None:
    # Each module imports only click and light code at the top; heavy libraries
    # (pandas, reportlab, docxtpl, matplotlib) are imported inside the commands.
    from campaign.cli import calls, letters, meetings, prospects, send, setup, status

    for module in (setup, prospects, letters, send, calls, meetings, status):
        for command in module.COMMANDS:
            cli.add_command(command)


_register()


def main() -> None:
    """Console entry point."""
    cli(prog_name="campaign")
