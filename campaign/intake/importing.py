"""The import run: a list read, matched and checked, then stored in one transaction.

Rows that can't be imported are reported with their row number, company, contact and
reason and written, whole plus a ``reason`` column, to a new rejects CSV under
``output/`` (spreadsheet-safe: a cell a spreadsheet would evaluate gets a leading ``'``);
the rest go into the store together. A file that can't be read or lacks a required
column changes nothing.

At the parser's pace: each row's cells are digested (with how the file's columns were
read) before anything else, and a row whose digest is the one its prospect was last
imported from is unchanged without another look. Emails and phones are checked once
per distinct value (``people`` caches them).

A person no letter can reach yet (no email, no complete postal address) is kept, with a
research task "find a mailing address or email for X at Company" due today; the task
closes when a later import (or ``campaign edit``) supplies one.
"""

from __future__ import annotations

import csv
import hashlib
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from campaign.documents.files import new_file, spreadsheet_safe
from campaign.errors import InputError, NotFound, arg
from campaign.intake.columns import Columns, match_columns, parse_mapping
from campaign.intake.known import Change, Known, store_records
from campaign.intake.rows import check_row
from campaign.intake.tables import Table, read_table
from campaign.models import Channel, SendState, TaskKind, TaskState, needs_address
from campaign.people import identity_keys, mailbox
from campaign.store import Store, Transaction
from campaign.wording import noun

# A letter to these is on its way or in doubt: the address it went to must not change now.
IN_FLIGHT = (SendState.CLAIMED, SendState.TRANSMITTING, SendState.UNKNOWN)
NEED_ADDRESS = {"need": "address"}


def identity_track(items: Sequence[Any]) -> Iterable[Any]:
    """The default progress tracker: the items, as they are."""
    return items


@dataclass
class Reject:
    """A row that was not imported, and why."""

    row: int
    reason: str
    cells: list[str] = field(default_factory=list)
    company: str = ""
    contact: str = ""

    @property
    def who(self) -> str:
        """``Acme Corp, Ana Lima``: the row's company and contact, as far as they are known."""
        return ", ".join(p for p in (self.company, self.contact) if p)


@dataclass(frozen=True)
class RowWarning:
    """A row imported with a caveat the user should know about."""

    row: int
    message: str


@dataclass(frozen=True)
class Flagged:
    """A prospect imported who looks like HR or recruiting rather than a hiring authority."""

    row: int
    prospect_id: int
    who: str
    reason: str


