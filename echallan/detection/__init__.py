"""Detection and tracking: frames -> ``supervision.Detections`` -> tracks."""

from echallan.detection.base import VEHICLE_CLASSES, Detector
from echallan.detection.tracking import TrackBuilder
from echallan.detection.yolo import YoloDetector

__all__ = ["VEHICLE_CLASSES", "Detector", "TrackBuilder", "YoloDetector"]
