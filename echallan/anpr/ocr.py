"""OCR backends: one method, ``predict(image) -> list[TextLine]``. Models live at the edges.

A backend may also be a ``Recogniser`` (one method, ``recognise(crop) -> TextLine``): it reads one
line of text from a crop without detecting text first, which is what the reader's cheap second look
uses. ``RapidOcrBackend`` is both; it wraps rapidocr (PP-OCR ONNX weights shipped in its wheel, so
nothing is downloaded at run time). The import is lazy so the pure parts of ``echallan.anpr`` load
without it.
"""

from __future__ import annotations

import logging
from abc import ABC, abstractmethod
from dataclasses import dataclass
from typing import Any

import numpy as np

from echallan.types import Box

Polygon = tuple[tuple[float, float], ...]


@dataclass(frozen=True)
class TextLine:
    """One detected line of text: raw recogniser output, its confidence and where it is."""

    text: str
    confidence: float
    box: Box
    polygon: Polygon = ()
    char_confidences: tuple[float, ...] = ()  # one per character of ``text``, when the engine gives them


def box_from_polygon(points: Any) -> tuple[Box, Polygon]:
    pts = np.asarray(points, dtype=float).reshape(-1, 2)
    poly = tuple((float(x), float(y)) for x, y in pts)
    xs, ys = pts[:, 0], pts[:, 1]
    x1, y1, x2, y2 = float(xs.min()), float(ys.min()), float(xs.max()), float(ys.max())
    return Box(x1, y1, max(x2, x1 + 1.0), max(y2, y1 + 1.0)), poly


class OcrBackend(ABC):
    """Detects and recognises text lines in a BGR uint8 image."""

    @abstractmethod
    def predict(self, image: np.ndarray) -> list[TextLine]:
        """Return the text lines found in ``image`` with boxes in its pixel coordinates."""


class Recogniser(ABC):
    """Reads the single line of text that fills a BGR uint8 crop (no text detection)."""

    @abstractmethod
    def recognise(self, crop: np.ndarray) -> TextLine:
        """Return the text, its confidence and the crop's own box (empty text when nothing is read)."""


#: Longest side the text detector works at (rapidocr's default instead scales the SHORTEST side up to
#: 736 px, which made a 320x156 plate crop a 1510x736 detection). Recognition always uses the
#: full-resolution pixels, so only the detection of small text depends on this.
DET_MAX_SIDE = 960
#: ONNX Runtime threads per model call. One, not all cores: on the shared 2-core box (and in the video
#: pipeline, where the detector and helmet model share the cores) per-crop medians were 244 vs 354 ms
#: (india crops) and 236 vs 261 ms (US crops) for 1 vs the default, interleaved on the same 40 crops.
OCR_THREADS = 1


class RapidOcrBackend(OcrBackend, Recogniser):
    """rapidocr (PP-OCRv6 det + rec, ONNX Runtime on CPU); the engine is built once.

    The 0/180 degree line classifier is off by default: plates are upright and it costs a model call.
    """

    def __init__(
        self,
        params: dict[str, Any] | None = None,
        text_score: float = 0.3,
        det_max_side: int = DET_MAX_SIDE,
        use_cls: bool = False,
        threads: int = OCR_THREADS,
    ) -> None:
        from rapidocr import RapidOCR  # lazy: heavy import, model at the edge

        merged: dict[str, Any] = {
            "Global.log_level": "error",
            "Global.text_score": text_score,
            "Global.use_cls": use_cls,
            "Det.limit_type": "max",
            "Det.limit_side_len": det_max_side,
            # lines are padded to at least this width/48 aspect; plate lines are short, so 160 (not 320)
            # halves the recogniser's work at the same accuracy (measured on plate crops)
            "Rec.rec_img_shape": [3, 48, 160],
            "EngineConfig.onnxruntime.intra_op_num_threads": threads,
            "EngineConfig.onnxruntime.inter_op_num_threads": 1,
        }
        merged.update(params or {})
        self._use_cls = bool(merged["Global.use_cls"])
        self._engine = RapidOCR(params=merged)
        for name in ("RapidOCR", "rapidocr"):
            logging.getLogger(name).setLevel(logging.ERROR)

    def predict(self, image: np.ndarray) -> list[TextLine]:
        # the use_* flags persist inside the engine, so every call states all three
        out = self._engine(image, use_det=True, use_cls=self._use_cls, use_rec=True)
        txts = getattr(out, "txts", None)
        boxes = getattr(out, "boxes", None)
        scores = getattr(out, "scores", None)
        if not txts or boxes is None or scores is None:
            return []
        lines: list[TextLine] = []
        for text, score, pts in zip(txts, scores, boxes, strict=False):
            box, poly = box_from_polygon(pts)
            lines.append(TextLine(str(text), float(score), box, poly))
        return lines

    def recognise(self, crop: np.ndarray) -> TextLine:
        out = self._engine(crop, use_det=False, use_cls=False, use_rec=True, return_word_box=True)
        txts, scores = getattr(out, "txts", None), getattr(out, "scores", None)
        h, w = crop.shape[:2]
        if not txts or not scores:
            return TextLine("", 0.0, Box(0.0, 0.0, float(w), float(h)))
        words = getattr(out, "word_results", None) or ()
        confs = tuple(float(c) for c in getattr(words[0], "confs", ()) or ()) if words else ()
        text = str(txts[0])
        return TextLine(
            text,
            float(scores[0]),
            Box(0.0, 0.0, float(w), float(h)),
            (),
            confs if len(confs) == len(text) else (),
        )


class EasyOcrBackend(OcrBackend):
    """EasyOCR, only usable where ``easyocr`` is installed with its weights already on disk."""

    def __init__(self, languages: tuple[str, ...] = ("en",)) -> None:
        import easyocr  # lazy and optional

        self._reader = easyocr.Reader(list(languages), gpu=False, download_enabled=False, verbose=False)

    def predict(self, image: np.ndarray) -> list[TextLine]:
        lines: list[TextLine] = []
        for pts, text, score in self._reader.readtext(image):
            box, poly = box_from_polygon(pts)
            lines.append(TextLine(str(text), float(score), box, poly))
        return lines
