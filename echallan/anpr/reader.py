"""Plate reading: OCR text lines -> plate candidates -> grammar -> ranked ``PlateRead``s.

Works on a whole photo or on a vehicle crop. Candidates are single text lines, lines split by the
detector on one row (``KA03`` + ``1351``) and two stacked lines of similar x-range (two-line plates,
top then bottom). Letters-only words of 5+ characters (ARIZONA, TOYOTA) never join, and a two-line
plate's top line needs a digit. Unless the first read is valid and confident, the best candidate's
rows are recognised again on their own crops (no second detection), and a small image is detected
again upscaled; see ``PlateReader``.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace

import cv2
import numpy as np

from echallan.anpr.grammar import interpret, is_plate_like, normalise
from echallan.anpr.ocr import OcrBackend, Recogniser, TextLine
from echallan.types import Box, Layout, PlateRead

# Rule: the lowest threshold whose auto-accepted reads are >= 99.5 % exact on india_plates_dev (sure rows,
# whole images AND vehicle crops, top read; sweep in docs/BENCHMARKS.md, `python bench/anpr.py`). On the
# --limit 60 subset (2026-11-22, 120 reads): 0.90 accepts 89.2 % at 98.1 % exact, 0.92 accepts 82.5 % at
# 100 % (0 wrong of 99), 0.96 only 67.5 %. The wrong confident reads left below 0.92 are mostly
# corrected or short-number reads (CORRECTION_FACTOR, SHORT_NUMBER_FACTOR push them under it).
AUTO_ACCEPT_THRESHOLD = 0.92

FOREIGN_FACTOR = 0.6  # a plausible non-Indian read keeps at most 60 % of its OCR confidence
JUNK_FACTOR = 0.3  # plate-like but fits no format
CORRECTION_FACTOR = 0.92  # per confusable corrected by the grammar
# Plates print the number with leading zeros (RJ27TC0530), so a standard read with fewer than 4 number
# digits has often lost one at the box edge (GJ05JH250 for GJ05JH2501): not sure enough to stop looking.
SHORT_NUMBER_FACTOR = 0.9
NOISE = ("IND", "INDIA")
ROW_MARGIN_X, ROW_MARGIN_Y = 0.5, 0.15  # second-look crop margin around a row, in row heights
# An image smaller than this (longest side) with no sure read at its own size is detected again upscaled
# to it: small vehicle crops carry text too small for the detector. Not always: upscaling first costs
# 1.5-2x the time and reads ready-cut plate crops worse (70 -> 60 % exact, openalpr_us_platecrops).
MIN_SIDE = 640
MAX_LETTER_WORD = 5  # letters-only words this long never join other text into a plate


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


def _joinable(line: TextLine) -> bool:
    """A letters-only word of 5+ characters (ARIZONA, TOYOTA, DEALER) is a name, never part of a plate."""
    t = _clean(line.text)
    return len(t) < MAX_LETTER_WORD or any(c.isdigit() for c in t)


def _has_digit(lines: Iterable[TextLine]) -> bool:
    return any(c.isdigit() for ln in lines for c in _clean(ln.text))


def find_candidates(lines: Sequence[TextLine]) -> list[Candidate]:
    """All single lines, same-row joins (up to 3 pieces) and stacked pairs worth interpreting."""
    useful = [ln for ln in lines if _clean(ln.text) and _clean(ln.text) not in NOISE]
    rows: list[tuple[TextLine, ...]] = [(ln,) for ln in useful]
    by_x = sorted((ln for ln in useful if _joinable(ln)), key=lambda ln: ln.box.x1)
    for i, a in enumerate(by_x):
        for b in by_x[i + 1 :]:
            if _same_row(a.box, b.box):
                rows.append((a, b))
                for c in by_x:
                    if c.box.x1 > b.box.x1 and _same_row(b.box, c.box):
                        rows.append((a, b, c))
    cands = [Candidate(r, Layout.ONE_LINE) for r in rows]
    joinable = [r for r in rows if all(_joinable(ln) for ln in r)]
    for top in joinable:
        if not _has_digit(top):  # a state or dealer name above the number is not a plate's first line
            continue
        for bottom in joinable:
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
        digits = len(parsed.text) - len(parsed.text.rstrip("0123456789"))
        conf *= SHORT_NUMBER_FACTOR if parsed.kind == "standard" and digits < 4 else 1.0
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


def _scaled(box: Box, f: float) -> Box:
    return Box(box.x1 * f, box.y1 * f, box.x2 * f, box.y2 * f)


def _expand(box: Box, mx: float, my: float, w_img: int, h_img: int) -> tuple[int, int, int, int]:
    b = Box(box.x1 - mx, box.y1 - my, box.x2 + mx, box.y2 + my).clipped(w_img, h_img)
    return int(b.x1), int(b.y1), int(np.ceil(b.x2)), int(np.ceil(b.y2))


def _rows_of(cand_read: PlateRead, lines: Sequence[TextLine]) -> list[Box]:
    """The row boxes of a read's candidate: one for a one-line plate, top and bottom for a two-line one."""
    assert cand_read.box is not None
    if cand_read.layout is not Layout.TWO_LINE:
        return [cand_read.box]
    inside = [ln.box for ln in lines if _iou(ln.box, cand_read.box) > 0 and ln.box.y1 >= cand_read.box.y1 - 1]
    mid = (cand_read.box.y1 + cand_read.box.y2) / 2
    top = [b for b in inside if (b.y1 + b.y2) / 2 < mid]
    bottom = [b for b in inside if (b.y1 + b.y2) / 2 >= mid]
    return [_union(top), _union(bottom)] if top and bottom else [cand_read.box]


