"""Tracking: per-frame detections -> ``Track`` objects, using the ``trackers`` ByteTrack."""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Sequence

import numpy as np
import supervision as sv

from echallan.rules.riders import TWO_WHEELERS, count_riders
from echallan.types import Box, Track, TrackPoint


class TrackBuilder:
    """Feeds detections frame by frame to ByteTrack and accumulates each track's sightings.

    For two-wheelers, each sighting records how many of the frame's persons ride it.
    """

    def __init__(self, fps: float, lost_after_s: float = 2.0) -> None:
        from trackers import ByteTrackTracker

        buffer = max(1, round(fps * lost_after_s))
        self._tracker = ByteTrackTracker(
            frame_rate=fps, track_activation_threshold=0.4, lost_track_buffer=buffer
        )
        self._lost_after = buffer
        self._points: dict[int, list[TrackPoint]] = defaultdict(list)
        self._classes: dict[int, Counter[str]] = defaultdict(Counter)
        self._last_step: dict[int, int] = {}
        self._step = 0

    def update(
        self, frame_index: int, time_s: float, detections: sv.Detections, persons: Sequence[Box] = ()
    ) -> list[int]:
        """Track one frame's vehicles; return the ids of the tracks seen in it."""
        self._step += 1
        tracked = self._tracker.update(detections)
        if tracked.tracker_id is None or len(tracked) == 0:
            return []
        names = tracked.data.get("class_name", [""] * len(tracked))
        confidence = tracked.confidence if tracked.confidence is not None else np.ones(len(tracked))
        seen = []
        for xyxy, conf, tid, name in zip(tracked.xyxy, confidence, tracked.tracker_id, names, strict=True):
            if tid < 0:
                continue
            tid = int(tid)
            box = Box(*(float(v) for v in xyxy))
            riders = count_riders(box, persons) if str(name) in TWO_WHEELERS else 0
            self._points[tid].append(TrackPoint(frame_index, time_s, box, float(conf), riders))
            self._classes[tid][str(name)] += 1
            self._last_step[tid] = self._step
            seen.append(tid)
        return seen

    def track(self, tid: int) -> Track:
        """Track ``tid`` so far; its class is the one seen most often along it."""
        return Track(tid, self._classes[tid].most_common(1)[0][0], tuple(self._points[tid]))

    def ended(self) -> list[int]:
        """Tracks not seen for longer than the tracker keeps lost tracks: they will not come back."""
        return [t for t, last in self._last_step.items() if self._step - last > self._lost_after]

    def active(self) -> list[int]:
        return list(self._last_step)

    def drop(self, tid: int) -> None:
        """Forget a finished track (keeps memory flat on long videos)."""
        self._points.pop(tid, None)
        self._classes.pop(tid, None)
        self._last_step.pop(tid, None)
