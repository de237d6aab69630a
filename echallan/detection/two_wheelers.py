"""Second looks at two-wheelers: bikes hidden under their riders, and riders hidden behind each other.

With three or four people on a motorcycle, the detector often sees only the people: the bike is
mostly covered. When persons stand in a tight group that no detected two-wheeler accounts for, the
detector looks again at a close crop of the group, where the bike is larger, and the bikes it
finds there are added to the frame's detections (:func:`recover`).

At the scale of a whole junction frame the detector also keeps overlapping riders apart too seldom:
a loaded two-wheeler's riders are counted again on a close crop (:func:`rider_looks`).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import cast

import numpy as np
import supervision as sv

from echallan.detection.base import Detector, cut, shifted
from echallan.rules.riders import TWO_WHEELERS, count_riders, riding
from echallan.types import Box

#: A group needs at least this many persons before the detector looks again.
MIN_GROUP = 2
#: Groups smaller than this (pixels tall) are too far away to judge; at most this many looks a frame.
MIN_HEIGHT, MAX_LOOKS = 64, 2


def person_groups(persons: list[Box]) -> list[Box]:
    """Union boxes of persons whose boxes overlap each other (connected groups of MIN_GROUP or more)."""
    groups: list[list[Box]] = []
    for p in persons:
        joined = [g for g in groups if any(_overlap(p, q) for q in g)]
        merged = [p] + [q for g in joined for q in g]
        groups = [g for g in groups if g not in joined] + [merged]
    return [
        Box(min(b.x1 for b in g), min(b.y1 for b in g), max(b.x2 for b in g), max(b.y2 for b in g))
        for g in groups
        if len(g) >= MIN_GROUP
    ]


def _overlap(a: Box, b: Box) -> bool:
    inter = a.intersection(b)
    return inter > 0 and inter >= 0.2 * min(a.area, b.area)


def relook_regions(frame_shape: tuple[int, ...], detections: sv.Detections, persons: list[Box]) -> list[Box]:
    """Close-up regions around groups of persons that no detected two-wheeler carries (largest first).

    Each region takes in the group with room below it for the bike.
    """
    names = detections.data.get("class_name", np.array([], dtype=str))
    bikes = [
        Box(*map(float, b)) for b, n in zip(detections.xyxy, names, strict=True) if str(n) in TWO_WHEELERS
    ]
    h, w = frame_shape[:2]
    regions = []
    groups = [g for g in person_groups(persons) if g.height >= MIN_HEIGHT]
    for group in sorted(groups, key=lambda g: g.area, reverse=True):
        if any(_overlap(b, group) and count_riders(b, persons) >= MIN_GROUP for b in bikes):
            continue  # a detected bike already carries this group
        pad_x, pad_y = 0.25 * group.width, 0.3 * group.height
        regions.append(Box(group.x1 - pad_x, group.y1, group.x2 + pad_x, group.y2 + pad_y))
    return [r.clipped(w, h) for r in regions[:MAX_LOOKS]]


def recover(
    detector: Detector,
    frame: np.ndarray,
    detections: sv.Detections,
    persons: list[Box],
    memory: list[tuple[Box, bool]] | None = None,
) -> sv.Detections:
    """``detections`` plus two-wheelers found by looking again at unexplained groups of persons.

    ``memory`` (kept by the caller from one analysed frame to the next) holds where the last frame's
    looks were and whether each found a two-wheeler. A group whose look found none waits one frame
    before the next look: groups of pedestrians then cost half, while a bike hidden under its riders,
    once found, is looked for on every frame. It is updated in place.
    """
    looks: list[sv.Detections] = []
    seen: list[tuple[Box, bool]] = []
    for region in relook_regions(frame.shape, detections, persons):
        if memory is not None and waits(region, memory):
            seen.append((region, True))  # looked at next frame
            continue
        crop, x1, y1 = cut(frame, region)
        if crop.size:
            again = shifted(detector.detect_close(crop), x1, y1)
            looks.append(again)
            seen.append((region, any(str(n) in TWO_WHEELERS for n in again.data.get("class_name", []))))
    if memory is not None:
        memory[:] = seen
    return add_recovered(detections, sv.Detections.merge(looks)) if looks else detections


def waits(region: Box, memory: Sequence[tuple[Box, bool]]) -> bool:
    """Whether the last frame looked at (nearly) this region and found no two-wheeler there."""
    return any(not found and region.iou(last) >= 0.5 for last, found in memory)


def add_recovered(detections: sv.Detections, relooked: sv.Detections) -> sv.Detections:
    """``detections`` plus the two-wheelers that the close-up looks found."""
    keep = np.array([str(n) in TWO_WHEELERS for n in relooked.data.get("class_name", [])], dtype=bool)
    if not keep.any():
        return detections
    found = cast(sv.Detections, relooked[keep])
    return sv.Detections.merge([detections, found]).with_nms(threshold=0.5, class_agnostic=True)


#: Rider looks: a two-wheeler carrying at least this many persons is looked at again close up, and at
#: most this many a frame (largest first); the look takes in this much of the riders' box on each side.
RIDER_LOOK_MIN, RIDER_LOOKS, RIDER_LOOK_PAD = 2, 3, 0.5
#: A look runs only where it sees the riders at least this much larger than the whole frame's input does
#: (a large bike near the camera is counted well on the whole frame; a look would shrink it further).
RIDER_LOOK_GAIN = 1.25


def rider_looks(
    detector: Detector, frame: np.ndarray, vehicles: sv.Detections, persons: list[Box]
) -> list[Box]:
    """``persons``, with the riders of each loaded two-wheeler counted again on a close look.

    At a junction camera's whole-frame scale the detector often keeps only two of three overlapping
    riders apart. Each two-wheeler with RIDER_LOOK_MIN or more riders is looked at again on a crop around
    its riders (with room around them, so that no rider is cut by the crop's edge), near the frame's own
    pixels; the persons whose centres lie in the riders' box are replaced by those the close look finds
    there. Measured on generated triple-riding clips and the stock street clip: docs/BENCHMARKS.md,
    ``violations`` and ``throughput``.
    """
    names = vehicles.data.get("class_name", np.array([], dtype=str))
    bikes = [Box(*map(float, b)) for b, n in zip(vehicles.xyxy, names, strict=True) if str(n) in TWO_WHEELERS]
    loaded = [b for b in bikes if len(riding(b, persons)) >= RIDER_LOOK_MIN]
    h, w = frame.shape[:2]
    whole = detector.input_side / max(h, w)  # the scale the whole frame is seen at
    for bike in sorted(loaded, key=lambda b: b.area, reverse=True)[:RIDER_LOOKS]:
        core = bike.union(*riding(bike, persons))
        pad_x, pad_y = RIDER_LOOK_PAD * core.width, RIDER_LOOK_PAD * core.height
        region = Box(core.x1 - pad_x, core.y1 - pad_y, core.x2 + pad_x, core.y2 + pad_y).clipped(w, h)
        crop, x, y = cut(frame, region)
        if not crop.size or detector.close_side / max(crop.shape[:2]) < RIDER_LOOK_GAIN * whole:
            continue
        again = shifted(detector.detect_close(crop), x, y)
        names = again.data.get("class_name", [])
        found = [Box(*map(float, b)) for b, n in zip(again.xyxy, names, strict=True) if str(n) == "person"]
        closer = [p for p in found if core.contains(p.center)]
        if closer:  # a look that finds no one there missed them: the whole frame's riders stay
            persons = [p for p in persons if not core.contains(p.center)] + closer
    return persons


def largest_motorcycle(
    detector: Detector, image: np.ndarray, look: bool = False
) -> tuple[Box, list[Box]] | None:
    """The largest motorcycle ``detector`` finds in a photo and the persons riding it
    (:func:`echallan.rules.riders.riding`), or None without a motorcycle; with ``look``, its riders as
    the video pipeline counts them, after :func:`rider_looks`."""
    found = detector.detect(image)
    names = [str(n) for n in found.data.get("class_name", [])]
    boxes = [(n, Box(*map(float, b))) for b, n in zip(found.xyxy, names, strict=True)]
    bikes = [b for n, b in boxes if n == "motorcycle"]
    if not bikes:
        return None
    bike = max(bikes, key=lambda b: b.area)
    persons = [b for n, b in boxes if n == "person"]
    if look:
        vehicles = cast(sv.Detections, found[np.array([n != "person" for n in names], dtype=bool)])
        persons = rider_looks(detector, image, vehicles, persons)
    return bike, riding(bike, persons)
