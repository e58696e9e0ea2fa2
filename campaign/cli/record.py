"""``campaign show ID``: one prospect's whole record, as the letters and the calls see it."""

from __future__ import annotations

import click

from campaign.cli import spell
from campaign.cli.app import App, pass_app
from campaign.cli.output import echo_json, format_option
from campaign.errors import worded
from campaign.people import shown_email
from campaign.record import ProspectRecord, prospect_record


@click.command("show")
@click.argument("prospect_id", metavar="PROSPECT", type=int)
@format_option("json", help="The record to read, or one JSON document for scripts.")
@pass_app
def show(app: App, prospect_id: int, fmt: str) -> None:
    """One prospect's whole record: person, address, letters, calls, meetings, tasks, next step.

    The person and address are shown as the letters write them; then everything that
    happened and is planned, in date order.

    \b
    Example:
      campaign show 12
      campaign show 12 --format json
    """
    record = prospect_record(app.store, app.settings, prospect_id)
    record.next_step["text"] = worded(record.next_step["text"], spell)
    if fmt == "json":
        echo_json(record.as_json())
    else:
        _echo(record)


def _echo(record: ProspectRecord) -> None:
    p = record.prospect
    priority = f", priority {p.priority}" if p.priority is not None else ""
    click.echo(f"#{p.id} {p.company}: {p.contact} ({p.status}{priority})")
    rows = [
        ("Letters write", record.address[0] if record.address else ""),
        *(("", line) for line in record.address[1:]),
        ("Salutation", record.salutation),
        (
            "Email",
            shown_email(p.email)
            + (f" (sent as {p.email})" if shown_email(p.email) != p.email else ""),
        ),
        ("Phone", p.phone),
        ("Gatekeeper", p.gatekeeper),
        (
            "Reached by",
            record.channel
            or "no letter can reach them yet: `campaign edit` adds an email or address",
        ),
        ("Flag", f"looks like HR or recruiting: {record.flag}" if record.flag else ""),
        ("From", f"{p.source_file} row {p.source_row}" if p.source_file else ""),
        ("Notes", " / ".join(line for line in p.notes.splitlines() if line.strip())),
        *((k.replace("_", " "), v) for k, v in sorted(p.extra.items()) if v),
    ]
    for label, value in rows:
        if value or not label:
            click.echo(f"  {label + ':' if label else '':<14} {value}")
    if record.decision:
        click.echo(f"  {'Decision:':<15}{record.decision}")
    click.echo("History and plan (date order):")
    for event in record.timeline:
        click.echo(f"  {event.day.isoformat()}  {event.text}")
    if not record.timeline:
        click.echo("  nothing yet")
    step = record.next_step
    due = f" (due {step['due'].isoformat()})" if step.get("due") else ""
    click.echo(f"Next step: {step['text']}{due}")
