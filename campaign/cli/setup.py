"""``campaign init``."""

from __future__ import annotations

import click

from campaign.cli.app import App, pass_app
from campaign.errors import CampaignError
from campaign.home import init_home
from campaign.store import store_exists


@click.command()
@pass_app
def init(app: App) -> None:
    """Create campaign.toml, templates/, lists/ and output/ where missing.

    Never overwrites: run it again any time to restore a deleted folder or template.

    \b
    Example:
      campaign init && $EDITOR campaign.toml
    """
    results = init_home(app.home)
    for item in results:
        shown = item.path.relative_to(app.home) if item.path != app.home else item.path
        click.echo(f"{'created' if item.written else 'kept   '} {shown}")
    click.echo(f"Campaign folder: {app.home}\nNext: {_next_step(app)}")


def _next_step(app: App) -> str:
    """Fill in [sender] only while it is missing or init's example; else what comes next."""
    try:
        settings = app.settings
    except CampaignError as exc:  # an edited campaign.toml with a mistake: say it here
        return f"fix campaign.toml ({exc}), then `campaign status`."
    if settings.sender is None or settings.sender.placeholders():
        return (
            "fill in [sender] in campaign.toml, put your list in lists/, then "
            "`campaign import lists/YOUR-LIST.csv`."
        )
    if store_exists(settings.db_url):
        return "`campaign status` shows where the campaign stands and what to do today."
    return "put your list in lists/, then `campaign import lists/YOUR-LIST.csv`."
