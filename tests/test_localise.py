"""Plate localisation: pure parts with hand-made inputs, the reader's located-plate path with fakes, and
the committed plate detector on real held-out photos (integration)."""

from __future__ import annotations

import csv
from pathlib import Path

import numpy as np
import pytest

from echallan.anpr.localise import (
    PlateBox,
    PlateLocaliser,
    TextDetLocaliser,
    decode,
    grow,
    input_size,
    join_pieces,
    letterbox,
    suppress,
)
from echallan.anpr.ocr import OcrBackend, Recogniser, TextLine
from echallan.anpr.reader import PLATE_TEXT_HEIGHT, PlateReader
from echallan.types import Box, Layout


def line(text: str, x1: float, y1: float, x2: float, y2: float, conf: float = 0.9) -> TextLine:
    return TextLine(text, conf, Box(x1, y1, x2, y2))


# ------------------------------------------------------------------------------------------ pure parts


def test_iou_and_suppress() -> None:
    a, b, c = Box(0, 0, 10, 10), Box(5, 0, 15, 10), Box(50, 50, 60, 60)
    assert a.iou(a) == 1.0 and a.iou(c) == 0.0 and a.iou(b) == pytest.approx(1 / 3)
    kept = suppress(
        [PlateBox(a, 0.5), PlateBox(Box(1, 0, 11, 10), 0.9), PlateBox(c, 0.2), PlateBox(Box(2, 2, 5, 5), 0.3)]
    )
    assert [p.confidence for p in kept] == [0.9, 0.2]


def test_join_pieces_makes_one_plate_of_its_halves_only() -> None:
    left, right = PlateBox(Box(100, 50, 900, 300), 0.4), PlateBox(Box(600, 60, 1400, 310), 0.7)
    assert join_pieces([left, right]) == [PlateBox(Box(100, 50, 1400, 310), 0.7)]
    three = [left, right, PlateBox(Box(1300, 55, 1900, 305), 0.3)]  # joined one after the other
    assert join_pieces(three) == [PlateBox(Box(100, 50, 1900, 310), 0.7)]
    apart = PlateBox(Box(1000, 50, 1800, 300), 0.5)  # side by side, not overlapping: another plate
    assert join_pieces([left, apart]) == [apart, left]
    below = PlateBox(Box(100, 400, 900, 650), 0.5)  # another row (a two-line plate's rows stay apart)
    assert join_pieces([left, below]) == [below, left]
    sticker = PlateBox(Box(150, 80, 400, 280), 0.9)  # inside the plate: a word on it
    assert join_pieces([left, sticker]) == [sticker, left]


def test_grow_is_in_heights_and_clipped() -> None:
    assert grow(Box(10, 10, 50, 20), 0.5, 0.5, 100, 100) == Box(5, 5, 55, 25)
    assert grow(Box(0, 0, 50, 20), 1.0, 1.0, 60, 30) == Box(0, 0, 60, 30)


def test_input_size_follows_the_image() -> None:
    assert input_size(640) == 320  # a vehicle crop shrunk to 640 px
    assert input_size(641) == 640
    assert input_size(4000) == 640


def test_letterbox_keeps_aspect_top_left() -> None:
    blob, scale = letterbox(np.full((100, 200, 3), 255, np.uint8), 320)
    assert blob.shape == (1, 3, 320, 320) and scale == 1.6
    assert blob[0, :, 159, 319].tolist() == [1.0, 1.0, 1.0]  # the image
    assert blob[0, 0, 161, 0] == pytest.approx(114 / 255)  # padding below it


def test_decode_scales_back_and_suppresses_duplicates() -> None:
    # 4 anchors: cx, cy, w, h, score in letterboxed input pixels
    out = np.array(
        [[[100, 102, 200, 10], [50, 51, 80, 10], [40, 40, 20, 4], [20, 20, 10, 2], [0.9, 0.8, 0.7, 0.1]]]
    )
    found = decode(out.astype(np.float32), 0.5, conf=0.25, overlap=0.5, limit=5)
    assert [round(p.confidence, 2) for p in found] == [0.9, 0.7]
    assert found[0].box == Box(160, 80, 240, 120)
    assert decode(out.astype(np.float32), 1.0, conf=0.95, overlap=0.5, limit=5) == []


class Lines(OcrBackend):
    def __init__(self, lines: list[TextLine]) -> None:
        self.lines = lines

    def predict(self, image: np.ndarray) -> list[TextLine]:
        return self.lines


def test_text_regions_group_into_plates() -> None:
    two_line = [line("KA05", 110, 100, 190, 130), line("HS4495", 100, 135, 200, 165)]
    found = TextDetLocaliser(Lines([*two_line, line("ARIZONA", 300, 0, 400, 30)])).locate(
        np.zeros((400, 500, 3))
    )
    assert len(found) == 1  # the stacked lines are one plate; the name alone is no plate
    assert found[0].box == Box(100, 100 - 3.25, 200, 165 + 3.25)  # both rows, grown a tenth of a row


# ---------------------------------------------------------------------------- reader with a localiser


class FixedPlates(PlateLocaliser):
    def __init__(self, boxes: list[Box]) -> None:
        self.boxes = boxes
        self.calls = 0

    def locate(self, image: np.ndarray) -> list[PlateBox]:
        self.calls += 1
        return [PlateBox(b, 0.9) for b in self.boxes]


