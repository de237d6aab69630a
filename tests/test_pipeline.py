"""One video -> events, with a fake detector and reader: keys are stable and evidence is hashed."""

from __future__ import annotations

from pathlib import Path

import cv2
import numpy as np
import pytest
import supervision as sv

from echallan.camera import Camera, load_camera
from echallan.detection import Detector
from echallan.detection.helmet import HeadResult, HelmetDetector
from echallan.evidence import sha256_file
from echallan.pipeline import Models, process_video, rider_box, sighting_rank
from echallan.types import Box, Layout, PlateRead

FPS, N = 10, 30


class BoxDetector(Detector):
    """'Detects' the white rectangle drawn by ``make_clip``."""

    def detect(self, frame: np.ndarray) -> sv.Detections:
        ys, xs = np.nonzero(frame[:, :, 0] > 200)
        if len(xs) == 0:
            return sv.Detections.empty()
        return sv.Detections(
            xyxy=np.array([[xs.min(), ys.min(), xs.max() + 1, ys.max() + 1]], dtype=float),
            confidence=np.array([0.9]),
            class_id=np.array([2]),
            data={"class_name": np.array(["car"])},
        )


class FixedReader:
    def __init__(self) -> None:
        self.calls = 0

    def read(self, image: np.ndarray) -> list[PlateRead]:
        self.calls += 1
        return [PlateRead("KA01AB1234", 0.95, Box(2, 2, 20, 10), True, Layout.ONE_LINE)]


def make_clip(path: Path, red_from: int, hidden: range = range(0)) -> None:
    """A 'car' driving up the picture (not drawn in the ``hidden`` frames), and the signal lamp."""
    writer = cv2.VideoWriter(str(path), cv2.VideoWriter.fourcc(*"MJPG"), FPS, (320, 240))
    for i in range(N):
        frame = np.zeros((240, 320, 3), np.uint8)
        frame[5:25, 290:310] = (0, 0, 255) if i >= red_from else (0, 220, 0)  # the signal lamp
        top = 200 - i * 6
        if i not in hidden:
            frame[max(0, top - 30) : max(1, top), 140:180] = (255, 255, 255)
        writer.write(frame)
    writer.release()


CAMERA = """
id = "T-1"
location = "Test junction"
start_time = "2026-11-01T09:00:00"
[stop_line]
a = [0, 120]
b = [320, 120]
approach = [160, 230]
[signal]
region = [285, 0, 315, 30]
smoothing_frames = 1
"""


@pytest.fixture
def camera(tmp_path: Path) -> Camera:
    p = tmp_path / "cam.toml"
    p.write_text(CAMERA, encoding="utf-8")
    return load_camera(p)


def test_red_light_event_with_evidence_and_stable_key(tmp_path: Path, camera: Camera) -> None:
    clip = tmp_path / "clip.avi"
    make_clip(clip, red_from=0)
    reader = FixedReader()
    first = process_video(camera, clip, Models(BoxDetector(), reader), tmp_path / "ev")
    assert len(first.events) == 1
    event = first.events[0]
    assert event.plate is not None and event.plate.text == "KA01AB1234"
    assert reader.calls <= 3  # plates read from a few best frames, not every frame
    assert event.occurred_at.startswith("2026-11-01T09:00:01") and event.occurred_at.endswith("+05:30")
    kinds = {e.kind for e in event.evidence}
    assert kinds == {"frame", "annotated", "vehicle", "plate", "clip"}
    for ev in event.evidence:
        assert sha256_file(Path(ev.path)) == ev.sha256
    frame = cv2.imread(next(e.path for e in event.evidence if e.kind == "frame"))
    assert frame is not None
    assert frame.shape == (240, 320, 3)  # the full, unannotated frame

    again = process_video(camera, clip, Models(BoxDetector(), FixedReader()), tmp_path / "ev")
    assert [e.key for e in again.events] == [event.key]
    assert again.events[0].evidence == event.evidence  # evidence reused, never rewritten


def test_a_detection_region_is_all_the_detector_sees(tmp_path: Path) -> None:
    """With ``detection_region`` set, whole-frame detection runs on that part of each frame, and the
    event's boxes are in the frame's pixels."""

    class Seeing(BoxDetector):
        def __init__(self) -> None:
            self.shapes: list[tuple[int, ...]] = []

        def detect(self, frame: np.ndarray) -> sv.Detections:
            self.shapes.append(frame.shape)
            return super().detect(frame)

    p = tmp_path / "cam.toml"
    p.write_text("detection_region = [0, 60, 320, 240]\n" + CAMERA, encoding="utf-8")
    clip = tmp_path / "clip.avi"
    make_clip(clip, red_from=0)
    detector = Seeing()
    result = process_video(load_camera(p), clip, Models(detector, FixedReader()), tmp_path / "ev")
    assert set(detector.shapes) == {(180, 320, 3)}
    assert len(result.events) == 1
    box = result.events[0].violation.box
    assert box is not None and box.x1 == 140 and box.y1 >= 60  # not shifted by the crop


