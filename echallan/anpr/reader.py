"""Plate reading: OCR text lines -> plate candidates -> grammar -> ranked ``PlateRead``s.

Works on a whole photo or on a vehicle crop. Candidates are single text lines, lines split by the
detector on one row (``KA03`` + ``1351``) and two stacked lines of similar x-range (two-line plates,
top then bottom). Unless the first read is valid and confident, the best candidate region is
cropped with a margin, upscaled and read a second time, which fixes many small, blurred or split
plates (on india_plates_dev it turned 7 of 14 first-pass misses into exact reads).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace

import cv2
import numpy as np

from echallan.anpr.grammar import interpret, is_plate_like, normalise
from echallan.anpr.ocr import OcrBackend, TextLine
from echallan.types import Box, Layout, PlateRead

# Chosen on india_plates_dev (135 sure rows, top read; sweep in docs/BENCHMARKS.md): precision of valid
# Indian reads is flat at ~97.6-98.3 % from 0.5 to 0.98 (the few confident misses are dealer/vanity
# plates no threshold removes), while coverage falls from 97 % to 53 %. 0.90 keeps coverage above
# 90 % (91.9 %) at 97.6 % precision; below it only corrected or lower-OCR-confidence reads remain.
AUTO_ACCEPT_THRESHOLD = 0.90

FOREIGN_FACTOR = 0.6  # a plausible non-Indian read keeps at most 60 % of its OCR confidence
JUNK_FACTOR = 0.3  # plate-like but fits no format
CORRECTION_FACTOR = 0.92  # per confusable corrected by the grammar
NOISE = ("IND", "INDIA")


@dataclass(frozen=True)
class Candidate:
    """Text lines that may form one plate, joined top-to-bottom, left-to-right."""

    lines: tuple[TextLine, ...]
    layout: Layout

    @property
    def raw(self) -> str:
        return " ".join(line.text for line in self.lines)

    @property
    def box(self) -> Box:
        return _union(line.box for line in self.lines)

    @property
    def ocr_confidence(self) -> float:
        weights = [max(1, len(normalise(line.text))) for line in self.lines]
        return sum(w * line.confidence for w, line in zip(weights, self.lines, strict=True)) / sum(weights)


def _union(boxes: Iterable[Box]) -> Box:
    bs = list(boxes)
    return Box(min(b.x1 for b in bs), min(b.y1 for b in bs), max(b.x2 for b in bs), max(b.y2 for b in bs))


def _clean(text: str) -> str:
    t = normalise(text)
    if "TEMP" in t[3:]:  # HR99 EX (TEMP) 6037: temporary marker printed inside the plate
        t = t[:3] + t[3:].replace("TEMP", "", 1)
    for noise in NOISE:
        if t.startswith(noise) and len(t) > len(noise) + 3:
            return t[len(noise) :]
    return t


def _same_row(a: Box, b: Box) -> bool:
    """``b`` continues the text of ``a`` to its right on the same row."""
    h = min(a.height, b.height)
    overlap = min(a.y2, b.y2) - max(a.y1, b.y1)
    ratio = a.height / b.height
    gap = b.x1 - a.x2
    return overlap >= 0.5 * h and 0.6 <= ratio <= 1.67 and -0.6 * h <= gap <= 1.5 * max(a.height, b.height)


def _stacked(top: Box, bottom: Box) -> bool:
    """``bottom`` is the second line of a two-line plate whose first line is ``top``."""
    h = max(top.height, bottom.height)
    gap = bottom.y1 - top.y2
    x_overlap = min(top.x2, bottom.x2) - max(top.x1, bottom.x1)
    ratio = top.height / bottom.height
    return (
        (top.y1 + top.y2) < (bottom.y1 + bottom.y2)
        and -0.6 * min(top.height, bottom.height) <= gap <= 0.8 * h
        and x_overlap >= 0.5 * min(top.width, bottom.width)
        and 0.4 <= ratio <= 2.0
        and 0.3 <= top.width / bottom.width <= 2.0
    )


def find_candidates(lines: Sequence[TextLine]) -> list[Candidate]:
    """All single lines, same-row joins (up to 3 pieces) and stacked pairs worth interpreting."""
    useful = [ln for ln in lines if _clean(ln.text) and _clean(ln.text) not in NOISE]
    rows: list[tuple[TextLine, ...]] = [(ln,) for ln in useful]
    by_x = sorted(useful, key=lambda ln: ln.box.x1)
    for i, a in enumerate(by_x):
        for b in by_x[i + 1 :]:
            if _same_row(a.box, b.box):
                rows.append((a, b))
                for c in by_x:
                    if c.box.x1 > b.box.x1 and _same_row(b.box, c.box):
                        rows.append((a, b, c))
    cands = [Candidate(r, Layout.ONE_LINE) for r in rows]
    for top in rows:
        for bottom in rows:
            if top is bottom or set(top) & set(bottom):
                continue
            tb, bb = _union(ln.box for ln in top), _union(ln.box for ln in bottom)
            nt = sum(len(_clean(ln.text)) for ln in top)
            nb = sum(len(_clean(ln.text)) for ln in bottom)
            if 2 <= nt <= 7 and 2 <= nb <= 8 and _stacked(tb, bb):
                cands.append(Candidate(top + bottom, Layout.TWO_LINE))
    return [c for c in cands if is_plate_like("".join(_clean(ln.text) for ln in c.lines))]


def to_read(cand: Candidate) -> PlateRead:
    """Apply the grammar; confidence is the OCR confidence scaled down for corrections and invalidity."""
    text = "".join(_clean(ln.text) for ln in cand.lines)
    parsed = interpret(text)
    conf = cand.ocr_confidence
    if parsed.valid:
        conf *= CORRECTION_FACTOR**parsed.corrections
    elif parsed.country == "foreign":
        conf *= FOREIGN_FACTOR
    else:
        conf *= JUNK_FACTOR
    country = "IN" if parsed.valid else (parsed.country or "")
    return PlateRead(
        text=parsed.text,
        confidence=float(conf),
        box=cand.box,
        valid=parsed.valid,
        layout=cand.layout,
        country=country,
        raw=cand.raw,
    )


def rank(reads: Iterable[PlateRead]) -> list[PlateRead]:
    """Best first; one read per text (the most confident)."""
    best: dict[str, PlateRead] = {}
    for r in reads:
        if r.text not in best or r.confidence > best[r.text].confidence:
            best[r.text] = r
    return sorted(best.values(), key=lambda r: (-r.confidence, r.text))


def _iou(a: Box, b: Box) -> float:
    inter = max(0.0, min(a.x2, b.x2) - max(a.x1, b.x1)) * max(0.0, min(a.y2, b.y2) - max(a.y1, b.y1))
    return inter / (a.area + b.area - inter) if inter > 0 else 0.0


class PlateReader:
    """Reads plates in a BGR uint8 image (whole photo or vehicle crop)."""

    def __init__(
        self,
        backend: OcrBackend | None = None,
        refine: int = 1,
        refine_height: int = 192,
        skip_refine_above: float = 0.95,
    ) -> None:
        if backend is None:
            from echallan.anpr.ocr import RapidOcrBackend

            backend = RapidOcrBackend()
        self.backend = backend
        self.refine = refine
        self.refine_height = refine_height
        self.skip_refine_above = skip_refine_above

    def read(self, image: np.ndarray) -> list[PlateRead]:
        first = rank(to_read(c) for c in find_candidates(self.backend.predict(image)))
        reads = list(first)
        if first and first[0].valid and first[0].confidence >= self.skip_refine_above:
            return first  # a confident, valid first read: a second look costs time and rarely helps
        regions: list[Box] = []
        for r in first:
            if len(regions) >= self.refine:
                break
            assert r.box is not None
            if any(_iou(r.box, b) > 0.3 for b in regions):
                continue
            regions.append(r.box)
            reads.extend(self._reread(image, r.box))
        return rank(reads)

    def _reread(self, image: np.ndarray, box: Box) -> list[PlateRead]:
        """Crop around ``box`` with a margin, upscale and read again; boxes back in image coordinates."""
        h_img, w_img = image.shape[:2]
        mx, my = 0.15 * box.width + 0.5 * box.height, 0.6 * box.height
        crop_box = Box(box.x1 - mx, box.y1 - my, box.x2 + mx, box.y2 + my).clipped(w_img, h_img)
        x1, y1, x2, y2 = (int(v) for v in (crop_box.x1, crop_box.y1, crop_box.x2, crop_box.y2))
        crop = image[y1:y2, x1:x2]
        if crop.size == 0:
            return []
        scale = max(1.0, self.refine_height / crop.shape[0])
        if scale > 1.0:
            crop = cv2.resize(crop, None, fx=scale, fy=scale, interpolation=cv2.INTER_CUBIC)
        out = []
        for cand in find_candidates(self.backend.predict(crop)):
            read = to_read(cand)
            assert read.box is not None
            b = read.box
            mapped = Box(b.x1 / scale + x1, b.y1 / scale + y1, b.x2 / scale + x1, b.y2 / scale + y1)
            out.append(replace(read, box=mapped))
        return out
