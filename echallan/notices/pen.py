"""Drawing primitives for notices: text, rules and boxes, in millimetres from the top-left.

Fonts are named by role ("regular", "bold", "mono") and resolved through ``FontSet``, so nothing
here knows which typeface is in use. Text with Devanagari in it is drawn as a one-style reportlab
``Paragraph`` with ``shaping=1`` (HarfBuzz forms the conjuncts and places the matras); Latin-only
text goes through the much faster ``drawString``. Both use the same font, so they look alike.
"""

from __future__ import annotations

import functools
import re
import weakref
from collections.abc import Callable, Hashable
from itertools import accumulate
from xml.sax.saxutils import escape

from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.lib.utils import simpleSplit
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import Paragraph

from echallan.notices.fonts import FontSet

PAGE_W_MM, PAGE_H_MM = A4[0] / mm, A4[1] / mm  # 210 x 297
PT_MM = 25.4 / 72  # one point in millimetres
LEADING = 1.25

GREY = colors.Color(0.35, 0.35, 0.35)
LIGHT = colors.Color(0.85, 0.85, 0.85)
ALERT = colors.Color(0.75, 0.0, 0.0)

_COMPLEX = re.compile("[\u0900-\u097f\ua8e0-\ua8ff]")  # Devanagari and its extension


def needs_shaping(s: str) -> bool:
    return _COMPLEX.search(s) is not None


@functools.lru_cache(maxsize=256)
def _style(font: str, size: float, leading: float, color: colors.Color) -> ParagraphStyle:
    return ParagraphStyle(
        f"{font}-{size}-{leading}", fontName=font, fontSize=size, leading=leading, textColor=color, shaping=1
    )


@functools.lru_cache(maxsize=1024)
def _flowed(s: str, font: str, size: float, leading: float, width: float, color: colors.Color) -> Paragraph:
    """A one-style paragraph, shaped by HarfBuzz and wrapped to ``width`` points.

    Shaping and line breaking are the costly part of drawing Devanagari, and the same strings recur on
    every notice of a batch (offence names, the due-date warning), so each is flowed once per process
    and the wrapped paragraph drawn again: drawing does not change it.
    """
    para = Paragraph(escape(s), _style(font, size, leading, color))
    para.wrap(width, 10_000)
    return para


_forms: weakref.WeakKeyDictionary[Canvas, dict[Hashable, str]] = weakref.WeakKeyDictionary()


def form(canvas: Canvas, key: Hashable, draw: Callable[[], None]) -> str:
    """The name of the canvas's form XObject for ``key``, drawn by ``draw`` the first time it is asked for.

    A form is stored once in the PDF and placed on any number of pages, so what recurs on every
    notice is drawn (and shaped, and written) once per part file instead of once per page.
    """
    names = _forms.setdefault(canvas, {})
    name = names.get(key)
    if name is None:
        name = names[key] = key if isinstance(key, str) else f"t{len(names)}"
        canvas.beginForm(name)
        draw()
        canvas.endForm()
    return name


class Pen:
    """Draws on a canvas in top-left millimetres, with fonts named by role."""

    def __init__(self, canvas: Canvas, fontset: FontSet) -> None:
        self.c = canvas
        self.f = fontset

    def width(self, s: str, role: str = "regular", size: float = 10.0) -> float:
        """Width of one line in mm (shaped when it needs shaping)."""
        if needs_shaping(s):
            para = self._para(s, role, size, size * LEADING, 10_000)
            return max(para.getActualLineWidths0() or [0.0]) / mm
        return self.c.stringWidth(s, self.f.name(role), size) / mm

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
        """One line with its baseline at ``y``; ``x`` is its left end, centre or right end."""
        if needs_shaping(s):
            shift = {"left": 0.0, "center": 0.5, "right": 1.0}[align] * self.width(s, role, size)
            self.wrap(x - shift, y, 10_000, s, role, size, color=color)
            return
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
        shared: bool = False,
    ) -> float:
        """Draw ``s`` wrapped to ``width`` mm with its first baseline at ``y``; return the next baseline.

        ``shared``: the same text at the same place recurs on many pages of the PDF (an offence name,
        the due-date warning), so it is drawn once as a form XObject and that form placed each time.
        """
        step = leading if leading is not None else size * PT_MM * LEADING
        draw: Callable[[], None]
        if needs_shaping(s):
            paras = [self._para(p, role, size, step / PT_MM, width * mm, color) for p in s.split("\n")]
            firsts = list(accumulate((len(p.blPara.lines) or 1 for p in paras), initial=0))

            def draw() -> None:
                for para, first in zip(paras, firsts, strict=False):
                    para.drawOn(self.c, x * mm, (PAGE_H_MM - y - step * first) * mm - para.height + size)

            count = firsts[-1]
        else:
            lines = self.split(s, role, size, width, keep_blank=True)
            if max_lines is not None and len(lines) > max_lines:
                lines = lines[:max_lines]
                ellipsis = "…" if self.f.rupee else "..."  # the built-in fonts have no U+2026 glyph
                lines[-1] = lines[-1].rstrip(" .,") + ellipsis

            def draw() -> None:
                for i, line in enumerate(lines):
                    self.text(x, y + step * i, line, role, size, color=color)

            count = len(lines)
        if shared:
            key = ("wrap", x, y, width, s, self.f.name(role), size, step, max_lines, color)
            self.c.doForm(form(self.c, key, draw))
        else:
            draw()
        return y + step * count

    def lines(self, s: str, role: str, size: float, width: float) -> int:
        """How many lines ``wrap`` would need for ``s``."""
        if needs_shaping(s):
            return len(self._para(s, role, size, size * LEADING, width * mm).blPara.lines)
        return len(self.split(s, role, size, width, keep_blank=True))

    def _para(
        self, s: str, role: str, size: float, leading: float, width: float, color: colors.Color = colors.black
    ) -> Paragraph:
        """``s`` shaped and broken into lines ``width`` points wide (kept: see ``_flowed``)."""
        return _flowed(s, self.f.name(role), size, leading, width, color)

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

    def split(self, text: str, role: str, size: float, width: float, keep_blank: bool = False) -> list[str]:
        """``text`` broken into lines no wider than ``width`` mm; blank lines dropped unless kept."""
        lines: list[str] = []
        for paragraph in text.split("\n"):
            broken = simpleSplit(paragraph.strip(), self.f.name(role), size, width * mm)
            lines.extend(broken or ([""] if keep_blank else []))
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
        self.text(x, y, label, size=7, color=GREY)
        first = y + 1.5 + size * PT_MM
        after = self.wrap(x, first, width, value, role, size, max_lines=max_lines)
        return after + 1.0