@dataclass
class ImportReport:
    """What an import did: counts, the rows it skipped and why, and where they went."""

    path: Path
    encoding: str
    source: str = ""  # the file as the user knows it (relative to the campaign folder)
    export: str = ""  # "a LinkedIn connections export", when the header says so
    sheet: str = ""
    skipped: int = 0  # rows above the header
    header_line: int = 1
    new: int = 0
    updated: list[tuple[int, str, list[Change]]] = field(default_factory=list)
    unchanged: int = 0
    rejects: list[Reject] = field(default_factory=list)
    warnings: list[RowWarning] = field(default_factory=list)
    rejects_file: Path | None = None
    need_address: list[int] = field(default_factory=list)  # new prospects, research tasks
    found_address: list[int] = field(default_factory=list)  # research tasks closed
    flagged: list[Flagged] = field(default_factory=list)
    kept_email: list[int] = field(default_factory=list)  # not corrected: a delivery depends

    @property
    def how(self) -> str:
        """``read as a LinkedIn connections export, encoding utf-8``."""
        parts = []
        if self.export:
            parts.append(f"read as {self.export}")
        if self.encoding == "xlsx":
            parts.append(f"read as XLSX{f', sheet {self.sheet!r}' if self.sheet else ''}")
        elif not self.encoding.startswith("vcard"):
            parts.append(f"encoding {self.encoding}")
        if self.skipped:
            parts.append(
                f"header on row {self.header_line}, {self.skipped} "
                f"{noun(self.skipped, 'row')} above it skipped"
            )
        return "; ".join(parts)

    @property
    def summary(self) -> str:
        """The one-line summary the CLI prints."""
        line = (
            f"{self.source or self.path}: {self.new} new, {len(self.updated)} updated, "
            f"{self.unchanged} unchanged, {len(self.rejects)} rejected ({self.how})"
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
    header_row: int | None = None,
) -> ImportReport:
    """Import the prospect list at ``path``: new prospects added, known ones updated.

    Rows that can't be imported are reported and written, whole plus a ``reason``
    column, to a new rejects CSV under ``output_dir``; the rest go into the store in one
    transaction. A file that can't be read or lacks a required column raises
    InputError before anything changes: ``store`` may be a function that opens it,
    so a bad file does not even create the database. ``referred_by`` (a contact id)
    marks the prospects new in this import as that contact's referrals. ``header_row``
    (as the file numbers its lines) overrides the header found.
    """
    wanted = parse_mapping(mapping)
    table = read_table(path, sheet, wanted, header_row)
    columns = match_columns(path, table.header, wanted, table.kind)
    report = ImportReport(
        path=path,
        encoding=table.encoding,
        source=source_name or str(path),
        export=columns.export.name if columns.export is not None else "",
        sheet=table.sheet if len(table.sheets) > 1 else "",
        skipped=table.skipped,
        header_line=table.header_line,
    )
    opened = store() if callable(store) else store
    records, flags, seen_ids, keys = _check_rows(table, columns, region, opened, report, track)
    existing: dict[int, dict[str, Any]] = opened.prospect_rows() if records else {}
    known = Known(existing)
    matches = {id(r): known.find(r, keys[id(r)]) for r in records}
    records = _drop_duplicates(records, matches, seen_ids, report)
    keep_email = _in_flight(opened) if existing else set()

    if report.rejects:
        report.rejects_file = write_rejects(output_dir, path, today, table.header, report.rejects)
    if not records and referred_by is None:
        return report  # nothing new or changed (the same file again): nothing to write
    try:
        with opened.transaction() as tx:
            if referred_by is not None:
                _require_referrer(tx, referred_by)
            result = store_records(
                tx,
                records,
                report.source,
                today,
                existing=existing,
                keep_email=keep_email,
                matches=matches,
            )
            for prospect_id in result.new if referred_by is not None else ():
                tx.update_prospect(prospect_id, referred_by=referred_by)
            for prospect_id, email in result.replaced_emails:
                tx.add_former_email(prospect_id, email, today)
            new_ids = {id(r): pid for r, pid in zip(result.inserted, result.new, strict=True)}
            _research(tx, result.inserted, result.new, result.updated, today, report)
    except BaseException:
        if report.rejects_file is not None:
            report.rejects_file.unlink(missing_ok=True)
        raise
    for number, record, reason in flags:
        pid = new_ids.get(id(record)) or matches.get(id(record))
        if pid is not None:
            report.flagged.append(Flagged(number, pid, _who(record), reason))
    report.kept_email = sorted(keep_email & {pid for pid, _, _ in result.updated})
    _already_mailed(opened, records, existing, new_ids, report)
    report.new = len(result.new)
    report.updated = result.updated
    report.unchanged += result.unchanged
    return report


def _who(record: Mapping[str, Any]) -> str:
    return f"{record['company']} ({record['contact']})"


def row_digest(signature: str, cells: Sequence[str]) -> str:
    """A row's cells as read with this file's columns: equal digests, equal records."""
    text = signature + "\x1e" + "\x1f".join(cells)
    return hashlib.blake2b(text.encode("utf-8", "surrogatepass"), digest_size=16).hexdigest()


def _signature(columns: Columns, header: Sequence[str], region: str) -> str:
    export = columns.export.key if columns.export is not None else ""
    return repr((export, region, list(header), sorted(columns.fields.items()),
                 sorted(columns.extra.items())))  # fmt: skip


