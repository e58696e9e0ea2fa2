"""A serif TTF with wide coverage (Łódź, Ødegaard, Zoë) embedded in every PDF.

The four DejaVu Serif files ship inside the package (campaign/data/fonts, with their
licence): no font package to install, nothing imported to find them.
"""

from __future__ import annotations

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
    """The package's own TTF folder (DejaVu Serif and its licence)."""
    return Path(__file__).resolve().parent.parent / "data" / "fonts"


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
            raise CampaignError(f"{path}: font missing; reinstall campaign")
        pdfmetrics.registerFont(TTFont(name, str(path)))
    addMapping(FAMILY, 0, 0, FAMILY)
    addMapping(FAMILY, 1, 0, f"{FAMILY}-Bold")
    addMapping(FAMILY, 0, 1, f"{FAMILY}-Italic")
    addMapping(FAMILY, 1, 1, f"{FAMILY}-BoldItalic")
    return FAMILY
