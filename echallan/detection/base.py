"""The detector interface: one method, one result type (``supervision.Detections``)."""

from __future__ import annotations

from abc import ABC, abstractmethod

import numpy as np
import supervision as sv

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

    def detect_close(self, crop: np.ndarray) -> sv.Detections:
        """Finds objects in a close-up crop of a frame (a second look at a small region).

        Detectors may run these on a smaller input than whole frames; by default, ``detect``.
        """
        return self.detect(crop)
