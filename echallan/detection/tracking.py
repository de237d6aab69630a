"""Tracking: per-frame detections -> ``Track`` objects, using the ``trackers`` ByteTrack.

Three settings of the tracker matter at a junction camera's analysed frame rate (measured on generated
clips, ``bench/violations.py``):

- ByteTrack starts a track only from a detection above its high-confidence split; the INT8 detector sees
  many cars at 0.45-0.6, so the split is ``START_CONFIDENCE`` (the package's default is 0.6);
- its lost-track buffer is counted in frames of a 30 fps video, so it is given in those units here and a
  lost track is kept ``lost_after_s`` seconds whatever the analysed frame rate;
- a new track gets its id on its second sighting; its first one (the detection the tracker started it
  from, returned without an id) is added back, so a vehicle's first position is not lost.

A lost track's motion model keeps moving it, so after a gap ByteTrack may hand its id to another vehicle
that happens to be there (seen on the stock 1080p clip: a motorcycle's track, lost for 0.6 s, taken over by
another motorcycle 300 px away, which then "crossed" the stop line on red; a far auto-rickshaw's, lost for
1.2 s, by a car near the camera). A track lost for longer than ``REFOUND_ANYWHERE_S`` is therefore continued
only where it was lost: its new box overlaps its last one and is of a like size (``REFOUND_AREA_RATIO``), as
for a parked or queued vehicle hidden by passing traffic, or a loaded motorcycle the detector sees only now
and then. Elsewhere the sighting starts a track of its own.

The detector sometimes boxes one vehicle twice, the boxes differing only at the top (a motorcycle with
and without its rider, IoU 0.5-0.65, under the 0.8 that merges two boxes): on the stock clip the two
tracks gave two wrong-way events for one motorcycle. The less sure box of such a pair is dropped
(:func:`boxed_twice`).

From frame to frame, the package's ByteTrack matches a detection to a track's predicted box at an IoU of
only 0.1, in both of its stages; on the stock clip that handed tracks from an auto-rickshaw to a scooter and
from a car to a motorcycle between consecutive analysed frames, so a match needs ``MATCH_IOU``. At 0.2 a
sure box of a car driving in beside an auto-rickshaw (IoU 0.2 with the auto's predicted box) still took the
auto's track, its first stage running before the auto's own, less sure box (IoU 0.8) is looked at.

The cost of a higher ``MATCH_IOU``: a box must overlap its track's predicted one. Until a track has a
velocity (its second sighting), a vehicle that moves across the view more than half its own length between
analysed frames (a motorcycle crossing at 50 km/h at 8 analysed frames a second) is not matched and
starts again; analyse more frames a second (a smaller ``frame_stride``) where that matters.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Sequence
from typing import cast

import numpy as np
import supervision as sv

from echallan.rules.riders import TWO_WHEELERS, count_riders
from echallan.types import Box, Track, TrackPoint

#: Detections at or above this confidence may start a track (ByteTrack's high/low split).
START_CONFIDENCE = 0.45
#: Two vehicle boxes of any classes overlapping this much are one vehicle (the surer box is kept).
SAME_VEHICLE_IOU = 0.8
#: One vehicle boxed twice, one box over the other (a motorcycle with and without its rider): the smaller box
#: lies this much inside the larger, is nearly as wide, and stands on the same ground line.
TWICE_INSIDE, TWICE_WIDTH, TWICE_GROUND = 0.9, 0.8, 0.1
#: Two boxes of one class need only be this much as wide: a motorcycle is boxed whole and again without
#: its front or rear (the bare-headed riders of the no-helmet clips: 0.70 as wide, 98 % inside).
TWICE_WIDTH_SAME_CLASS = 0.6
#: A track unseen for this long has ended.
LOST_AFTER_S = 2.0
#: A track lost for up to this long may be found again anywhere its motion model takes it.
REFOUND_ANYWHERE_S = 0.3
#: After longer, only where it was lost: its new box overlaps its last one and is at most this many times
#: larger or smaller (a vehicle's size changes little while it is hidden).
REFOUND_AREA_RATIO = 2.5
#: ByteTrack matches a detection to a track's predicted box at this IoU or more (the package's default
#: is 0.1; SORT's is 0.3).
MATCH_IOU = 0.3
#: ByteTrack counts its lost-track buffer in frames of a video at this rate.
TRACKER_REFERENCE_FPS = 30.0


class TrackBuilder:
    """Feeds detections frame by frame to ByteTrack and accumulates each track's sightings.

    For two-wheelers, each sighting records how many of the frame's persons ride it.
    """

    def __init__(self, fps: float, lost_after_s: float = LOST_AFTER_S) -> None:
        from trackers import ByteTrackTracker

        self._tracker = ByteTrackTracker(
            frame_rate=fps,
            lost_track_buffer=max(1, round(TRACKER_REFERENCE_FPS * lost_after_s)),
            track_activation_threshold=START_CONFIDENCE,
            high_conf_det_threshold=START_CONFIDENCE,
            minimum_iou_threshold=MATCH_IOU,
        )
        self._lost_after = max(1, round(fps * lost_after_s))
        self._refound_anywhere = max(1, round(fps * REFOUND_ANYWHERE_S))
        self._ids: dict[int, int] = {}  # ByteTrack's id -> this builder's (a new one where a track jumps)
        self._tracker_ids: dict[int, int] = {}  # and back, to forget finished tracks
        self._next_id = 1
        self._points: dict[int, list[TrackPoint]] = defaultdict(list)
        self._classes: dict[int, Counter[str]] = defaultdict(Counter)
        self._last_step: dict[int, int] = {}
        self._step = 0
        self._unclaimed: list[tuple[TrackPoint, str]] = []  # last frame's sightings without an id

    def update(
        self, frame_index: int, time_s: float, detections: sv.Detections, persons: Sequence[Box] = ()
    ) -> list[int]:
        """Track one frame's vehicles; return the ids of the tracks seen in it."""
        self._step += 1
        if len(detections) > 1:
            detections = detections.with_nms(threshold=SAME_VEHICLE_IOU, class_agnostic=True)
            detections = once_each(detections)
        tracked = self._tracker.update(detections)
        unclaimed, self._unclaimed = self._unclaimed, []
        if tracked.tracker_id is None or len(tracked) == 0:
            return []
        names = tracked.data.get("class_name", [""] * len(tracked))
        confidence = tracked.confidence if tracked.confidence is not None else np.ones(len(tracked))
        seen = []
        for xyxy, conf, tid, name in zip(tracked.xyxy, confidence, tracked.tracker_id, names, strict=True):
            box = Box(*(float(v) for v in xyxy))
            riders = count_riders(box, persons) if str(name) in TWO_WHEELERS else 0
            point = TrackPoint(frame_index, time_s, box, float(conf), riders)
            if tid < 0:
                self._unclaimed.append((point, str(name)))
                continue
            started = int(tid) not in self._ids  # new to ByteTrack, not a track split off after a jump
            tid = self._own_id(int(tid), box)
            if started:
                self._add_first_sighting(tid, box, unclaimed)
            self._points[tid].append(point)
            self._classes[tid][str(name)] += 1
            self._last_step[tid] = self._step
            seen.append(tid)
        return seen

    def _own_id(self, tracker_id: int, box: Box) -> int:
        """This builder's id for ByteTrack's ``tracker_id`` sighted at ``box``: a new id for a new track, and
        for a track lost for over ``REFOUND_ANYWHERE_S`` that is found again away from where it was lost or
        at another size (:func:`_same_place`)."""
        own = self._ids.get(tracker_id)
        if own is not None and own in self._last_step:
            gap = self._step - self._last_step[own]
            if gap <= self._refound_anywhere or _same_place(self._points[own][-1].box, box):
                return own
        self._ids[tracker_id] = own = self._next_id
        self._tracker_ids[own] = tracker_id
        self._next_id += 1
        return own

    def _add_first_sighting(self, tid: int, box: Box, unclaimed: list[tuple[TrackPoint, str]]) -> None:
        """A new track's sighting one frame earlier: the untracked box there that overlaps it most."""
        best = max(unclaimed, key=lambda u: u[0].box.iou(box), default=None)
        if best is not None and best[0].box.iou(box) > 0:  # the box ByteTrack started the track from
            unclaimed.remove(best)
            self._points[tid].append(best[0])
            self._classes[tid][best[1]] += 1

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
        tracker_id = self._tracker_ids.pop(tid, None)
        if tracker_id is not None and self._ids.get(tracker_id) == tid:
            del self._ids[tracker_id]


