"""No-helmet rule from hand-built head results; the packaged helmet model on real photos.

The integration floor is the per-class F1 measured on the fixed 60-image subset (every k-th image of
helmet_riders, see bench/helmet.py) minus a margin; the full-set numbers are in docs/BENCHMARKS.md.
"""

from __future__ import annotations

import importlib.util
from types import ModuleType

import numpy as np
import pytest

from echallan.detection.helmet import HeadResult, HelmetDetector
from echallan.rules.helmet import NoHelmetFinding, could_change, no_helmet
from echallan.testing import bench_script
from echallan.types import Box

RIDER, PILLION = Box(100, 50, 140, 95), Box(150, 40, 188, 85)


def bare(conf: float = 0.8, box: Box = RIDER) -> HeadResult:
    return HeadResult(box, helmet=False, confidence=conf)


def helmeted(conf: float = 0.8, box: Box = RIDER) -> HeadResult:
    return HeadResult(box, helmet=True, confidence=conf)


def test_head_result_is_frozen() -> None:
    head = bare()
    with pytest.raises(AttributeError):
        head.helmet = True  # type: ignore[misc]


def test_helmet_detector_is_an_interface() -> None:
    class Fixed(HelmetDetector):
        def detect(self, image: np.ndarray) -> list[HeadResult]:
            return [helmeted()]

    assert Fixed().detect(np.zeros((4, 4, 3), np.uint8)) == [helmeted()]
    with pytest.raises(TypeError):
        HelmetDetector()  # type: ignore[abstract]


def test_bare_head_in_enough_frames_fires() -> None:
    finding = no_helmet([[bare(0.7)], [bare(0.9)], [bare(0.8)]])
    assert isinstance(finding, NoHelmetFinding)
    assert finding.frames_without == 3 and finding.frames_seen == 3
    assert finding.without_per_frame == (1, 1, 1) and finding.with_per_frame == (0, 0, 0)
    assert finding.confidences == (0.7, 0.9, 0.8)
    assert finding.confidence == pytest.approx(0.8)
    assert finding.best_position == 1 and finding.best_box == RIDER
    inputs = finding.as_inputs()
    assert inputs["frames_without_helmet"] == 3 and inputs["best_box"] == [100, 50, 140, 95]


def test_one_frame_is_not_enough() -> None:
    assert no_helmet([[bare()], [], []]) is None
    assert no_helmet([[bare()], [], []], min_frames=1) is not None


def test_all_helmeted_is_lawful() -> None:
    assert no_helmet([[helmeted(), helmeted(box=PILLION)]] * 5) is None
    assert no_helmet([]) is None
    assert no_helmet([[], [], []]) is None


def test_pillion_without_helmet_fires_with_helmeted_rider() -> None:
    frames = [[helmeted(), bare(0.75, PILLION)], [helmeted(), bare(0.85, PILLION)], [helmeted()]]
    finding = no_helmet(frames)
    assert finding is not None
    assert finding.without_per_frame == (1, 1, 0) and finding.with_per_frame == (1, 1, 1)
    assert finding.frames_with_heads == 3 and finding.best_box == PILLION
    assert finding.max_riders_without == 1


def test_both_riders_bare_are_counted() -> None:
    finding = no_helmet([[bare(), bare(0.6, PILLION)], [bare(), bare(0.7, PILLION)]])
    assert finding is not None and finding.max_riders_without == 2
    assert finding.without_per_frame == (2, 2)


def test_weak_bare_heads_are_ignored() -> None:
    assert no_helmet([[bare(0.3)], [bare(0.35)], [bare(0.39)]]) is None
    assert no_helmet([[bare(0.3)], [bare(0.4)], [bare(0.45)]]) is not None  # two at MIN_CONFIDENCE or more
    assert no_helmet([[bare(0.3)], [bare(0.35)]], min_confidence=0.25) is not None


def test_flicker_on_a_helmeted_rider_does_not_fire() -> None:
    # 2 misread frames out of 8 where the rider is seen: under the default share of 0.5
    frames = [[helmeted()]] * 6 + [[bare()]] * 2
    assert no_helmet(frames) is None
    assert no_helmet(frames, min_share=0.25) is not None


