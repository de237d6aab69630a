"""Small print beside a foreign plate's number: the pure helpers and the reader's use of them (fakes)."""

from __future__ import annotations

import numpy as np
import pytest

from echallan.anpr.localise import PlateBox, PlateLocaliser
from echallan.anpr.ocr import OcrBackend, Recogniser, TextDetector, TextLine
from echallan.anpr.reader import PlateReader
from echallan.anpr.smallprint import MIN_NUMBER, framed_by_words, number_span, text_height, trimmed
from echallan.types import Box

# the text boxes rapidocr's detector gave on Idaho's B 33333 (the plate's crop at 160 px tall)
IDAHO_B = Box(16, 40, 49, 111)
IDAHO_NUMBER = Box(103, 17, 321, 131)


def test_a_single_letter_box_holds_text_as_high_as_a_long_line_box() -> None:
    assert IDAHO_B.height < 0.65 * IDAHO_NUMBER.height  # the boxes differ...
    assert text_height(IDAHO_B) == pytest.approx(text_height(IDAHO_NUMBER), rel=0.05)  # ...the text does not


def test_text_height_rises_with_the_box() -> None:
    boxes = (20, 40, 60, 80)
    heights = [text_height(Box(0, 0, 200, h)) for h in boxes]
    assert heights == sorted(heights) and all(0 < h < b for h, b in zip(heights, boxes, strict=True))


def test_no_span_without_small_print_beside_the_number() -> None:
    assert number_span([]) is None
    assert number_span([IDAHO_NUMBER]) is None
    assert number_span([IDAHO_B, IDAHO_NUMBER]) is None  # the B is full height: part of the number
    sticker = Box(260, 120, 321, 157)  # low in a corner, not beside the number's middle
    state = Box(28, 0, 228, 42)  # the state's name above
    assert number_span([IDAHO_NUMBER, sticker, state]) is None


def test_stacked_letters_beside_the_number_are_small_print() -> None:
    number = Box(120, 30, 300, 135)
    stacked = Box(60, 60, 100, 100)  # half as high, beside the number's middle
    span = number_span([number, stacked])
    assert span is not None and span.box == number and (span.left, span.right) == (True, False)
    span = number_span([number, Box(305, 60, 330, 100)])
    assert span is not None and (span.left, span.right) == (False, True)


def test_words_split_by_a_graphic_are_one_number() -> None:
    plt, frm, badge = Box(10, 30, 120, 135), Box(190, 30, 300, 135), Box(305, 60, 330, 100)
    span = number_span([plt, frm, badge])
    assert span is not None and (span.box.x1, span.box.x2) == (10, 300)


STATE = Box(110, 0, 300, 16)  # the state's name above the number
SLOGAN = Box(130, 134, 300, 158)  # a slogan under it


def test_words_above_and_below_the_number_are_a_foreign_look() -> None:
    assert framed_by_words([IDAHO_NUMBER, STATE, SLOGAN])
    assert framed_by_words([IDAHO_B, IDAHO_NUMBER, STATE, SLOGAN])  # the full-height B is part of the number


def test_words_on_one_side_or_no_words_are_no_foreign_look() -> None:
    assert not framed_by_words([])
    assert not framed_by_words([IDAHO_NUMBER])
    assert not framed_by_words([IDAHO_NUMBER, STATE])  # a dealer's name over an Indian plate
    assert not framed_by_words([IDAHO_NUMBER, SLOGAN])
    assert not framed_by_words([IDAHO_NUMBER, STATE, Box(200, 132, 230, 158)])  # a sticker, not a word
    assert not framed_by_words([IDAHO_NUMBER, STATE, Box(330, 134, 500, 158)])  # off to the side


def test_the_rows_of_a_two_line_plate_are_no_words_around_a_number() -> None:
    top, bottom = Box(60, 10, 240, 75), Box(40, 85, 260, 150)  # MH 12 / AB 1234: both rows full height
    assert not framed_by_words([top, bottom])
    assert framed_by_words([Box(60, 0, 240, 14), top, bottom, Box(60, 152, 240, 166)])


