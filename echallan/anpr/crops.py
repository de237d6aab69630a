"""Pixel geometry of the reader's crops: boxes scaled, grown and cut out, a read's rows."""

from __future__ import annotations

from collections.abc import Sequence

import cv2
import numpy as np

from echallan.anpr.localise import union
from echallan.anpr.ocr import TextLine
from echallan.types import Box, Layout, PlateRead


def scaled(box: Box, f: float) -> Box:
    return Box(box.x1 * f, box.y1 * f, box.x2 * f, box.y2 * f)


def expand(box: Box, mx: float, my: float, w_img: int, h_img: int) -> tuple[int, int, int, int]:
    b = Box(box.x1 - mx, box.y1 - my, box.x2 + mx, box.y2 + my).clipped(w_img, h_img)
    return int(b.x1), int(b.y1), int(np.ceil(b.x2)), int(np.ceil(b.y2))


def cut(image: np.ndarray, box: Box, fx: float, fy: float) -> tuple[np.ndarray, tuple[int, int]] | None:
    """``box`` grown by ``fx`` of its width and ``fy`` of its height on each side; the crop and its origin."""
    x1, y1, x2, y2 = expand(box, fx * box.width, fy * box.height, image.shape[1], image.shape[0])
    return (image[y1:y2, x1:x2], (x1, y1)) if x2 - x1 >= 4 and y2 - y1 >= 4 else None


def rows_of(cand_read: PlateRead, lines: Sequence[TextLine]) -> list[Box]:
    """The row boxes of a read's candidate: one for a one-line plate, top and bottom for a two-line one."""
    assert cand_read.box is not None
    if cand_read.layout is not Layout.TWO_LINE:
        return [cand_read.box]
    inside = [ln.box for ln in lines if ln.box.iou(cand_read.box) > 0 and ln.box.y1 >= cand_read.box.y1 - 1]
    mid = (cand_read.box.y1 + cand_read.box.y2) / 2
    top = [b for b in inside if (b.y1 + b.y2) / 2 < mid]
    bottom = [b for b in inside if (b.y1 + b.y2) / 2 >= mid]
    return [union(top), union(bottom)] if top and bottom else [cand_read.box]


def split_rows(
    crop: np.ndarray, band: tuple[float, float] = (0.3, 0.7)
) -> tuple[np.ndarray, np.ndarray] | None:
    """A two-line plate's crop cut into its top and bottom rows, through the middle of the run of rows with
    the least ink (Otsu; ink is the minority class) within ``band`` of the height. None for a crop too
    small to cut (under 8 px either way)."""
    h, w = crop.shape[:2]
    if crop.ndim != 3 or h < 8 or w < 8:
        return None
    grey = cv2.cvtColor(crop, cv2.COLOR_BGR2GRAY)
    _, binary = cv2.threshold(grey, 0, 255, cv2.THRESH_BINARY + cv2.THRESH_OTSU)
    ink = binary > 0
    if ink.mean() > 0.5:
        ink = ~ink
    lo, hi = int(band[0] * h), int(band[1] * h)
    profile = ink.mean(axis=1)[lo:hi]
    start = end = int(np.argmin(profile))
    while end + 1 < len(profile) and profile[end + 1] == profile[start]:
        end += 1
    at = lo + (start + end + 1) // 2
    return crop[:at], crop[at:]
