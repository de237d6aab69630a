"""The detector interface: one method, one result type (``supervision.Detections``)."""

from __future__ import annotations

from abc import ABC, abstractmethod

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

    #: The longest sides of the inputs a whole frame and a close look (``detect_close``) are scaled to: a
    #: close look is worth its cost where it shows an object larger than the whole frame's input does.
    input_side: int = 640
    close_side: int = 640

    @abstractmethod
    def detect(self, frame: np.ndarray) -> sv.Detections: ...

    def detect_close(self, crop: np.ndarray) -> sv.Detections:
        """Finds objects in a close-up crop of a frame (a second look at a small region).

        Detectors may run these on a smaller input than whole frames; by default, ``detect``.
        """
        return self.detect(crop)

    def detect_region(self, frame: np.ndarray, region: Box) -> sv.Detections:
        """Finds objects in ``region`` of a whole frame (a camera's ``detection_region``); boxes in the
        frame's pixels. Detectors may run a region on an input shaped like it; by default, ``detect``
        on the crop."""
        crop, x, y = cut(frame, region)
        return shifted(self.detect(crop), x, y)


def cut(frame: np.ndarray, region: Box) -> tuple[np.ndarray, int, int]:
    """The part of ``frame`` inside ``region`` (a box within the frame), and where it starts (x, y)."""
    x, y = int(region.x1), int(region.y1)
    return frame[y : int(region.y2), x : int(region.x2)], x, y


def shifted(detections: sv.Detections, dx: int, dy: int) -> sv.Detections:
    """``detections`` with their boxes moved by (dx, dy): from a crop's pixels to the frame's."""
    detections.xyxy = detections.xyxy + np.array([dx, dy, dx, dy], dtype=detections.xyxy.dtype)
    return detections