def _check_rows(
    table: Table,
    columns: Columns,
    region: str,
    store: Store,
    report: ImportReport,
    track: Callable[[Sequence[Any]], Iterable[Any]],
) -> tuple[
    list[dict[str, Any]],
    list[tuple[int, dict[str, Any], str]],
    dict[int, int],
    dict[int, list[str]],
]:
    """Each row checked (or known unchanged by its digest): the records, and who is flagged."""
    digests = store.import_digests()
    signature = _signature(columns, table.header, region)
    used = columns.used
    unsaved_cols: dict[int, list[tuple[int, str]]] = {}
    for (row, col), where in table.unsaved.items():
        if col in used:
            unsaved_cols.setdefault(row, []).append((col, where))
    records: list[dict[str, Any]] = []
    flags: list[tuple[int, dict[str, Any], str]] = []
    seen: dict[str, int] = {}  # identity key -> first row that used it in this file
    seen_ids: dict[int, int] = {}  # prospect id -> the row of this file that is it
    keys_of: dict[int, list[str]] = {}  # id(record) -> its identity keys
    for bad in table.bad:
        report.rejects.append(Reject(bad.line, bad.reason, bad.cells))
    for number, cells in track(table.rows):
        if not "".join(cells).strip():
            continue  # a blank line or an empty spreadsheet row: nothing to report
        digest = row_digest(signature, cells)
        known = digests.get(digest)
        if known is not None:
            if known in seen_ids:
                report.rejects.append(
                    Reject(number, f"the same prospect as row {seen_ids[known]}", list(cells))
                )
            else:
                seen_ids[known] = number
                report.unchanged += 1
            continue
        checked = check_row(cells, table.header, columns, region)
        company, contact = checked.who
        if number in unsaved_cols:
            where = ", ".join(w for _, w in unsaved_cols[number])
            reason = (
                f"cell {where} is a formula with no saved value: open the file in Excel and "
                "save it, or type the value"
            )
            report.rejects.append(Reject(number, reason, list(cells), company, contact))
            continue
        if checked.record is None:
            report.rejects.append(Reject(number, checked.reason, list(cells), company, contact))
            continue
        record = checked.record
        keys = identity_keys(record)
        keys_of[id(record)] = keys
        first = next((seen[k] for k in keys if k in seen), None)
        if first is not None:
            report.rejects.append(
                Reject(number, f"the same prospect as row {first}", list(cells), company, contact)
            )
            continue
        for key in keys:
            seen[key] = number
        for warning in checked.warnings:
            report.warnings.append(RowWarning(number, warning))
        record["source_row"] = number
        record["import_digest"] = digest
        records.append(record)
        if checked.flag:
            flags.append((number, record, checked.flag))
    return records, flags, seen_ids, keys_of


def _drop_duplicates(
    records: list[dict[str, Any]],
    matches: Mapping[int, int | None],
    seen_ids: dict[int, int],
    report: ImportReport,
) -> list[dict[str, Any]]:
    """Records that are a prospect another row of this file already is: rejected."""
    kept = []
    for record in records:
        found = matches[id(record)]
        if found is not None and found in seen_ids:
            report.rejects.append(
                Reject(
                    int(record["source_row"]),
                    f"the same prospect as row {seen_ids[found]}",
                    [],
                    str(record["company"]),
                    str(record["contact"]),
                )
            )
            continue
        if found is not None:
            seen_ids[found] = int(record["source_row"])
        kept.append(record)
    report.rejects.sort(key=lambda r: r.row)
    return kept


def _in_flight(store: Store) -> set[int]:
    """Prospects with an email delivery claimed, being transmitted or in doubt."""
    return {s.prospect_id for s in store.list_sends(IN_FLIGHT) if s.channel == Channel.EMAIL}


