"""A read that would be auto-accepted is checked by the plate recogniser (``PlateReader._second_opinion``)."""

from __future__ import annotations

import numpy as np
import pytest

from echallan.anpr.localise import PlateBox, PlateLocaliser
from echallan.anpr.ocr import OcrBackend, Recogniser, TextDetector, TextLine
from echallan.anpr.reader import PlateReader
from echallan.anpr.scoring import (
    AUTO_ACCEPT_THRESHOLD,
    DISAGREE_FACTOR,
    DOUBT_FOREIGN_LOOK,
    FOREIGN_LOOK_FACTOR,
    NEAR_SURE,
    lost_character,
    lost_series_letter,
    may_have_lost_a_letter,
    same_plate,
)
from echallan.anpr.variants import WHOLE_MARGINS
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
    assert read.doubts == ("the plate recogniser reads AN84MD5044",)


@pytest.mark.parametrize("second", ["AN84ND5044", "AN 84 ND 5O44", "ND5044", "AN84ND5044TEMP", "XAN84ND5044"])
def test_agreement_a_shorter_read_or_no_plate_leaves_the_read_auto_accepted(second: str) -> None:
    # the same; O for 0; small text skipped; longer, but no valid Indian plate (a temporary plate's word)
    read, calls = top("AN 84 ND 5044", second)
    assert read.text == "AN84ND5044" and read.auto_accept(AUTO_ACCEPT_THRESHOLD)
    # a longer read sends the recogniser to the plate's other crops for a character more; none has one. An
    # agreeing read of a two-letter series, or a shorter read, ends the look.
    assert calls == (len(WHOLE_MARGINS) if len(second.replace(" ", "")) > 10 else 1)


@pytest.mark.parametrize(("main", "second"), [("HP 30 TC 6", "HP30TC6922"), ("PY 41 Q 3384", "PY41RQ3384")])
def test_a_valid_read_with_a_character_more_goes_to_a_reviewer(main: str, second: str) -> None:
    read, _ = top(main, second)  # the read lost a character the plate recogniser sees
    assert not read.auto_accept(AUTO_ACCEPT_THRESHOLD)
    assert read.doubts[-1] == f"the plate recogniser reads {second}"


class ReadsInTurn(Reads):
    """Recognises the n-th crop as the n-th of ``texts`` (the last one after)."""

    def __init__(self, *texts: str) -> None:
        super().__init__(texts[0])
        self.texts = texts

    def recognise(self, crop: np.ndarray) -> TextLine:
        self.text = self.texts[min(self.calls, len(self.texts) - 1)]
        return super().recognise(crop)


def test_an_agreeing_read_on_the_tight_crop_sends_the_recogniser_to_the_next_crop() -> None:
    """bench/stress.py ``--seed 2035`` plate 265: UP26X5461, read sure for UP26MX5461, which the plate
    recogniser reads alike on the tight crop and with the M on the next."""
    image = np.random.default_rng(0).integers(0, 255, (200, 400, 3), dtype=np.uint8)
    plate_recogniser = ReadsInTurn("UP26X5461", "UP26MX5461")
    read = PlateReader(Reads("UP 26 X 5461"), OnePlate(), foreign=plate_recogniser).read(image)[0]
    assert plate_recogniser.calls == 2
    assert read.text == "UP26X5461" and not read.auto_accept(AUTO_ACCEPT_THRESHOLD)
    assert read.doubts == ("the plate recogniser reads UP26MX5461",)


@pytest.mark.parametrize(
    ("text", "may"),
    [
        ("UP26X5461", True),  # one series letter: UP26MX5461 with its M lost reads so
        ("T1026KL5865W", True),  # a temporary plate: its letters vary in number
        ("22BH1234A", True),  # a BH plate
        ("UP26MX5461", False),  # two series letters
        ("DL3CCA1750", False),  # three
    ],
)
def test_may_have_lost_a_letter(text: str, may: bool) -> None:
    assert may_have_lost_a_letter(text) is may


def test_a_longer_read_sends_the_recogniser_to_the_plates_other_crops() -> None:
    image = np.random.default_rng(0).integers(0, 255, (200, 400, 3), dtype=np.uint8)
    plate_recogniser = ReadsInTurn("HP30TG6922", "HP30TC69")  # the tight crop's read holds no HP30TC6
    read = PlateReader(Reads("HP 30 TC 6"), OnePlate(), foreign=plate_recogniser).read(image)[0]
    assert plate_recogniser.calls == 2
    assert read.text == "HP30TC6" and not read.auto_accept(AUTO_ACCEPT_THRESHOLD)
    assert read.doubts == ("the plate recogniser reads HP30TC69",)


@pytest.mark.parametrize(
    ("text", "other", "lost"),
    [
        ("PY41Q3384", "RQ3384", True),  # the plate is PY41RQ3384; state and district skipped
        ("TS09EB1458", "EB1458", False),  # the same series and number
        ("MH02BK9793", "PK9793", False),  # another letter, not one more
        ("LA65PH4039", "PH4039A", False),  # not a series and number alone
        ("KA031351", "RQ1351", False),  # no series letters in the read: nothing to compare
    ],
)
def test_lost_series_letter(text: str, other: str, lost: bool) -> None:
    assert lost_series_letter(text, other) is lost


def test_a_series_letter_more_on_the_tight_crop_goes_to_a_reviewer() -> None:
    read, calls = top("PY 41 Q 3384", "RQ3384")
    assert calls == 1 and not read.auto_accept(AUTO_ACCEPT_THRESHOLD)
    assert read.doubts == ("the plate recogniser reads RQ3384",)


