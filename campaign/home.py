"""The campaign folder: creating it (``campaign init``) without ever overwriting."""

from __future__ import annotations

import shutil
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

from campaign.config import CONFIG_NAME
from campaign.errors import InputError

FOLDERS = ("templates", "lists", "output")


@dataclass(frozen=True)
class Created:
    """One path ``init`` looked at, and whether it wrote it."""

    path: Path
    written: bool


def package_templates() -> list[Path]:
    """The default templates shipped inside the package."""
    root = Path(str(resources.files("campaign") / "templates"))
    return sorted(p for p in root.iterdir() if p.is_file() and not p.name.startswith((".", "_")))


def init_home(home: Path) -> list[Created]:
    """Write campaign.toml, the folders and editable template copies where missing."""
    if home.exists() and not home.is_dir():
        raise InputError(f"{home}: exists and is not a folder")
    results = []
    home.mkdir(parents=True, exist_ok=True)
    config = home / CONFIG_NAME
    if not config.exists():
        skeleton = resources.files("campaign") / "data" / CONFIG_NAME
        config.write_text(skeleton.read_text(encoding="utf-8"), encoding="utf-8")
        results.append(Created(config, True))
    else:
        results.append(Created(config, False))
    for name in FOLDERS:
        folder = home / name
        results.append(Created(folder, not folder.is_dir()))
        folder.mkdir(exist_ok=True)
    for template in package_templates():
        target = home / "templates" / template.name
        if not target.exists():
            shutil.copyfile(template, target)
            results.append(Created(target, True))
    return results
