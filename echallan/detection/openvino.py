"""Ultralytics YOLO detect exports (an IR folder: ``*.xml`` + ``metadata.yaml``) on the OpenVINO runtime.

Used directly instead of through Ultralytics' ``predict``: no per-call overhead, and the caller
decides what goes into the model's (static, square) input. Output decoding follows the export:
``(4 + classes, anchors)`` rows of centre x, centre y, width, height and per-class scores.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import cv2
import numpy as np

#: Ultralytics' defaults for its predict(): NMS IoU, most detections kept, letterbox pad colour.
NMS_IOU, MAX_DET, PAD = 0.7, 300, 114


def is_openvino_export(path: Path) -> bool:
    return path.is_dir() and any(path.glob("*.xml")) and (path / "metadata.yaml").is_file()


def letterbox(
    image: np.ndarray, size: int, origin: tuple[int, int] | None = None
) -> tuple[np.ndarray, float, tuple[int, int]]:
    """``image`` scaled to fit a ``size`` square canvas, at ``origin`` (x, y) or centred.

    Returns the canvas, the scale and where the image's top-left corner landed.
    """
    h, w = image.shape[:2]
    scale = min(size / w, size / h)
    nw, nh = max(1, round(w * scale)), max(1, round(h * scale))
    ox, oy = origin if origin is not None else ((size - nw) // 2, (size - nh) // 2)
    canvas = np.full((size, size, 3), PAD, dtype=np.uint8)
    canvas[oy : oy + nh, ox : ox + nw] = cv2.resize(image, (nw, nh), interpolation=cv2.INTER_LINEAR)
    return canvas, scale, (ox, oy)


class OpenVinoYolo:
    """One compiled model and its class names; ``infer`` runs one canvas of the model's input size."""

    def __init__(self, folder: Path) -> None:
        import openvino as ov
        import yaml

        meta = yaml.safe_load((folder / "metadata.yaml").read_text(encoding="utf-8"))
        self.names: dict[int, str] = {int(k): str(v) for k, v in meta["names"].items()}
        model = ov.Core().compile_model(
            next(iter(sorted(folder.glob("*.xml")))), "CPU", {"PERFORMANCE_HINT": "LATENCY"}
        )
        self._request = model.create_infer_request()
        self.size = int(model.input(0).get_shape()[2])

    def infer(
        self,
        canvas: np.ndarray,
        confidence: float,
        class_ids: Sequence[int] | None = None,
        agnostic: bool = False,
    ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Boxes (xyxy, canvas pixels), scores and class ids of ``class_ids`` (all if None), after NMS."""
        blob = cv2.dnn.blobFromImage(canvas, 1 / 255.0, swapRB=True)
        self._request.infer({0: blob})
        out = self._request.get_output_tensor(0).data[0]
        wanted = np.asarray(list(class_ids) if class_ids is not None else sorted(self.names), dtype=int)
        scores_all = out[4:][wanted]
        best = scores_all.argmax(axis=0)
        scores = scores_all[best, np.arange(scores_all.shape[1])]
        keep = scores >= confidence
        if not keep.any():
            return np.zeros((0, 4)), np.zeros(0), np.zeros(0, dtype=int)
        cx, cy, bw, bh = out[:4, keep]
        ids, scores = wanted[best[keep]], scores[keep]
        xywh = np.stack([cx - bw / 2, cy - bh / 2, bw, bh], axis=1)
        groups = np.zeros_like(ids) if agnostic else ids
        kept = cv2.dnn.NMSBoxesBatched(xywh.tolist(), scores.tolist(), groups.tolist(), confidence, NMS_IOU)
        idx = np.asarray(kept, dtype=int).reshape(-1)[:MAX_DET]
        xyxy = np.concatenate([xywh[idx, :2], xywh[idx, :2] + xywh[idx, 2:]], axis=1)
        return xyxy, scores[idx], ids[idx]
