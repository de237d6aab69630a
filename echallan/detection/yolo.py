"""YOLO adapters. Weights come from the model directory; nothing is downloaded.

An Ultralytics OpenVINO export (a folder with ``*.xml`` + ``metadata.yaml``, the default) runs on the
OpenVINO runtime directly (``echallan.detection.openvino``: centred letterbox as Ultralytics does,
one inference, decode, NMS), which saves Ultralytics' per-call overhead. Other weights (``.pt``,
``.onnx``) go through Ultralytics' ``predict``.

The shared default IR has a fixed 640x640 input, which whole frames use. ``make setup`` remakes the
same weights with a dynamic input (``scripts/export_detector.py``) into the derived dir; when that
twin is there and was made from exactly these weights (``source.json``), close-up crops (second
looks at small regions, a few hundred pixels across) run on it at ``CLOSE_UP_SIZE``, 42 % of the
pixels. (Whole frames stay on the square canvas: a rectangular 640x384 one is 40 % cheaper, but
measured here it lost cars near the frame's top edge that the square canvas keeps.) A camera's
``detection_region`` (``detect_region``) runs on the twin too, on a canvas of the region's own shape.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import threading
from pathlib import Path
from typing import Any

import numpy as np
import supervision as sv

from echallan.detection.base import DETECT_CLASSES, Detector, cut, shifted
from echallan.detection.openvino import OpenVinoYolo, is_openvino_export, letterbox
from echallan.errors import ModelNotFoundError
from echallan.settings import Settings
from echallan.types import Box

log = logging.getLogger(__name__)

#: The default detector: YOLO11n (COCO), int8 OpenVINO IR, the fastest of the backends on CPU here.
DEFAULT_WEIGHTS = "yolo11n_int8_openvino_model"
#: In a dynamic twin's folder: what it was made from (the SHA-256 of the source IR's weights).
DYNAMIC_SOURCE = "source.json"
#: Input side for close-up crops (second looks at small regions) on the dynamic twin. Measured on 16
#: generated triple-riding clips (bench/violations.py): 640 found 12, 416 found 13, 320 found 11 with
#: one duplicate; 416 costs 42 % of 640's pixels.
CLOSE_UP_SIZE = 416
STRIDE = 32  # the dynamic twin takes input sides that are multiples of this


def resolve_weights(model_dir: Path, name: str = DEFAULT_WEIGHTS) -> Path:
    """Return ``model_dir/name`` or raise a one-line error naming the file and the setting."""
    path = model_dir / name
    if not path.exists():
        raise ModelNotFoundError(
            f"detector weights not found: {path} "
            f"(set ECHALLAN_MODEL_DIR or --model-dir to the folder holding {name})"
        )
    return path


def twin_path(derived_dir: Path, weights: str = DEFAULT_WEIGHTS) -> Path:
    """Where ``scripts/export_detector.py`` puts the dynamic-input twin of the IR folder ``weights``."""
    return derived_dir / weights.replace("_openvino_model", "_dynamic")


def dynamic_twin(weights: Path, derived_dir: Path) -> Path | None:
    """The derived dir's dynamic-input export of ``weights``, if one was made from exactly these weights."""
    twin = twin_path(derived_dir, weights.name)
    bins = sorted(weights.glob("*.bin")) if weights.is_dir() else []
    try:
        made_from = json.loads((twin / DYNAMIC_SOURCE).read_text(encoding="utf-8"))["source_bin_sha256"]
    except (OSError, ValueError, KeyError):
        return None
    if len(bins) != 1 or made_from != hashlib.sha256(bins[0].read_bytes()).hexdigest():
        log.warning("ignoring %s: not made from %s (rerun scripts/export_detector.py)", twin, weights)
        return None
    return twin if is_openvino_export(twin) else None


class YoloDetector(Detector):
    """Runs a YOLO detector (OpenVINO IR directly; other formats via Ultralytics) for the wanted classes."""

    def __init__(
        self,
        model_dir: Path,
        weights: str = DEFAULT_WEIGHTS,
        confidence: float = 0.25,
        classes: frozenset[str] = DETECT_CLASSES,
        imgsz: int = 640,
        derived_dir: Path | None = None,
    ) -> None:
        path = resolve_weights(model_dir, weights)
        twin = dynamic_twin(path, derived_dir or Settings.from_env().derived_dir)
        self.name = weights
        self._confidence = confidence
        self._imgsz = imgsz
        self._ir: OpenVinoYolo | None = None
        self._close: OpenVinoYolo | None = None
        self._model: Any = None
        if is_openvino_export(path):
            self._ir = OpenVinoYolo(path)
            self._close = OpenVinoYolo(twin) if twin is not None else None
            names = self._ir.names
        else:
            os.environ.setdefault("YOLO_OFFLINE", "1")  # never reach for the network
            from ultralytics import YOLO
            from ultralytics.utils import LOGGER

            LOGGER.setLevel(logging.WARNING)  # keep stdout clean for --json
            self._model = YOLO(str(path), task="detect")
            names = self._model.names
        self._names: dict[int, str] = names
        self.input_side = self._ir.size if self._ir is not None else imgsz
        self.close_side = CLOSE_UP_SIZE if self._close is not None else self.input_side
        self._lock = threading.Lock()
        self._class_ids = [i for i, n in names.items() if n in classes]

    def detect(self, frame: np.ndarray) -> sv.Detections:
        if self._ir is None:
            with self._lock:  # one Ultralytics model, called from the detection and the main thread
                results = self._model.predict(
                    frame, conf=self._confidence, classes=self._class_ids, imgsz=self._imgsz, verbose=False
                )
            return sv.Detections.from_ultralytics(next(iter(results)))
        return self._run_ir(self._ir, frame, self._ir.size)

    def detect_close(self, crop: np.ndarray) -> sv.Detections:
        if self._close is None:
            return self.detect(crop)
        return self._run_ir(self._close, crop, CLOSE_UP_SIZE)

    def detect_region(self, frame: np.ndarray, region: Box) -> sv.Detections:
        """On the dynamic twin, the region runs on a canvas of its own shape at the scale the whole frame
        would get (its sides rounded up to the stride): a band of road a third of the frame tall costs
        about a third of a whole frame. Without the twin, as the base class does (the square canvas)."""
        if self._ir is None or self._close is None:
            return super().detect_region(frame, region)
        crop, x, y = cut(frame, region)
        scale = self._ir.size / max(frame.shape[:2])
        h, w = (-(-round(side * scale) // STRIDE) * STRIDE for side in crop.shape[:2])
        return shifted(self._run_ir(self._close, crop, (h, w)), x, y)

    def _run_ir(self, ir: OpenVinoYolo, frame: np.ndarray, size: int | tuple[int, int]) -> sv.Detections:
        canvas, scale, (ox, oy) = letterbox(frame, size)
        boxes, scores, ids = ir.infer(canvas, self._confidence, self._class_ids)
        return sv.Detections(
            xyxy=((boxes - [ox, oy, ox, oy]) / scale).astype(np.float32).reshape(-1, 4),
            confidence=scores.astype(np.float32),
            class_id=ids.astype(int),
            data={"class_name": np.array([self._names[int(i)] for i in ids], dtype=str)},
        )