def _same_place(last: Box, new: Box) -> bool:
    """A vehicle found again after a while, where it was lost: the boxes overlap, sizes alike."""
    small, large = sorted((last.area, new.area))
    return last.intersection(new) > 0 and large <= REFOUND_AREA_RATIO * small


def boxed_twice(a: Box, b: Box, same_class: bool = False) -> bool:
    """Whether ``a`` and ``b`` box one vehicle: the smaller lies inside the larger, nearly as wide, on the
    same ground line (the tops differ, as for a motorcycle boxed with and without its rider; for boxes of
    one class, an end may be cut off too: :data:`TWICE_WIDTH_SAME_CLASS`)."""
    small, large = sorted((a, b), key=lambda box: box.area)
    width = TWICE_WIDTH_SAME_CLASS if same_class else TWICE_WIDTH
    return (
        small.intersection(large) >= TWICE_INSIDE * small.area
        and small.width >= width * large.width
        and abs(small.y2 - large.y2) <= TWICE_GROUND * large.height
    )


def once_each(detections: sv.Detections) -> sv.Detections:
    """``detections`` without the less sure box of each vehicle boxed twice (:func:`boxed_twice`)."""
    boxes = [Box(*(float(v) for v in xyxy)) for xyxy in detections.xyxy]
    names = [str(n) for n in detections.data.get("class_name", [""] * len(boxes))]
    sure = detections.confidence if detections.confidence is not None else np.ones(len(boxes))
    order = np.argsort(-sure, kind="stable")
    kept: list[int] = []
    for i in order:
        if not any(boxed_twice(boxes[i], boxes[k], names[i] == names[k]) for k in kept):
            kept.append(int(i))
    if len(kept) == len(boxes):
        return detections
    return cast(sv.Detections, detections[np.array(sorted(kept))])


