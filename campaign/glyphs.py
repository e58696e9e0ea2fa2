"""Which characters the PDF letters can draw: a name in a script the font lacks is named.

The PDFs (letters, envelopes, labels) embed DejaVu Serif, which draws Latin, Greek and
Cyrillic; Japanese, Chinese, Korean, Arabic, Hebrew, Devanagari, Thai and emoji it
does not, and reportlab would print empty boxes. Import warns about such a name or
address, and ``merge`` and ``send`` refuse a PDF that would hold one, before any file
is written (DOCX and email keep every character).
"""

from __future__ import annotations

import unicodedata
from functools import cache

from campaign.documents.fonts import FAMILY, FILES, font_dir

# Below this every letter is Latin, Greek, Cyrillic or Armenian: DejaVu Serif has them all.
_SAFE_BELOW = 0x0530
_SCRIPTS = {
    "HIRAGANA": "Japanese", "KATAKANA": "Japanese", "CJK": "Chinese/Japanese",
    "HANGUL": "Korean", "ARABIC": "Arabic", "HEBREW": "Hebrew", "DEVANAGARI": "Devanagari",
    "THAI": "Thai", "BENGALI": "Bengali", "TAMIL": "Tamil", "ETHIOPIC": "Ethiopic",
}  # fmt: skip


@cache
def _covered() -> frozenset[int]:
    from fontTools.ttLib import TTFont

    font = TTFont(str(font_dir() / FILES[FAMILY]), lazy=True)
    try:
        return frozenset(font.getBestCmap())
    finally:
        font.close()


def unprintable(text: str) -> str:
    """The characters of ``text`` the letter font can't draw, named by script; "" if none.

    ``"Tanaka 田中"`` -> ``"Chinese/Japanese: 田中"``.
    """
    if not text or max(map(ord, text)) < _SAFE_BELOW:
        return ""
    covered = _covered()
    missing = [c for c in dict.fromkeys(text) if ord(c) not in covered and not c.isspace()]
    if not missing:
        return ""
    scripts = []
    for char in missing:
        word = unicodedata.name(char, "UNKNOWN").split()[0]
        script = _SCRIPTS.get(word, "symbols" if not char.isalpha() else word.title())
        if script not in scripts:
            scripts.append(script)
    return f"{', '.join(scripts)}: {''.join(missing[:12])}"
