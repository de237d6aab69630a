"""Stop line, wrong way, speed, no parking, riders and the signal log, from hand-built tracks."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from pathlib import Path

import cv2
import numpy as np
import pytest

from echallan.errors import ConfigError
from echallan.rules.no_parking import NoParkingZone, no_parking
from echallan.rules.riders import count_riders, distinct_persons, rides, triple_riding
from echallan.rules.signal_log import load_signal_log, states_at
from echallan.rules.speed import SpeedTrap, over_speed, speed_kmh
from echallan.rules.stop_line import stop_line
from echallan.rules.timeline import SignalTimeline
from echallan.rules.wrong_way import Lane, wrong_way
from echallan.types import Box, Line, Offence, SignalState, Track, TrackPoint

R, G = SignalState.RED, SignalState.GREEN
FPS = 10.0


def track(
    centres_bottoms: Sequence[tuple[float, float]], cls: str = "car", h: float = 80, riders: int = 0
) -> Track:
    pts = tuple(
        TrackPoint(i, i / FPS, Box(x - 40, y - h, x + 40, y), 0.9, riders)
        for i, (x, y) in enumerate(centres_bottoms)
    )
    return Track(1, cls, pts)


def timeline(states: list[SignalState]) -> SignalTimeline:
    return SignalTimeline.of(list(range(len(states))), [i / FPS for i in range(len(states))], states)


LINE = Line((0, 400), (1000, 400))


APPROACH = (500.0, 700.0)


def test_stop_line_fires_when_front_wheels_are_over_the_line_on_red() -> None:
    # box height 80: front point = bottom - 12; bottom 405..420 -> front past y=400, bottom not
    standing = track([(500, 500), (500, 450)] + [(500, 408)] * 15)
    v = stop_line(standing, LINE, APPROACH, timeline([R] * 17), min_still_s=1.0)
    assert v is not None and v.offence is Offence.STOP_LINE and v.inputs["still_for_s"] >= 1.0
    assert v.box is not None and v.box.y2 == 408


def test_stop_line_lawful_cases() -> None:
    over = track([(500, 408)] * 17)
    assert stop_line(over, LINE, APPROACH, timeline([G] * 17)) is None  # green
    assert stop_line(track([(500, 408)] * 5), LINE, APPROACH, timeline([R] * 5)) is None  # 0.4 s only
    behind = track([(500, 440)] * 20)  # stopped just behind the line: roof above it, wheels behind
    assert stop_line(behind, LINE, APPROACH, timeline([R] * 20)) is None
    past = track([(500, 380)] * 20)  # wholly past the line: that is the red-light rule's business
    assert stop_line(past, LINE, APPROACH, timeline([R] * 20)) is None
    creeping = track([(500, 419 - 1 * i) for i in range(20)])
    assert stop_line(creeping, LINE, APPROACH, timeline([R] * 20), still_fraction=0.05) is None


LANE = Lane("up", ((0, 0), (1000, 0), (1000, 800), (0, 800)), (0, -1))


def test_wrong_way() -> None:
    down = track([(500, 100 + 20 * i) for i in range(10)])
    v = wrong_way(down, [LANE])
    assert v is not None and v.inputs["lane"] == "up" and v.inputs["cosine"] < -0.9
    up = track([(500, 700 - 20 * i) for i in range(10)])
    assert wrong_way(up, [LANE]) is None
    across = track([(100 + 30 * i, 400) for i in range(10)])  # crossing traffic, 90 degrees
    assert wrong_way(across, [LANE]) is None
    jitter = track([(500, 400 + (i % 2) * 5) for i in range(10)])  # parked: no real travel
    assert wrong_way(jitter, [LANE]) is None


def test_speed_two_lines_interpolates_crossings() -> None:
    trap = SpeedTrap(Line((0, 600), (1000, 600)), Line((0, 200), (1000, 200)), distance_m=20.0)
    # 25 px per frame at 10 fps; 400 px = 20 m -> 1.25 m per frame -> 12.5 m/s = 45 km/h
    t = track([(500, 700 - 25 * i) for i in range(25)])
    measured = speed_kmh(t, trap)
    assert measured is not None and measured[0] == pytest.approx(45.0, rel=1e-6)
    assert over_speed(t, trap, {"default": 40}) is not None
    assert over_speed(t, trap, {"car": 50, "default": 40}) is None


def test_speed_homography() -> None:
    src = np.array([[0, 0], [100, 0], [100, 100], [0, 100]], np.float32)
    dst = np.array([[0, 0], [10, 0], [10, 10], [0, 10]], np.float32)  # 10 px = 1 m
    h = cv2.getPerspectiveTransform(src, dst)
    trap = SpeedTrap(homography=tuple((float(a), float(b), float(c)) for a, b, c in h))
    t = track([(500, 700 - 10 * i) for i in range(11)])  # 100 px in 1 s = 10 m/s = 36 km/h
    measured = speed_kmh(t, trap)
    assert measured is not None and measured[0] == pytest.approx(36.0, rel=1e-4)


ZONE = NoParkingZone("bus stop", ((0, 0), (300, 0), (300, 300), (0, 300)), max_dwell_s=2.0)


def test_no_parking_dwell() -> None:
    parked = track([(400, 250)] * 3 + [(150, 250)] * 30)
    v = no_parking(parked, [ZONE])
    assert v is not None and v.inputs["dwell_s"] > 2.0 and v.inputs["zone"] == "bus stop"
    brief = track([(150, 250)] * 15)  # 1.4 s
    assert no_parking(brief, [ZONE]) is None
    crawling = track([(10 + 9 * i, 250) for i in range(30)])  # moving through the zone
    assert no_parking(crawling, [ZONE]) is None


def test_riders_association() -> None:
    bike = Box(100, 200, 200, 300)
    rider = Box(120, 120, 180, 280)
    pedestrian = Box(300, 150, 340, 300)
    assert rides(rider, bike) and not rides(pedestrian, bike)
    assert count_riders(bike, [rider, Box(110, 110, 170, 270), Box(140, 115, 195, 285), pedestrian]) == 3


def test_a_box_spanning_a_rider_and_a_bystander_is_not_a_third_rider() -> None:
    bike = Box(801, 416, 1000, 582)
    rider, bystander = Box(873, 334, 954, 528), Box(927, 336, 1008, 562)
    spanning = Box(874, 335, 1007, 562)  # one detector box around both
    assert count_riders(bike, [rider, bystander, spanning]) == 2
    assert distinct_persons([rider, bystander, spanning]) == [rider, bystander]


def test_triple_riding() -> None:
    assert triple_riding(track([(500, 500)] * 10, cls="motorcycle", riders=3)) is not None
    assert triple_riding(track([(500, 500)] * 10, cls="motorcycle", riders=2)) is None
    assert triple_riding(track([(500, 500)] * 10, cls="car", riders=3)) is None


def test_signal_log(tmp_path: Path) -> None:
    log = tmp_path / "log.csv"
    log.write_text("time,state\n2026-11-01T09:00:00+05:30,green\n2026-11-01T09:00:10+05:30,RED\n", "utf-8")
    rows = load_signal_log(log)
    t0 = datetime(2026, 11, 1, 3, 29, 59, tzinfo=UTC)
    assert states_at(rows, [t0, t0 + timedelta(seconds=5), t0 + timedelta(seconds=12)]) == [
        SignalState.UNKNOWN,
        G,
        R,
    ]
    log.write_text("time,state\n2026-11-01T09:00:00,green\n", "utf-8")
    with pytest.raises(ConfigError, match="line 2"):
        load_signal_log(log)
