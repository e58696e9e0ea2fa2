"""``campaign campaigns``, ``campaign campaigns add``: a counsellor's shared database."""

from __future__ import annotations

from datetime import date

import click

from campaign.cli.app import App, pass_app
from campaign.cli.output import echo_json, echo_table, format_option
from campaign.firm import CampaignPace, add_campaign, campaign_paces


@click.group(invoke_without_command=True)
@format_option("json", help="A readable table, or one JSON document for scripts.")
@click.pass_context
def campaigns(ctx: click.Context, fmt: str) -> None:
    """Every campaign of a shared database, with its pace this week.

    Each job seeker's campaign on the PostgreSQL database of [store] url: its prospects,
    sends this week against its cap, calls due and overdue, meetings, offers and last
    activity. A SQLite campaign.db holds one campaign, this folder's. Reads only.

    \b
    Examples:
      campaign campaigns
      campaign campaigns --format json | jq '.[] | select(.calls_overdue > 0) | .name'
      campaign campaigns add zoe-mueller --role zoe
    """
    if ctx.invoked_subcommand is not None:
        return
    app = App.of(ctx)
    paces = campaign_paces(app.settings, app.today)
    if fmt == "json":
        echo_json([p.as_json() for p in paces.campaigns])
        return
    if paces.campaigns:
        _table(paces.campaigns, app.today)
    elif not paces.unreadable:
        click.echo("No campaigns in this database yet: `campaign campaigns add NAME` adds one.")
    if paces.unreadable:
        n = paces.unreadable
        click.echo(
            f"{n} more campaign{'s' if n != 1 else ''} in this database "
            f"{'are' if n != 1 else 'is'} not this role's to read."
        )


@campaigns.command("add")
@click.argument("name")
@click.option(
    "--role",
    metavar="ROLE",
    help="The PostgreSQL role the seeker connects as (created if missing; default: NAME).",
)
@pass_app
def add(app: App, name: str, role: str | None) -> None:
    """Add a campaign: its schema, owned by the seeker's role, and nobody else's to read.

    Needs a PostgreSQL [store] url, and an account that may create schemas (and roles,
    when ROLE does not exist yet). Nothing is changed when a step is not allowed.

    \b
    Example:
      campaign campaigns add zoe-mueller --role zoe
    """
    added = add_campaign(app.settings, name, role)
    entry = added.entry
    click.echo(
        f"Added the campaign {entry.name}: schema {entry.schema}, owned by the role "
        f"{entry.role}{' (created now)' if added.role_created else ''}; "
        "no other seeker's role can read it."
    )
    if added.role_created:
        click.echo(
            f"Give the role a password: psql -d {added.database} -c '\\password {entry.role}' "
            f"(the seeker keeps it in PGPASSWORD or ~/.pgpass, never in campaign.toml)."
        )
    click.echo(
        f"In the seeker's folder, campaign.toml: [store] url = \"postgresql+psycopg://"
        f'{entry.role}@HOST/{added.database}" and campaign = "{entry.name}".'
    )


def _table(paces: list[CampaignPace], today: date) -> None:
    rows = []
    for p in paces:
        f = p.figures
        cap = "?" if p.weekly_cap is None else str(p.weekly_cap)
        rows.append(
            [
                p.name,
                str(f.prospects),
                f"{f.sent_this_week}/{cap}",
                str(f.calls_due),
                str(f.calls_overdue),
                str(f.meetings),
                str(f.offers),
                f.last_activity.isoformat() if f.last_activity else "",
            ]
        )
    columns = ["campaign", "prospects", "this week", "calls due", "overdue"]
    columns += ["meetings", "offers", "last activity"]
    echo_table(columns, rows, title=f"Campaigns, {today:%a %d %b %Y}")