def test_green_crossing_is_not_an_event(tmp_path: Path, camera: Camera) -> None:
    clip = tmp_path / "clip.avi"
    make_clip(clip, red_from=N)
    assert process_video(camera, clip, Models(BoxDetector(), FixedReader()), tmp_path / "ev").events == ()


class BikeDetector(BoxDetector):
    """The white rectangle is a motorcycle (40 x 30 px)."""

    def detect(self, frame: np.ndarray) -> sv.Detections:
        found = super().detect(frame)
        if len(found):
            found.class_id = np.array([3])
            found.data["class_name"] = np.array(["motorcycle"])
        return found


def with_riders(found: sv.Detections, lefts: list[float]) -> sv.Detections:
    """``found`` (the motorcycle) and a person 12 px wide riding it at each of ``lefts`` px from its left."""
    x1, y1 = found.xyxy[0][:2]
    persons = np.array([[x1 + dx, y1 - 25, x1 + dx + 12, y1 + 20] for dx in lefts], dtype=float)
    riders = sv.Detections(
        xyxy=persons.reshape(-1, 4),
        confidence=np.full(len(lefts), 0.8),
        class_id=np.zeros(len(lefts), dtype=int),
        data={"class_name": np.array(["person"] * len(lefts))},
    )
    return sv.Detections.merge([found, riders])


class OneRiderDetector(BikeDetector):
    """The motorcycle, and one person riding it."""

    def detect(self, frame: np.ndarray) -> sv.Detections:
        found = super().detect(frame)
        return with_riders(found, [14]) if len(found) else found


class FixedHeads(HelmetDetector):
    """Returns the same heads (in the rider crop's pixels) on every crop, and counts its calls."""

    def __init__(self, heads: list[HeadResult]) -> None:
        self.heads, self.calls = heads, 0

    def detect(self, image: np.ndarray) -> list[HeadResult]:
        self.calls += 1
        return self.heads


def crop_head(cx: float, helmet: bool = False) -> HeadResult:
    """A head over the bike: the rider crop starts 0.1 bike widths left of it, 0.9 heights above."""
    return HeadResult(Box(cx - 4, 16, cx + 4, 24), helmet, 0.8)


@pytest.fixture
def bike_camera(tmp_path: Path) -> Camera:
    p = tmp_path / "bike.toml"
    p.write_text(CAMERA + "[violations]\ntriple_riding = true\nno_helmet = true\n", encoding="utf-8")
    return load_camera(p)


def test_bare_heads_make_no_helmet_but_not_triple_riding(tmp_path: Path, bike_camera: Camera) -> None:
    clip = tmp_path / "clip.avi"
    make_clip(clip, red_from=N)
    helmet = FixedHeads([crop_head(10), crop_head(24), crop_head(38)])  # three bare heads, one person
    result = process_video(
        bike_camera, clip, Models(OneRiderDetector(), FixedReader(), helmet), tmp_path / "ev"
    )
    assert [e.violation.offence.value for e in result.events] == ["no_helmet"]  # riders are counted persons
    assert helmet.calls == 2  # of HELMET_FRAMES (3): two bare heads settle it, whatever the third shows
    bike = result.events[0].violation.box
    assert bike is not None
    x1, y1, x2, y2 = result.events[0].violation.inputs["best_box"]  # a head, in the frame's pixels
    assert bike.x1 <= (x1 + x2) / 2 <= bike.x2 and y2 <= bike.y1
    annotated = cv2.imread(next(e.path for e in result.events[0].evidence if e.kind == "annotated"))
    assert annotated is not None
    b, g, r = annotated[int(y1), int(x1) + 2].tolist()  # the head's box, in orange (JPEG: roughly)
    assert b < 100 and 90 < g < 200 and r > 200


def test_a_single_helmeted_rider_costs_two_looks(tmp_path: Path, bike_camera: Camera) -> None:
    """After two helmeted frames the third could make only one bare frame: it is not looked at."""
    clip = tmp_path / "clip.avi"
    make_clip(clip, red_from=N)
    helmet = FixedHeads([crop_head(24, helmet=True)])
    result = process_video(
        bike_camera, clip, Models(OneRiderDetector(), FixedReader(), helmet), tmp_path / "ev"
    )
    assert result.events == () and helmet.calls == 2


def test_a_motorcycle_nobody_rides_is_not_looked_at(tmp_path: Path, bike_camera: Camera) -> None:
    """No person rides it (parked, or its rider unseen): no helmet rule can fine anyone, so no look."""
    clip = tmp_path / "clip.avi"
    make_clip(clip, red_from=N)
    helmet = FixedHeads([crop_head(24)])  # a bare head (a passer-by's) would be found
    result = process_video(bike_camera, clip, Models(BikeDetector(), FixedReader(), helmet), tmp_path / "ev")
    assert result.events == () and helmet.calls == 0


