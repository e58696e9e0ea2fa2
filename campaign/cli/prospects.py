"""``campaign import FILE, campaign prospects``."""

from __future__ import annotations

import dataclasses
from pathlib import Path
from typing import Any

import click

from campaign.batches import BATCHES, select_batch, why_unreachable
from campaign.cli.app import App, pass_app
from campaign.cli.output import (
    Col,
    echo_csv,
    echo_json,
    echo_table,
    format_option,
    progress,
)
from campaign.cli.params import ID
from campaign.intake.columns import map_item_problem
from campaign.intake.importing import ImportReport, import_file
from campaign.intake.tables import resolve_source
from campaign.models import MARKETING, ProspectStatus
from campaign.wording import counted, noun


class ColumnMapParam(click.ParamType):
    """``"Their Column=field"``: checked here, read by the import as written.

    (Here rather than in ``params``: it needs ``campaign.intake``, which the morning
    commands, importing ``params``, must not load.)
    """

    name = '"COLUMN=field"'

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> Any:
        problem = map_item_problem(str(value))
        if problem is not None:
            self.fail(f"{value!r}: {problem}", param, ctx)
        return value


COLUMN_MAP = ColumnMapParam()


SHOWN_ROWS = 20  # rejects and updates listed on screen; the rest are in the rejects file


@click.command("import")
@click.argument("file", type=click.Path(path_type=str))
@click.option("--sheet", help="The XLSX sheet to read (default: the first).")
@click.option(
    "--map",
    "mapping",
    type=COLUMN_MAP,
    multiple=True,
    help='Read a column the aliases miss as a field, e.g. --map "Boss=contact", or drop one: '
    '--map "Notes=ignore" (repeatable).',
)
@click.option(
    "--header-row",
    type=click.IntRange(min=1),
    metavar="N",
    help="The row (line) the column names are on, when the one found is not it.",
)
@click.option(
    "--referred-by",
    type=ID,
    metavar="CONTACT_ID",
    help="The networking contact who gave you this list: the NEW prospects are their referrals.",
)
@pass_app
def import_(
    app: App,
    file: str,
    sheet: str | None,
    mapping: tuple[str, ...],
    header_row: int | None,
    referred_by: int | None,
) -> None:
    """Import a CSV, XLSX or vCard list of employers and their hiring authorities.

    Columns are matched by name (Company, Hiring Manager, Email, Address, City, State,
    Zip, Phone, Priority, ...); exports of LinkedIn, Google Contacts, Outlook, HubSpot and
    Salesforce, and vCard files (Apple Contacts), are recognised by their headers. Other
    columns become merge fields ({{ extra.industry }}). Rows that can't be imported are
    listed and written to output/rejects-*.csv; people with no email or postal address
    yet are kept, with a research task. Importing the same file again changes nothing;
    an edited file updates what changed, and a blank cell never erases what is known.

    \b
    Example:
      campaign import lists/prospects.csv
      campaign import ~/Downloads/Connections.csv
      campaign import contacts.vcf
      campaign import leads.xlsx --sheet "Q3" --map "Boss=contact" --map "Sector=ignore"
      campaign import lists/from-dana.csv --referred-by 3
    """
    app.require_campaign_folder()
    path = resolve_source(file, app.home, Path.cwd())
    report = import_file(
        app.start_store,  # opened (or created) only once the file has proved readable
        path,
        today=app.today,
        output_dir=app.settings.output_dir,
        source_name=_shown(path, app.home),
        sheet=sheet,
        mapping=mapping,
        region=app.settings.country,
        track=lambda rows: progress(rows, "Importing"),
        referred_by=referred_by,
        header_row=header_row,
    )
    _echo_report(report)
    if referred_by is not None and report.new:
        name = app.store.get_contact(referred_by).display_name
        click.echo(
            f"{report.new} new {noun(report.new, 'prospect')} recorded as referred by contact "
            f"{referred_by} ({name})."
        )
    click.echo("Next: `campaign prospects --batch top20` shows this week's wave.")