#: A track split by the tracker: a part of the vehicle boxed as a track of its own while its track went
#: on, or the vehicle found again as a new track up to this long after its track was last seen.
SPLIT_GAP_S = 1.5
#: The later track's sightings meet the earlier track's box at that moment (interpolated between its
#: sightings, or moved on at its last velocity) at this IoU, or lie this much inside it (or it inside
#: them), in at least this share of them.
SPLIT_IOU, SPLIT_INSIDE, SPLIT_SHARE = 0.3, 0.7, 0.75


def one_vehicle(a: Track, b: Track, max_gap_s: float = SPLIT_GAP_S) -> bool:
    """Whether two tracks of one class are one vehicle the tracker split in two.

    The later track's sightings made while the earlier one was followed, or up to ``max_gap_s`` after it
    was last seen, meet where the earlier track's vehicle was then (:func:`box_at`): at SPLIT_IOU, or one
    box SPLIT_INSIDE the other, in SPLIT_SHARE of them. A whole-track rule fires on each part of a split
    track; this lets the pipeline keep one event per vehicle.
    """
    if a.class_name != b.class_name or not a.points or not b.points:
        return False
    earlier, later = sorted((a, b), key=lambda t: (t.points[0].time_s, -len(t.points)))
    met = [(x, p.box) for p in later.points if (x := box_at(earlier, p.time_s, max_gap_s)) is not None]
    alike = sum(
        1 for x, y in met if x.iou(y) >= SPLIT_IOU or x.intersection(y) >= SPLIT_INSIDE * min(x.area, y.area)
    )
    return bool(met) and alike >= SPLIT_SHARE * len(met)


def box_at(track: Track, t: float, max_gap_s: float = SPLIT_GAP_S) -> Box | None:
    """Where ``track``'s vehicle was at time ``t``: its box, interpolated between the sightings around
    ``t``, or moved on at its last velocity up to ``max_gap_s`` after its last sighting; None outside."""
    points = track.points
    if t < points[0].time_s or t > points[-1].time_s + max_gap_s:
        return None
    after = next((i for i, p in enumerate(points) if p.time_s >= t), None)
    if after is None:  # past the last sighting: move it on
        if len(points) < 2:
            return points[-1].box
        a, b = points[max(0, len(points) - 5)], points[-1]
    elif points[after].time_s == t or after == 0:
        return points[after].box
    else:
        a, b = points[after - 1], points[after]
    return a.box.towards(b.box, (t - a.time_s) / (b.time_s - a.time_s))
