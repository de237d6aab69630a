"""Wrong-way driving: inside a lane, the vehicle moves against the lane's allowed direction."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

from echallan.rules.geometry import point_in_polygon
from echallan.types import Offence, Point, Track, Violation


@dataclass(frozen=True)
class Lane:
    name: str
    polygon: tuple[Point, ...]
    direction: Point  # allowed direction of travel in image coordinates, e.g. (0, -1) = up the picture


def wrong_way(
    track: Track,
    lanes: Sequence[Lane],
    min_travel_px: float = 40.0,
    min_points: int = 4,
    max_cos: float = -0.5,
) -> Violation | None:
    """Return the violation if, within one lane, the track's net motion points against the lane.

    ``max_cos``: the cosine between motion and the allowed direction must be at most this (-0.5 means
    more than 120 degrees off), so turning and lane-changing vehicles are not flagged.
    """
    for lane in lanes:
        inside = [p for p in track.points if point_in_polygon(p.box.bottom_center, lane.polygon)]
        if len(inside) < min_points:
            continue
        (x0, y0), (x1, y1) = inside[0].box.bottom_center, inside[-1].box.bottom_center
        dx, dy = x1 - x0, y1 - y0
        travel = math.hypot(dx, dy)
        norm = math.hypot(*lane.direction)
        if travel < min_travel_px or norm == 0:
            continue
        cos = (dx * lane.direction[0] + dy * lane.direction[1]) / (travel * norm)
        if cos <= max_cos:
            last = inside[-1]
            return Violation.at(
                Offence.WRONG_WAY,
                track,
                last,
                inputs={
                    "lane": lane.name,
                    "allowed_direction": list(lane.direction),
                    "motion": [round(dx, 1), round(dy, 1)],
                    "cosine": round(cos, 3),
                    "from_s": round(inside[0].time_s, 3),
                    "to_s": round(last.time_s, 3),
                },
            )
    return None