def _echo_report(report: ImportReport) -> None:
    for reject in report.rejects[:SHOWN_ROWS]:
        who = f" ({reject.who})" if reject.who else ""
        click.echo(f"row {reject.row}{who}: rejected: {reject.reason}", err=True)
    if len(report.rejects) > SHOWN_ROWS:
        more = len(report.rejects) - SHOWN_ROWS
        click.echo(f"... and {more} more rejected {noun(more, 'row')}", err=True)
    for warning in report.warnings[:SHOWN_ROWS]:
        click.echo(f"row {warning.row}: warning: {warning.message}", err=True)
    if len(report.warnings) > SHOWN_ROWS:
        more = len(report.warnings) - SHOWN_ROWS
        click.echo(f"... and {more} more {noun(more, 'warning')}", err=True)
    for prospect_id, who, changes in report.updated[:SHOWN_ROWS]:
        click.echo(f"updated #{prospect_id} {who}: {'; '.join(str(c) for c in changes)}")
    if len(report.updated) > SHOWN_ROWS:
        more = len(report.updated) - SHOWN_ROWS
        click.echo(f"... and {more} more updated {noun(more, 'prospect')}")
    for prospect_id in report.kept_email:
        click.echo(
            f"#{prospect_id}: email not changed: a letter to the address on file is being "
            "sent or in doubt (`campaign status` says which)"
        )
    click.echo(report.summary)
    if report.need_address:
        n = len(report.need_address)
        click.echo(
            f"{counted(n, 'prospect')} {'needs' if n == 1 else 'need'} an address or email "
            "before a letter can reach them: kept, with a research task on `campaign agenda` "
            "(`campaign prospects --incomplete`; `campaign edit ID --email E` completes one)."
        )
    if report.found_address:
        n = len(report.found_address)
        click.echo(f"{counted(n, 'research task')} closed: the address or email is found.")
    if report.flagged:
        n = len(report.flagged)
        click.echo(
            f"{counted(n, 'prospect')} {'looks' if n == 1 else 'look'} like HR or recruiting "
            "rather than the person who hires (kept, and flagged in `campaign status`):"
        )
        for item in report.flagged[:SHOWN_ROWS]:
            click.echo(f"  #{item.prospect_id} {item.who}: {item.reason}")


def _shown(path: Path, home: Path) -> str:
    try:
        return str(path.resolve().relative_to(home))
    except ValueError:
        return str(path)


COLUMNS = (
    "id", "priority", "company", "contact", "title", "email", "phone", "street", "street2",
    "city", "region", "postal_code", "country", "status", "notes", "gatekeeper", "honorific",
    "first_name", "middle_name", "last_name", "suffix", "source_file", "source_row",
)  # fmt: skip


@click.command("prospects")
@click.option(
    "--batch",
    type=click.Choice(BATCHES),
    help="Only the prospects a run would take: top20 (this week's wave) or all not yet sent.",
)
@click.option("--letter", default=MARKETING, show_default=True, help="The letter of the batch.")
@click.option(
    "--incomplete",
    is_flag=True,
    help="Only those no letter can reach yet: no email and no complete postal address.",
)
@format_option("csv", "json", help="csv: every field, for a spreadsheet; json for scripts.")
@pass_app
def prospects_(app: App, batch: str | None, letter: str, incomplete: bool, fmt: str) -> None:
    """List prospects in wave order: priority 1 first, then file order.

    \b
    Example:
      campaign prospects --batch top20
      campaign prospects --incomplete      # who still needs an email or postal address
      campaign prospects --format csv > prospects.csv
    """
    caption = None
    if incomplete and batch is not None:
        raise click.UsageError("--incomplete lists those in no batch: use one or the other")
    if incomplete:
        chosen = [p for p in app.store.list_prospects([ProspectStatus.ACTIVE]) if p.needs_address]
        caption = (
            f"{len(chosen)} without an email or postal address, in no wave: "
            "`campaign edit ID --email E` (or --street --city --zip) completes one"
        )
    elif batch is None:
        chosen = app.store.list_prospects()
    else:
        picked = select_batch(
            app.store,
            batch,
            letter,
            app.today,
            app.settings.schedule.weekly_cap,
            settings=app.settings,
        )
        chosen = picked.prospects
        caption = (
            f"{batch} for {letter!r}: {len(chosen)} of {picked.waiting} waiting; "
            f"week {picked.week} cap {picked.cap_used}/{picked.cap} used"
            + (f", next wave {picked.next_wave}" if batch == "top20" else "")
            + (
                f"; {len(picked.unreachable)} left out ({why_unreachable(app.settings)[0]})"
                if picked.unreachable
                else ""
            )
        )
    rows = [_row(p) for p in chosen]
    if fmt == "json":
        echo_json(rows)
    elif fmt == "csv":
        extras = sorted({k for p in chosen for k in p.extra})
        echo_csv([*COLUMNS, *extras], [{**r, **r["extra"]} for r in rows])
    elif not rows and incomplete:
        click.echo("Every active prospect has an email or a postal address.")
    elif not rows and batch is None:
        click.echo("No prospects yet: `campaign import lists/YOUR-LIST.csv` adds them.")
    else:
        keys = [c.name for c in PROSPECT_COLUMNS]
        echo_table(
            PROSPECT_COLUMNS,
            ([r[c] for c in keys] for r in rows),
            caption=caption or f"{counted(len(rows), 'prospect')}; every field: --format csv",
        )


# The prospects table at the screen's width: the id, phone and status never shorten;
# city, then title, give way first on a narrow screen.
PROSPECT_COLUMNS = (
    Col("id", keep=True, justify="right"),
    Col("priority", keep=True, justify="right"),
    Col("company", least=10),
    Col("contact", least=10),
    Col("title", least=8, drop=2),
    Col("email", least=10),
    Col("phone", keep=True),
    Col("city", least=6, drop=1),
    Col("status", keep=True),
)


def _row(prospect: Any) -> dict[str, Any]:
    return dataclasses.asdict(prospect)
