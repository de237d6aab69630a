"""Red-light rule and signal reading, from hand-built tracks and frames."""

from __future__ import annotations

import numpy as np

from echallan.rules import classify_signal, red_light, smooth_states
from echallan.rules.timeline import SignalTimeline
from echallan.types import Box, Line, Offence, SignalState, Track, TrackPoint, Violation

R, G, A, U = SignalState.RED, SignalState.GREEN, SignalState.AMBER, SignalState.UNKNOWN
LINE = Line((0.0, 400.0), (1000.0, 400.0))
APPROACH = (500.0, 700.0)  # vehicles come from below


def track_moving_up(bottoms: list[float], tid: int = 7) -> Track:
    pts = tuple(TrackPoint(i, i * 0.5, Box(450, b - 100, 550, b), 0.9) for i, b in enumerate(bottoms))
    return Track(tid, "car", pts)


def timeline(states: list[SignalState]) -> SignalTimeline:
    frames = list(range(len(states)))
    return SignalTimeline.of(frames, [f * 0.5 for f in frames], states)


def run(track: Track, states: list[SignalState], grace: float = 0.0) -> Violation | None:
    return red_light(track, LINE, APPROACH, timeline(states), grace)


def test_crossing_on_red_is_a_violation() -> None:
    v = run(track_moving_up([600, 500, 420, 380, 300]), [R, R, R, R, R])
    assert v is not None
    assert v.offence is Offence.RED_LIGHT
    assert v.frame_index == 3 and v.track_id == 7
    assert v.inputs["crossing_frame"] == 3
    assert [3, "red"] in v.inputs["signal_history"]


def test_crossing_on_green_or_amber_is_lawful() -> None:
    assert run(track_moving_up([600, 500, 420, 380, 300]), [G, G, G, G, R]) is None
    assert run(track_moving_up([600, 500, 420, 380, 300]), [G, A, A, A, R]) is None


def test_stopping_before_the_line_is_lawful() -> None:
    assert run(track_moving_up([600, 500, 420, 410, 405]), [R] * 5) is None


def test_already_past_the_line_or_moving_away_from_it_is_not_a_crossing() -> None:
    assert run(track_moving_up([380, 350, 300]), [R] * 3) is None
    assert run(track_moving_up([300, 380, 420, 500]), [R] * 4) is None  # crossing the wrong way


def test_grace_period_at_start_of_red() -> None:
    states = [G, G, R, R, R]  # red from t=1.0; crossing at frame 3 (t=1.5) -> red for 0.5 s
    assert run(track_moving_up([600, 500, 420, 380, 300]), states, grace=1.0) is None
    assert run(track_moving_up([600, 500, 420, 380, 300]), states, grace=0.4) is not None


def test_red_for_seconds() -> None:
    assert timeline([G, R, R, R]).red_for(3) == 1.0
    assert timeline([G, R, R, G]).red_for(3) == 0


def test_smoothing_ignores_flicker_and_unknown() -> None:
    assert smooth_states([G, G, R, G, G], 3) == [G, G, G, G, G]
    assert smooth_states([R, U, R, R], 3) == [R, R, R, R]
    assert smooth_states([U, U], 3) == [U, U]


def lamp_frame(bgr: tuple[int, int, int]) -> np.ndarray:
    frame = np.zeros((100, 100, 3), np.uint8)
    frame[20:40, 20:40] = bgr
    return frame


def test_classify_signal_colours() -> None:
    region = Box(10, 10, 50, 50)
    assert classify_signal(lamp_frame((0, 0, 255)), region) is R
    assert classify_signal(lamp_frame((0, 220, 0)), region) is G
    assert classify_signal(lamp_frame((0, 190, 255)), region) is A
    assert classify_signal(lamp_frame((40, 40, 40)), region) is U
    assert classify_signal(lamp_frame((0, 0, 255)), Box(60, 60, 90, 90)) is U  # lamp outside region
