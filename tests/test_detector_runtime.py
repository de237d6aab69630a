"""The YOLO runner: letterboxing, the dynamic twin's guard, and the twin on real weights and frames."""

from __future__ import annotations

import json
from pathlib import Path

import cv2
import numpy as np
import pytest

from echallan.detection.openvino import PAD, letterbox
from echallan.detection.yolo import DEFAULT_WEIGHTS, DYNAMIC_SOURCE, YoloDetector, dynamic_twin, twin_path
from echallan.settings import Settings
from echallan.types import Box


def test_letterbox_square_centres_and_scales() -> None:
    canvas, scale, (ox, oy) = letterbox(np.zeros((100, 200, 3), np.uint8), 320)
    assert canvas.shape == (320, 320, 3) and scale == pytest.approx(1.6)
    assert (ox, oy) == (0, 80)
    assert canvas[0, 0].tolist() == [PAD] * 3 and canvas[160, 160].tolist() == [0, 0, 0]


def test_letterbox_to_a_rectangle() -> None:
    canvas, scale, (ox, oy) = letterbox(np.zeros((1080, 1920, 3), np.uint8), (384, 640))
    assert canvas.shape == (384, 640, 3) and scale == pytest.approx(1 / 3)
    assert (ox, oy) == (0, 12)


def _fake_weights(root: Path, payload: bytes) -> Path:
    weights = root / "shared" / DEFAULT_WEIGHTS
    weights.mkdir(parents=True)
    (weights / "yolo11n.bin").write_bytes(payload)
    return weights


def _fake_twin(derived: Path, made_from: str) -> Path:
    twin = twin_path(derived)
    twin.mkdir(parents=True)
    (twin / "yolo11n.xml").write_text("<net/>")
    (twin / "metadata.yaml").write_text("names: {0: person}\n")
    (twin / DYNAMIC_SOURCE).write_text(json.dumps({"source_bin_sha256": made_from}))
    return twin


def test_twin_is_used_only_for_the_weights_it_was_made_from(tmp_path: Path) -> None:
    import hashlib

    weights = _fake_weights(tmp_path, b"weights v1")
    derived = tmp_path / "derived"
    assert dynamic_twin(weights, derived) is None  # none made yet
    twin = _fake_twin(derived, hashlib.sha256(b"weights v1").hexdigest())
    assert dynamic_twin(weights, derived) == twin
    (weights / "yolo11n.bin").write_bytes(b"weights v2")  # the shared model changed
    assert dynamic_twin(weights, derived) is None


def test_twin_without_its_record_is_ignored(tmp_path: Path) -> None:
    weights = _fake_weights(tmp_path, b"w")
    twin = _fake_twin(tmp_path / "derived", "x")
    (twin / DYNAMIC_SOURCE).unlink()
    assert dynamic_twin(weights, tmp_path / "derived") is None


# ------------------------------------------------------------------------------ real weights, real frames


@pytest.fixture(scope="module")
def derived_dir() -> Path:
    derived = Settings.from_env().derived_dir
    if not (twin_path(derived) / DYNAMIC_SOURCE).is_file():
        pytest.fail(f"no detector twin in {derived}: run `make setup`", pytrace=False)
    return derived


def _frames(datasets_dir: Path, count: int) -> list[np.ndarray]:
    cap = cv2.VideoCapture(str(datasets_dir / "traffic_clips" / "bench_1080p25_h264.mp4"))
    frames = []
    for i in range(count):
        cap.set(cv2.CAP_PROP_POS_FRAMES, 15 * i)
        ok, frame = cap.read()
        assert ok
        frames.append(frame)
    return frames


@pytest.mark.integration
def test_close_ups_on_the_twin_find_at_least_what_the_shared_model_finds(
    model_dir: Path, datasets_dir: Path, derived_dir: Path
) -> None:
    """Vehicles cut loosely out of real frames, looked at again: the twin (small square input)
    against the shared IR (640 square, where a crop of a few hundred pixels is blown up)."""
    with_twin = YoloDetector(model_dir, derived_dir=derived_dir)
    shared_only = YoloDetector(model_dir, derived_dir=derived_dir / "none")
    assert with_twin._close is not None and shared_only._close is None
    crops: list[tuple[np.ndarray, str]] = []
    for frame in _frames(datasets_dir, 6):
        reference = shared_only.detect(frame)
        for box, name in zip(reference.xyxy, reference.data["class_name"], strict=True):
            x1, y1, x2, y2 = box.astype(int)
            if y2 - y1 >= 80 and str(name) in ("car", "motorcycle", "bus", "truck"):
                pad = (x2 - x1) // 4
                crops.append((frame[max(0, y1 - pad) : y2 + pad, max(0, x1 - pad) : x2 + pad], str(name)))
    assert len(crops) >= 10

    def found(detector: YoloDetector) -> int:
        names = [detector.detect_close(crop).data["class_name"] for crop, _ in crops]
        return sum(name in {str(n) for n in found} for found, (_, name) in zip(names, crops, strict=True))

    twin, shared = found(with_twin), found(shared_only)
    assert twin >= shared and twin >= 0.5 * len(crops)


