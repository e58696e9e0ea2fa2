"""Write ``campaign/store/compiled.py``: every view of ``views.py`` as SQLite compiles it.

Run ``python -m campaign.store.precompile`` after changing a view, a table in
``schema.py`` or a migration; ``tests/test_store_views.py`` fails while the file is
stale. The sqlite3 reader (``campaign.store.lite``) runs these texts, so the morning
commands never import SQLAlchemy; it also checks ``SOURCE`` (a digest of ``views.py``
and ``schema.py``) and ``VERSIONS`` (the migrations) and falls back to SQLAlchemy when
either disagrees, so a stale file costs speed, never a wrong answer.
"""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any

from sqlalchemy import JSON, Boolean, Date, DateTime
from sqlalchemy.dialects import sqlite

from campaign.store.lite import encode
from campaign.store.migrations import MIGRATIONS
from campaign.store.views import VIEWS, statement

HERE = Path(__file__).resolve().parent
TARGET = HERE / "compiled.py"
SOURCES = ("views.py", "schema.py")


def source_digest(folder: Path = HERE) -> str:
    """The digest of the files that define the views (line ends aside)."""
    digest = hashlib.sha256()
    for name in SOURCES:
        digest.update((folder / name).read_bytes().replace(b"\r\n", b"\n"))
    return digest.hexdigest()[:20]


def _kind(type_: Any) -> str:
    if isinstance(type_, DateTime):
        return "datetime"
    if isinstance(type_, Date):
        return "date"
    if isinstance(type_, JSON):
        return "json"
    if isinstance(type_, Boolean):
        return "bool"
    return ""


def compile_view(
    name: str,
) -> tuple[str, dict[str, Any], dict[str, str], tuple[tuple[str, str], ...]]:
    """One view: its SQL, its fixed parameters, its named parameters' kinds, its columns."""
    compiled = statement(name).compile(dialect=sqlite.dialect(paramstyle="named"))
    sql = str(compiled)
    fixed: dict[str, Any] = {}
    named: dict[str, str] = {}
    for bind, key in compiled.bind_names.items():
        kind = _kind(bind.type)
        if bind.required:  # a parameter the caller gives: ``:today``, ``:ids`` ...
            named[key] = kind + ("*" if bind.expanding else "")
        elif bind.expanding:  # a fixed IN list (the call kinds ...): spelt out now
            values = list(bind.value or ())
            names = [f"{key}_{i}" for i in range(1, len(values) + 1)]
            sql = sql.replace(f"__[POSTCOMPILE_{key}]", ", ".join(f":{n}" for n in names))
            fixed.update({n: encode(v, kind) for n, v in zip(names, values, strict=True)})
        else:
            fixed[key] = encode(bind.value, kind)
    columns = tuple((entry[0], _kind(entry[3])) for entry in compiled._result_columns)
    return sql, fixed, named, columns


def render() -> str:
    """The text of compiled.py."""
    versions = tuple(sorted(version for version, _, _ in MIGRATIONS))
    lines = [
        "# ruff: noqa: E501",
        "# fmt: off",
        '"""Every view of ``views.py`` compiled for SQLite: written by ``python -m',
        'campaign.store.precompile``, never by hand (see that module)."""',
        "",
        "from typing import Any",
        "",
        f"SOURCE = {source_digest()!r}",
        f"VERSIONS = {versions!r}",
        "",
        "# name: (SQL, fixed parameters, named parameters' kinds, result columns and kinds)",
        "Compiled = tuple[str, dict[str, Any], dict[str, str], tuple[tuple[str, str], ...]]",
        "VIEWS: dict[str, Compiled] = {",
    ]
    for name in sorted(VIEWS):
        lines.append(f"    {name!r}: {compile_view(name)!r},")
    lines += ["}", ""]
    return "\n".join(lines)


def main() -> None:
    """Write compiled.py."""
    TARGET.write_text(render(), encoding="utf-8")
    print(f"wrote {TARGET} ({len(VIEWS)} views)")


if __name__ == "__main__":
    main()
