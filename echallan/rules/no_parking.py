"""No parking: a vehicle stays still inside a no-parking zone longer than the zone allows."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from echallan.rules.geometry import is_still, point_in_polygon
from echallan.types import Offence, Point, Track, Violation


@dataclass(frozen=True)
class NoParkingZone:
    name: str
    polygon: tuple[Point, ...]
    max_dwell_s: float


def no_parking(
    track: Track, zones: Sequence[NoParkingZone], still_fraction: float = 0.25
) -> Violation | None:
    """Return the violation once the vehicle has stood inside a zone for longer than its dwell time.

    Standing means the bottom centre stays within ``still_fraction`` of the box height of where it
    stopped; a vehicle that creeps along in traffic restarts the clock.
    """
    for zone in zones:
        start = 0
        for end, p in enumerate(track.points):
            if not point_in_polygon(p.box.bottom_center, zone.polygon):
                start = end + 1
                continue
            while start < end and not is_still(track.points[start : end + 1], still_fraction * p.box.height):
                start += 1
            dwell = p.time_s - track.points[start].time_s
            if dwell > zone.max_dwell_s:
                return Violation.at(
                    Offence.NO_PARKING,
                    track,
                    p,
                    inputs={
                        "zone": zone.name,
                        "dwell_s": round(dwell, 2),
                        "max_dwell_s": zone.max_dwell_s,
                        "since_s": round(track.points[start].time_s, 3),
                    },
                )
    return None
