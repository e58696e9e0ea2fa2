"""Safe file and folder names under output/: nothing escapes it, nothing is overwritten."""

from __future__ import annotations

import re
import unicodedata
from datetime import date
from pathlib import Path

from campaign.errors import InputError
from campaign.models import Rendered

SLUG_LIMIT = 40
# Letters that Unicode does not decompose into a base letter and an accent.
_LETTERS = str.maketrans(
    {"ł": "l", "Ł": "L", "ø": "o", "Ø": "O", "ß": "ss", "æ": "ae", "Æ": "AE", "đ": "d", "Đ": "D"}
    | {"þ": "th", "Þ": "Th", "œ": "oe", "Œ": "OE", "ı": "i"}
)


def slug(text: str, limit: int = SLUG_LIMIT) -> str:
    """``Łódź & Sons, Inc.`` -> ``lodz-sons-inc``: ASCII, lowercase, at most ``limit`` chars."""
    ascii_text = unicodedata.normalize("NFKD", text.translate(_LETTERS))
    ascii_text = ascii_text.encode("ascii", "ignore").decode("ascii").lower()
    cleaned = re.sub(r"[^a-z0-9]+", "-", ascii_text).strip("-")
    return cleaned[:limit].rstrip("-") or "x"


def new_file(folder: Path, stem: str, suffix: str) -> Path:
    """``folder/stem.suffix``, else ``stem-2.suffix``, ...: created empty and exclusively,
    so no earlier run's file is ever overwritten, even by two runs at once."""
    try:
        folder.mkdir(parents=True, exist_ok=True)
        for number in range(1, 10_000):
            path = folder / f"{stem}{'' if number == 1 else f'-{number}'}{suffix}"
            try:
                path.touch(exist_ok=False)
            except FileExistsError:
                continue
            return path
    except OSError as exc:
        raise InputError(f"{folder}: can't write {stem}{suffix}: {exc}") from None
    raise InputError(f"{folder}: too many {stem}{suffix} files; clear some out")


def file_name(rendered: Rendered, suffix: str) -> str:
    """``003-acme-corp-p12.pdf``: running number, company slug and prospect id.

    The number leads, so no name is ever a device name (``CON``) or hidden; the slug
    holds only ``a-z0-9-``, so no name leaves its folder; the id makes it unique.
    """
    number = f"{rendered.position:03d}"
    return f"{number}-{slug(rendered.prospect.company)}-p{rendered.prospect.id}{suffix}"


def new_run_folder(output_dir: Path, label: str, today: date) -> Path:
    """A new folder ``output/LABEL-YYYY-MM-DD-N`` (N counts up): unique, never reused."""
    safe = re.sub(r"[^A-Za-z0-9._-]+", "-", label).strip("-.") or "run"
    try:
        output_dir.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise InputError(f"{output_dir}: can't create the output folder: {exc}") from None
    number = 1
    while True:
        folder = output_dir / f"{safe}-{today.isoformat()}-{number}"
        try:
            folder.mkdir()  # atomic: two runs at once can't both get this folder
        except FileExistsError:
            number += 1
            continue
        except OSError as exc:
            raise InputError(f"{folder}: can't create: {exc}") from None
        return folder
