"""``campaign import FILE, campaign prospects``."""

from __future__ import annotations

import dataclasses
from pathlib import Path
from typing import Any

import click

from campaign.batches import BATCHES, select_batch, why_unreachable
from campaign.cli.app import App, pass_app
from campaign.cli.output import FORMAT_TABLE_CSV_JSON, echo_csv, echo_json, echo_table, progress
from campaign.intake.columns import map_item_problem
from campaign.intake.importing import import_file
from campaign.intake.tables import resolve_source
from campaign.models import MARKETING
from campaign.wording import noun


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
    help='Read a column the aliases miss as a field, e.g. --map "Boss=contact" (repeatable).',
)
@click.option(
    "--referred-by",
    type=int,
    metavar="CONTACT_ID",
    help="The networking contact who gave you this list: the NEW prospects are their referrals.",
)
@pass_app
def import_(
    app: App, file: str, sheet: str | None, mapping: tuple[str, ...], referred_by: int | None
) -> None:
    """Import a CSV or XLSX list of employers and their hiring authorities.

    Columns are matched by name (Company, Hiring Manager, Email, Address, City, State,
    Zip, Phone, Priority, ...); other columns become merge fields ({{ extra.industry }}).
    Rows that can't be imported are listed and written to output/rejects-*.csv.
    Importing the same file again changes nothing; an edited file updates what changed.

    \b
    Example:
      campaign import lists/prospects.csv
      campaign import leads.xlsx --sheet "Q3" --map "Boss=contact" --map "Sector=notes"
      campaign import lists/from-dana.csv --referred-by 3
    """
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
    )
    for reject in report.rejects[:SHOWN_ROWS]:
        click.echo(f"row {reject.row}: rejected: {reject.reason}", err=True)
    if len(report.rejects) > SHOWN_ROWS:
        more = len(report.rejects) - SHOWN_ROWS
        click.echo(f"... and {more} more rejected {noun(more, 'row')}", err=True)
    for warning in report.warnings[:SHOWN_ROWS]:
        click.echo(f"row {warning.row}: warning: {warning.message}", err=True)
    for prospect_id, who, fields in report.updated[:SHOWN_ROWS]:
        click.echo(f"updated #{prospect_id} {who}: {', '.join(fields)}")
    if len(report.updated) > SHOWN_ROWS:
        more = len(report.updated) - SHOWN_ROWS
        click.echo(f"... and {more} more updated {noun(more, 'prospect')}")
    click.echo(report.summary)
    if referred_by is not None and report.new:
        name = app.store.get_contact(referred_by).display_name
        click.echo(
            f"{report.new} new {noun(report.new, 'prospect')} recorded as referred by contact "
            f"{referred_by} ({name})."
        )
    click.echo("Next: `campaign prospects --batch top20` shows this week's wave.")


def _shown(path: Path, home: Path) -> str:
    try:
        return str(path.resolve().relative_to(home))
    except ValueError:
        return str(path)


COLUMNS = (
    "id", "priority", "company", "contact", "title", "email", "phone", "street", "street2",
    "city", "region", "postal_code", "country", "status", "notes", "honorific",
    "first_name", "middle_name", "last_name", "suffix", "source_file", "source_row",
)  # fmt: skip


@click.command("prospects")
@click.option(
    "--batch",
    type=click.Choice(BATCHES),
    help="Only the prospects a run would take: top20 (this week's wave) or all not yet sent.",
)
@click.option("--letter", default=MARKETING, show_default=True, help="The letter of the batch.")
@click.option("--format", "fmt", type=FORMAT_TABLE_CSV_JSON, default="table", show_default=True)
@pass_app
def prospects_(app: App, batch: str | None, letter: str, fmt: str) -> None:
    """List prospects in wave order: priority 1 first, then file order.

    \b
    Example:
      campaign prospects --batch top20
      campaign prospects --format csv > prospects.csv
    """
    caption = None
    if batch is None:
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
    elif not rows and batch is None:
        click.echo("No prospects yet: `campaign import lists/YOUR-LIST.csv` adds them.")
    else:
        shown = (
            "id",
            "priority",
            "company",
            "contact",
            "title",
            "email",
            "phone",
            "city",
            "status",
        )
        echo_table(shown, ([r[c] for c in shown] for r in rows), caption=caption)


def _row(prospect: Any) -> dict[str, Any]:
    return dataclasses.asdict(prospect)
