"""``campaign contact``: networking contacts."""

from __future__ import annotations

import dataclasses

import click

from campaign.cli.app import App, pass_app
from campaign.cli.output import echo_json, echo_table, format_option
from campaign.cli.params import ID
from campaign.contacts import (
    CONTACT_CLEARABLE,
    add_contact,
    edit_contact,
    refer_prospect,
    referral_news,
)


@click.group()
def contact() -> None:
    """Networking contacts: people who are not hiring authorities, called every six weeks.

    \b
    Example:
      campaign contact add "Dana Lee" --company "Lee & Co" --phone "+1 217 555 0199"
      campaign contact list
      campaign contact refer 3 12     # contact 3 gave you prospect 12
    """


@contact.command("add")
@click.argument("name")
@click.option("--company", default="", help="Where they work.")
@click.option("--phone", default="", help="Their phone number.")
@click.option("--email", default="", help="Their email address.")
@click.option("--note", default="", help="How you know them, what they offered.")
@click.option("--referred-by", type=ID, help="The contact (id) who introduced you.")
@pass_app
def contact_add(
    app: App, name: str, company: str, phone: str, email: str, note: str, referred_by: int | None
) -> None:
    """Add a networking contact and schedule the first catch-up call.

    \b
    Example:
      campaign contact add "Dana Lee" --company "Lee & Co" --email dana@lee.example
    """
    app.require_campaign_folder()
    person, task = add_contact(
        app.start_store(),
        app.settings,
        app.today,
        name,
        company=company,
        phone=phone,
        email=email,
        notes=note,
        referred_by=referred_by,
    )
    click.echo(f"Added contact {person.id}: {person.display_name}; first catch-up call {task.due}.")


@contact.command("list")
@format_option("json", help="A readable table, or one JSON document for scripts.")
@pass_app
def contact_list(app: App, fmt: str) -> None:
    """List contacts: networking contacts and the people met at interviews.

    Referrals shows what became of each prospect or contact the person referred.

    \b
    Example:
      campaign contact list --format json
    """
    people = app.store.list_contacts()
    news = {c.id: referral_news(app.store, c.id) for c in people}
    if fmt == "json":
        echo_json(
            [
                {**dataclasses.asdict(c), "display_name": c.display_name, "referrals": news[c.id]}
                for c in people
            ]
        )
        return
    echo_table(
        ["ID", "Name", "Kind", "Title", "Company", "Phone", "Email", "Interest", "Referrals"],
        [
            (c.id, c.display_name, c.kind, c.title, c.company, c.phone, c.email, c.interest, n)
            for c in people
            for n in [", ".join(news[c.id])]
        ],
    )


@contact.command("refer")
@click.argument("contact_id", type=ID)
@click.argument("prospect_id", type=ID)
@pass_app
def contact_refer(app: App, contact_id: int, prospect_id: int) -> None:
    """Record that a contact referred a prospect: their catch-up calls report on it.

    \b
    Example:
      campaign contact refer 3 12
    """
    refer_prospect(app.store, contact_id, prospect_id, app.today)
    click.echo(f"Prospect {prospect_id} is recorded as referred by contact {contact_id}.")


@contact.command("edit")
@click.argument("contact_id", type=int)
@click.option("--name", help="Their name as you write it.")
@click.option("--title", help="Their job title.")
@click.option("--company", help="Where they work.")
@click.option("--email", help="Their email address (checked as import checks it).")
@click.option("--phone", help="Their phone number.")
@click.option("--interest", help="A point of connection.")
@click.option("--note", "notes", help="How you know them, what they offered.")
@click.option(
    "--clear",
    multiple=True,
    type=click.Choice(CONTACT_CLEARABLE),
    metavar="FIELD",
    help=f"Empty a field (repeatable): {', '.join(CONTACT_CLEARABLE)}.",
)
@pass_app
def contact_edit(app: App, contact_id: int, clear: tuple[str, ...], **values: str | None) -> None:
    """Correct a contact (a person met or a networking contact); says what changed.

    \b
    Example:
      campaign contact edit 4 --email bo.chen@acme.test --title CFO
    """
    edited = edit_contact(
        app.store, contact_id, values=values, clear=clear, region=app.settings.country
    )
    click.echo(edited)