def _research(
    tx: Transaction,
    inserted: Sequence[Mapping[str, Any]],
    new_ids: Sequence[int],
    updated: Sequence[tuple[int, str, list[Change]]],
    today: date,
    report: ImportReport,
) -> None:
    """A research task for each new prospect no letter can reach; closed once one can."""
    for prospect_id, record in zip(new_ids, inserted, strict=True):
        if needs_address(record):
            open_research(tx, prospect_id, record, today)
            report.need_address.append(prospect_id)
    for prospect_id, _, changes in updated:
        if not {c.field for c in changes} & {"email", "street", "city", "postal_code", "region"}:
            continue
        if tx.get_prospect(prospect_id).needs_address:
            continue
        if close_research(tx, prospect_id, today, f"found by the import of {report.source}"):
            report.found_address.append(prospect_id)


def research_reason(record: Mapping[str, Any]) -> str:
    """``find a mailing address or email for Ana Lima at Acme Corp``."""
    return f"find a mailing address or email for {record['contact']} at {record['company']}"


def open_research(
    tx: Transaction, prospect_id: int, record: Mapping[str, Any], today: date
) -> None:
    """A task due today to find a way to reach a prospect no letter can reach yet."""
    tx.insert_task(
        kind=TaskKind.RESEARCH,
        due=today,
        today=today,
        prospect_id=prospect_id,
        reason=research_reason(record),
        detail=dict(NEED_ADDRESS),
    )


def close_research(tx: Transaction, prospect_id: int, today: date, note: str) -> int:
    """Close the prospect's open research tasks for an address; how many."""
    closed = 0
    for task in tx.prospect_tasks(prospect_id, [TaskKind.RESEARCH], open_only=True):
        if task.detail.get("need") == NEED_ADDRESS["need"]:
            closed += int(tx.close_task(task.id, TaskState.DONE, today, note))
    return closed


def _already_mailed(
    store: Store,
    records: Sequence[Mapping[str, Any]],
    existing: Mapping[int, Mapping[str, Any]],
    new_ids: Mapping[int, int],
    report: ImportReport,
) -> None:
    """A warning for each new prospect whose address already had a letter as another."""
    fresh = [r for r in records if id(r) in new_ids and r.get("email")]
    if not fresh:
        return
    mailed = store.mailed_addresses()
    for record in fresh:
        other = mailed.get(mailbox(str(record["email"])))
        if other is None or other == new_ids[id(record)]:
            continue
        row = existing.get(other) or {}
        who = f" ({row['company']}, {row['contact']})" if row else ""
        report.warnings.append(
            RowWarning(
                int(record["source_row"]),
                f"{record['email']} was already mailed as prospect #{other}{who}: "
                "the same mailbox does not get the same letter twice",
            )
        )
    report.warnings.sort(key=lambda w: w.row)


def write_rejects(
    output_dir: Path, source: Path, today: date, header: Sequence[str], rejects: Sequence[Reject]
) -> Path:
    """Write the rejected rows, unchanged plus a reason, to a new CSV; never overwrite.

    Unchanged but for the spreadsheet: a cell that would start a formula is kept as text
    (``spreadsheet_safe``).
    """
    reason = "reason"  # matches REJECT_REASON: a corrected file imports without it
    while reason in header:
        reason = f"import_{reason}"
    width = max([len(header), *(len(r.cells) for r in rejects)])
    stem = re.sub(r"[^\w.-]+", "-", source.stem).strip("-") or "list"
    target = new_file(output_dir, f"rejects-{stem}-{today.isoformat()}", ".csv")
    partial = target.with_name(f".{target.name}.part")
    try:
        with partial.open("w", encoding="utf-8-sig", newline="") as handle:
            writer = csv.writer(handle)
            writer.writerow(
                [spreadsheet_safe(h) for h in [*header, *[""] * (width - len(header)), reason]]
            )
            for reject in rejects:
                cells = reject.cells + [""] * (width - len(reject.cells))
                writer.writerow(
                    [spreadsheet_safe(c) for c in [*cells, f"row {reject.row}: {reject.reason}"]]
                )
        partial.replace(target)
    except OSError as exc:
        partial.unlink(missing_ok=True)
        target.unlink(missing_ok=True)
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
