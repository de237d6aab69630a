"""Ultralytics YOLO adapter. Weights come from the model directory; nothing is downloaded."""

from __future__ import annotations

import logging
import os
from pathlib import Path

import numpy as np
import supervision as sv

from echallan.detection.base import DETECT_CLASSES, Detector
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
    """Runs an Ultralytics model (OpenVINO, ONNX or PyTorch weights) and keeps the wanted classes."""

    def __init__(
        self,
        model_dir: Path,
        weights: str = DEFAULT_WEIGHTS,
        confidence: float = 0.25,
        classes: frozenset[str] = DETECT_CLASSES,
        imgsz: int = 640,
    ) -> None:
        path = resolve_weights(model_dir, weights)
        os.environ.setdefault("YOLO_OFFLINE", "1")  # never reach for the network
        from ultralytics import YOLO
        from ultralytics.utils import LOGGER

        LOGGER.setLevel(logging.WARNING)  # keep stdout clean for --json

        self._model = YOLO(str(path), task="detect")
        self.name = weights
        self._confidence = confidence
        self._imgsz = imgsz
        names: dict[int, str] = self._model.names
        self._class_ids = [i for i, n in names.items() if n in classes]

    def detect(self, frame: np.ndarray) -> sv.Detections:
        results = self._model.predict(
            frame, conf=self._confidence, classes=self._class_ids, imgsz=self._imgsz, verbose=False
        )
        result = next(iter(results))
        return sv.Detections.from_ultralytics(result)
