"""Synthetic Indian number plates (HSRP look) for detector training and ANPR stress tests.

``random_plate_text`` draws a valid registration (standard, Delhi class letter, BH series, temporary);
``render_plate`` draws it as a High Security Registration Plate (rounded plate, thin border, chakra
hologram and blue "IND" at the left, embossed condensed characters) and optionally degrades it
(``echallan.anpr.degrade``: dirt, tilt, shadow, glare, night, blur, low resolution, JPEG);
``paste_plate`` warps a plate into a scene;
``generate`` writes a labelled set in the shared label format. Fonts come from Debian packages
(fonts-urw-base35, fonts-dejavu-core, fonts-noto-mono); nothing is downloaded.
"""

from __future__ import annotations

import csv
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import cv2
import numpy as np
from PIL import Image, ImageColor, ImageDraw, ImageFont

from echallan.anpr.degrade import Quad, degrade_image
from echallan.anpr.grammar import LEGACY_STATE_CODES, SERIES_LETTERS, STATE_CODES, interpret, normalise
from echallan.errors import ConfigError, InputError
from echallan.types import Box, Layout

FONT_DIRS = (Path("/usr/share/fonts/opentype/urw-base35"), Path("/usr/share/fonts/truetype"))
FONT_FILES = (  # condensed bold sans faces, closest to the HSRP die first
    "NimbusSansNarrow-Bold.otf",
    "dejavu/DejaVuSansCondensed-Bold.ttf",
    "dejavu/DejaVuSans-Bold.ttf",
    "noto/NotoSansMono-Bold.ttf",
)
# style -> (plate RGB, character RGB): private, commercial, EV (white characters), rental, temporary
STYLES: dict[str, tuple[tuple[int, int, int], tuple[int, int, int]]] = {
    "white": ((238, 238, 232), (22, 22, 24)),
    "yellow": ((244, 196, 24), (22, 22, 24)),
    "green": ((18, 122, 62), (240, 240, 236)),
    "black": ((26, 26, 28), (240, 200, 40)),
    "red_tc": ((196, 30, 34), (242, 242, 238)),
}
STYLE_WEIGHTS = {"white": 0.55, "yellow": 0.22, "green": 0.14, "black": 0.09}  # when not temporary
IND_BLUE = (10, 62, 160)
# RGB hex: white, silver, grey, black, red, blue, beige, bumper plastic, auto-rickshaw yellow and green
CAR_COLOURS = ("eee", "bbc", "778", "222", "922", "238", "a86", "333", "ca2", "374")
# layout -> (plate w, h, character height, left strip width), in mm (car plate 500x120, two-line 2:1)
GEOMETRY = {Layout.ONE_LINE: (500, 120, 65, 34), Layout.TWO_LINE: (300, 150, 50, 30)}
PX_PER_MM = 2.0
OUT_WIDTH = {Layout.ONE_LINE: (240, 520), Layout.TWO_LINE: (180, 360)}  # plate width drawn, px
DELHI_CLASSES = "CSPRTVELYG"  # car, scooter, passenger, rickshaw, tourist, van, electric, ...
LABEL_HEADER = ("image", "plate_text", "x1", "y1", "x2", "y2", "layout", "style", "degradations")
_LETTERS = "".join(sorted(SERIES_LETTERS))
_STATES = tuple(sorted(STATE_CODES))
_LEGACY = tuple(sorted(LEGACY_STATE_CODES))


@dataclass(frozen=True, eq=False)  # eq=False: compared and hashed by identity (it holds an array)
class SynthPlate:
    """A rendered plate: the image (plate plus a margin of background) and its ground truth."""

    image: np.ndarray  # BGR uint8
    text: str  # normalised A-Z0-9; two-line = top line then bottom line
    layout: Layout
    style: str  # a key of STYLES
    quad: Quad  # the plate's corners in ``image``: top-left, top-right, bottom-right, bottom-left
    degradations: tuple[str, ...] = ()  # what was applied, in order

    @property
    def box(self) -> Box:
        xs, ys = [p[0] for p in self.quad], [p[1] for p in self.quad]
        h, w = self.image.shape[:2]
        return Box(float(min(xs)), float(min(ys)), float(max(xs)), float(max(ys))).clipped(w, h)


