"""Red-light jump: a vehicle crosses the stop line, from the approach side, while the signal is red."""

from __future__ import annotations

from echallan.rules.geometry import crossing_time
from echallan.rules.timeline import SignalTimeline
from echallan.types import Line, Offence, Point, SignalState, Track, Violation


def red_light(
    track: Track, line: Line, approach: Point, signal: SignalTimeline, grace_s: float = 0.0
) -> Violation | None:
    """Return the violation if ``track`` crossed ``line`` on red, else None.

    The reference point is the bottom centre of the vehicle's box (where it touches the road).
    A crossing in the first ``grace_s`` seconds of red is allowed.
    """
    crossed = crossing_time(line, approach, track.points)
    if crossed is None:
        return None
    prev, cur = track.points[crossed[0] - 1], track.points[crossed[0]]
    i = signal.index(cur.frame_index)
    if i is None:
        return None
    red_s = signal.red_for(i)
    if signal.states[i] is not SignalState.RED or red_s < grace_s:
        return None  # crossed on green/amber, or within the grace period: lawful
    return Violation.at(
        Offence.RED_LIGHT,
        track,
        cur,
        inputs={
            "crossing_frame": cur.frame_index,
            "crossing_s": round(crossed[1], 3),
            "red_for_s": round(red_s, 3),
            "grace_s": grace_s,
            "point_before": [round(v, 1) for v in prev.box.bottom_center],
            "point_after": [round(v, 1) for v in cur.box.bottom_center],
            "signal_history": signal.history(i),
        },
    )
