"""A serif TTF with wide coverage (Łódź, Ødegaard, Zoë) embedded in every PDF.

DejaVu Serif ships with matplotlib (mpl-data/fonts/ttf); it is found without importing
matplotlib, which would cost a second.
"""

from __future__ import annotations

import importlib.util
from functools import cache
from pathlib import Path

from campaign.errors import CampaignError

FAMILY = "DejaVuSerif"
# The faces in the order every PDF of a batch names them: F2, F3, F4, F5 (F1 is Helvetica).
FACES = (FAMILY, f"{FAMILY}-Bold", f"{FAMILY}-Italic", f"{FAMILY}-BoldItalic")
FILES = {
    FAMILY: "DejaVuSerif.ttf",
    f"{FAMILY}-Bold": "DejaVuSerif-Bold.ttf",
    f"{FAMILY}-Italic": "DejaVuSerif-Italic.ttf",
    f"{FAMILY}-BoldItalic": "DejaVuSerif-BoldItalic.ttf",
}


def font_dir() -> Path:
    """matplotlib's bundled TTF folder."""
    spec = importlib.util.find_spec("matplotlib")
    if spec is None or not spec.submodule_search_locations:
        raise CampaignError("the DejaVu fonts come with matplotlib: pip install matplotlib")
    return Path(next(iter(spec.submodule_search_locations))) / "mpl-data" / "fonts" / "ttf"


@cache
def register_fonts() -> str:
    """Register the DejaVu Serif family with reportlab once; returns the family name."""
    from reportlab.lib.fonts import addMapping
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont

    folder = font_dir()
    for name, file in FILES.items():
        path = folder / file
        if not path.is_file():
            raise CampaignError(f"{path}: font missing; reinstall matplotlib")
        pdfmetrics.registerFont(TTFont(name, str(path)))
    addMapping(FAMILY, 0, 0, FAMILY)
    addMapping(FAMILY, 1, 0, f"{FAMILY}-Bold")
    addMapping(FAMILY, 0, 1, f"{FAMILY}-Italic")
    addMapping(FAMILY, 1, 1, f"{FAMILY}-BoldItalic")
    return FAMILY
