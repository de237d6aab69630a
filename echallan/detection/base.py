"""The detector interface: one method, one result type (``supervision.Detections``)."""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Sequence

import numpy as np
import supervision as sv

from echallan.types import Box

#: COCO class names that are road users the rules care about.
VEHICLE_CLASSES = frozenset({"bicycle", "car", "motorcycle", "bus", "truck"})
#: What the detector reports: road users, plus persons (riders are counted, bystanders blurred).
DETECT_CLASSES = VEHICLE_CLASSES | {"person"}


class Detector(ABC):
    """Finds objects in one BGR frame.

    The result carries ``xyxy``, ``confidence``, ``class_id`` and ``data["class_name"]``.
    """

    @abstractmethod
    def detect(self, frame: np.ndarray) -> sv.Detections: ...

    def detect_with_regions(
        self, frame: np.ndarray, regions: Sequence[Box]
    ) -> tuple[sv.Detections, sv.Detections]:
        """Detections in ``frame``, and those found by looking again at close-ups of ``regions``.

        The second result is in frame coordinates. This default detects each region's crop on its
        own; a detector may do it more cheaply (the OpenVINO YOLO packs them into one inference).
        """
        h, w = frame.shape[:2]
        found: list[sv.Detections] = []
        for region in regions:
            r = region.clipped(w, h)
            x1, y1 = int(r.x1), int(r.y1)
            crop = frame[y1 : int(r.y2), x1 : int(r.x2)]
            if crop.size == 0:
                continue
            again = self.detect(crop)
            again.xyxy = again.xyxy + np.array([x1, y1, x1, y1], dtype=again.xyxy.dtype)
            found.append(again)
        return self.detect(frame), sv.Detections.merge(found) if found else sv.Detections.empty()
