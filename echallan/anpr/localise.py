"""Plate localisation: one method, ``PlateLocaliser.locate(image) -> list[PlateBox]``, best first.

Two localisers:

* ``YoloPlateLocaliser``: the project's single-class plate detector (``models/plate_detector/``, trained
  by ``scripts/train_plate_detector.py``; see its MODEL_CARD.md), OpenVINO on CPU. Small images
  (vehicle crops) run at 320 px, large ones (whole photos) at 640 px.
* ``TextDetLocaliser``: text lines from an ``OcrBackend`` grouped into plate candidates (the grouping
  below, shared with ``PlateReader``'s text path), each grown a little (TEXT_TO_PLATE_X, _Y).

The grouping is pure: single lines, lines split on one row (``KA03`` + ``1351``) and two stacked lines
of similar x-range (two-line plates, top then bottom). Letters-only words of 5+ characters (ARIZONA,
TOYOTA) never join, and a two-line plate's top line needs a digit.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from itertools import combinations
from pathlib import Path
from typing import Any

import cv2
import numpy as np

from echallan.anpr.grammar import is_plate_like, normalise
from echallan.anpr.ocr import OcrBackend, TextLine
from echallan.types import Box, Layout

NOISE = ("IND", "INDIA")
# Two characters read across fill a box at least this share of its height wide, even in a condensed face
# (11: about 0.8 with the detector's margins); the IND strip's ON, written upwards, fills 0.6.
UPWARD_PAIR = 0.65
MAX_LETTER_WORD = 5  # letters-only words this long never join other text into a plate
# A text region grown by these shares of its row height (left/right, top/bottom) to be the plate box. The
# sets' labels hug the text (openalpr_us) or the plate (india_plates_dev); on the TRAIN half (half the rows)
# the top box matched the label (IoU >= 0.5) at 0, 0.1 for 57 of 82 india and 92 of 112 US pictures; at
# 0.3, 0.2 for 63 and 68; at 0.6, 0.45 for 53 and 24.
TEXT_TO_PLATE_X, TEXT_TO_PLATE_Y = 0.0, 0.1
MODEL_NAME = "plate_detector"
INPUT_SIZES = (320, 640)  # the smallest that is at least half the image's longest side is used


@dataclass(frozen=True)
class PlateBox:
    """Where a plate is in an image (pixels) and how sure the localiser is."""

    box: Box
    confidence: float


class PlateLocaliser(ABC):
    """Finds number plates in a BGR uint8 image."""

    @abstractmethod
    def locate(self, image: np.ndarray) -> list[PlateBox]:
        """Plate boxes in ``image`` pixel coordinates, most confident first."""


# ----------------------------------------------------------------------------- text-line grouping


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
        return union(line.box for line in self.lines)

    @property
    def ocr_confidence(self) -> float:
        weights = [max(1, len(normalise(line.text))) for line in self.lines]
        return sum(w * line.confidence for w, line in zip(weights, self.lines, strict=True)) / sum(weights)


def union(boxes: Iterable[Box]) -> Box:
    bs = list(boxes)
    return Box(min(b.x1 for b in bs), min(b.y1 for b in bs), max(b.x2 for b in bs), max(b.y2 for b in bs))


def clean(text: str) -> str:
    """Normalised text without the printed noise (IND strip, TEMP marker)."""
    t = normalise(text)
    if "TEMP" in t[3:]:  # HR99 EX (TEMP) 6037: temporary marker printed inside the plate
        t = t[:3] + t[3:].replace("TEMP", "", 1)
    for word in NOISE:
        if t.startswith(word) and len(t) > len(word) + 3:
            return t[len(word) :]
    return t


def noise(line: TextLine) -> bool:
    """Printed text that is never part of the number: the IND strip (read as IND, or written upwards
    and read as 3+ characters in a box taller than wide, ANI or ONI, or as 2 in a box much narrower than
    high, ON: a plate's characters run across), or nothing left after :func:`clean`."""
    t = clean(line.text)
    upwards = (len(t) >= 3 and line.box.height > line.box.width) or (
        len(t) == 2 and line.box.width < UPWARD_PAIR * line.box.height
    )
    return not t or t in NOISE or upwards


def _same_row(a: Box, b: Box) -> bool:
    """``b`` continues the text of ``a`` to its right on the same row."""
    h = min(a.height, b.height)
    overlap = min(a.y2, b.y2) - max(a.y1, b.y1)
    ratio = a.height / b.height
    gap = b.x1 - a.x2
    return overlap >= 0.5 * h and 0.6 <= ratio <= 1.67 and -0.6 * h <= gap <= 1.5 * max(a.height, b.height)


def line_height(line: TextLine) -> float:
    """The height of a line's text: across its polygon (a tilted line's box is taller than its text)."""
    if len(line.polygon) == 4:
        # top-left, top-right, bottom-right, bottom-left
        (x0, y0), (x1, y1), (x2, y2), (x3, y3) = line.polygon
        h = (np.hypot(x3 - x0, y3 - y0) + np.hypot(x2 - x1, y2 - y1)) / 2
        return float(min(max(h, 1.0), line.box.height))
    return line.box.height


def _height(lines: Iterable[TextLine]) -> float:
    return max(line_height(ln) for ln in lines)


def _stacked(
    top: Box, bottom: Box, top_h: float | None = None, bottom_h: float | None = None, widths: bool = True
) -> bool:
    """``bottom`` is the second line of a two-line plate whose first line is ``top``.

    ``top_h`` / ``bottom_h``: the rows' text heights where known (``line_height``); a tilted plate's row
    boxes overlap, so the gap between rows is measured from their centres less half their text heights.
    ``widths``: the rows' widths must be alike (a plate's two rows), not so for small print (MH 13 / BN).
    """
    th, bh = top_h or top.height, bottom_h or bottom.height
    h = max(th, bh)
    gap = (bottom.y1 + bottom.y2 - top.y1 - top.y2) / 2 - (th + bh) / 2
    x_overlap = min(top.x2, bottom.x2) - max(top.x1, bottom.x1)
    ratio = top.height / bottom.height
    return (
        (top.y1 + top.y2) < (bottom.y1 + bottom.y2)
        and -0.6 * min(th, bh) <= gap <= 0.8 * h
        and x_overlap >= 0.5 * min(top.width, bottom.width)
        and 0.4 <= ratio <= 2.0
        and (not widths or 0.3 <= top.width / bottom.width <= 2.0)
    )


def _left_of(pair: Box, right: Box, right_h: float) -> bool:
    """A stacked pair of short rows (``pair``: their union) just left of ``right``, within its height:
    the state and district over the series, printed small before the number (MH 13 / BN  4348)."""
    gap = right.x1 - pair.x2
    mid = (pair.y1 + pair.y2) / 2
    return (
        -0.3 * right_h <= gap <= 1.5 * right_h
        and right.y1 - 0.25 * right_h <= mid <= right.y2 + 0.25 * right_h
        and pair.height <= 2.0 * right.height
    )


def _joinable(line: TextLine) -> bool:
    """A letters-only word of 5+ characters (ARIZONA, TOYOTA, DEALER) is a name, never part of a plate."""
    t = clean(line.text)
    return len(t) < MAX_LETTER_WORD or any(c.isdigit() for c in t)


def _has_digit(lines: Iterable[TextLine]) -> bool:
    return any(c.isdigit() for ln in lines for c in clean(ln.text))


def find_candidates(lines: Sequence[TextLine], plate: bool = False) -> list[Candidate]:
    """All single lines, same-row joins (up to 3 pieces), stacked pairs and stacked-pair-then-number rows
    worth interpreting. ``plate``: the lines are inside a located plate, where a single line of 4-8
    letters is worth interpreting too (its number may be a word: a US vanity plate)."""
    useful = [ln for ln in lines if not noise(ln)]
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
        tb, nt = union(ln.box for ln in top), sum(len(clean(ln.text)) for ln in top)
        for bottom in joinable:
            if top is bottom or set(top) & set(bottom):
                continue
            bb, nb = union(ln.box for ln in bottom), sum(len(clean(ln.text)) for ln in bottom)
            th, bh = _height(top), _height(bottom)
            # a state or dealer name above the number is not a plate's first line
            if _has_digit(top) and 2 <= nt <= 7 and 2 <= nb <= 8 and _stacked(tb, bb, th, bh):
                cands.append(Candidate(top + bottom, Layout.TWO_LINE))
            short = len(top) == len(bottom) == 1 and nt + nb <= 6 and _has_digit(top + bottom)
            if short and _stacked(tb, bb, th, bh, widths=False):
                pair = union((tb, bb))
                for right in joinable:
                    if not set(right) & set(top + bottom) and _has_digit(right):
                        rb = union(ln.box for ln in right)
                        tall = rb.height >= 0.8 * max(tb.height, bb.height)
                        if tall and _left_of(pair, rb, _height(right)):
                            cands.append(Candidate(top + bottom + right, Layout.ONE_LINE))

    def keep(text: str) -> bool:
        return is_plate_like(text) or (plate and 4 <= len(text) <= 8 and text.isalpha())

    return [c for c in cands if keep("".join(clean(ln.text) for ln in c.lines))]


def _mostly_inside(inner: Box, outer: Box, share: float = 0.6) -> bool:
    inter = max(0.0, min(inner.x2, outer.x2) - max(inner.x1, outer.x1)) * max(
        0.0, min(inner.y2, outer.y2) - max(inner.y1, outer.y1)
    )
    return inter >= share * inner.area


def skipped(cand: Candidate, lines: Sequence[TextLine], min_confidence: float = 0.5) -> int:
    """Text a candidate leaves out: confident lines (not the IND strip) at least half its text height
    that lie mostly (60 %) inside its box (``MH 13`` + ``4348`` around ``BN``), or that continue it on
    its row (``339C`` without the ``4`` before it; ``_same_row``, names of 5+ letters excepted)."""
    box, own, height = cand.box, set(cand.lines), _height(cand.lines)
    first, last = min(cand.lines, key=lambda ln: ln.box.x1), max(cand.lines, key=lambda ln: ln.box.x2)
    out = 0
    for ln in lines:
        t = clean(ln.text)
        if ln in own or ln.confidence < min_confidence or noise(ln) or line_height(ln) < 0.5 * height:
            continue
        inside = len(t) >= 2 and _mostly_inside(ln.box, box)
        beside = _joinable(ln) and (_same_row(ln.box, first.box) or _same_row(last.box, ln.box))
        out += inside or beside
    return out


def height_share(cand: Candidate, lines: Sequence[TextLine], min_confidence: float = 0.5) -> float:
    """The candidate's tallest text over the tallest confident text (2+ characters) among ``lines``."""
    ref = [
        line_height(ln)
        for ln in lines
        if ln.confidence >= min_confidence and len(clean(ln.text)) >= 2 and not noise(ln)
    ]
    return min(1.0, _height(cand.lines) / max(ref)) if ref else 1.0


def overlap(a: Box, b: Box) -> float:
    """How much of the smaller box lies inside the other (1.0: contained)."""
    inter = max(0.0, min(a.x2, b.x2) - max(a.x1, b.x1)) * max(0.0, min(a.y2, b.y2) - max(a.y1, b.y1))
    return inter / min(a.area, b.area) if inter > 0 else 0.0


def suppress(boxes: Iterable[PlateBox], most: float = 0.5) -> list[PlateBox]:
    """Most confident first, dropping any box whose ``overlap`` with a kept one exceeds ``most``."""
    kept: list[PlateBox] = []
    for pb in sorted(boxes, key=lambda p: -p.confidence):
        if all(overlap(pb.box, k.box) <= most for k in kept):
            kept.append(pb)
    return kept


#: Two located boxes are pieces of one plate when their rows agree this much (shared height over the
#: smaller height) and they overlap side by side: on close-ups, where the plate fills much of the picture,
#: the detector can find its left and right halves instead of the whole (india_plates_dev 28, 29, 30, 82).
PIECE_ROW_SHARE = 0.7


def join_pieces(plates: Sequence[PlateBox], row_share: float = PIECE_ROW_SHARE) -> list[PlateBox]:
    """``plates`` with the side-by-side pieces of one plate joined into their union (best score kept).

    Pieces share a row (``row_share``) and overlap horizontally, neither mostly inside the other
    (``overlap`` < 0.8: a box inside another is a sticker or a word on it). Two real plates never overlap.
    """
    out = sorted(plates, key=lambda p: -p.confidence)

    def pieces(a: Box, b: Box) -> bool:
        shared = min(a.y2, b.y2) - max(a.y1, b.y1)
        side = min(a.x2, b.x2) - max(a.x1, b.x1)
        return shared >= row_share * min(a.height, b.height) and side > 0 and overlap(a, b) < 0.8

    while pair := next(
        ((i, j) for i, j in combinations(range(len(out)), 2) if pieces(out[i].box, out[j].box)), None
    ):
        i, j = pair
        out[i] = PlateBox(union([out[i].box, out[j].box]), out[i].confidence)  # sorted: i is the surer
        del out[j]
    return out


def grow(box: Box, fx: float, fy: float, width: int, height: int) -> Box:
    """``box`` grown by ``fx`` / ``fy`` times its height on each side, clipped to the image."""
    mx, my = fx * box.height, fy * box.height
    return Box(box.x1 - mx, box.y1 - my, box.x2 + mx, box.y2 + my).clipped(width, height)


class TextDetLocaliser(PlateLocaliser):
    """Plate regions from detected text: candidates of ``find_candidates``, grown a little (TEXT_TO_PLATE_*),
    scored as the reader scores their text (``scoring.to_read``: grammar-valid first)."""

    def __init__(self, backend: OcrBackend | None = None) -> None:
        if backend is None:
            from echallan.anpr.ocr import RapidOcrBackend

            backend = RapidOcrBackend()
        self.backend = backend

    def locate(self, image: np.ndarray) -> list[PlateBox]:
        from echallan.anpr.scoring import to_read  # scoring builds on this module

        h, w = image.shape[:2]
        found = []
        for cand in find_candidates(self.backend.predict(image)):
            row_h = cand.box.height / (2 if cand.layout is Layout.TWO_LINE else 1)
            f = row_h / cand.box.height
            box = grow(cand.box, TEXT_TO_PLATE_X * f, TEXT_TO_PLATE_Y * f, w, h)
            found.append(PlateBox(box, to_read(cand).confidence))
        return suppress(found)


# ----------------------------------------------------------------------------- trained detector


def default_model_dir() -> Path:
    """``$ECHALLAN_MODEL_DIR/plate_detector`` when it exists, else the weights committed in ``models/``."""
    from echallan.settings import project_model

    return project_model(MODEL_NAME)


def input_size(longest: int, sizes: Sequence[int] = INPUT_SIZES) -> int:
    """The smallest detector input at least half an image's longest side (the largest for big images)."""
    return next((s for s in sizes if 2 * s >= longest), sizes[-1])


def letterbox(image: np.ndarray, size: int) -> tuple[np.ndarray, float]:
    """``image`` scaled to fit ``size`` x ``size`` (top-left, grey padding) as a 1x3xSxS RGB float blob."""
    h, w = image.shape[:2]
    scale = size / max(h, w)
    nw, nh = max(1, round(w * scale)), max(1, round(h * scale))
    canvas = np.full((size, size, 3), 114, np.uint8)
    interp = cv2.INTER_AREA if scale < 1 else cv2.INTER_LINEAR
    canvas[:nh, :nw] = cv2.resize(image, (nw, nh), interpolation=interp)
    blob = canvas[:, :, ::-1].transpose(2, 0, 1)[None].astype(np.float32) / 255.0
    return np.ascontiguousarray(blob), scale


def decode(output: np.ndarray, scale: float, conf: float, overlap: float, limit: int) -> list[PlateBox]:
    """YOLO head output (1 x 5 x anchors: cx, cy, w, h, score in input pixels) -> plate boxes, NMS'd."""
    pred = output.reshape(output.shape[-2], -1).T
    pred = pred[pred[:, 4] >= conf]
    if not len(pred):
        return []
    xy, wh = pred[:, :2] / scale, pred[:, 2:4] / scale
    xyxy = np.concatenate([xy - wh / 2, xy + wh / 2], axis=1)
    scores = pred[:, 4]
    rects = [[float(x1), float(y1), float(x2 - x1), float(y2 - y1)] for x1, y1, x2, y2 in xyxy]
    keep = cv2.dnn.NMSBoxes(rects, scores.tolist(), conf, overlap)
    out = [PlateBox(Box(*map(float, xyxy[i])), float(scores[i])) for i in np.array(keep).reshape(-1)]
    return sorted(out, key=lambda p: -p.confidence)[:limit]


class YoloPlateLocaliser(PlateLocaliser):
    """The trained single-class plate detector (OpenVINO IR), one compiled model per input size.

    ``imgsz`` fixes the input size; by default it is the smallest of ``INPUT_SIZES`` that is at least half
    the image's longest side (320 for vehicle crops of <= 640 px, 640 for whole photos).
    """

    def __init__(
        self,
        model_dir: Path | None = None,
        conf: float = 0.25,
        imgsz: int | None = None,
        threads: int = 1,
        limit: int = 5,
        overlap: float = 0.5,
    ) -> None:
        import openvino as ov  # lazy: heavy import, model at the edge

        self.model_dir = Path(model_dir) if model_dir else default_model_dir()
        xmls = sorted(self.model_dir.glob("*.xml"))
        if not xmls:
            from echallan.errors import ModelNotFoundError

            raise ModelNotFoundError(
                f"no plate detector (*.xml) in {self.model_dir}: run `make plate-detector`"
            )
        self._core, self._xml = ov.Core(), xmls[0]
        self._config: dict[str, Any] = {"INFERENCE_NUM_THREADS": threads, "PERFORMANCE_HINT": "LATENCY"}
        self._compiled: dict[int, Any] = {}
        self.conf, self.imgsz, self.limit, self.overlap = conf, imgsz, limit, overlap

    def _model(self, size: int) -> Any:
        if size not in self._compiled:
            model = self._core.read_model(self._xml)
            model.reshape([1, 3, size, size])
            self._compiled[size] = self._core.compile_model(model, "CPU", self._config)
        return self._compiled[size]

    def locate(self, image: np.ndarray) -> list[PlateBox]:
        if not image.size:
            return []
        size = self.imgsz or input_size(max(image.shape[:2]))
        blob, scale = letterbox(image, size)
        output = self._model(size)(blob)[0]
        h, w = image.shape[:2]
        found = decode(np.asarray(output), scale, self.conf, self.overlap, self.limit)
        return join_pieces([PlateBox(p.box.clipped(w, h), p.confidence) for p in found if p.box.area > 0])