class Scripted(OcrBackend, Recogniser):
    """Recognises ``whole`` on any crop; ``predict`` returns ``lines`` and records the image shapes."""

    def __init__(self, whole: str, lines: list[TextLine]) -> None:
        self.whole, self.lines = whole, lines
        self.predicted: list[tuple[int, ...]] = []
        self.recognised: list[tuple[int, ...]] = []

    def predict(self, image: np.ndarray) -> list[TextLine]:
        self.predicted.append(image.shape[:2])
        return self.lines

    def recognise(self, crop: np.ndarray) -> TextLine:
        self.recognised.append(crop.shape[:2])
        return TextLine(self.whole, 0.99, Box(0, 0, crop.shape[1], crop.shape[0]))


IMAGE = np.random.default_rng(0).integers(0, 256, (480, 640, 3), dtype=np.uint8)
PLATE = Box(200, 300, 400, 350)


def test_a_sure_whole_plate_read_needs_no_text_detection() -> None:
    backend = Scripted("MH 12 AB 1234", [])
    reads = PlateReader(backend, FixedPlates([PLATE])).read(IMAGE)
    assert reads[0].text == "MH12AB1234" and reads[0].valid and reads[0].box == PLATE
    assert backend.predicted == []
    ((h, w),) = backend.recognised
    assert 30 < h < 40 and 200 < w < 215  # the plate, its top and bottom trimmed (border, frame text)


def test_an_unsure_plate_finds_its_rows_on_the_plate_crop_only() -> None:
    # a two-line plate: recognised whole it is junk; the text path on the crop finds both rows
    rows = [line("KA05", 100, 23, 367, 77, 0.98), line("HS4495", 67, 83, 433, 137, 0.98)]  # at 160 px
    backend = Scripted("KA05 HS4495 JUNK", rows)
    reads = PlateReader(backend, FixedPlates([PLATE])).read(IMAGE)
    assert reads[0].text == "KA05HS4495" and reads[0].layout is Layout.TWO_LINE
    ((h, w),) = backend.predicted  # the plate with a margin (rows stay whole), brought to PLATE_TEXT_HEIGHT
    assert h == PLATE_TEXT_HEIGHT and 3.0 < w / h < 3.6
    box = reads[0].box  # back in image coordinates, inside the plate
    assert box is not None and PLATE.x1 < box.x1 < box.x2 < PLATE.x2 and PLATE.y1 < box.y1 < box.y2 < PLATE.y2


def test_nothing_located_falls_back_to_the_text_path() -> None:
    backend = Scripted("", [line("MH12AB1234", 10, 10, 110, 30, 0.99)])
    localiser = FixedPlates([])
    reads = PlateReader(backend, localiser, min_side=0).read(IMAGE)
    assert reads[0].text == "MH12AB1234" and localiser.calls == 1
    assert backend.predicted == [IMAGE.shape[:2]]


def test_without_search_whole_nothing_located_means_no_read() -> None:
    backend = Scripted("", [line("MH12AB1234", 10, 10, 110, 30, 0.99)])
    assert PlateReader(backend, FixedPlates([]), min_side=0, search_whole=False).read(IMAGE) == []
    assert backend.predicted == []


def test_a_blank_box_is_no_plate() -> None:
    # a detector may fire on a dark frame; a box without contrast is not read (the text path runs)
    backend = Scripted("MH12AB1234", [])
    assert PlateReader(backend, FixedPlates([PLATE]), min_side=0).read(np.zeros_like(IMAGE)) == []
    assert backend.recognised == [] and backend.predicted == [IMAGE.shape[:2]]


def test_without_a_localiser_only_the_text_path_runs() -> None:
    backend = Scripted("MH12AB1234", [line("MH12AB1234", 10, 10, 110, 30, 0.99)])
    reads = PlateReader(backend, None).read(IMAGE)
    assert reads[0].text == "MH12AB1234" and backend.recognised == []


# --------------------------------------------------------------------------------------------- real

HELD_OUT_FIRST = 40  # the first K held-out photos (odd rows of labels.csv) per set
# Plates found at IoU >= 0.5 on them (whole photos, vehicle crops) with the committed weights: US 39 and
# 40, india 37 and 37 (of the 3 india misses, 2 photos show no readable plate); floors a few photos lower.
FLOORS = {"openalpr_us": (36, 37), "india_plates_dev": (34, 34)}


@pytest.mark.integration
@pytest.mark.parametrize("name", sorted(FLOORS))
def test_plate_detector_finds_held_out_plates(datasets_dir: Path, name: str) -> None:
    import cv2

    from echallan.anpr.localise import YoloPlateLocaliser

    localiser = YoloPlateLocaliser()
    with open(datasets_dir / name / "labels.csv", newline="") as f:
        rows = list(csv.DictReader(f))[1::2][:HELD_OUT_FIRST]
    found = [0, 0]
    for r in rows:
        image = cv2.imread(str(datasets_dir / name / "images" / r["image"]))
        assert image is not None, r["image"]
        plate = Box(*(float(r[k]) for k in ("x1", "y1", "x2", "y2")))
        cx, cy, pw = (plate.x1 + plate.x2) / 2, (plate.y1 + plate.y2) / 2, plate.width
        cut = Box(cx - 2 * pw, cy - 1.5 * pw, cx + 2 * pw, cy + 1.5 * pw).clipped(
            image.shape[1], image.shape[0]
        )
        x, y = int(cut.x1), int(cut.y1)
        crop = image[y : int(cut.y2), x : int(cut.x2)]
        for i, (picture, box) in enumerate(((image, plate), (crop, plate.offset(-x, -y)))):
            found[i] += any(p.box.iou(box) >= 0.5 for p in localiser.locate(picture))
    floor = FLOORS[name]
    assert found[0] >= floor[0] and found[1] >= floor[1], (
        f"{name}: found {found} of {len(rows)}, floor {floor}"
    )
