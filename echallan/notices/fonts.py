"""The one place that names fonts. Layout code asks for a role ("regular", "bold", "mono").

A TrueType family with the rupee sign (U+20B9) is preferred: DejaVu, from Debian's
``fonts-dejavu-core``. Without it the built-in Helvetica/Courier are used and amounts are written
"Rs.". The choice is made once, at first use. A Hindi notice will add a Devanagari family here.
"""

from __future__ import annotations

import functools
import logging
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont

log = logging.getLogger(__name__)

RUPEE = "\u20b9"

FONT_DIRS: tuple[Path, ...] = (
    Path("/usr/share/fonts/truetype/dejavu"),
    Path("/usr/share/fonts/dejavu"),
    Path("/usr/local/share/fonts"),
)

# role -> (name registered with reportlab, TrueType file name)
TTF_FILES: dict[str, tuple[str, str]] = {
    "regular": ("EchallanSans", "DejaVuSans.ttf"),
    "bold": ("EchallanSans-Bold", "DejaVuSans-Bold.ttf"),
    "mono": ("EchallanMono", "DejaVuSansMono.ttf"),
}

# role -> built-in PDF font used when the TrueType file is not found
FALLBACK: dict[str, str] = {"regular": "Helvetica", "bold": "Helvetica-Bold", "mono": "Courier"}


@dataclass(frozen=True)
class FontSet:
    regular: str
    bold: str
    mono: str
    rupee: bool  # True when regular and bold both draw U+20B9

    def name(self, role: str) -> str:
        return {"regular": self.regular, "bold": self.bold, "mono": self.mono}[role]

    @property
    def currency(self) -> str:
        return RUPEE if self.rupee else "Rs."


def _find(file_name: str, dirs: Sequence[Path]) -> Path | None:
    for folder in dirs:
        candidate = folder / file_name
        if candidate.is_file():
            return candidate
    return None


def pick_fonts(dirs: Sequence[Path] = FONT_DIRS) -> FontSet:
    """Register whichever TrueType fonts exist in ``dirs`` and fall back to built-ins for the rest."""
    names: dict[str, str] = {}
    has_rupee: dict[str, bool] = {}
    for role, (registered, file_name) in TTF_FILES.items():
        path = _find(file_name, dirs)
        font = None
        if path is not None:
            try:
                font = TTFont(registered, str(path))
            except Exception as err:  # a damaged font file must not stop the batch
                log.warning("cannot load font %s: %s", path, err)
        if font is None:
            names[role] = FALLBACK[role]
            has_rupee[role] = False
            continue
        pdfmetrics.registerFont(font)
        names[role] = registered
        has_rupee[role] = ord(RUPEE) in font.face.charToGlyph
    rupee = has_rupee["regular"] and has_rupee["bold"]
    if not rupee:
        # Mixing a TrueType body with a built-in bold (or the reverse) looks odd; keep the pair alike.
        names["regular"], names["bold"] = FALLBACK["regular"], FALLBACK["bold"]
        log.info("no TrueType font with the rupee sign found; amounts are printed as 'Rs.'")
    return FontSet(regular=names["regular"], bold=names["bold"], mono=names["mono"], rupee=rupee)


@functools.cache
def fonts() -> FontSet:
    """The font set for this process, chosen at first use."""
    return pick_fonts()
