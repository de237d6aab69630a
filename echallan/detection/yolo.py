"""YOLO adapters. Weights come from the model directory; nothing is downloaded.

An Ultralytics OpenVINO export (a folder with ``*.xml`` + ``metadata.yaml``, the default) runs on the
OpenVINO runtime directly (``echallan.detection.openvino``: centred letterbox as Ultralytics does,
one inference, decode, NMS), which saves Ultralytics' per-call overhead. Other weights (``.pt``,
``.onnx``) go through Ultralytics' ``predict``.
"""

from __future__ import annotations

import logging
import os
from pathlib import Path
from typing import Any

import numpy as np
import supervision as sv

from echallan.detection.base import DETECT_CLASSES, Detector
from echallan.detection.openvino import OpenVinoYolo, is_openvino_export, letterbox
from echallan.errors import ModelNotFoundError

#: The default detector: YOLO11n (COCO), int8 OpenVINO IR, the fastest of the backends on CPU here.
DEFAULT_WEIGHTS = "yolo11n_int8_openvino_model"


def resolve_weights(model_dir: Path, name: str = DEFAULT_WEIGHTS) -> Path:
    """Return ``model_dir/name`` or raise a one-line error naming the file and the setting."""
    path = model_dir / name
    if not path.exists():
        raise ModelNotFoundError(
            f"detector weights not found: {path} "
            f"(set ECHALLAN_MODEL_DIR or --model-dir to the folder holding {name})"
        )
    return path


class YoloDetector(Detector):
    """Runs a YOLO detector (OpenVINO IR directly; other formats via Ultralytics) for the wanted classes."""

    def __init__(
        self,
        model_dir: Path,
        weights: str = DEFAULT_WEIGHTS,
        confidence: float = 0.25,
        classes: frozenset[str] = DETECT_CLASSES,
        imgsz: int = 640,
    ) -> None:
        path = resolve_weights(model_dir, weights)
        self.name = weights
        self._confidence = confidence
        self._imgsz = imgsz
        self._ir: OpenVinoYolo | None = None
        self._model: Any = None
        if is_openvino_export(path):
            self._ir = OpenVinoYolo(path)
            names = self._ir.names
        else:
            os.environ.setdefault("YOLO_OFFLINE", "1")  # never reach for the network
            from ultralytics import YOLO
            from ultralytics.utils import LOGGER

            LOGGER.setLevel(logging.WARNING)  # keep stdout clean for --json
            self._model = YOLO(str(path), task="detect")
            names = self._model.names
        self._names: dict[int, str] = names
        self._class_ids = [i for i, n in names.items() if n in classes]

    def detect(self, frame: np.ndarray) -> sv.Detections:
        if self._ir is None:
            results = self._model.predict(
                frame, conf=self._confidence, classes=self._class_ids, imgsz=self._imgsz, verbose=False
            )
            return sv.Detections.from_ultralytics(next(iter(results)))
        canvas, scale, (ox, oy) = letterbox(frame, self._ir.size)
        boxes, scores, ids = self._ir.infer(canvas, self._confidence, self._class_ids)
        return sv.Detections(
            xyxy=((boxes - [ox, oy, ox, oy]) / scale).astype(np.float32).reshape(-1, 4),
            confidence=scores.astype(np.float32),
            class_id=ids.astype(int),
            data={"class_name": np.array([self._names[int(i)] for i in ids], dtype=str)},
        )
