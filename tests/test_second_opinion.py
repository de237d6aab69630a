"""A read that would be auto-accepted is checked by the plate recogniser (``PlateReader._second_opinion``)."""

from __future__ import annotations

import numpy as np
import pytest

from echallan.anpr.localise import PlateBox, PlateLocaliser
from echallan.anpr.ocr import OcrBackend, Recogniser, TextLine
from echallan.anpr.reader import PlateReader
from echallan.anpr.scoring import AUTO_ACCEPT_THRESHOLD, DISAGREE_FACTOR
from echallan.types import Box, PlateRead


class OnePlate(PlateLocaliser):
    def locate(self, image: np.ndarray) -> list[PlateBox]:
        return [PlateBox(Box(100, 50, 300, 110), 0.9)]


class Reads(OcrBackend, Recogniser):
    """Recognises every crop as ``text``; detects nothing."""

    def __init__(self, text: str) -> None:
        self.text, self.calls = text, 0

    def predict(self, image: np.ndarray) -> list[TextLine]:
        return []

    def recognise(self, crop: np.ndarray) -> TextLine:
        self.calls += 1
        box = Box(0, 0, crop.shape[1], crop.shape[0])
        return TextLine(self.text, 0.99, box, (), (0.99,) * len(self.text))


def top(main: str, second: str) -> tuple[PlateRead, int]:
    image = np.random.default_rng(0).integers(0, 255, (200, 400, 3), dtype=np.uint8)
    plate_recogniser = Reads(second)
    reads = PlateReader(Reads(main), OnePlate(), foreign=plate_recogniser).read(image)
    return reads[0], plate_recogniser.calls


def test_a_read_the_plate_recogniser_reads_otherwise_goes_to_a_reviewer() -> None:
    read, calls = top("AN 84 ND 5044", "AN84MD5044")
    assert read.text == "AN84ND5044" and calls == 1
    assert not read.auto_accept(AUTO_ACCEPT_THRESHOLD)
    assert read.confidence == pytest.approx(0.99 * DISAGREE_FACTOR)


@pytest.mark.parametrize("second", ["AN84ND5044", "AN 84 ND 5O44", "ND5044"])
def test_agreement_or_a_shorter_read_leaves_the_read_auto_accepted(second: str) -> None:
    read, _ = top("AN 84 ND 5044", second)  # the same; O for 0; small text skipped
    assert read.text == "AN84ND5044" and read.auto_accept(AUTO_ACCEPT_THRESHOLD)