def test_frames_at_exactly_the_share_fire() -> None:
    frames = [[helmeted()], [helmeted()], [bare()], [bare()]]
    finding = no_helmet(frames)
    assert finding is not None and finding.frames_without == 2 and finding.frames_with_heads == 4


def test_min_frames_must_be_positive() -> None:
    with pytest.raises(ValueError, match="min_frames"):
        no_helmet([[bare()]], min_frames=0)


def test_looking_stops_once_more_frames_cannot_change_the_decision() -> None:
    assert could_change([], 2)  # nothing seen yet, two frames to look at
    assert not could_change([[helmeted()]], 1)  # one helmeted frame, one left: at most 1 bare frame
    assert could_change([[bare()]], 1)
    assert not could_change([[bare(0.3)]], 1)  # a weak bare head does not count
    assert could_change([[helmeted()], [bare()]], 1, min_frames=2)
    # fired already: two bare frames of two, and one helmeted frame more would leave 2 of 3
    assert not could_change([[bare()], [bare()]], 1)
    # fired, but two helmeted frames more would make it 2 of 4, still half: settled; 3 more would not be
    assert not could_change([[bare()], [bare()]], 2)
    assert could_change([[bare()], [bare()]], 3)
    # one helmeted frame seen: 2 bare of 3 fires; one helmeted frame more gives 2 of 4, still half
    assert not could_change([[bare()], [helmeted()], [bare()]], 1)
    assert could_change([[bare()], [helmeted()], [bare()]], 2)


def test_missing_package_names_pip_install(monkeypatch: pytest.MonkeyPatch) -> None:
    from echallan.detection import helmet
    from echallan.errors import ModelNotFoundError

    monkeypatch.setattr(helmet, "PACKAGE", "no_such_helmet_pkg_xyz")
    with pytest.raises(ModelNotFoundError, match="pip install helmet-detector"):
        helmet.packaged_weights()


# --- integration: the real packaged model on real photos -------------------------------------

#: Measured on this subset at the detector defaults (imgsz 416, conf 0.35): helmet F1 0.907 (83 heads),
#: no-helmet F1 0.917 (36 heads); floors leave ~0.06 / ~3 heads of margin.
SUBSET = 60
FLOOR_HELMET = 0.85
FLOOR_WITHOUT = 0.83


def _helmet_subset() -> tuple[ModuleType, list[object]]:
    bench = bench_script("helmet")
    root = bench.dataset_dir()
    if not (root / "labels.csv").exists():
        pytest.skip(f"dataset helmet_riders not found at {root}")
    return bench, bench.subset(bench.load_images(root), SUBSET)


@pytest.mark.integration
def test_packaged_model_scores_on_helmet_riders() -> None:
    pytest.importorskip("ultralytics")
    if importlib.util.find_spec("helmet_detector_pkg") is None:
        pytest.skip("helmet-detector is not installed (pip install helmet-detector)")
    bench, images = _helmet_subset()
    from echallan.detection.helmet import YoloHelmetDetector

    detector = YoloHelmetDetector()
    assert detector.adapted == 8  # every area-attention block of the YOLOv12m checkpoint
    _check_scores(bench, detector, images)


@pytest.mark.integration
def test_int8_export_scores_on_helmet_riders() -> None:
    """The committed INT8 OpenVINO export (the pipeline's default) keeps the floors too."""
    from echallan.detection.helmet import default_helmet_detector

    bench, images = _helmet_subset()
    detector = default_helmet_detector()
    assert detector.__class__.__name__ == "OpenVinoHelmetDetector"
    _check_scores(bench, detector, images)


def _check_scores(bench: ModuleType, detector: HelmetDetector, images: list[object]) -> None:
    preds, _ = bench.run(detector, images)
    assert all(isinstance(h, HeadResult) for heads in preds for h in heads)
    counts = bench.evaluate(images, preds, 0.0)
    assert counts.f1(True) >= FLOOR_HELMET, (counts.f1(True), counts.tp, counts.fp, counts.fn)
    assert counts.f1(False) >= FLOOR_WITHOUT, (counts.f1(False), counts.tp, counts.fp, counts.fn)
