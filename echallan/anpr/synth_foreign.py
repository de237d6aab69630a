"""Synthetic foreign (US-style) plates, for stress-testing how foreign plates are read and flagged.

A US plate's number shares the plate with print that is not part of it: the state's name and slogan above
and below, a registration sticker in a corner, and, beside the number, small print (letters stacked in a
column, a smaller prefix, a badge's words). ``render_foreign_plate`` draws such a plate in a random style
with the number alone as its label, so a bench can count how often that small print is read into the
number, and check that no foreign plate is ever auto-accepted as an Indian one. Fonts come from Debian
packages (fonts-urw-base35, scripts/setup.sh); nothing is downloaded.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np
from PIL import Image, ImageDraw, ImageFont

from echallan.errors import ConfigError
from echallan.types import Box

FONT_DIR = Path("/usr/share/fonts/opentype/urw-base35")
NUMBER_FONTS = (
    "NimbusSansNarrow-Bold.otf",
    "NimbusSans-Bold.otf",
    "URWGothic-Demi.otf",
    "NimbusMonoPS-Bold.otf",
)
PRINT_FONTS = (  # the state's name and slogan, small print: sans, serif and script faces
    "NimbusSans-Bold.otf",
    "NimbusRoman-Bold.otf",
    "Z003-MediumItalic.otf",
    "C059-BdIta.otf",
    "URWBookman-Demi.otf",
    "NimbusSans-Regular.otf",
    "P052-Italic.otf",
)
WORDS = (
    "Oregon", "MICHIGAN", "Illinois", "NEVADA", "Georgia", "IDAHO", "Delaware", "Texas", "OHIO", "Florida",
    "First in Flight", "Famous Potatoes", "THE FIRST STATE", "Land of Lincoln", "Sunshine State",
    "NORTH CAROLINA", "Virginia", "Arizona", "COLORADO", "Maryland", "Great Lakes", "Lone Star",
)  # fmt: skip
BADGE_WORDS = ("FIRE", "FIGHTER", "DONATE", "LIFE", "UNCG", "UNIV", "ARMY", "VET")
STACK = "ABCDEFGHJKLMNPRSTUVWXYZ0123456789"
LETTERS = "ABCDEFGHIJKLMNPQRSTUVWXYZ"  # no O: the reader folds O into 0 on foreign plates
SHAPES = (
    "LLLDDDD",
    "DLLLDDD",
    "DDDLLL",
    "LLDDDDD",
    "LLLDDD",
    "DDDDLL",
    "DLDDDD",
    "LDDDDD",
    "DDDDD",
    "LLLLDD",
)
#: What lies beside the number, and how often: nothing, 1-3 stacked characters, 1-2 characters on the
#: number's line 0.4-0.65 of its height, or a badge of two stacked words.
SMALL_PRINT = {"none": 0.25, "stacked": 0.34, "smaller": 0.22, "badge": 0.19}
PLATE_PX = (600, 300)  # drawn at this size, then shrunk to OUT_WIDTH
OUT_WIDTH = (140, 420)


@dataclass(frozen=True, eq=False)  # eq=False: compared and hashed by identity (it holds an array)
class ForeignPlate:
    """A rendered foreign plate on a margin of background, its number and what lies beside the number."""

    image: np.ndarray  # BGR uint8
    text: str  # the number alone, A-Z0-9
    box: Box  # the plate in ``image``
    small_print: str  # a key of SMALL_PRINT


@lru_cache(maxsize=64)
def _font(name: str, px: int) -> ImageFont.FreeTypeFont:
    path = FONT_DIR / name
    if not path.is_file():
        raise ConfigError(f"font {path} not found: install fonts-urw-base35 (scripts/setup.sh)")
    return ImageFont.truetype(str(path), max(6, px))


def _colour(rng: np.random.Generator, dark: bool) -> tuple[int, int, int]:
    lo, hi = (0, 110) if dark else (170, 256)
    r, g, b = (int(v) for v in rng.integers(lo, hi, 3))
    return r, g, b


def _choice(rng: np.random.Generator, items: tuple[str, ...]) -> str:
    return items[int(rng.integers(len(items)))]


def random_foreign_text(rng: np.random.Generator) -> str:
    """A US-style number: one of ``SHAPES`` (L a letter, D a digit)."""
    return "".join(_choice(rng, tuple(LETTERS if c == "L" else "0123456789")) for c in _choice(rng, SHAPES))


def _number_layer(text: str, font: ImageFont.FreeTypeFont, width: int) -> Image.Image:
    """The number drawn white on black, squeezed to at most ``width``."""
    x1, y1, x2, y2 = (int(v) for v in font.getbbox(text))
    layer = Image.new("L", (x2 - x1 + 4, y2 - y1 + 4), 0)
    ImageDraw.Draw(layer).text((2 - x1, 2 - y1), text, font=font, fill=255)
    return layer.resize((min(layer.width, width), layer.height))


def _small_print(
    draw: ImageDraw.ImageDraw, kind: str, at: tuple[float, float], number_h: int, rng: np.random.Generator
) -> None:
    """``kind`` of small print drawn from ``at`` (its left edge and the number's top)."""
    x, y = at
    ink = _colour(rng, dark=True)
    small = _font(_choice(rng, PRINT_FONTS), int(PLATE_PX[1] * rng.uniform(0.12, 0.2)))
    if kind == "stacked":
        for _ in range(int(rng.integers(1, 4))):
            draw.text((x, y), _choice(rng, tuple(STACK)), font=small, fill=ink)
            y += small.size * 1.05
    elif kind == "smaller":
        font = _font(_choice(rng, NUMBER_FONTS), int(number_h * rng.uniform(0.4, 0.65)))
        chars = "".join(_choice(rng, tuple(STACK)) for _ in range(int(rng.integers(1, 3))))
        draw.text((x, y + number_h * rng.uniform(0.1, 0.5)), chars, font=font, fill=ink)
    elif kind == "badge":
        y += int(rng.integers(0, 20))
        for _ in range(2):
            draw.text((x, y), _choice(rng, BADGE_WORDS), font=small, fill=ink)
            y += small.size * 1.1


def render_foreign_plate(rng: np.random.Generator) -> ForeignPlate:
    """A random US-style plate: scenery, the state's name and slogan, the number (split in two groups at
    times), small print beside it (``SMALL_PRINT``), sometimes a sticker; shrunk to a random width and
    set on a margin of background."""
    w, h = PLATE_PX
    plate = Image.new("RGB", (w, h), _colour(rng, dark=False))
    draw = ImageDraw.Draw(plate)
    for _ in range(int(rng.integers(0, 4))):  # scenery
        x, y, r = int(rng.integers(0, w)), int(rng.integers(h // 3, h)), int(rng.integers(30, 200))
        draw.ellipse((x - r, y - r // 2, x + r, y + r // 2), fill=_colour(rng, dark=False))
    text = random_foreign_text(rng)
    kinds = tuple(SMALL_PRINT)
    kind = kinds[int(rng.choice(len(kinds), p=list(SMALL_PRINT.values())))]
    number_h = int(h * rng.uniform(0.42, 0.55))
    shown = text if rng.random() < 0.6 else f"{text[: len(text) // 2]} {text[len(text) // 2 :]}"
    layer = _number_layer(
        shown, _font(_choice(rng, NUMBER_FONTS), number_h), int(w * (0.9 if kind == "none" else 0.7))
    )
    left = rng.random() < 0.5  # small print on the left, the number on the right
    if kind == "none":
        nx = int((w - layer.width) / 2 + rng.uniform(-0.08, 0.08) * w)
    else:
        nx = int(w - layer.width - 0.05 * w) if left else int(0.05 * w)
    ny = int((h - layer.height) / 2 + rng.uniform(-0.03, 0.05) * h)
    plate.paste(Image.new("RGB", layer.size, _colour(rng, dark=True)), (nx, ny), layer)
    for y_share, size in ((0.02, rng.uniform(0.1, 0.2)), (0.8, rng.uniform(0.08, 0.13))):  # name, slogan
        if rng.random() < 0.85:
            word, font = _choice(rng, WORDS), _font(_choice(rng, PRINT_FONTS), int(h * size))
            x1, _, x2, _ = draw.textbbox((0, 0), word, font=font)
            draw.text(((w - (x2 - x1)) / 2, y_share * h), word, font=font, fill=_colour(rng, dark=True))
    if kind != "none":
        gap = (0.02 * w, nx - 0.02 * w) if left else (nx + layer.width + 0.02 * w, w - 0.02 * w)
        _small_print(draw, kind, (gap[0] + 0.1 * (gap[1] - gap[0]), ny), number_h, rng)
    if rng.random() < 0.4:  # a registration sticker in a top corner
        sx = int(rng.choice([0.03, 0.82]) * w)
        draw.rectangle((sx, 8, sx + 0.15 * w, 8 + 0.16 * h), fill=_colour(rng, dark=False), outline=(0, 0, 0))
        sticker = f"{rng.integers(1, 13):02d}-{rng.integers(0, 30):02d}"
        draw.text((sx + 4, 12), sticker, font=_font("NimbusSans-Bold.otf", int(h * 0.09)), fill=(0, 0, 0))
    out_w = int(rng.integers(*OUT_WIDTH))
    out_h = int(out_w * h / w)
    m = int(out_w * 0.3)
    canvas = Image.new("RGB", (out_w + 2 * m, out_h + 2 * m), _colour(rng, dark=bool(rng.random() < 0.5)))
    canvas.paste(plate.resize((out_w, out_h)), (m, m))
    image = np.asarray(canvas)[:, :, ::-1].copy()
    return ForeignPlate(image, text, Box(float(m), float(m), float(m + out_w), float(m + out_h)), kind)
