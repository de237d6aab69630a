"""The one place that names fonts. Layout code asks for a role ("regular", "bold", "mono").

Preferred: Annapurna SIL (Debian ``fonts-sil-annapurna``), one family that covers Latin, Devanagari
and the rupee sign, with a bold, so a bilingual line never switches fonts inside a word (that would
break shaping). Devanagari is shaped by reportlab through HarfBuzz (``uharfbuzz``); without the font
or without HarfBuzz the notice is printed in English only. Next best is DejaVu (``fonts-dejavu-core``,
rupee sign but no Devanagari), then the built-in Helvetica/Courier with amounts written "Rs.".
The choice is made once per process, at first use.
"""

from __future__ import annotations

import functools
import importlib.util
import logging
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont

log = logging.getLogger(__name__)

RUPEE = "\u20b9"
DEVANAGARI_KA = "\u0915"

FONT_DIRS: tuple[Path, ...] = (
    Path("/usr/share/fonts/truetype/annapurna"),
    Path("/usr/share/fonts/truetype/dejavu"),
    Path("/usr/share/fonts/dejavu"),
    Path("/usr/local/share/fonts"),
)

# Families in order of preference: role -> (name registered with reportlab, TrueType file name)
FAMILIES: tuple[dict[str, tuple[str, str]], ...] = (
    {
        "regular": ("EchallanDeva", "AnnapurnaSIL-Regular.ttf"),
        "bold": ("EchallanDeva-Bold", "AnnapurnaSIL-Bold.ttf"),
    },
    {
        "regular": ("EchallanSans", "DejaVuSans.ttf"),
        "bold": ("EchallanSans-Bold", "DejaVuSans-Bold.ttf"),
    },
)
MONO = ("EchallanMono", "DejaVuSansMono.ttf")

# role -> built-in PDF font used when no TrueType family is found
FALLBACK: dict[str, str] = {"regular": "Helvetica", "bold": "Helvetica-Bold", "mono": "Courier"}


@dataclass(frozen=True)
class FontSet:
    regular: str
    bold: str
    mono: str
    rupee: bool  # True when regular and bold both draw U+20B9
    hindi: bool = False  # True when regular and bold draw Devanagari and HarfBuzz can shape it

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


def _load(registered: str, file_name: str, dirs: Sequence[Path]) -> TTFont | None:
    path = _find(file_name, dirs)
    if path is None:
        return None
    try:
        font = TTFont(registered, str(path))
    except Exception as err:  # a damaged font file must not stop the batch
        log.warning("cannot load font %s: %s", path, err)
        return None
    pdfmetrics.registerFont(font)
    return font


def can_shape() -> bool:
    return importlib.util.find_spec("uharfbuzz") is not None


def pick_fonts(dirs: Sequence[Path] = FONT_DIRS) -> FontSet:
    """Register the first complete TrueType family found in ``dirs``; fall back to built-ins."""
    mono = _load(*MONO, dirs)
    mono_name = MONO[0] if mono is not None else FALLBACK["mono"]
    for family in FAMILIES:
        loaded = {role: _load(name, file_name, dirs) for role, (name, file_name) in family.items()}
        faces = [font.face.charToGlyph for font in loaded.values() if font is not None]
        if len(faces) != len(family) or not all(ord(RUPEE) in face for face in faces):
            continue
        hindi = all(ord(DEVANAGARI_KA) in face for face in faces) and can_shape()
        if not hindi:
            log.info("no Devanagari font or no HarfBuzz (uharfbuzz); notices are printed in English only")
        return FontSet(family["regular"][0], family["bold"][0], mono_name, rupee=True, hindi=hindi)
    log.info("no TrueType font with the rupee sign found; amounts are printed as 'Rs.'")
    return FontSet(FALLBACK["regular"], FALLBACK["bold"], mono_name, rupee=False)


@functools.cache
def fonts() -> FontSet:
    """The font set for this process, chosen at first use."""
    return pick_fonts()
