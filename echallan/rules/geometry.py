"""Plane geometry for lines and zones."""

from __future__ import annotations

from echallan.types import Line, Point


def side_of_line(line: Line, p: Point) -> float:
    """Signed area: > 0 on one side of ``line``, < 0 on the other, 0 on it."""
    (ax, ay), (bx, by) = line.a, line.b
    return (bx - ax) * (p[1] - ay) - (by - ay) * (p[0] - ax)


def same_side(line: Line, p: Point, q: Point) -> bool:
    return side_of_line(line, p) * side_of_line(line, q) > 0
