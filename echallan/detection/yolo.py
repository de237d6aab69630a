"""YOLO adapters. Weights come from the model directory; nothing is downloaded.

An Ultralytics OpenVINO export (a folder with ``*.xml`` + ``metadata.yaml``, the default) runs on the
OpenVINO runtime directly: letterbox, one inference, decode, NMS. Other weights (``.pt``, ``.onnx``)
go through Ultralytics' ``predict``. Running the IR directly saves Ultralytics' per-call overhead and
lets :meth:`detect_with_regions` look again at close-ups of chosen regions in the SAME inference: a
16:9 frame letterboxed to the model's square input leaves a band of padding under it, and the
regions are drawn into that band instead of being detected one by one.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import cv2
import numpy as np
import supervision as sv

from echallan.detection.base import DETECT_CLASSES, Detector
from echallan.errors import ModelNotFoundError
from echallan.types import Box

#: The default detector: YOLO11n (COCO), int8 OpenVINO IR, the fastest of the backends on CPU here.
DEFAULT_WEIGHTS = "yolo11n_int8_openvino_model"
#: Ultralytics' defaults for its predict(): IoU of class-wise NMS, most detections kept, pad colour.
NMS_IOU, MAX_DET, PAD = 0.7, 300, 114
#: Regions are only packed into the padding band when it is at least this tall (model pixels).
MIN_BAND = 96
#: A region is never enlarged more than this in the band.
MAX_ZOOM = 2.0
#: Padding between the frame and the band, and between regions (model pixels).
GAP = 8
#: Rows of padding kept above the frame: objects at the frame's top edge (far away, small) were
#: missed more often with none (the export was trained on centred letterboxes).
TOP = 64


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
        self._ir: _OpenVinoYolo | None = None
        self._model: Any = None
        if path.is_dir() and any(path.glob("*.xml")):
            self._ir = _OpenVinoYolo(path)
            names = self._ir.names
        else:
            os.environ.setdefault("YOLO_OFFLINE", "1")  # never reach for the network
            from ultralytics import YOLO
            from ultralytics.utils import LOGGER

            LOGGER.setLevel(logging.WARNING)  # keep stdout clean for --json
            self._model = YOLO(str(path), task="detect")
            names = self._model.names
        self._names = names
        self._class_ids = [i for i, n in names.items() if n in classes]

    def detect(self, frame: np.ndarray) -> sv.Detections:
        if self._ir is not None:
            return self.detect_with_regions(frame, [])[0]
        results = self._model.predict(
            frame, conf=self._confidence, classes=self._class_ids, imgsz=self._imgsz, verbose=False
        )
        return sv.Detections.from_ultralytics(next(iter(results)))

    def detect_with_regions(
        self, frame: np.ndarray, regions: Sequence[Box]
    ) -> tuple[sv.Detections, sv.Detections]:
        if self._ir is None:
            return super().detect_with_regions(frame, regions)
        canvas, frame_scale, top, slots = self._ir.layout(frame, regions)
        boxes, scores, ids = self._ir.infer(canvas, self._confidence, self._class_ids)
        cx, cy = (boxes[:, 0] + boxes[:, 2]) / 2, (boxes[:, 1] + boxes[:, 3]) / 2
        in_frame = cy < top + frame.shape[0] * frame_scale
        shift = np.array([0, top, 0, top])
        main = self._detections((boxes[in_frame] - shift) / frame_scale, scores[in_frame], ids[in_frame])
        extra: list[sv.Detections] = []
        for slot in slots:
            inside = (
                ~in_frame & (cx >= slot.x) & (cx < slot.x + slot.w) & (cy >= slot.y) & (cy < slot.y + slot.h)
            )
            if inside.any():
                shift = np.array([slot.x, slot.y, slot.x, slot.y])
                origin = np.array([slot.ox, slot.oy, slot.ox, slot.oy])
                extra.append(
                    self._detections(
                        (boxes[inside] - shift) / slot.scale + origin, scores[inside], ids[inside]
                    )
                )
        return main, sv.Detections.merge(extra) if extra else self._detections(np.zeros((0, 4)), [], [])

    def _detections(self, xyxy: np.ndarray, scores: Any, ids: Any) -> sv.Detections:
        ids = np.asarray(ids, dtype=int)
        return sv.Detections(
            xyxy=np.asarray(xyxy, dtype=np.float32).reshape(-1, 4),
            confidence=np.asarray(scores, dtype=np.float32),
            class_id=ids,
            data={"class_name": np.array([self._names[int(i)] for i in ids], dtype=str)},
        )


@dataclass(frozen=True)
class _Slot:
    """Where a region was drawn in the band: position and size in model pixels, scale, frame origin."""

    x: int
    y: int
    w: int
    h: int
    scale: float
    ox: int
    oy: int


class _OpenVinoYolo:
    """An Ultralytics YOLO detect export on the OpenVINO runtime (static square input)."""

    def __init__(self, folder: Path) -> None:
        import openvino as ov
        import yaml

        meta = yaml.safe_load((folder / "metadata.yaml").read_text(encoding="utf-8"))
        self.names: dict[int, str] = {int(k): str(v) for k, v in meta["names"].items()}
        core = ov.Core()
        model = core.compile_model(
            next(iter(sorted(folder.glob("*.xml")))), "CPU", {"PERFORMANCE_HINT": "LATENCY"}
        )
        self._request = model.create_infer_request()
        shape = model.input(0).get_shape()
        self.size = int(shape[2])

    def layout(self, frame: np.ndarray, regions: Sequence[Box]) -> tuple[np.ndarray, float, int, list[_Slot]]:
        """The model input: the frame letterboxed at the top, the regions side by side in the band below.

        Returns the canvas, the frame's scale and the slot of each region that could be drawn.
        """
        size = self.size
        h, w = frame.shape[:2]
        scale = min(size / w, size / h)
        nw, nh = round(w * scale), round(h * scale)
        canvas = np.full((size, size, 3), PAD, dtype=np.uint8)
        top = min(TOP, (size - nh) // 2)
        canvas[top : top + nh, :nw] = cv2.resize(frame, (nw, nh), interpolation=cv2.INTER_LINEAR)
        slots: list[_Slot] = []
        band_y, band_h = top + nh + GAP, size - top - nh - GAP
        if not regions or band_h < MIN_BAND:
            return canvas, scale, top, slots
        slot_w = size // len(regions)
        for i, r in enumerate(regions):
            b = r.clipped(w, h)
            x1, y1, x2, y2 = int(b.x1), int(b.y1), int(b.x2), int(b.y2)
            if x2 - x1 < 2 or y2 - y1 < 2:
                continue
            s = min(band_h / (y2 - y1), (slot_w - GAP) / (x2 - x1), MAX_ZOOM)
            rw, rh = max(1, int((x2 - x1) * s)), max(1, int((y2 - y1) * s))
            sx = i * slot_w
            canvas[band_y : band_y + rh, sx : sx + rw] = cv2.resize(
                frame[y1:y2, x1:x2], (rw, rh), interpolation=cv2.INTER_LINEAR
            )
            slots.append(_Slot(sx, band_y, rw, rh, s, x1, y1))
        return canvas, scale, top, slots

    def infer(
        self, canvas: np.ndarray, confidence: float, class_ids: Sequence[int]
    ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Boxes (xyxy, canvas pixels), scores and class ids after class-wise NMS."""
        blob = cv2.dnn.blobFromImage(canvas, 1 / 255.0, swapRB=True)
        self._request.infer({0: blob})
        out = self._request.get_output_tensor(0).data[0]  # (4 + classes, anchors): cx, cy, w, h, scores
        scores_all = out[4:][list(class_ids)]
        best = scores_all.argmax(axis=0)
        scores = scores_all[best, np.arange(scores_all.shape[1])]
        keep = scores >= confidence
        if not keep.any():
            return np.zeros((0, 4)), np.zeros(0), np.zeros(0, dtype=int)
        cx, cy, bw, bh = out[:4, keep]
        ids = np.asarray(class_ids)[best[keep]]
        scores = scores[keep]
        xywh = np.stack([cx - bw / 2, cy - bh / 2, bw, bh], axis=1)
        kept = cv2.dnn.NMSBoxesBatched(xywh.tolist(), scores.tolist(), ids.tolist(), confidence, NMS_IOU)
        idx = np.asarray(kept, dtype=int).reshape(-1)[:MAX_DET]
        xyxy = np.concatenate([xywh[idx, :2], xywh[idx, :2] + xywh[idx, 2:]], axis=1)
        return xyxy, scores[idx], ids[idx]
