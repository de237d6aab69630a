"""Riders on two-wheelers: which persons ride which two-wheeler, and triple riding.

Triple riding is decided on the person detector's boxes, counted over the bike in every frame of
the track: three or more riders in enough of its frames. The helmet model's heads once counted as a
second path (three heads over the bike in two looked-at frames); it was dropped on 2026-11-23,
measured on all 440 helmet_riders photos with a motorcycle, hand-checked for 3+ persons on the
largest bike (`bench/riders.py`): three heads over the bike marked 5 of the 33 triples, every one of
them also found by the persons, and 8 photos without one (bike boxes spanning two scooters side by
side, riders behind); on 24 generated triple-riding clips it changed no result.
"""

from __future__ import annotations

from collections.abc import Sequence

from echallan.types import Box, Offence, Track, Violation

TWO_WHEELERS = frozenset({"motorcycle", "bicycle"})

#: At least this many frames, and this share of the track's frames, show 3+ riders.
MIN_FRAMES, MIN_FRACTION = 3, 0.25


def rides(person: Box, bike: Box) -> bool:
    """A person rides a bike when their box's centre is over the bike and they overlap it enough.

    The person's horizontal centre lies within the bike's x-range, their box's bottom lies in the
    bike's lower body, and at least a quarter of the person's box overlaps the bike's (widened) box.
    """
    cx = (person.x1 + person.x2) / 2
    if not bike.x1 <= cx <= bike.x2:
        return False
    if not bike.y1 + 0.2 * bike.height <= person.y2 <= bike.y2 + 0.15 * bike.height:
        return False
    grown = Box(bike.x1, bike.y1 - bike.height, bike.x2, bike.y2)  # riders sit above the bike
    return person.intersection(grown) >= 0.25 * person.area


def _inside(small: Box, big: Box, share: float = 0.85) -> bool:
    inter = small.intersection(big)
    return small is not big and inter > 0 and inter >= share * small.area


def distinct_persons(persons: Sequence[Box]) -> list[Box]:
    """``persons`` without boxes that merely span two or more other persons.

    A detector sometimes adds one box around two people standing close together; counted as a
    person of its own it turns two riders (or a rider and a bystander) into three.
    """
    return [p for p in persons if sum(1 for q in persons if _inside(q, p)) < 2]


def riding(bike: Box, persons: Sequence[Box]) -> list[Box]:
    """The persons riding ``bike``: :func:`distinct_persons` that :func:`rides` it."""
    return [p for p in distinct_persons(persons) if rides(p, bike)]


def count_riders(bike: Box, persons: Sequence[Box]) -> int:
    return len(riding(bike, persons))


def triple_riding(
    track: Track, min_frames: int = MIN_FRAMES, min_fraction: float = MIN_FRACTION
) -> Violation | None:
    """Return the violation if three or more persons ride the two-wheeler, else None.

    Fires when 3+ persons ride the bike (:func:`count_riders`, per frame) in at least ``min_frames``
    frames and ``min_fraction`` of the track's frames. The event shows the frame with the most
    riders (the largest box among equals).
    """
    if track.class_name not in TWO_WHEELERS or not track.points:
        return None
    heavy = [p for p in track.points if p.riders >= 3]
    if len(heavy) < max(min_frames, min_fraction * len(track.points)):
        return None
    best = max(heavy, key=lambda p: (p.riders, p.box.area))
    return Violation.at(
        Offence.TRIPLE_RIDING,
        track,
        best,
        confidence=track.confidence * len(heavy) / len(track.points),
        inputs={
            "riders_max": max(p.riders for p in track.points),
            "frames_with_3_plus": len(heavy),
            "frames_seen": len(track.points),
            "rider_counts": [[p.frame_index, p.riders] for p in track.points],
            "min_frames": min_frames,
            "min_fraction": min_fraction,
        },
    )
