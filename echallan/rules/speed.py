"""Over-speed: speed from a two-line trap (known distance) or a ground-plane homography."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from echallan.rules.geometry import crossing_time, distance
from echallan.types import Line, Offence, Point, Track, Violation


@dataclass(frozen=True)
class SpeedTrap:
    """Either two lines ``distance_m`` apart, or a 3x3 image->ground (metres) homography."""

    line1: Line | None = None
    line2: Line | None = None
    distance_m: float = 0.0
    homography: tuple[tuple[float, float, float], ...] | None = None


def to_ground(h: Sequence[Sequence[float]], p: Point) -> Point:
    x, y = p
    w = h[2][0] * x + h[2][1] * y + h[2][2]
    return ((h[0][0] * x + h[0][1] * y + h[0][2]) / w, (h[1][0] * x + h[1][1] * y + h[1][2]) / w)


def speed_kmh(track: Track, trap: SpeedTrap) -> tuple[float, dict[str, float]] | None:
    """The track's speed in km/h and how it was measured, or None if the trap did not see it."""
    if trap.line1 is not None and trap.line2 is not None:
        c1 = crossing_time(trap.line1, None, track.points)
        c2 = crossing_time(trap.line2, None, track.points)
        if c1 is None or c2 is None or c1[1] == c2[1]:
            return None
        dt = abs(c2[1] - c1[1])
        return trap.distance_m / dt * 3.6, {
            "t_line1": round(c1[1], 3),
            "t_line2": round(c2[1], 3),
            "distance_m": trap.distance_m,
        }
    if trap.homography is not None and len(track.points) >= 2:
        first, last = track.points[0], track.points[-1]
        dt = last.time_s - first.time_s
        if dt <= 0:
            return None
        metres = distance(
            to_ground(trap.homography, first.box.bottom_center),
            to_ground(trap.homography, last.box.bottom_center),
        )
        return metres / dt * 3.6, {"distance_m": round(metres, 2), "seconds": round(dt, 3)}
    return None


def over_speed(track: Track, trap: SpeedTrap, limits_kmh: Mapping[str, float]) -> Violation | None:
    """Return the violation if the measured speed exceeds the limit for the vehicle's class.

    ``limits_kmh`` maps class names to limits, with ``"default"`` for the rest.
    """
    measured = speed_kmh(track, trap)
    limit = limits_kmh.get(track.class_name, limits_kmh.get("default"))
    if measured is None or limit is None or measured[0] <= limit:
        return None
    last = track.points[-1]
    return Violation.at(
        Offence.OVER_SPEED,
        track,
        last,
        inputs={"speed_kmh": round(measured[0], 1), "limit_kmh": limit, **measured[1]},
    )