class FailingDetector(BoxDetector):
    """Works for a few frames, then fails, as a broken model or driver would."""

    def __init__(self, fail_at: int) -> None:
        self.calls, self.fail_at = 0, fail_at

    def detect(self, frame: np.ndarray) -> sv.Detections:
        self.calls += 1
        if self.calls == self.fail_at:
            raise RuntimeError("detector failed")
        return super().detect(frame)


def test_an_error_on_the_detection_thread_reaches_the_caller(tmp_path: Path, camera: Camera) -> None:
    clip = tmp_path / "clip.avi"
    make_clip(clip, red_from=0)
    with pytest.raises(RuntimeError, match="detector failed"):
        process_video(camera, clip, Models(FailingDetector(fail_at=5), FixedReader()), tmp_path / "ev")


class RidersDetector(BikeDetector):
    """The motorcycle carries two persons, and three from frame 20 on, when it is smaller than at first
    (it leaves the picture's top edge from frame 29)."""

    def detect(self, frame: np.ndarray) -> sv.Detections:
        found = super().detect(frame)
        if not len(found):
            return found
        riders = 3 if (200 - found.xyxy[0][3]) / 6 >= 20 else 2
        return with_riders(found, [2 + 12 * k for k in range(riders)])


def test_triple_riding_is_shown_on_a_frame_with_three_riders(tmp_path: Path, bike_camera: Camera) -> None:
    clip = tmp_path / "clip.avi"
    make_clip(clip, red_from=N)
    result = process_video(bike_camera, clip, Models(RidersDetector(), FixedReader()), tmp_path / "ev")
    assert [e.violation.offence.value for e in result.events] == ["triple_riding"]
    v = result.events[0].violation
    assert v.inputs["frames_with_3_plus"] == 10
    # not one of the largest sightings (frames 0-2, two riders): the first frame with three
    assert v.frame_index == 20 and v.time_s == pytest.approx(2.0)
    assert result.events[0].occurred_at.startswith("2026-11-01T09:00:02")
    frame = cv2.imread(next(e.path for e in result.events[0].evidence if e.kind == "frame"))
    assert frame is not None
    assert frame[200 - 20 * 6 - 15, 160, 0] > 200  # the bike where it was at frame 20 (y 50-80)
    assert len(v.inputs["rider_boxes"]) == 3  # drawn on the annotated copy as riders 1-3
    annotated = cv2.imread(next(e.path for e in result.events[0].evidence if e.kind == "annotated"))
    assert annotated is not None
    x1, y1, _, _ = (int(c) for c in v.inputs["rider_boxes"][0])
    b, g, r = annotated[y1, x1 + 3].tolist()  # the first rider's box, in magenta (JPEG: roughly)
    assert b > 150 and g < 100 and r > 150 and frame[y1, x1 + 3].tolist() == [0, 0, 0]


class ThreeRidersDetector(BikeDetector):
    """The motorcycle, and three persons riding it."""

    def detect(self, frame: np.ndarray) -> sv.Detections:
        found = super().detect(frame)
        return with_riders(found, [2, 14, 26]) if len(found) else found


def test_a_track_split_by_the_tracker_is_fined_once(tmp_path: Path, bike_camera: Camera) -> None:
    """The loaded motorcycle is not seen for 0.8 s and is found again 48 px on: two tracks, one event."""
    clip = tmp_path / "clip.avi"
    make_clip(clip, red_from=N, hidden=range(12, 20))
    result = process_video(bike_camera, clip, Models(ThreeRidersDetector(), FixedReader()), tmp_path / "ev")
    assert result.tracks == 2
    assert [e.violation.offence.value for e in result.events] == ["triple_riding"]


def test_best_sightings_are_whole_in_view_first() -> None:
    """A larger box cut by the frame's bottom edge ranks after a smaller one wholly in view."""
    cut, whole = Box(290.0, 540.0, 530.0, 720.0), Box(310.0, 470.0, 500.0, 660.0)
    assert sighting_rank(cut, 1280, 720) < sighting_rank(whole, 1280, 720)
    assert cut.area > whole.area
    assert sighting_rank(whole, 1280, 720) < sighting_rank(Box(300.0, 450.0, 520.0, 690.0), 1280, 720)


def test_the_riders_crop_takes_in_the_riders_heads() -> None:
    """A bike box cut short by the frame's edge grows too little to hold the head; its rider's box does."""
    bike = Box(336.0, 596.0, 556.0, 716.0)
    rider = Box(400.0, 420.0, 500.0, 700.0)
    assert rider_box(bike).y1 > 450.0  # the head (420-460) is cut off
    grown = rider_box(bike, [rider, Box(900.0, 400.0, 950.0, 700.0)])  # a passer-by far away is not a rider
    assert grown.y1 <= 420.0 - 0.1 * rider.height + 1e-9 and grown.x2 < 900.0
    assert Box(0.0, 5.0, 10.0, 20.0).union(Box(5.0, 0.0, 20.0, 10.0)) == Box(0.0, 0.0, 20.0, 20.0)
