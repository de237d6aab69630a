"""Ultralytics YOLO detect exports (an IR folder: ``*.xml`` + ``metadata.yaml``) on the OpenVINO runtime.

Used directly instead of through Ultralytics' ``predict``: no per-call overhead, and the caller
decides what goes into the model's input (static, or dynamic: sides any multiple of the stride).
Output decoding follows the export:
``(4 + classes, anchors)`` rows of centre x, centre y, width, height and per-class scores.
"""

from __future__ import annotations

import threading
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import cv2
import numpy as np

#: Ultralytics' defaults for its predict(): NMS IoU, most detections kept, letterbox pad colour.
NMS_IOU, MAX_DET, PAD = 0.7, 300, 114
#: How every model compiles for the CPU. Threads are not pinned to cores: the models run on two
#: threads (whole-frame detection, and the close-up, helmet and plate models on the main thread)
#: beside the decoder, so pinned workers of two models wait on the same cores. Unpinned, the
#: throughput bench ran 0.86x the pinned time (paired runs, docs/BENCHMARKS.md).
CPU_CONFIG: dict[str, object] = {"PERFORMANCE_HINT": "LATENCY", "ENABLE_CPU_PINNING": False}


def is_openvino_export(path: Path) -> bool:
    return path.is_dir() and any(path.glob("*.xml")) and (path / "metadata.yaml").is_file()


def letterbox(
    image: np.ndarray, size: int | tuple[int, int], origin: tuple[int, int] | None = None
) -> tuple[np.ndarray, float, tuple[int, int]]:
    """``image`` scaled to fit a canvas of ``size`` (a square side, or (height, width)), at ``origin``
    (x, y) or centred.

    Returns the canvas, the scale and where the image's top-left corner landed.
    """
    ch, cw = (size, size) if isinstance(size, int) else size
    h, w = image.shape[:2]
    scale = min(cw / w, ch / h)
    nw, nh = max(1, round(w * scale)), max(1, round(h * scale))
    ox, oy = origin if origin is not None else ((cw - nw) // 2, (ch - nh) // 2)
    canvas = np.full((ch, cw, 3), PAD, dtype=np.uint8)
    canvas[oy : oy + nh, ox : ox + nw] = cv2.resize(image, (nw, nh), interpolation=cv2.INTER_LINEAR)
    return canvas, scale, (ox, oy)


class OpenVinoYolo:
    """One model and its class names; ``infer`` runs one canvas.

    A static IR (the shared detector, the helmet model) takes one input shape, ``shape``. A dynamic
    one (``scripts/export_detector.py``) takes any shape whose sides are multiples of the model's
    stride (32): each shape is compiled once, on first use (about a second), then reused.
    """

    def __init__(self, folder: Path) -> None:
        import openvino as ov
        import yaml

        meta = yaml.safe_load((folder / "metadata.yaml").read_text(encoding="utf-8"))
        self.names: dict[int, str] = {int(k): str(v) for k, v in meta["names"].items()}
        self._core = ov.Core()
        self._model = self._core.read_model(next(iter(sorted(folder.glob("*.xml")))))
        dims = self._model.input(0).get_partial_shape()
        #: (height, width) of a static IR's input; None for a dynamic one.
        self.shape: tuple[int, int] | None = (
            (dims[2].get_length(), dims[3].get_length()) if dims.is_static else None
        )
        # one compiled infer request per input shape, each serving one caller at a time: two threads may
        # run the same model on two shapes at once (a frame's region and a close-up look)
        self._requests: dict[tuple[int, int], tuple[Any, threading.Lock]] = {}
        self._lock = threading.Lock()  # guards the creation of requests

    @property
    def size(self) -> int:
        """A static IR's square input side (the helmet model's); the default long side otherwise."""
        return self.shape[0] if self.shape is not None else 640

    def _request(self, shape: tuple[int, int]) -> tuple[Any, threading.Lock]:
        """The compiled model for one canvas shape, and its lock. It takes the BGR uint8 canvas as it is:
        the conversion to an RGB float blob runs inside the model (3 ms a 640 canvas less in Python)."""
        with self._lock:
            if shape not in self._requests:
                self._requests[shape] = (self._compile(shape).create_infer_request(), threading.Lock())
            return self._requests[shape]

    def _compile(self, shape: tuple[int, int]) -> Any:
        """The model compiled for the CPU at one canvas shape (a dynamic IR reshaped to it first)."""
        import openvino as ov
        from openvino.preprocess import ColorFormat, PrePostProcessor

        model = self._model.clone()
        if self.shape is None:
            model.reshape({0: [1, 3, *shape]})  # a static shape compiles to faster code
        ppp = PrePostProcessor(model)
        tensor = ppp.input().tensor()
        tensor.set_element_type(ov.Type.u8).set_layout(ov.Layout("NHWC")).set_color_format(ColorFormat.BGR)
        ppp.input().model().set_layout(ov.Layout("NCHW"))
        ppp.input().preprocess().convert_element_type(ov.Type.f32).convert_color(ColorFormat.RGB).scale(255.0)
        return self._core.compile_model(ppp.build(), "CPU", CPU_CONFIG)

    def infer(
        self,
        canvas: np.ndarray,
        confidence: float,
        class_ids: Sequence[int] | None = None,
        agnostic: bool = False,
    ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Boxes (xyxy, canvas pixels), scores and class ids of ``class_ids`` (all if None), after NMS."""
        wanted = np.asarray(list(class_ids) if class_ids is not None else sorted(self.names), dtype=int)
        request, lock = self._request(canvas.shape[:2])
        with lock:
            request.infer({0: np.ascontiguousarray(canvas)[None]})
            out = request.get_output_tensor(0).data[0]
            centres = out[:4].copy()  # the request's buffer is reused by its next call
            scores_all = out[4:][wanted]
        best = scores_all.argmax(axis=0)
        scores = scores_all[best, np.arange(scores_all.shape[1])]
        keep = scores >= confidence
        if not keep.any():
            return np.zeros((0, 4)), np.zeros(0), np.zeros(0, dtype=int)
        cx, cy, bw, bh = centres[:, keep]
        ids, scores = wanted[best[keep]], scores[keep]
        xywh = np.stack([cx - bw / 2, cy - bh / 2, bw, bh], axis=1)
        groups = np.zeros_like(ids) if agnostic else ids
        kept = cv2.dnn.NMSBoxesBatched(xywh.tolist(), scores.tolist(), groups.tolist(), confidence, NMS_IOU)
        idx = np.asarray(kept, dtype=int).reshape(-1)[:MAX_DET]
        xyxy = np.concatenate([xywh[idx, :2], xywh[idx, :2] + xywh[idx, 2:]], axis=1)
        return xyxy, scores[idx], ids[idx]
