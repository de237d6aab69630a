"""Red-light jump: a vehicle crosses the stop line, from the approach side, while the signal is red."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from echallan.rules.geometry import crossing_time
from echallan.types import Line, Offence, Point, SignalState, Track, Violation


def red_for_seconds(times: Sequence[float], states: Sequence[SignalState], index: int) -> float:
    """How long the signal has been red at ``states[index]`` (0 when it is not red)."""
    if states[index] is not SignalState.RED:
        return 0.0
    start = index
    while start > 0 and states[start - 1] is SignalState.RED:
        start -= 1
    return times[index] - times[start]


def signal_history(frames: Sequence[int], states: Sequence[SignalState], i: int) -> list[list[Any]]:
    """The signal states around analysed frame ``i``: what a reviewer sees on the event page."""
    lo, hi = max(0, i - 10), min(len(frames), i + 3)
    return [[frames[j], states[j].value] for j in range(lo, hi)]


def red_light(
    track: Track,
    line: Line,
    approach: Point,
    frames: Sequence[int],
    times: Sequence[float],
    states: Sequence[SignalState],
    grace_s: float = 0.0,
) -> Violation | None:
    """Return the violation if ``track`` crossed ``line`` on red, else None.

    ``frames``, ``times`` and ``states`` are the analysed frames' indices, their times in seconds and
    the smoothed signal state at each. The reference point is the bottom centre of the vehicle's box
    (where it touches the road). A crossing in the first ``grace_s`` seconds of red is allowed.
    """
    crossed = crossing_time(line, approach, track.points)
    if crossed is None:
        return None
    prev, cur = track.points[crossed[0] - 1], track.points[crossed[0]]
    i = {f: k for k, f in enumerate(frames)}.get(cur.frame_index)
    if i is None:
        return None
    red_s = red_for_seconds(times, states, i)
    if states[i] is not SignalState.RED or red_s < grace_s:
        return None  # crossed on green/amber, or within the grace period: lawful
    return Violation(
        offence=Offence.RED_LIGHT,
        track_id=track.track_id,
        class_name=track.class_name,
        frame_index=cur.frame_index,
        time_s=cur.time_s,
        confidence=track.confidence,
        inputs={
            "crossing_frame": cur.frame_index,
            "red_for_s": round(red_s, 3),
            "grace_s": grace_s,
            "point_before": [round(v, 1) for v in prev.box.bottom_center],
            "point_after": [round(v, 1) for v in cur.box.bottom_center],
            "signal_history": signal_history(frames, states, i),
        },
    )
