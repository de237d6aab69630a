"""Stop-line violation: a vehicle stands on the stop line (its box straddles it) while the signal is red."""

from __future__ import annotations

from echallan.rules.geometry import is_still, side_of_line
from echallan.rules.timeline import SignalTimeline
from echallan.types import Line, Offence, SignalState, Track, TrackPoint, Violation


def straddles(line: Line, p: TrackPoint) -> bool:
    """The line runs through the box: its top and bottom centres lie on different sides."""
    top = ((p.box.x1 + p.box.x2) / 2, p.box.y1)
    return side_of_line(line, top) * side_of_line(line, p.box.bottom_center) < 0


def stop_line(
    track: Track,
    line: Line,
    signal: SignalTimeline,
    min_still_s: float = 1.0,
    still_fraction: float = 0.1,
) -> Violation | None:
    """Return the violation if the vehicle stood on the line, still, on red, for ``min_still_s``.

    "Still" means its bottom centre moved less than ``still_fraction`` of its box height.
    """
    pts = track.points
    start = 0
    for end, p in enumerate(pts):
        i = signal.index(p.frame_index)
        ok = i is not None and signal.states[i] is SignalState.RED and straddles(line, p)
        if not ok:
            start = end + 1
            continue
        window = pts[start : end + 1]
        if p.time_s - window[0].time_s < min_still_s:
            continue
        if not is_still(window, still_fraction * p.box.height):
            start += 1
            continue
        assert i is not None
        return Violation(
            offence=Offence.STOP_LINE,
            track_id=track.track_id,
            class_name=track.class_name,
            frame_index=p.frame_index,
            time_s=p.time_s,
            confidence=track.confidence,
            inputs={
                "still_from_s": round(window[0].time_s, 3),
                "still_for_s": round(p.time_s - window[0].time_s, 3),
                "box": p.box.as_list(),
                "signal_history": signal.history(i),
            },
        )
    return None
