"""Tracking: per-frame detections -> ``Track`` objects, using the ``trackers`` ByteTrack."""

from __future__ import annotations

from collections import defaultdict

import supervision as sv

from echallan.types import Box, Track, TrackPoint


class TrackBuilder:
    """Feeds detections frame by frame to ByteTrack and accumulates each track's sightings."""

    def __init__(self, fps: float) -> None:
        from trackers import ByteTrackTracker

        self._tracker = ByteTrackTracker(frame_rate=fps, track_activation_threshold=0.4, lost_track_buffer=30)
        self._points: dict[int, list[TrackPoint]] = defaultdict(list)
        self._classes: dict[int, list[str]] = defaultdict(list)

    def update(self, frame_index: int, time_s: float, detections: sv.Detections) -> sv.Detections:
        tracked = self._tracker.update(detections)
        if tracked.tracker_id is None:
            return tracked
        names = tracked.data.get("class_name", [""] * len(tracked))
        for xyxy, conf, tid, name in zip(
            tracked.xyxy, tracked.confidence, tracked.tracker_id, names, strict=True
        ):
            if tid < 0:
                continue
            box = Box(*(float(v) for v in xyxy))
            self._points[int(tid)].append(TrackPoint(frame_index, time_s, box, float(conf)))
            self._classes[int(tid)].append(str(name))
        return tracked

    def tracks(self) -> list[Track]:
        """All tracks so far; the class is the one seen most often along the track."""
        out = []
        for tid, points in sorted(self._points.items()):
            names = self._classes[tid]
            class_name = max(set(names), key=names.count)
            out.append(Track(tid, class_name, tuple(points)))
        return out
