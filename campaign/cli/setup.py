"""``campaign init``."""

from __future__ import annotations

import click

from campaign.cli.app import App, pass_app


@click.command()
@pass_app
def init(app: App) -> None:
    """Create campaign.toml, templates/, lists/ and output/ where missing.

    Never overwrites: run it again any time to restore a deleted folder or template.

    \b
    Example:
      campaign init && $EDITOR campaign.toml
    """
    from campaign.home import init_home

    results = init_home(app.home)
    for item in results:
        shown = item.path.relative_to(app.home) if item.path != app.home else item.path
        click.echo(f"{'created' if item.written else 'kept   '} {shown}")
    click.echo(
        f"Campaign folder: {app.home}\n"
        "Next: fill in [sender] in campaign.toml, put your list in lists/, then "
        "`campaign import lists/YOUR-LIST.csv`."
    )


COMMANDS = [init]