class PlateReader:
    """Reads plates in a BGR uint8 image (whole photo or vehicle crop).

    The first pass detects and recognises text lines (``OcrBackend.predict``). Unless its best read is
    valid and confident, the best candidate regions get a second look: with a ``Recogniser`` backend
    each row of the region is cut out with a margin and recognised directly (cheap: no detection; a
    plate split by the detector is read whole); otherwise the region is upscaled and run through
    ``predict`` again. If still not sure and the image is smaller than ``min_side``, both passes run
    again on it upscaled to ``min_side``. Reads of all passes are ranked together.
    """

    def __init__(
        self,
        backend: OcrBackend | None = None,
        refine: int = 1,
        refine_height: int = 192,
        skip_refine_above: float = 0.95,
        min_side: int = MIN_SIDE,
    ) -> None:
        if backend is None:
            from echallan.anpr.ocr import RapidOcrBackend

            backend = RapidOcrBackend()
        self.backend = backend
        self.refine = refine
        self.refine_height = refine_height
        self.skip_refine_above = skip_refine_above
        self.min_side = min_side

    def char_confidences(self, plate_crop: np.ndarray, text: str) -> tuple[tuple[str, float], ...]:
        """Per-character confidence of ``text`` re-read on its plate crop, for the reviewer.

        Empty when the backend cannot recognise a crop on its own, or when the one-line re-read
        does not spell ``text`` (a two-line plate, or a read the grammar corrected).
        """
        if not isinstance(self.backend, Recogniser) or not plate_crop.size:
            return ()
        line = self.backend.recognise(plate_crop)
        pairs = tuple((c, s) for c, s in zip(line.text, line.char_confidences, strict=False) if c.isalnum())
        return pairs if "".join(c for c, _ in pairs).upper() == text else ()

    def read(self, image: np.ndarray) -> list[PlateRead]:
        reads: list[PlateRead] = []
        scales = [1.0]
        if max(image.shape[:2]) < self.min_side:  # small text may only be found at a larger scale
            scales.append(self.min_side / max(image.shape[:2]))
        for scale in scales:
            lines = self._detect(image, scale)
            first = rank(to_read(c) for c in find_candidates(lines))
            reads = rank(reads + first)
            if self._sure(reads):
                break  # a confident, valid read: another look costs time and rarely helps
            reads = rank(reads + self._second_look(image, first, lines))
            if self._sure(reads):
                break
        return reads

    def _sure(self, reads: Sequence[PlateRead]) -> bool:
        return bool(reads) and reads[0].valid and reads[0].confidence >= self.skip_refine_above

    def _second_look(
        self, image: np.ndarray, first: Sequence[PlateRead], lines: Sequence[TextLine]
    ) -> list[PlateRead]:
        out: list[PlateRead] = []
        regions: list[Box] = []
        for r in first:
            if len(regions) >= self.refine:
                break
            assert r.box is not None
            if any(_iou(r.box, b) > 0.3 for b in regions):
                continue
            regions.append(r.box)
            if isinstance(self.backend, Recogniser):
                out.extend(self._recognise_rows(image, self.backend, r, lines))
            else:
                out.extend(self._redetect(image, r.box))
        return out

    def _detect(self, image: np.ndarray, scale: float) -> list[TextLine]:
        """``predict`` on the image resized by ``scale``; boxes in ``image`` coordinates."""
        if scale == 1.0:
            return self.backend.predict(image)
        big = cv2.resize(image, None, fx=scale, fy=scale, interpolation=cv2.INTER_LINEAR)
        return [
            replace(
                ln,
                box=_scaled(ln.box, 1 / scale),
                polygon=tuple((x / scale, y / scale) for x, y in ln.polygon),
            )
            for ln in self.backend.predict(big)
        ]

    def _recognise_rows(
        self, image: np.ndarray, rec: Recogniser, read: PlateRead, lines: Sequence[TextLine]
    ) -> list[PlateRead]:
        """Recognise each row of ``read``'s region (one, or two for a two-line plate) on its own crop."""
        h_img, w_img = image.shape[:2]
        found: list[TextLine] = []
        for row in _rows_of(read, lines):
            x1, y1, x2, y2 = _expand(row, ROW_MARGIN_X * row.height, ROW_MARGIN_Y * row.height, w_img, h_img)
            if x2 - x1 < 2 or y2 - y1 < 2:
                return []
            line = rec.recognise(image[y1:y2, x1:x2])
            if not _clean(line.text):
                return []
            found.append(replace(line, box=row))  # where the text is, not the margin around it
        layout = Layout.TWO_LINE if len(found) == 2 else Layout.ONE_LINE
        cand = Candidate(tuple(found), layout)
        return [to_read(cand)] if is_plate_like("".join(_clean(ln.text) for ln in found)) else []

    def _redetect(self, image: np.ndarray, box: Box) -> list[PlateRead]:
        """Crop around ``box`` with a margin, upscale and detect again; boxes back in image coordinates."""
        h_img, w_img = image.shape[:2]
        x1, y1, x2, y2 = _expand(box, 0.15 * box.width + 0.5 * box.height, 0.6 * box.height, w_img, h_img)
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
            out.append(replace(read, box=_scaled(read.box, 1 / scale).offset(x1, y1)))
        return out
