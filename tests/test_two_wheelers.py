"""Second looks at two-wheelers: hidden bikes (which groups get a close-up look, what the looks add), riders
counted again close up, and the band layout."""

from __future__ import annotations

import numpy as np
import supervision as sv

from echallan.detection.base import Detector
from echallan.detection.two_wheelers import (
    RIDER_LOOKS,
    add_recovered,
    person_groups,
    recover,
    relook_regions,
    rider_looks,
)
from echallan.types import Box


def dets(*items: tuple[str, tuple[float, float, float, float]]) -> sv.Detections:
    names = [n for n, _ in items]
    return sv.Detections(
        xyxy=np.array([b for _, b in items], dtype=np.float32).reshape(-1, 4),
        confidence=np.full(len(items), 0.9, dtype=np.float32),
        class_id=np.arange(len(items)),
        data={"class_name": np.array(names, dtype=str)},
    )


TRIO = [Box(100, 100, 140, 200), Box(125, 100, 165, 200), Box(150, 100, 190, 200)]


def test_person_groups_join_overlapping_people_only() -> None:
    lone = Box(500, 100, 540, 200)
    groups = person_groups([*TRIO, lone])
    assert groups == [Box(100, 100, 190, 200)]


def test_a_group_without_a_bike_gets_a_look_with_room_below() -> None:
    regions = relook_regions((720, 1280, 3), dets(), TRIO)
    assert len(regions) == 1
    r = regions[0]
    assert r.x1 < 100 and r.x2 > 190 and r.y1 <= 100 and r.y2 > 200


def test_a_group_carried_by_a_detected_bike_gets_no_look() -> None:
    bike = dets(("motorcycle", (95, 150, 195, 215)))
    assert relook_regions((720, 1280, 3), bike, TRIO) == []


def test_recovered_bikes_are_added_and_persons_from_the_close_up_are_not() -> None:
    main = dets(("car", (600, 100, 800, 250)))
    relooked = dets(("motorcycle", (95, 150, 195, 215)), ("person", (100, 100, 140, 200)))
    out = add_recovered(main, relooked)
    assert sorted(out.data["class_name"]) == ["car", "motorcycle"]


def test_a_bike_inside_a_bus_box_is_kept() -> None:
    main = dets(("bus", (0, 0, 400, 300)))
    out = add_recovered(main, dets(("motorcycle", (95, 150, 195, 215))))
    assert list(out.data["class_name"]) == ["bus", "motorcycle"]


class Recording(Detector):
    """Finds one fixed box in whatever it is given, and records the shapes it was given."""

    def __init__(self, name: str, box: tuple[float, float, float, float]) -> None:
        self.shapes: list[tuple[int, ...]] = []
        self.found = (name, box)

    def detect(self, frame: np.ndarray) -> sv.Detections:
        self.shapes.append(frame.shape)
        return dets(self.found)


def test_recover_looks_at_the_group_and_offsets_what_it_finds() -> None:
    detector = Recording("motorcycle", (5, 60, 95, 110))
    out = recover(detector, np.zeros((720, 1280, 3), np.uint8), dets(), TRIO)
    assert len(detector.shapes) == 1
    x1, y1 = out.xyxy[0].tolist()[:2]
    assert (x1, y1) == (int(100 - 0.25 * 90) + 5, 100 + 60)


def test_a_group_whose_look_found_nothing_waits_one_frame() -> None:
    class Counting(Detector):
        def __init__(self, finds: bool) -> None:
            self.calls, self.finds = 0, finds

        def detect(self, frame: np.ndarray) -> sv.Detections:
            self.calls += 1
            return dets(("motorcycle", (5, 60, 95, 110))) if self.finds else dets()

    frame = np.zeros((720, 1280, 3), np.uint8)
    for finds, expected in ((False, 2), (True, 4)):
        detector, memory = Counting(finds), []  # type: ignore[var-annotated]
        for _ in range(4):
            recover(detector, frame, dets(), TRIO, memory)
        assert detector.calls == expected  # pedestrians: every other frame; a hidden bike: every frame


