"""The text path: text lines from ``OcrBackend.predict`` -> plate candidates -> ranked ``PlateRead``s.

Lines are grouped into candidates (``localise.find_candidates``) and scored (``scoring.score``). Unless the
first read is valid and confident, the best candidate's rows are recognised again on their own crops (a
``Recogniser`` backend: no second detection) or its region is detected again upscaled; a small image is
detected again upscaled to ``min_side``. ``PlateReader`` runs it on a whole image where no plate is located,
and on a located plate's crop that its whole-plate read leaves unsure.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

import cv2
import numpy as np

from echallan.anpr.crops import expand, rows_of, scaled
from echallan.anpr.localise import Candidate, clean, find_candidates
from echallan.anpr.ocr import OcrBackend, Recogniser, TextLine
from echallan.anpr.scoring import GEOMETRY_DOUBTS, rank, score, to_read, worth
from echallan.types import Box, Layout, PlateRead

ROW_MARGIN_X, ROW_MARGIN_Y = 0.5, 0.15  # second-look crop margin around a row, in row heights
# An image smaller than this (longest side) with no sure read at its own size is detected again upscaled
# to it: small vehicle crops carry text too small for the detector. Not always: upscaling first costs
# 1.5-2x the time and reads ready-cut plate crops worse (70 -> 60 % exact, openalpr_us_platecrops).
MIN_SIDE = 640


class TextPath:
    """The text path over one OCR ``backend``: ``refine`` candidate regions get a second look (redetected at
    ``refine_height`` px where the backend cannot recognise a crop alone) unless the first read is valid at
    ``skip_refine_above``; an image under ``min_side`` is read again upscaled."""

    def __init__(
        self,
        backend: OcrBackend,
        refine: int = 1,
        refine_height: int = 192,
        skip_refine_above: float = 0.95,
        min_side: int = MIN_SIDE,
    ) -> None:
        self.backend = backend
        self.refine = refine
        self.refine_height = refine_height
        self.skip_refine_above = skip_refine_above
        self.min_side = min_side

    def read(self, image: np.ndarray) -> list[PlateRead]:
        """The text path on the whole image: at its own size, then upscaled to ``min_side`` if small."""
        reads: list[PlateRead] = []
        scales = [1.0]
        if max(image.shape[:2]) < self.min_side:  # small text may only be found at a larger scale
            scales.append(self.min_side / max(image.shape[:2]))
        for scale in scales:
            reads = rank(reads + self.read_pass(image, scale))
            if self.sure(reads):
                break
        return reads

    def read_pass(
        self, image: np.ndarray, scale: float, in_plate: bool = False, backend: OcrBackend | None = None
    ) -> list[PlateRead]:
        """Detect text at ``scale``, group it into candidates, and give the best a second look if unsure.

        ``in_plate``: ``image`` is a located plate, whose number is its tallest text (``score``).
        ``backend``: the OCR to use (default: the reader's)."""
        backend = backend or self.backend
        lines = self._detect(image, scale, backend)
        scored = [score(c, lines, in_plate) for c in find_candidates(lines, plate=in_plate)]
        first = rank(r for r, _, _ in scored)
        if self.sure(first):
            return first  # a confident, valid read: another look costs time and rarely helps
        how = {(r.text, r.box): (f, pl) for r, f, pl in scored}
        return rank(first + self._second_look(image, first, lines, how, backend))

    def sure(self, reads: Sequence[PlateRead]) -> bool:
        """A valid read at ``skip_refine_above`` or more: no second look is worth its time."""
        return bool(reads) and reads[0].valid and reads[0].confidence >= self.skip_refine_above

    def _second_look(
        self,
        image: np.ndarray,
        first: Sequence[PlateRead],
        lines: Sequence[TextLine],
        how: dict[tuple[str, Box | None], tuple[float, bool]],
        backend: OcrBackend,
    ) -> list[PlateRead]:
        """The best regions again; each new read keeps its region's geometry factor and plate-line flag."""
        out: list[PlateRead] = []
        regions: list[Box] = []
        for r in first:
            if len(regions) >= self.refine:
                break
            assert r.box is not None
            if any(r.box.iou(b) > 0.3 for b in regions):
                continue
            regions.append(r.box)
            factor, plate_line = how.get((r.text, r.box), (1.0, False))
            where = tuple(d for d in r.doubts if d in GEOMETRY_DOUBTS)
            if isinstance(backend, Recogniser):
                out.extend(self._recognise_rows(image, backend, r, lines, factor, plate_line, where))
            else:
                out.extend(self._redetect(image, r.box, factor, plate_line, where))
        return out

    def _detect(self, image: np.ndarray, scale: float, backend: OcrBackend) -> list[TextLine]:
        """``backend.predict`` on the image resized by ``scale``; boxes in ``image`` coordinates."""
        if scale == 1.0:
            return backend.predict(image)
        big = cv2.resize(image, None, fx=scale, fy=scale, interpolation=cv2.INTER_LINEAR)
        return [
            replace(
                ln,
                box=scaled(ln.box, 1 / scale),
                polygon=tuple((x / scale, y / scale) for x, y in ln.polygon),
            )
            for ln in backend.predict(big)
        ]

    def _recognise_rows(
        self,
        image: np.ndarray,
        rec: Recogniser,
        read: PlateRead,
        lines: Sequence[TextLine],
        factor: float = 1.0,
        plate_line: bool = False,
        doubts: tuple[str, ...] = (),
    ) -> list[PlateRead]:
        """Recognise each row of ``read``'s region (one, or two for a two-line plate) on its own crop."""
        h_img, w_img = image.shape[:2]
        found: list[TextLine] = []
        for row in rows_of(read, lines):
            x1, y1, x2, y2 = expand(row, ROW_MARGIN_X * row.height, ROW_MARGIN_Y * row.height, w_img, h_img)
            if x2 - x1 < 2 or y2 - y1 < 2:
                return []
            line = rec.recognise(image[y1:y2, x1:x2])
            if not clean(line.text):
                return []
            found.append(replace(line, box=row))  # where the text is, not the margin around it
        layout = Layout.TWO_LINE if len(found) == 2 else Layout.ONE_LINE
        again = to_read(Candidate(tuple(found), layout), plate_line, factor, doubts)
        return [again] if worth(again) else []

    def _redetect(
        self,
        image: np.ndarray,
        box: Box,
        factor: float = 1.0,
        plate_line: bool = False,
        doubts: tuple[str, ...] = (),
    ) -> list[PlateRead]:
        """Crop around ``box`` with a margin, upscale and detect again; boxes back in image coordinates."""
        h_img, w_img = image.shape[:2]
        x1, y1, x2, y2 = expand(box, 0.15 * box.width + 0.5 * box.height, 0.6 * box.height, w_img, h_img)
        crop = image[y1:y2, x1:x2]
        if crop.size == 0:
            return []
        scale = max(1.0, self.refine_height / crop.shape[0])
        if scale > 1.0:
            crop = cv2.resize(crop, None, fx=scale, fy=scale, interpolation=cv2.INTER_CUBIC)
        out = []
        for cand in find_candidates(self.backend.predict(crop), plate=plate_line):
            read = to_read(cand, plate_line, factor, doubts)
            assert read.box is not None
            out.append(replace(read, box=scaled(read.box, 1 / scale).offset(x1, y1)))
        return out