# --------------------------------------------------------------------------------------------- text


def _pick(rng: np.random.Generator, items: Sequence[str], k: int = 1) -> str:
    return "".join(items[int(i)] for i in rng.integers(0, len(items), size=k))


def _digits(rng: np.random.Generator, k: int) -> str:
    return "".join(str(d) for d in rng.integers(0, 10, size=k))


def _number(rng: np.random.Generator) -> str:
    """A registration number, 0001 to 9999 (drawn as 4 digits, again on 0000: other draws are unchanged)."""
    while (number := _digits(rng, 4)) == "0000":
        pass
    return number


def _candidate_text(rng: np.random.Generator) -> str:
    r = rng.random()
    if r < 0.08:  # Bharat series: 22BH1234AA
        return f"{rng.integers(21, 27)}BH{_number(rng)}{_pick(rng, _LETTERS, int(rng.integers(1, 3)))}"
    if r < 0.13:  # temporary: RJ27TC0530, MH14TCE4
        state = _pick(rng, _STATES)
        pre = _pick(rng, _LETTERS) if rng.random() < 0.2 else ""
        return f"{state}{rng.integers(1, 100):02d}TC{pre}{_number(rng)}"
    if r < 0.16:  # new temporary: T0424KA1234AB
        month, year = int(rng.integers(1, 13)), int(rng.integers(21, 27))
        tail = _pick(rng, _LETTERS, int(rng.integers(1, 3)))
        return f"T{month:02d}{year}{_pick(rng, _STATES)}{_number(rng)}{tail}"
    if r < 0.26:  # Delhi, class letter first: DL3CCA1750
        series = _pick(rng, DELHI_CLASSES) + _pick(rng, _LETTERS, int(rng.integers(0, 3)))
        return f"DL{rng.integers(1, 14)}{series}{_number(rng)}"
    state = _pick(rng, _LEGACY if rng.random() < 0.08 else _STATES)
    n_series = int(rng.choice([0, 1, 2], p=[0.04, 0.26, 0.70]))
    return f"{state}{rng.integers(1, 100):02d}{_pick(rng, _LETTERS, n_series)}{_number(rng)}"


def random_plate_text(rng: np.random.Generator) -> str:
    """A valid Indian registration, normalised (MH12AB1234, DL3CCA1750, 22BH1234AA, RJ27TC0530)."""
    for _ in range(100):
        text = _candidate_text(rng)
        parsed = interpret(text)
        if parsed.valid and parsed.text == text:
            return text
    raise AssertionError("no valid plate text in 100 draws")  # pragma: no cover


def plate_groups(text: str) -> list[str]:
    """The printed groups of a normalised registration: MH12AB1234 -> MH 12 AB 1234, GJ051869 -> GJ 05 1869
    (a digit run longer than 4 is a district followed by the number)."""
    runs: list[str] = []
    for c in text:
        if runs and runs[-1][-1].isdigit() == c.isdigit():
            runs[-1] += c
        else:
            runs.append(c)
    return [g for r in runs for g in ((r[:-4], r[-4:]) if r.isdigit() and len(r) > 4 else (r,))]


