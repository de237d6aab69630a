"""Plane geometry for lines, zones and track points."""

from __future__ import annotations

import math
from collections.abc import Sequence

from echallan.types import Line, Point, TrackPoint


def side_of_line(line: Line, p: Point) -> float:
    """Signed area: > 0 on one side of ``line``, < 0 on the other, 0 on it."""
    (ax, ay), (bx, by) = line.a, line.b
    return (bx - ax) * (p[1] - ay) - (by - ay) * (p[0] - ax)


def same_side(line: Line, p: Point, q: Point) -> bool:
    return side_of_line(line, p) * side_of_line(line, q) > 0


def point_in_polygon(p: Point, polygon: Sequence[Point]) -> bool:
    """Ray casting; points on an edge may fall either way."""
    x, y = p
    inside = False
    n = len(polygon)
    for i in range(n):
        (x1, y1), (x2, y2) = polygon[i], polygon[(i + 1) % n]
        if (y1 > y) != (y2 > y) and x < x1 + (y - y1) * (x2 - x1) / (y2 - y1):
            inside = not inside
    return inside


def distance(p: Point, q: Point) -> float:
    return math.hypot(q[0] - p[0], q[1] - p[1])


def crossing_time(
    line: Line, approach: Point | None, points: Sequence[TrackPoint]
) -> tuple[int, float] | None:
    """First move of the bottom centre across ``line``: (index of the point after it, interpolated time).

    With ``approach`` given, only crossings from the approach side count; without, either way counts.
    """
    approach_sign = None if approach is None else side_of_line(line, approach) > 0
    for i in range(1, len(points)):
        s0 = side_of_line(line, points[i - 1].box.bottom_center)
        s1 = side_of_line(line, points[i].box.bottom_center)
        if s0 == 0 or s0 * s1 > 0:
            continue
        if approach_sign is not None and (s0 > 0) != approach_sign:
            continue
        f = s0 / (s0 - s1)
        return i, points[i - 1].time_s + f * (points[i].time_s - points[i - 1].time_s)
    return None


def is_still(points: Sequence[TrackPoint], tolerance_px: float) -> bool:
    """True when every bottom centre stays within ``tolerance_px`` of the first."""
    first = points[0].box.bottom_center
    return all(distance(first, p.box.bottom_center) <= tolerance_px for p in points)
