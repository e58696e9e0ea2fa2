"""The import run: a list read, matched and checked, then stored in one transaction.

Rows that can't be imported are reported with their row number and reason and written,
whole plus a ``reason`` column, to a new rejects CSV under ``output/``; the rest go
into the store together. A file that can't be read or lacks a required column changes
nothing.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from campaign.documents.files import new_file
from campaign.errors import InputError, NotFound, arg
from campaign.intake.columns import match_columns, parse_mapping
from campaign.intake.known import store_records
from campaign.intake.rows import check_row
from campaign.intake.tables import read_table
from campaign.people import identity_keys
from campaign.store import Store, Transaction


def identity_track(items: Sequence[Any]) -> Iterable[Any]:
    """The default progress tracker: the items, as they are."""
    return items


@dataclass
class Reject:
    """A row that was not imported, and why."""

    row: int
    reason: str
    cells: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class RowWarning:
    """A row imported with a caveat the user should know about."""

    row: int
    message: str


@dataclass
class ImportReport:
    """What an import did: counts, the rows it skipped and why, and where they went."""

    path: Path
    encoding: str
    source: str = ""  # the file as the user knows it (relative to the campaign folder)
    new: int = 0
    updated: list[tuple[int, str, list[str]]] = field(default_factory=list)
    unchanged: int = 0
    rejects: list[Reject] = field(default_factory=list)
    warnings: list[RowWarning] = field(default_factory=list)
    rejects_file: Path | None = None

    @property
    def summary(self) -> str:
        """The one-line summary the CLI prints."""
        line = (
            f"{self.source or self.path}: {self.new} new, {len(self.updated)} updated, "
            f"{self.unchanged} unchanged, {len(self.rejects)} rejected "
            f"({'read as XLSX' if self.encoding == 'xlsx' else f'encoding {self.encoding}'})"
        )
        if self.rejects_file is not None:
            shown = self.rejects_file.relative_to(self.rejects_file.parent.parent)
            line += f"; rejected rows are in {shown}"
        return line


def import_file(
    store: Store | Callable[[], Store],
    path: Path,
    *,
    today: date,
    output_dir: Path,
    source_name: str | None = None,
    sheet: str | None = None,
    mapping: Iterable[str] = (),
    region: str = "US",
    track: Callable[[Sequence[Any]], Iterable[Any]] = identity_track,
    referred_by: int | None = None,
) -> ImportReport:
    """Import the prospect list at ``path``: new prospects added, known ones updated.

    Rows that can't be imported are reported and written, whole plus a ``reason``
    column, to a new rejects CSV under ``output_dir``; the rest go into the store in one
    transaction. A file that can't be read or lacks a required column raises
    InputError before anything changes: ``store`` may be a function that opens it,
    so a bad file does not even create the database. ``referred_by`` (a contact id)
    marks the prospects new in this import as that contact's referrals.
    """
    wanted = parse_mapping(mapping)
    table = read_table(path, sheet)
    columns = match_columns(path, table.header, wanted)
    report = ImportReport(path=path, encoding=table.encoding, source=source_name or str(path))

    records: list[dict[str, Any]] = []
    seen: dict[str, int] = {}  # identity key -> first row that used it in this file
    for number, cells in track(table.rows):
        if not any(c.strip() for c in cells):
            continue  # a blank line or an empty spreadsheet row: nothing to report
        checked = check_row(cells, table.header, columns, region)
        if checked.record is None:
            report.rejects.append(Reject(number, checked.reason, list(cells)))
            continue
        record = checked.record
        keys = identity_keys(record)
        first = next((seen[k] for k in keys if k in seen), None)
        if first is not None:
            report.rejects.append(Reject(number, f"the same prospect as row {first}", list(cells)))
            continue
        for key in keys:
            seen[key] = number
        if checked.warning:
            report.warnings.append(RowWarning(number, checked.warning))
        record["source_row"] = number
        records.append(record)

    if report.rejects:
        report.rejects_file = write_rejects(output_dir, path, today, table.header, report.rejects)
    try:
        opened = store() if callable(store) else store
        with opened.transaction() as tx:
            if referred_by is not None:
                _require_referrer(tx, referred_by)
            result = store_records(tx, records, report.source, today)
            for prospect_id in result.new if referred_by is not None else ():
                tx.update_prospect(prospect_id, referred_by=referred_by)
    except BaseException:
        if report.rejects_file is not None:
            report.rejects_file.unlink(missing_ok=True)
        raise
    report.new = len(result.new)
    report.updated = result.updated
    report.unchanged = result.unchanged
    return report


def write_rejects(
    output_dir: Path, source: Path, today: date, header: Sequence[str], rejects: Sequence[Reject]
) -> Path:
    """Write the rejected rows, unchanged plus a reason, to a new CSV; never overwrite."""
    reason = "reason"  # matches REJECT_REASON: a corrected file imports without it
    while reason in header:
        reason = f"import_{reason}"
    width = max([len(header), *(len(r.cells) for r in rejects)])
    stem = re.sub(r"[^\w.-]+", "-", source.stem).strip("-") or "list"
    target = new_file(output_dir, f"rejects-{stem}-{today.isoformat()}", ".csv")
    try:
        with target.open("w", encoding="utf-8-sig", newline="") as handle:
            writer = csv.writer(handle)
            writer.writerow([*header, *[""] * (width - len(header)), reason])
            for reject in rejects:
                cells = reject.cells + [""] * (width - len(reject.cells))
                writer.writerow([*cells, f"row {reject.row}: {reject.reason}"])
    except OSError as exc:
        raise InputError(f"{output_dir}: can't write the rejects file: {exc}") from None
    return target


def _require_referrer(tx: Transaction, contact_id: int) -> None:
    try:
        tx.get_contact(contact_id)
    except NotFound:
        raise NotFound(
            f"{arg('referred_by')} {contact_id}: no contact with that id "
            "(see `campaign contact list`); nothing imported"
        ) from None