def plate_lines(text: str, layout: Layout) -> list[list[str]]:
    """Groups per printed line: two-line plates carry state and district (MH 12) above the rest."""
    groups = plate_groups(text)
    if layout == Layout.ONE_LINE:
        return [groups]
    if len(groups) < 3:
        return [[text[: len(text) // 2]], [text[len(text) // 2 :]]]
    return [groups[:2], groups[2:]]


# ------------------------------------------------------------------------------------------ drawing


@lru_cache(maxsize=1)
def available_fonts() -> tuple[Path, ...]:
    found = tuple(d / f for f in FONT_FILES for d in FONT_DIRS if (d / f).is_file())
    if not found:
        raise ConfigError("no plate font found: install fonts-dejavu-core (scripts/setup.sh)")
    return found


@lru_cache(maxsize=16)
def _font(path: Path, size: int) -> ImageFont.FreeTypeFont:
    return ImageFont.truetype(str(path), size)


def _text_mask(text: str, font: Path, height: int, width: int, squeeze: float) -> Image.Image:
    """``text`` drawn white on black, cropped to its ink and scaled to ``height`` (condensed by squeeze)."""
    f = _font(font, 160)
    left, top, right, bottom = f.getbbox(text)
    img = Image.new("L", (int(right - left) + 20, int(bottom - top) + 20), 0)
    ImageDraw.Draw(img).text((10 - left, 10 - top), text, font=f, fill=255)
    img = img.crop(img.getbbox())
    w = min(width, round(img.width * height / img.height * squeeze))
    return img.resize((max(1, w), height), Image.Resampling.LANCZOS)


def _chakra(draw: ImageDraw.ImageDraw, cx: float, cy: float, r: float) -> None:
    draw.ellipse((cx - r, cy - r, cx + r, cy + r), fill=(176, 196, 226), outline=IND_BLUE, width=2)
    for a in np.linspace(0, np.pi, 12, endpoint=False):
        dx, dy = r * 0.8 * np.cos(a), r * 0.8 * np.sin(a)
        draw.line((cx - dx, cy - dy, cx + dx, cy + dy), fill=IND_BLUE, width=1)
    draw.ellipse((cx - r * 0.2, cy - r * 0.2, cx + r * 0.2, cy + r * 0.2), fill=IND_BLUE)


def _vehicle_margin(width: int, height: int, rng: np.random.Generator) -> Image.Image:
    """Painted metal or bumper plastic around the plate: a common car colour, shaded top to bottom."""
    body = np.array(ImageColor.getrgb("#" + str(rng.choice(CAR_COLOURS)))) + rng.normal(0, 10, 3)
    canvas = np.empty((height, width, 3), np.float32)
    canvas[:] = body * np.linspace(1.1, 0.8, height)[:, None, None]
    canvas += rng.normal(0, 4, canvas.shape)
    return Image.fromarray(canvas.clip(0, 255).astype(np.uint8))


def _hsrp_blank(
    img: Image.Image, box: tuple[int, ...], strip: int, style: str, rng: np.random.Generator
) -> int:
    """Rounded plate, thin border, chakra hologram above a blue IND reading upwards (on a blue band
    sometimes) in the left strip; returns the x where the characters may start."""
    k, (x0, y0, x1, y1) = PX_PER_MM, box
    ph = y1 - y0
    draw = ImageDraw.Draw(img)
    plate_rgb, ink = STYLES[style]
    inset = round(3 * k)
    draw.rounded_rectangle(box, radius=round(8 * k), fill=plate_rgb)
    border = (x0 + inset, y0 + inset, x1 - inset, y1 - inset)
    draw.rounded_rectangle(border, radius=round(6 * k), outline=ink, width=max(2, round(1.5 * k)))
    sx0, sx1 = x0 + inset + round(2 * k), x0 + strip
    band = rng.random() < 0.3
    if band:
        draw.rectangle((sx0, y0 + inset + 3, sx1, y1 - inset - 3), fill=IND_BLUE)
    _chakra(draw, (sx0 + sx1) / 2, y0 + inset + 0.2 * ph, (sx1 - sx0) * 0.38)
    ind = _text_mask("IND", available_fonts()[0], round((sx1 - sx0) * 0.6), 10**4, 1.0).rotate(
        90, expand=True
    )
    img.paste(
        (255, 255, 255) if band else IND_BLUE, (round((sx0 + sx1 - ind.width) / 2), y0 + ph * 9 // 20), ind
    )
    return sx1 + round(4 * k)


def _emboss(
    rgb: np.ndarray, mask: np.ndarray, ink: tuple[int, int, int], rng: np.random.Generator
) -> np.ndarray:
    """Raised characters: a shadow below-right and a highlight above-left; a soft sheen across it all."""
    a = mask.astype(np.float32)[..., None] / 255.0
    d = max(1, round(0.6 * PX_PER_MM))
    shadow, light = np.roll(a, (d, d), (0, 1)), np.roll(a, (-d, -d), (0, 1))
    rgb = rgb * (1 - 0.45 * shadow) + 255 * 0.25 * light * (1 - shadow)
    rgb = rgb * (1 - a) + np.array(ink, np.float32) * a
    h, w = rgb.shape[:2]
    t = rng.uniform(-1, 1, 2)
    sheen = 1 + 0.06 * (t[0] * np.linspace(-1, 1, w)[None, :] + t[1] * np.linspace(-1, 1, h)[:, None])
    return (rgb * sheen[..., None]).clip(0, 255).astype(np.uint8)


def _draw_plate(text: str, style: str, layout: Layout, rng: np.random.Generator) -> tuple[np.ndarray, Quad]:
    """The clean plate at PX_PER_MM on a margin of vehicle colour; RGB and the plate's corners."""
    k = PX_PER_MM
    pw, ph, ch, strip = (round(v * k) for v in GEOMETRY[layout])
    m = round(ph * rng.uniform(0.08, 0.25))
    img = _vehicle_margin(pw + 2 * m, ph + 2 * m, rng)
    x0, y0, x1, y1 = m, m, m + pw - 1, m + ph - 1
    tx0 = _hsrp_blank(img, (x0, y0, x1, y1), strip, style, rng)
    tx1 = x1 - round(7 * k)
    fill = round((tx1 - tx0) * rng.uniform(0.84, 0.97))  # the widest a line may be: a margin each side
    fonts = available_fonts()
    font = fonts[min(rng.integers(0, len(fonts), size=2))]  # favours the first (closest) faces
    sep = str(rng.choice([" ", "", "-"], p=[0.75, 0.12, 0.13]))
    lines = plate_lines(text, layout)
    gap = (ph - round(6 * k) - ch * len(lines)) / (len(lines) + 1)
    mask = Image.new("L", img.size, 0)
    squeeze = rng.uniform(0.72, 0.95)
    for i, line in enumerate(lines):
        glyphs = _text_mask(sep.join(line), font, ch, fill, squeeze)
        ty = y0 + round(3 * k) + gap * (i + 1) + ch * i
        mask.paste(glyphs, (round((tx0 + tx1 - glyphs.width) / 2), round(ty)))
    rgb = _emboss(np.asarray(img, np.float32), np.asarray(mask), STYLES[style][1], rng)
    quad = ((x0, y0), (x1 + 1, y0), (x1 + 1, y1 + 1), (x0, y1 + 1))
    return rgb, tuple((float(x), float(y)) for x, y in quad)


# -------------------------------------------------------------------------------------------- API


def _choose_style(text: str, rng: np.random.Generator) -> str:
    if interpret(text).kind == "temporary" and rng.random() < 0.7:
        return "red_tc"
    return str(rng.choice(list(STYLE_WEIGHTS), p=list(STYLE_WEIGHTS.values())))


def render_plate(
    text: str,
    rng: np.random.Generator,
    *,
    style: str | None = None,
    layout: Layout | None = None,
    degrade: bool = True,
) -> SynthPlate:
    """Draw ``text`` (normalised A-Z0-9) as an HSRP plate; random style, layout and degradations
    unless given. Temporary registrations are mostly red (``red_tc``); the rest white, yellow, green
    (EV: white characters) or black (rental: yellow characters)."""
    text = normalise(text)
    if not text:
        raise InputError("plate text is empty")
    style = style or _choose_style(text, rng)
    if style not in STYLES:
        raise InputError(f"unknown plate style {style!r}; one of {', '.join(STYLES)}")
    layout = layout or (Layout.TWO_LINE if rng.random() < 0.3 else Layout.ONE_LINE)
    rgb, quad = _draw_plate(text, style, layout, rng)
    pw, _, ch, _ = GEOMETRY[layout]
    s = rng.uniform(*OUT_WIDTH[layout]) / (pw * PX_PER_MM)
    size = (round(rgb.shape[1] * s), round(rgb.shape[0] * s))
    img = cv2.resize(np.ascontiguousarray(rgb[..., ::-1]), size, interpolation=cv2.INTER_AREA)
    quad = tuple((x * s, y * s) for x, y in quad)
    done: tuple[str, ...] = ()
    if degrade:
        img, quad, done = degrade_image(img, quad, ch * PX_PER_MM * s, rng)
    return SynthPlate(img, text, layout, style, quad, done)


def paste_plate(
    background: np.ndarray, plate: SynthPlate, rng: np.random.Generator, *, width: int | None = None
) -> tuple[np.ndarray, Box]:
    """Warp ``plate`` (its quad only) into a copy of the BGR scene ``background`` at a random place,
    ``width`` px wide (random 6-30 % of the scene's width by default), with a little perspective;
    return the new image and the plate's axis-aligned box in it."""
    h, w = background.shape[:2]
    q = np.array(plate.quad, np.float32)
    pw, ph = float(np.linalg.norm(q[1] - q[0])), float(np.linalg.norm(q[3] - q[0]))
    tw = float(width) if width else rng.uniform(0.06, 0.3) * w
    tw = max(8.0, min(tw, 0.95 * w, 0.95 * h * pw / ph))
    th = tw * ph / pw
    s = min(1.0, tw / pw)  # shrink first (area filter) so the warp does not alias
    img = cv2.resize(plate.image, None, fx=s, fy=s, interpolation=cv2.INTER_AREA) if s < 1 else plate.image
    q = q * s
    x, y = rng.uniform(0, w - tw), rng.uniform(0, h - th)
    rect = np.array([[x, y], [x + tw, y], [x + tw, y + th], [x, y + th]], np.float32)
    dst = np.clip(rect + rng.uniform(-0.04, 0.04, (4, 2)) * tw, 0, (w - 1, h - 1)).astype(np.float32)
    hom = cv2.getPerspectiveTransform(q, dst)
    mask = np.zeros(img.shape[:2], np.float32)
    cv2.fillConvexPoly(mask, np.round(q).astype(np.int32), 1.0)
    alpha = cv2.warpPerspective(mask, hom, (w, h))[..., None]  # bilinear: anti-aliased edges
    warped = cv2.warpPerspective(img, hom, (w, h), flags=cv2.INTER_LINEAR)
    out = background * (1 - alpha) + warped * alpha
    (x1, y1), (x2, y2) = dst.min(axis=0).tolist(), dst.max(axis=0).tolist()
    box = Box(x1, y1, x2, y2).clipped(w, h)
    return np.clip(out, 0, 255).astype(np.uint8), box


def _read_background(path: Path) -> np.ndarray:
    img = cv2.imread(str(path), cv2.IMREAD_COLOR)
    if img is None:
        raise InputError(f"cannot read background image {path}")
    return img


def generate(
    out_dir: Path,
    count: int,
    seed: int = 0,
    backgrounds: Sequence[Path] = (),
    *,
    progress: Callable[[int], None] | None = None,
) -> Path:
    """Write ``count`` plates to ``out_dir/images/NNNNNN.png`` and ``out_dir/labels.csv`` (shared label
    format plus layout, style, degradations); pasted onto ``backgrounds`` if any, else plate-only images.
    Image ``i`` depends only on (seed, i). Returns the labels.csv path."""
    if count < 0 or seed < 0:
        raise InputError(f"count and seed must be >= 0 (got {count}, {seed})")
    images = Path(out_dir) / "images"
    images.mkdir(parents=True, exist_ok=True)
    rows = []
    for i in range(count):
        rng = np.random.default_rng([seed, i])
        plate = render_plate(random_plate_text(rng), rng)
        img, box = plate.image, plate.box
        if backgrounds:
            bg = _read_background(Path(backgrounds[int(rng.integers(0, len(backgrounds)))]))
            img, box = paste_plate(bg, plate, rng)
        name = f"{i:06d}.png"
        cv2.imwrite(str(images / name), img)
        rows.append(
            (name, plate.text, *box.as_list(), plate.layout.value, plate.style, " ".join(plate.degradations))
        )
        if progress:
            progress(i)
    labels = Path(out_dir) / "labels.csv"
    with open(labels, "w", newline="") as f:
        writer = csv.writer(f)
        writer.writerow(LABEL_HEADER)
        writer.writerows(rows)
    return labels