@pytest.mark.integration
def test_whole_frames_run_on_the_shared_model(model_dir: Path, datasets_dir: Path, derived_dir: Path) -> None:
    frame = _frames(datasets_dir, 1)[0]
    a = YoloDetector(model_dir, derived_dir=derived_dir).detect(frame)
    b = YoloDetector(model_dir, derived_dir=derived_dir / "none").detect(frame)
    assert len(a) > 3 and np.array_equal(a.xyxy, b.xyxy)


@pytest.mark.integration
def test_concurrent_calls_give_the_same_boxes_as_one_at_a_time(
    model_dir: Path, datasets_dir: Path, derived_dir: Path
) -> None:
    """The pipeline detects on its own thread while the main thread looks again at close-ups."""
    from concurrent.futures import ThreadPoolExecutor

    detector = YoloDetector(model_dir, derived_dir=derived_dir / "none")  # one IR serves both calls
    frames = _frames(datasets_dir, 4)
    crops = [f[300:700, 300:700] for f in frames]
    alone = [detector.detect(f).xyxy for f in frames] + [detector.detect_close(c).xyxy for c in crops]
    with ThreadPoolExecutor(2) as pool:
        whole = pool.map(detector.detect, frames)
        close = pool.map(detector.detect_close, crops)
        together = [d.xyxy for d in whole] + [d.xyxy for d in close]
    assert all(np.array_equal(a, b) for a, b in zip(alone, together, strict=True))


@pytest.mark.integration
def test_a_detection_region_finds_the_confident_road_users_the_whole_frame_finds(
    model_dir: Path, datasets_dir: Path, derived_dir: Path
) -> None:
    """A camera's detection region (the lower part of a 1080p street, on the twin at its own shape):
    the road users the whole frame finds there at 0.5 or more are found again, in frame pixels (all
    but one borderline car, 0.52, of 6 frames here)."""
    import supervision as sv

    detector = YoloDetector(model_dir, derived_dir=derived_dir)
    region = Box(0, 258, 1920, 1080)
    checked, matched = 0, 0
    for frame in _frames(datasets_dir, 6):
        whole = detector.detect(frame)
        assert whole.confidence is not None
        inside = (whole.confidence >= 0.5) & (whole.xyxy[:, 1] >= region.y1)
        part = detector.detect_region(frame, region)
        assert len(part) and part.xyxy[:, 1].min() >= region.y1 - 1  # moved back into the frame
        if inside.any():
            iou = sv.box_iou_batch(whole.xyxy[inside], part.xyxy)
            matched += int((iou.max(axis=1) >= 0.5).sum())
            checked += int(inside.sum())
    assert checked >= 10 and matched >= 0.9 * checked


@pytest.mark.integration
def test_the_twin_runs_a_region_and_close_ups_at_once_as_one_at_a_time(
    model_dir: Path, datasets_dir: Path, derived_dir: Path
) -> None:
    """Two shapes of one model run at once (each has its own infer request and lock): the detection
    thread's regions beside the main thread's close-up looks, both on the twin."""
    from concurrent.futures import ThreadPoolExecutor

    detector = YoloDetector(model_dir, derived_dir=derived_dir)
    frames = _frames(datasets_dir, 4)
    region = Box(0, 258, 1920, 1080)
    crops = [f[300:700, 300:700] for f in frames]
    alone = [detector.detect_region(f, region).xyxy for f in frames]
    alone += [detector.detect_close(c).xyxy for c in crops]
    with ThreadPoolExecutor(2) as pool:
        regions = pool.map(lambda f: detector.detect_region(f, region), frames)
        close = pool.map(detector.detect_close, crops)
        together = [d.xyxy for d in regions] + [d.xyxy for d in close]
    assert all(np.array_equal(a, b) for a, b in zip(alone, together, strict=True))