def test_box_iou() -> None:
    a = Box(0, 0, 10, 10)
    assert a.iou(a) == 1.0 and a.iou(Box(20, 20, 30, 30)) == 0.0
    assert abs(a.iou(Box(5, 0, 15, 10)) - 50 / 150) < 1e-9


def test_a_region_is_detected_on_its_crop_and_moved_back_into_the_frame() -> None:
    detector = Recording("car", (10, 20, 110, 90))
    found = detector.detect_region(np.zeros((720, 1280, 3), np.uint8), Box(0, 300, 1280, 720))
    assert detector.shapes == [(420, 1280, 3)]
    assert found.xyxy[0].tolist() == [10, 320, 110, 390]


class Finds(Detector):
    """Finds the same boxes (in crop pixels) in whatever it is given, and records the shapes."""

    def __init__(self, *items: tuple[str, tuple[float, float, float, float]]) -> None:
        self.items, self.shapes = items, []  # type: ignore[var-annotated]

    def detect(self, frame: np.ndarray) -> sv.Detections:
        self.shapes.append(frame.shape)
        return dets(*self.items)


# a motorcycle whose two riders the whole frame saw; a bystander far off
BIKE = ("motorcycle", (100.0, 150.0, 200.0, 215.0))
TWO = [Box(105, 90, 145, 200), Box(140, 90, 185, 200)]
BYSTANDER = Box(600, 90, 640, 215)


def test_a_loaded_bike_has_its_riders_counted_again_on_a_padded_crop() -> None:
    # the crop starts at the riders' box (100, 90, 200, 215) less half its size: (50, 27.5)
    three = [(60.0, 65.0, 95.0, 170.0), (85.0, 65.0, 120.0, 170.0), (110.0, 65.0, 145.0, 170.0)]
    detector = Finds(*(("person", b) for b in three), ("motorcycle", (50.0, 120.0, 150.0, 185.0)))
    frame = np.zeros((720, 1280, 3), np.uint8)
    persons = rider_looks(detector, frame, dets(BIKE), [*TWO, BYSTANDER])
    assert detector.shapes == [(277 - 27, 250 - 50, 3)]  # rows 27..277, columns 50..250
    assert BYSTANDER in persons and len(persons) == 4  # the two riders replaced by the look's three
    assert sorted(p.x1 for p in persons if p is not BYSTANDER) == [110, 135, 160]


def test_a_bike_with_one_rider_gets_no_look_and_a_look_finding_no_one_keeps_the_riders() -> None:
    frame = np.zeros((720, 1280, 3), np.uint8)
    lone = Finds(("person", (0.0, 0.0, 10.0, 10.0)))
    assert rider_looks(lone, frame, dets(BIKE), TWO[:1]) == TWO[:1] and lone.shapes == []
    empty = Finds()
    assert rider_looks(empty, frame, dets(BIKE), TWO) == TWO and len(empty.shapes) == 1


def test_at_most_rider_looks_bikes_a_frame_are_looked_at() -> None:
    bikes, persons = [], []
    for i in range(RIDER_LOOKS + 2):
        dx = 300.0 * i
        bikes.append(("motorcycle", (100.0 + dx, 150.0, 200.0 + dx, 215.0)))
        persons += [p.offset(dx, 0) for p in TWO]
    detector = Finds()
    rider_looks(detector, np.zeros((720, 2000, 3), np.uint8), dets(*bikes), persons)
    assert len(detector.shapes) == RIDER_LOOKS


def test_a_bike_the_whole_frame_already_sees_large_gets_no_look() -> None:
    detector = Finds()
    detector.close_side = 416  # a close look's input; the whole frame's is 640
    big_bike = ("motorcycle", (100.0, 300.0, 500.0, 560.0))
    riders = [Box(150, 100, 300, 500), Box(280, 100, 450, 500)]
    photo = np.zeros((800, 800, 3), np.uint8)  # seen at 0.8 whole; the look would shrink it to 416 px
    assert rider_looks(detector, photo, dets(big_bike), riders) == riders and detector.shapes == []
    junction = np.zeros((2160, 3840, 3), np.uint8)  # seen at 1/6 whole: the look is worth it
    rider_looks(detector, junction, dets(big_bike), riders)
    assert len(detector.shapes) == 1