@pytest.mark.parametrize(
    ("text", "other", "lost"),
    [
        ("HP30TC6", "HP30TC6922", True),
        ("T1026KL5865W", "T1026KL5865WJ", True),
        ("PY41Q3384", "PY41RQ3384", True),
        ("KL10AV6633", "KL10AVG6331", False),  # longer, but not holding the read: another misread
        ("MH13BN4348", "MH134348", False),  # shorter: small text skipped
        ("AN84ND5044", "AN84ND5044", False),
        ("KA01AB0123", "KA01ABO1234", True),  # O and 0 are one
    ],
)
def test_lost_character(text: str, other: str, lost: bool) -> None:
    assert lost_character(text, other) is lost


class Framed(Reads, TextDetector):
    """Reads every crop as ``text``; detects the number's box and lines of words at the given sides."""

    def __init__(self, text: str, sides: tuple[str, ...]) -> None:
        super().__init__(text)
        self.sides = sides

    def detect(self, image: np.ndarray) -> list[Box]:
        h, w = image.shape[:2]
        words = {
            "above": Box(0.3 * w, 0.02 * h, 0.7 * w, 0.14 * h),
            "below": Box(0.3 * w, 0.86 * h, 0.7 * w, 0.98 * h),
        }
        return [Box(0.1 * w, 0.2 * h, 0.9 * w, 0.8 * h), *(words[s] for s in self.sides)]


def framed_top(sides: tuple[str, ...]) -> PlateRead:
    image = np.random.default_rng(0).integers(0, 255, (200, 400, 3), dtype=np.uint8)
    return PlateReader(Reads("DL 1N 2513"), OnePlate(), foreign=Framed("DL1N2513", sides)).read(image)[0]


def test_a_plate_with_words_above_and_below_its_number_goes_to_a_reviewer() -> None:
    read = framed_top(("above", "below"))  # a state's name and a slogan: a foreign plate's look
    assert read.text == "DL1N2513" and not read.auto_accept(AUTO_ACCEPT_THRESHOLD)
    assert read.confidence == pytest.approx(0.99 * FOREIGN_LOOK_FACTOR)
    assert read.doubts == (DOUBT_FOREIGN_LOOK,)


@pytest.mark.parametrize("sides", [(), ("above",), ("below",)])
def test_words_on_one_side_leave_the_read_auto_accepted(sides: tuple[str, ...]) -> None:
    assert framed_top(sides).auto_accept(AUTO_ACCEPT_THRESHOLD)


class ReadsAt(Reads):
    """Recognises the n-th crop as the n-th of ``reads`` (text, confidence; the last one after)."""

    def __init__(self, *reads: tuple[str, float]) -> None:
        super().__init__(reads[0][0])
        self.reads = reads

    def recognise(self, crop: np.ndarray) -> TextLine:
        text, confidence = self.reads[min(self.calls, len(self.reads) - 1)]
        self.calls += 1
        box = Box(0, 0, crop.shape[1], crop.shape[0])
        return TextLine(text, confidence, box, (), (confidence,) * len(text))


def near_sure(*reads: tuple[str, float]) -> tuple[PlateRead, int]:
    image = np.random.default_rng(0).integers(0, 255, (200, 400, 3), dtype=np.uint8)
    main = ReadsAt(*reads)
    read = PlateReader(main, OnePlate(), foreign=Reads("QJ0451")).read(image)[0]  # a shorter second opinion
    return read, main.calls


def test_a_near_sure_read_the_next_crop_reads_otherwise_more_surely_goes_to_a_reviewer() -> None:
    """bench/stress.py ``--seed 2035`` plate 149: SK49QJ0451 read SK40QJ0451 at 0.921 on the tight crop,
    SK49QJ0451 at 0.961 on the next."""
    read, calls = near_sure(("SK 40 QJ 0451", 0.93), ("SK49QJ0451", 0.96))
    assert calls == 2 and read.text == "SK40QJ0451"
    assert not read.auto_accept(AUTO_ACCEPT_THRESHOLD)
    assert read.doubts == ("the plate's next crop reads SK49QJ0451",)


@pytest.mark.parametrize(
    "reads",
    [
        (("SK 40 QJ 0451", 0.97), ("SK49QJ0451", 0.99)),  # sure enough: one crop's read is kept, unread again
        (("SK 40 QJ 0451", 0.93), ("SK49QJ0451", 0.925)),  # the next crop's read is less sure
        (("SK 40 QJ 0451", 0.93), ("SK 4O QJ 0451", 0.96)),  # the same read (O and 0 as one)
        (("SK 40 QJ 0451", 0.93), ("SK40QJ451", 0.96)),  # fewer characters: not another plate of its length
        (("SK 40 QJ 0451", 0.93), ("SK40QJ04510", 0.96)),  # no valid plate
    ],
)
def test_a_near_sure_read_the_next_crop_does_not_contradict_stays_auto_accepted(
    reads: tuple[tuple[str, float], ...],
) -> None:
    read, calls = near_sure(*reads)
    assert read.text == "SK40QJ0451" and read.auto_accept(AUTO_ACCEPT_THRESHOLD)
    assert calls == (1 if reads[0][1] >= NEAR_SURE else 2)


@pytest.mark.parametrize(
    ("text", "other", "same"),
    [
        ("AN84ND5044", "AN84ND5O44", True),
        ("AN84ND5044", "AN84MD5044", False),
        ("KA01AB1234", "KA01AB123", False),
    ],
)
def test_same_plate_takes_o_and_0_as_one(text: str, other: str, same: bool) -> None:
    assert same_plate(text, other) is same