@pytest.mark.parametrize(
    ("whole", "number", "left", "right", "expected"),
    [
        ("N46914", "46914", True, False, "46914"),
        ("HERF3887", "3887", True, True, "3887"),
        ("LFED0N0R", "D0NOR", True, False, "D0N0R"),  # O and 0 are one; the whole read's characters stay
        ("N46914", "46914", False, True, None),  # small print on the other side only
        ("ABC123X", "ABC123", True, False, None),
        ("N46914", "46914X", True, True, None),  # not inside the whole read: nothing is added
        ("46914", "46914", True, True, None),  # nothing to trim
        ("4779", "779", True, True, None),  # too short to trust
    ],
)
def test_trimmed(whole: str, number: str, left: bool, right: bool, expected: str | None) -> None:
    assert trimmed(whole, number, left, right) == expected


def test_min_number_is_a_plate_number_length() -> None:
    assert trimmed("X1234", "1234") == "1234" and len("1234") == MIN_NUMBER


class OnePlate(PlateLocaliser):
    def locate(self, image: np.ndarray) -> list[PlateBox]:
        return [PlateBox(Box(100, 50, 300, 110), 0.9)]


class Unsure(OcrBackend, Recogniser):
    """The shipped recogniser: reads nothing sure, detects nothing."""

    def predict(self, image: np.ndarray) -> list[TextLine]:
        return []

    def recognise(self, crop: np.ndarray) -> TextLine:
        return TextLine("", 0.0, Box(0, 0, crop.shape[1], crop.shape[0]))


class SmallPrintPlate(OcrBackend, Recogniser, TextDetector):
    """A plate recogniser on a plate whose number has ``beside`` (or nothing) next to it: a crop narrower
    than the plate is the number alone; the text boxes are the number and, if any, ``beside``."""

    def __init__(self, beside: tuple[float, float, float, float] | None) -> None:
        self.beside = beside
        self.detected = 0

    def predict(self, image: np.ndarray) -> list[TextLine]:
        return []

    def recognise(self, crop: np.ndarray) -> TextLine:
        text = "46914" if crop.shape[1] < 180 else "N46914"
        return TextLine(text, 0.99, Box(0, 0, crop.shape[1], crop.shape[0]), (), (0.99,) * len(text))

    def detect(self, image: np.ndarray) -> list[Box]:
        self.detected += 1
        h, w = image.shape[:2]
        boxes = [Box(0.25 * w, 0.1 * h, 0.95 * w, 0.9 * h)]
        if self.beside is not None:
            x1, y1, x2, y2 = self.beside
            boxes.append(Box(x1 * w, y1 * h, x2 * w, y2 * h))
        return boxes


def read_top(foreign: SmallPrintPlate) -> str:
    image = np.random.default_rng(0).integers(0, 255, (200, 400, 3), dtype=np.uint8)
    reads = PlateReader(Unsure(), OnePlate(), foreign=foreign).read(image)
    return reads[0].text


def test_small_print_beside_the_number_is_trimmed_off_the_whole_read() -> None:
    foreign = SmallPrintPlate(beside=(0.03, 0.35, 0.2, 0.65))
    assert read_top(foreign) == "46914"
    assert foreign.detected == 1


def test_a_whole_read_stays_without_small_print_beside_the_number() -> None:
    assert read_top(SmallPrintPlate(beside=None)) == "N46914"
    assert read_top(SmallPrintPlate(beside=(0.03, 0.75, 0.2, 0.95))) == "N46914"  # a corner sticker


class SpeckPlate(SmallPrintPlate):
    """The number's text box is a speck, far under the 4 px a crop needs."""

    def detect(self, image: np.ndarray) -> list[Box]:
        h, w = image.shape[:2]
        return [Box(0.5 * w, 0.5 * h, 0.5 * w + 1, 0.5 * h + 1), Box(0.02 * w, 0.5 * h, 0.2 * w, 0.5 * h + 1)]


def test_a_speck_of_a_number_is_not_read_alone() -> None:
    assert read_top(SpeckPlate(beside=None)) == "N46914"
