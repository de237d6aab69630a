"""Drawing primitives for notices: text, rules, boxes and images, in millimetres from the top-left.

Fonts are named by role ("regular", "bold", "mono") and resolved through ``FontSet``, so nothing
here knows which typeface is in use.
"""

from __future__ import annotations

import hashlib
import io

from PIL import Image, UnidentifiedImageError
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.lib.utils import ImageReader, simpleSplit
from reportlab.pdfgen.canvas import Canvas

from echallan.notices.fonts import FontSet
from echallan.notices.text import t

PAGE_W_MM, PAGE_H_MM = A4[0] / mm, A4[1] / mm  # 210 x 297
PT_MM = 25.4 / 72  # one point in millimetres
IMAGE_DPI = 200  # images are re-encoded at this resolution for their printed size, keeping pages small

GREY = colors.Color(0.35, 0.35, 0.35)
LIGHT = colors.Color(0.85, 0.85, 0.85)
ALERT = colors.Color(0.75, 0.0, 0.0)


class Pen:
    """Draws on a canvas in top-left millimetres, with fonts named by role."""

    def __init__(self, canvas: Canvas, fontset: FontSet) -> None:
        self.c = canvas
        self.f = fontset

    def text(
        self,
        x: float,
        y: float,
        s: str,
        role: str = "regular",
        size: float = 10.0,
        align: str = "left",
        color: colors.Color = colors.black,
    ) -> None:
        self.c.setFont(self.f.name(role), size)
        self.c.setFillColor(color)
        draw = {
            "left": self.c.drawString,
            "right": self.c.drawRightString,
            "center": self.c.drawCentredString,
        }
        draw[align](x * mm, (PAGE_H_MM - y) * mm, s)

    def wrap(
        self,
        x: float,
        y: float,
        width: float,
        s: str,
        role: str = "regular",
        size: float = 10.0,
        leading: float | None = None,
        max_lines: int | None = None,
        color: colors.Color = colors.black,
    ) -> float:
        """Draw ``s`` wrapped to ``width`` mm with its first baseline at ``y``; return the next baseline."""
        step = leading if leading is not None else size * PT_MM * 1.25  # pt -> mm, 125 % leading
        lines: list[str] = []
        for paragraph in s.split("\n"):
            lines.extend(simpleSplit(paragraph, self.f.name(role), size, width * mm) or [""])
        if max_lines is not None and len(lines) > max_lines:
            lines = lines[:max_lines]
            ellipsis = "…" if self.f.rupee else "..."  # the built-in fonts have no U+2026 glyph
            lines[-1] = lines[-1].rstrip(" .,") + ellipsis
        for line in lines:
            self.text(x, y, line, role, size, color=color)
            y += step
        return y

    def rule(
        self, x1: float, y: float, x2: float, width: float = 0.5, color: colors.Color = colors.black
    ) -> None:
        self.c.setStrokeColor(color)
        self.c.setLineWidth(width)
        self.c.line(x1 * mm, (PAGE_H_MM - y) * mm, x2 * mm, (PAGE_H_MM - y) * mm)

    def box(
        self, x: float, y: float, w: float, h: float, color: colors.Color = LIGHT, fill: bool = False
    ) -> None:
        self.c.setStrokeColor(color)
        self.c.setFillColor(color)
        self.c.setLineWidth(0.6)
        self.c.rect(x * mm, (PAGE_H_MM - y - h) * mm, w * mm, h * mm, stroke=1, fill=int(fill))

    def split(self, text: str, role: str, size: float, width: float) -> list[str]:
        """``text`` broken into lines no wider than ``width`` mm; blank lines dropped."""
        lines: list[str] = []
        for paragraph in text.split("\n"):
            if paragraph.strip():
                lines.extend(simpleSplit(paragraph.strip(), self.f.name(role), size, width * mm))
        return lines

    def field(
        self,
        x: float,
        y: float,
        width: float,
        label: str,
        value: str,
        size: float = 10.0,
        role: str = "regular",
        max_lines: int = 2,
    ) -> float:
        """A small grey label with its value under it; return the y where the next field starts."""
        self.text(x, y, label, size=7.5, color=GREY)
        first = y + 1.5 + size * PT_MM
        after = self.wrap(x, first, width, value, role, size, max_lines=max_lines)
        return after + 1.5


def load_image(
    path: str, box_w_mm: float, box_h_mm: float, expect_sha256: str | None = None
) -> tuple[ImageReader | None, str | None, bool]:
    """Read an image and shrink it to ``IMAGE_DPI`` for the box. Returns (image, problem key, hash ok)."""
    try:
        with open(path, "rb") as fh:
            data = fh.read()
    except OSError:
        return None, "evidence_missing", True
    hash_ok = expect_sha256 is None or hashlib.sha256(data).hexdigest() == expect_sha256.lower()
    try:
        with Image.open(io.BytesIO(data)) as src:
            img = src.convert("RGB")
        limit = (round(box_w_mm / 25.4 * IMAGE_DPI), round(box_h_mm / 25.4 * IMAGE_DPI))
        img.thumbnail(limit, Image.Resampling.LANCZOS)
        buf = io.BytesIO()
        img.save(buf, format="JPEG", quality=85)
    except (UnidentifiedImageError, OSError, ValueError, ImportError):
        # ImportError: once Ultralytics is imported it patches Image.open to try HEIF decoding last
        return None, "evidence_unreadable", hash_ok
    buf.seek(0)
    return ImageReader(buf), None, hash_ok


def draw_image(
    pen: Pen,
    x: float,
    y: float,
    w: float,
    h: float,
    image: ImageReader | None,
    problem: str | None,
    size: float = 12.0,
) -> None:
    if image is not None:
        pen.c.drawImage(
            image, x * mm, (PAGE_H_MM - y - h) * mm, w * mm, h * mm, preserveAspectRatio=True, anchor="c"
        )
        return
    pen.box(x, y, w, h, color=colors.Color(0.96, 0.96, 0.96), fill=True)
    pen.box(x, y, w, h, color=ALERT if problem != "plate_missing" else GREY)
    pen.c.setStrokeColor(LIGHT)
    pen.c.line(x * mm, (PAGE_H_MM - y) * mm, (x + w) * mm, (PAGE_H_MM - y - h) * mm)
    pen.c.line(x * mm, (PAGE_H_MM - y - h) * mm, (x + w) * mm, (PAGE_H_MM - y) * mm)
    key = problem or "evidence_missing"
    pen.text(
        x + w / 2,
        y + h / 2 + size * 0.12,
        t(key),
        "bold",
        size,
        "center",
        ALERT if key != "plate_missing" else GREY,
    )
