"""``campaign edit ID``: correct a prospect, with the import's checks."""

from __future__ import annotations

import click

from campaign.cli.app import App, pass_app
from campaign.corrections import EDITABLE, edit_prospect


@click.command("edit")
@click.argument("prospect_id", metavar="PROSPECT", type=int)
@click.option("--contact", help="Their name, as the letters should write it.")
@click.option("--company", help="The company's name.")
@click.option("--email", metavar="E", help="Their email (checked as import checks it).")
@click.option("--phone", metavar="P", help="Their phone (written as people write it).")
@click.option("--title", metavar="T", help="Their job title.")
@click.option("--priority", metavar="N", help="Their wave priority: 1 = best (or high/medium/low).")
@click.option("--street", help="Street line of their postal address.")
@click.option("--street2", help="Second street line (suite, floor).")
@click.option("--city", help="City of their postal address.")
@click.option("--region", "--state", "region", help="State, province or region.")
@click.option("--zip", "postal_code", help="Zip or postal code.")
@click.option("--country", help="Country (blank: yours).")
@click.option("--gatekeeper", help="Who answers their phone.")
@click.option(
    "--clear",
    multiple=True,
    type=click.Choice(EDITABLE),
    metavar="FIELD",
    help=f"Empty a field (repeatable): {', '.join(EDITABLE)}.",
)
@pass_app
def edit(
    app: App,
    prospect_id: int,
    clear: tuple[str, ...],
    **values: str | None,
) -> None:
    """Correct a prospect, with the import's checks; says what changed in one line.

    A blank never erases anything: empty a field with --clear FIELD. An email a letter
    is on its way to (or in doubt at) can't change until that send is settled. Giving an
    email or a complete postal address to someone who had neither puts them in the
    waves and closes their research task.

    \b
    Example:
      campaign edit 12 --phone "(312) 555-0199" --title "VP Operations"
      campaign edit 7 --email ana.lima@acme.test
      campaign edit 9 --street "55 Harvard Ave" --city Boston --state MA --zip 02134
      campaign edit 12 --clear phone
    """
    edited = edit_prospect(
        app.store, prospect_id, app.today, values=values, clear=clear, region=app.settings.country
    )
    click.echo(edited.line)
    if edited.research_closed:
        click.echo("Research task closed: a letter can reach them now (in the next wave).")
    if edited.research_opened:
        click.echo("No email or postal address is left: a research task is on the agenda.")
    if edited.flag:
        click.echo(f"Note: {edited.flag} (the campaign writes to the person who hires).")
