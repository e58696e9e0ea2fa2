"""Reading a prospect list (CSV or XLSX) as text: a header and rows of cells.

CSV goes through the standard ``csv`` module rather than pandas: every cell stays the
exact text of the file (no "nan", leading zeros kept), a ragged row is rejected on its
own instead of failing the file, and the CLI is spared pandas' start-up cost. XLSX goes
through pandas (``dtype=str``) with openpyxl, imported only when one is read.
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from campaign.errors import InputError, arg

XLSX_SUFFIXES = (".xlsx", ".xlsm")


@dataclass(frozen=True)
class Table:
    """A file's header and rows as text, with how it was read."""

    path: Path
    header: list[str]
    rows: list[tuple[int, list[str]]]  # (row number as a spreadsheet shows it, cells)
    encoding: str  # "utf-8", "utf-8-sig", "cp1252", "utf-16" or "xlsx"
    delimiter: str = ","


def resolve_source(name: str, home: Path, cwd: Path) -> Path:
    """The file the user means: relative to the current directory, else to the campaign."""
    path = Path(name).expanduser()
    if path.is_absolute():
        return path
    for base in (cwd, home):
        if (base / path).exists():
            return base / path
    return cwd / path


def read_table(path: Path, sheet: str | None = None) -> Table:
    """Read a CSV or XLSX file as text; an InputError naming the file if it can't be."""
    if not path.exists():
        raise InputError(f"{path}: no such file")
    if not path.is_file():
        raise InputError(f"{path}: is not a file")
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise InputError(f"{path}: can't be read: {exc.strerror or exc}") from None
    if not data.strip():
        raise InputError(f"{path}: is empty")
    if data.startswith(b"PK\x03\x04") or path.suffix.lower() in XLSX_SUFFIXES:
        table = _read_xlsx(path, sheet)
    elif data.startswith(b"\xd0\xcf\x11\xe0"):
        raise InputError(f"{path}: is an old Excel .xls file; save it as .xlsx or CSV")
    else:
        if sheet is not None:
            raise InputError(f"{path}: {arg('sheet')} applies to XLSX files only")
        table = _read_csv(path, data)
    if not any(h.strip() for h in table.header):
        raise InputError(f"{path}: has no header row")
    return table


def _decode(path: Path, data: bytes) -> tuple[str, str]:
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8", errors="strict"), "utf-8-sig"
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return data.decode("utf-16"), "utf-16"
        except UnicodeDecodeError:
            raise InputError(f"{path}: is not valid UTF-16 text") from None
    if b"\x00" in data[:8192]:
        raise InputError(f"{path}: is not a CSV or XLSX file (binary data)")
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    try:
        # What Excel on Windows writes for "CSV (Comma delimited)".
        return data.decode("cp1252"), "cp1252"
    except UnicodeDecodeError as exc:
        raise InputError(
            f"{path}: is neither UTF-8 nor Windows-1252 text (byte {exc.start}); "
            "save it as CSV UTF-8"
        ) from None


def _sniff_delimiter(text: str) -> str:
    """The delimiter that splits the header line most, outside quotes."""
    first = next((line for line in text.splitlines() if line.strip()), "")
    unquoted = re.sub(r'"[^"]*"', "", first)
    counts = {d: unquoted.count(d) for d in (",", ";", "\t", "|")}
    best = max(counts, key=lambda d: counts[d])
    return best if counts[best] else ","


def _read_csv(path: Path, data: bytes) -> Table:
    text, encoding = _decode(path, data)
    delimiter = _sniff_delimiter(text)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    rows: list[tuple[int, list[str]]] = []
    header: list[str] | None = None
    try:
        for number, cells in enumerate(reader, start=1):
            if header is None:
                if any(c.strip() for c in cells):
                    header = cells
                continue
            rows.append((number, cells))
    except csv.Error as exc:
        raise InputError(f"{path}: row {reader.line_num}: not valid CSV: {exc}") from None
    return Table(path, header or [], rows, encoding, delimiter)


def _read_xlsx(path: Path, sheet: str | None) -> Table:
    import pandas as pd

    try:
        frame = pd.read_excel(
            path,
            sheet_name=sheet if sheet is not None else 0,
            header=None,
            dtype=str,
            keep_default_na=False,
            na_filter=False,
            engine="openpyxl",
        )
    except ValueError as exc:
        if sheet is not None and "not found" in str(exc):
            sheets = _sheet_names(path)
            raise InputError(
                f"{path}: no sheet named {sheet!r} (sheets: {', '.join(sheets)})"
            ) from None
        raise InputError(f"{path}: can't be read as XLSX: {exc}") from None
    except Exception as exc:  # openpyxl/zipfile raise many types on a damaged file
        raise InputError(f"{path}: can't be read as XLSX: {exc or type(exc).__name__}") from None
    rows: list[tuple[int, list[str]]] = []
    header: list[str] | None = None
    for index, values in enumerate(frame.itertuples(index=False, name=None)):
        cells = [_xlsx_cell(v) for v in values]
        if header is None:
            if any(c.strip() for c in cells):
                header = cells
            continue
        rows.append((index + 1, cells))
    return Table(path, header or [], rows, "xlsx")


def _xlsx_cell(value: Any) -> str:
    text = "" if value is None else str(value)
    # Excel stores whole numbers as floats: 1 arrives as "1.0" (a zip code or priority).
    if text.endswith(".0") and text[:-2].isdigit():
        return text[:-2]
    return text


def _sheet_names(path: Path) -> list[str]:
    from openpyxl import load_workbook

    workbook = load_workbook(path, read_only=True)
    try:
        return list(workbook.sheetnames)
    finally:
        workbook.close()
