"""Stop-line violation: on red, a vehicle stands with its front wheels over the stop line.

A camera sees a vehicle's box, not its wheels. The rear wheels meet the road at the box's bottom
centre; the front wheels are taken to be ``front_fraction`` of the box height further on, in the
direction of travel (away from the approach side). The vehicle is over the line when that front
point is past the line while the bottom centre is not (a vehicle wholly past it crossed: that is a
red-light jump, decided by the other rule).
"""

from __future__ import annotations

import math

from echallan.rules.geometry import is_still, side_of_line
from echallan.rules.timeline import SignalTimeline
from echallan.types import Line, Offence, Point, SignalState, Track, TrackPoint, Violation


def forward(line: Line, approach: Point) -> Point:
    """Unit normal of ``line`` pointing away from the approach side."""
    (ax, ay), (bx, by) = line.a, line.b
    nx, ny = -(by - ay), bx - ax
    n = math.hypot(nx, ny)
    nx, ny = nx / n, ny / n
    mx, my = (ax + bx) / 2, (ay + by) / 2
    if (approach[0] - mx) * nx + (approach[1] - my) * ny > 0:
        nx, ny = -nx, -ny
    return nx, ny


def over_line(line: Line, approach: Point, p: TrackPoint, front_fraction: float) -> bool:
    on_approach = side_of_line(line, approach) > 0
    bx, by = p.box.bottom_center
    fx, fy = forward(line, approach)
    reach = front_fraction * p.box.height
    front = (bx + fx * reach, by + fy * reach)
    return (side_of_line(line, (bx, by)) > 0) == on_approach and (
        side_of_line(line, front) > 0
    ) != on_approach


def stop_line(
    track: Track,
    line: Line,
    approach: Point,
    signal: SignalTimeline,
    min_still_s: float = 1.0,
    still_fraction: float = 0.1,
    front_fraction: float = 0.15,
) -> Violation | None:
    """Return the violation if the vehicle stood over the line, still, on red, for ``min_still_s``.

    "Still" means its bottom centre moved less than ``still_fraction`` of its box height.
    """
    pts = track.points
    start = 0
    for end, p in enumerate(pts):
        i = signal.index(p.frame_index)
        if (
            i is None
            or signal.states[i] is not SignalState.RED
            or not over_line(line, approach, p, front_fraction)
        ):
            start = end + 1
            continue
        while start < end and not is_still(pts[start : end + 1], still_fraction * p.box.height):
            start += 1
        if p.time_s - pts[start].time_s < min_still_s:
            continue
        return Violation.at(
            Offence.STOP_LINE,
            track,
            p,
            inputs={
                "still_from_s": round(pts[start].time_s, 3),
                "still_for_s": round(p.time_s - pts[start].time_s, 3),
                "front_fraction": front_fraction,
                "box": p.box.as_list(),
                "signal_history": signal.history(i),
            },
        )
    return None
