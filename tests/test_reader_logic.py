"""The reader's pure logic on hand-made text lines: candidate geometry, plate-line reads, calibration."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest

from echallan.anpr import reader as reader_module
from echallan.anpr.grammar import (
    has_state_head,
    interpret,
    is_bottom_row,
    is_indian_part,
    is_indian_tail,
    is_overlay,
    is_short_bottom_row,
    normalise,
)
from echallan.anpr.localise import (
    Candidate,
    PlateBox,
    PlateLocaliser,
    find_candidates,
    height_share,
    line_height,
    noise,
    skipped,
)
from echallan.anpr.ocr import OcrBackend, Recogniser, TextLine
from echallan.anpr.reader import WIDEN_LEFT, PlateReader, containers_first, on_plate
from echallan.anpr.scoring import (
    AUTO_ACCEPT_THRESHOLD,
    CORRECTION_FACTOR,
    FOREIGN_FACTOR,
    JUNK_FACTOR,
    NO_SERIES_FACTOR,
    PLAIN_FACTOR,
    RARE_SERIES_FACTOR,
    SAME_GLYPH_FACTOR,
    SHORT_LINE_FACTOR,
    SKIPPED_TEXT_FACTOR,
    SMALL_TEXT_FACTOR,
    one_per_plate,
    score,
    to_read,
    whole_read,
)
from echallan.anpr.variants import weakest, without_doubtful_char
from echallan.types import Box, Layout, PlateRead


def line(text: str, x1: float, y1: float, x2: float, y2: float, conf: float = 0.99) -> TextLine:
    return TextLine(text, conf, Box(x1, y1, x2, y2))


def texts(cands: list[Candidate]) -> set[str]:
    return {"".join(ln.text for ln in c.lines) for c in cands}


# --------------------------------------------------------------------------- grammar: plate lines, folds


@pytest.mark.parametrize("raw", ["ANYTEXT", "BLOGGER", "498354", "5555"])
def test_plate_line_may_be_letters_or_digits_only(raw: str) -> None:
    assert interpret(raw).country == ""  # elsewhere: a name, a date, a phone number
    p = interpret(raw, plate_line=True)
    assert (p.valid, p.country, p.kind) == (False, "foreign", "plain")


def test_plate_line_keeps_indian_and_mixed_reads() -> None:
    assert interpret("MH12AB1234", plate_line=True).valid
    assert interpret("W17K", plate_line=True).kind == "mixed"
    assert interpret("AB", plate_line=True).country == ""  # too short
    assert interpret("ABCDEFGHIJK", plate_line=True).country == ""  # too long
    assert interpret("ABCDEFG12", plate_line=True).country == ""  # 9-10 characters: letters only


@pytest.mark.parametrize("raw", ["T2R", "692", "BIGCHEESE", "SWEETTHING"])
def test_plate_line_may_be_a_vanity_plate_of_three_characters_or_nine_or_ten_letters(raw: str) -> None:
    assert interpret(raw).country == ""
    p = interpret(raw, plate_line=True)
    assert (p.text, p.valid, p.country) == (raw, False, "foreign")
    assert interpret("MH12AB1234", plate_line=True).valid  # Indian formats first


def test_foreign_reads_fold_o_only() -> None:
    assert interpret("BLOGGER", plate_line=True).text == "BL0GGER"
    assert interpret("QIU1688").text == "QIU1688"  # I and Q as read


def test_shape_corrections_are_counted_apart_from_look_alikes() -> None:
    same = interpret("MH12ABO123")  # O -> 0 in the number: a look-alike
    assert (same.text, same.corrections, same.shape_corrections) == ("MH12AB0123", 1, 0)
    shape = interpret("MK20TC189B")  # K -> H: the recogniser saw another shape
    assert (shape.text, shape.corrections, shape.shape_corrections) == ("MH20TC189B", 1, 1)


@pytest.mark.parametrize(("raw", "plate_line"), [("CGT2069", False), ("JND8425", False), ("1049338", True)])
def test_foreign_read_is_not_bent_into_an_indian_one(raw: str, plate_line: bool) -> None:
    # as read, a plausible foreign plate; Indian only with a shape changed (T -> 1, N -> H, 1 -> L)
    p = interpret(raw, plate_line)
    assert (p.valid, p.country, p.text) == (False, "foreign", raw)


def test_look_alike_corrections_still_make_a_short_read_indian() -> None:
    assert interpret("KL54H369").valid
    assert interpret("DL3CAO123").text == "DL3CA0123"  # O -> 0 is a look-alike, not a shape change
    assert interpret("1049338").text == "LD49338"  # digits only: not a plate outside a located plate


def test_correction_factors() -> None:
    def conf(raw: str) -> float:
        return to_read(Candidate((line(raw, 0, 0, 100, 20, 1.0),), Layout.ONE_LINE)).confidence

    assert conf("MH12AB1234") == pytest.approx(1.0)
    assert conf("MH12ABO123") == pytest.approx(SAME_GLYPH_FACTOR)
    assert conf("MH12ABZ123") < AUTO_ACCEPT_THRESHOLD  # Z -> 2 alone keeps a read from auto-acceptance
    assert conf("MH12ABZ123") == pytest.approx(CORRECTION_FACTOR)
    assert conf("KA031351") == pytest.approx(NO_SERIES_FACTOR)  # valid, but series letters may be lost
    assert conf("KA031351") < AUTO_ACCEPT_THRESHOLD
    assert conf("TN69OML7641") == pytest.approx(RARE_SERIES_FACTOR)  # O is not issued in a series
    assert conf("MH12AI1234") < AUTO_ACCEPT_THRESHOLD
    assert conf("MH14TCE4") == pytest.approx(1.0)  # a temporary plate's letters, none rare
    assert conf("T1026OD7707Y") == pytest.approx(1.0)  # a temporary plate's O of OD, Odisha's state code
    assert conf("DL3C1234") == pytest.approx(1.0)  # Delhi's class letter is a letter after the district


def test_plain_plate_line_scores_below_mixed_foreign() -> None:
    cand = Candidate((line("ANYTEXT", 0, 0, 100, 40, 1.0),), Layout.ONE_LINE)
    assert to_read(cand).text == "ANYTEXT" and to_read(cand).country == ""
    read = to_read(cand, plate_line=True)
    assert read.country == "foreign" and read.confidence == pytest.approx(PLAIN_FACTOR)
    mixed = to_read(Candidate((line("ABC1234", 0, 0, 100, 40, 1.0),), Layout.ONE_LINE), plate_line=True)
    assert mixed.confidence == pytest.approx(FOREIGN_FACTOR)
    short = to_read(Candidate((line("T2R", 0, 0, 100, 40, 1.0),), Layout.ONE_LINE), plate_line=True)
    assert (short.text, short.country) == ("T2R", "foreign")
    assert short.confidence == pytest.approx(FOREIGN_FACTOR * SHORT_LINE_FACTOR)  # below any longer read


def test_a_word_in_lowercase_is_no_plate() -> None:
    word = to_read(Candidate((line("0regon", 0, 0, 100, 40, 1.0),), Layout.ONE_LINE), plate_line=True)
    assert (word.country, word.valid) == ("", False)
    assert word.confidence == pytest.approx(JUNK_FACTOR)
    plate = to_read(Candidate((line("NY 2ND", 0, 0, 100, 40, 1.0),), Layout.ONE_LINE), plate_line=True)
    assert (plate.text, plate.country) == ("NY2ND", "foreign")


@pytest.mark.parametrize("raw", ["13:17:05", "8 13:17:05", "09:45", "2014-05-08", "08/05/2014", "08.05.14"])
def test_a_camera_time_or_date_stamp_is_no_plate(raw: str) -> None:
    assert is_overlay(raw)
    stamp = to_read(Candidate((line(raw, 0, 0, 100, 40, 1.0),), Layout.ONE_LINE), plate_line=True)
    assert (stamp.country, stamp.valid) == ("", False)
    assert stamp.confidence == pytest.approx(JUNK_FACTOR)


@pytest.mark.parametrize(
    "raw", ["MH 12 AB 1234", "MH-12-AB-1234", "KA-05-1234", "123-456", "CEMENT0", "22BH1234AA"]
)
def test_plates_are_no_stamps(raw: str) -> None:
    assert not is_overlay(raw)


# --------------------------------------------------------------------------- geometry


def test_line_height_follows_a_tilted_polygon() -> None:
    poly = ((0.0, 20.0), (100.0, 0.0), (100.0, 30.0), (0.0, 50.0))  # 30 px text, tilted: box 50 tall
    ln = TextLine("MH02", 0.9, Box(0, 0, 100, 50), poly)
    assert line_height(ln) == pytest.approx(30.0)
    assert line_height(line("MH02", 0, 0, 100, 50)) == 50.0  # no polygon: the box


def test_tilted_two_line_plate_rows_still_stack() -> None:
    # row boxes overlap (tilt), their text does not: MH 02 over BW2586
    top = TextLine("MH02", 0.95, Box(26, 0, 177, 98), ((26, 40), (177, 0), (177, 58), (26, 98)))
    bottom = TextLine("BW2586", 0.99, Box(20, 38, 177, 153), ((20, 83), (177, 38), (177, 108), (20, 153)))
    assert "MH02BW2586" in texts(find_candidates([top, bottom]))
    # the same boxes without polygons overlap too much to be two rows
    assert "MH02BW2586" not in texts(
        find_candidates([line("MH02", 26, 0, 177, 98), line("BW2586", 20, 38, 177, 153)])
    )


def test_small_stacked_state_and_series_before_the_number() -> None:
    lines = [line("MH 13", 83, 58, 178, 93), line("BN", 111, 88, 157, 120), line("4348", 188, 64, 300, 115)]
    cands = find_candidates(lines)
    assert "MH 13BN4348" in texts(cands)
    # the row join that jumps over BN leaves out text inside its own box
    jump = next(c for c in cands if "".join(ln.text for ln in c.lines) == "MH 134348")
    whole = next(c for c in cands if "".join(ln.text for ln in c.lines) == "MH 13BN4348")
    assert skipped(jump, lines) == 1 and skipped(whole, lines) == 0
    assert to_read(whole).text == "MH13BN4348"
    assert score(jump, lines, in_plate=False)[1] == pytest.approx(SKIPPED_TEXT_FACTOR)


def test_skipped_counts_a_neighbour_on_the_row_but_not_small_print() -> None:
    four, rest, sticker = (
        line("4", 18, 47, 59, 113),
        line("339C", 126, 23, 314, 129),
        line("1-02", 19, 13, 61, 39),
    )
    alone = Candidate((rest,), Layout.ONE_LINE)
    assert skipped(alone, [four, rest, sticker]) == 1  # the 4 continues it
    joined = Candidate((four, rest), Layout.ONE_LINE)
    assert skipped(joined, [four, rest, sticker]) == 0  # the sticker is small print, not left out
    assert skipped(joined, [four, rest, line("IND", 20, 40, 50, 110)]) == 0  # nor the IND strip


def test_the_ind_strip_written_upwards_is_no_part_of_the_plate() -> None:
    """rapidocr reads the HSRP strip's upright IND as ANI or ONI, in a box taller than wide (a synthetic
    two-line UP 57 / 4783 was auto-accepted as UP57ANI4783 before)."""
    strip, top, bottom = (
        line("ANI", 37, 41, 72, 129, 0.87),
        line("UP 57", 104, 36, 276, 104),
        line("4783", 114, 94, 265, 166),
    )
    lines = [strip, top, bottom]
    found = texts(find_candidates(lines, plate=True))
    assert "UP 574783" in found and not any("ANI" in t for t in found)
    two_line = next(c for c in find_candidates(lines, plate=True) if c.layout is Layout.TWO_LINE)
    assert skipped(two_line, lines) == 0 and height_share(two_line, lines) == 1.0
    assert score(two_line, lines, True)[0].text == "UP574783"
    # a lone upright character is still text (Q of 25 BH / 7122 Q may stand apart), and so is a short word
    assert not noise(line("Q", 135, 50, 160, 100)) and not noise(line("BH", 135, 50, 170, 100))
    assert noise(line("IND", 0, 0, 90, 30)) and noise(line(" - ", 0, 0, 90, 30))


def test_two_characters_of_the_ind_strip_written_upwards_are_no_part_of_the_plate() -> None:
    """The stress bench's seed 2032 auto-accepted RJ63ONE2987 for the two-line RJ 63 / E 2987: the strip's
    IND, written upwards, read as ON (a box 0.6 as wide as high) and joined to the bottom row."""
    strip, top, bottom = (
        line("ON", 19, 52, 51, 104, 0.61),
        line("RJ-63", 94, 24, 204, 84),
        line("E-2987", 65, 75, 230, 137),
    )
    assert noise(strip)
    found = texts(find_candidates([strip, top, bottom], plate=True))
    assert "RJ-63E-2987" in found and not any("ON" in t for t in found)
    assert not noise(line("11", 0, 0, 40, 50))  # two condensed characters read across


def test_plate_number_is_the_tallest_text_in_a_located_plate() -> None:
    lines = [
        line("SEP 15", 0, 0, 60, 20),
        line("498354", 10, 25, 300, 110),
        line("DELAWARE", 80, 115, 230, 140),
    ]
    assert height_share(Candidate((lines[1],), Layout.ONE_LINE), lines) == 1.0
    assert height_share(Candidate((lines[0],), Layout.ONE_LINE), lines) < 0.5
    reads = {
        r.text: (r, f, main) for r, f, main in (score(c, lines, True) for c in find_candidates(lines, True))
    }
    number, factor, main = reads["498354"]
    assert main and factor == 1.0 and number.country == "foreign"
    sticker, factor, main = reads["SEP15"]
    assert not main and factor == pytest.approx(SMALL_TEXT_FACTOR) and sticker.confidence < number.confidence
    # outside a located plate, size says nothing (a shop sign may be the tallest text)
    assert score(find_candidates(lines)[0], lines, in_plate=False)[1] == 1.0


def test_letters_only_lines_only_inside_a_plate() -> None:
    lines = [line("ARIZONA", 0, 0, 100, 20), line("BUKTLST", 0, 25, 300, 110)]
    assert "BUKTLST" not in texts(find_candidates(lines))
    assert {"BUKTLST", "ARIZONA"} <= texts(find_candidates(lines, plate=True))


# --------------------------------------------------------------------------- located plates


class FixedLocaliser(PlateLocaliser):
    def __init__(self, boxes: list[PlateBox]) -> None:
        self.boxes = boxes

    def locate(self, image: np.ndarray) -> list[PlateBox]:
        return self.boxes


class CountingRecogniser(OcrBackend, Recogniser):
    """Reads every crop as the same foreign plate; counts the calls."""

    def __init__(self) -> None:
        self.calls: list[tuple[int, int]] = []

    def predict(self, image: np.ndarray) -> list[TextLine]:
        self.calls.append(image.shape[:2])
        return [line("ABC 1234", 5, 5, image.shape[1] - 5, image.shape[0] - 5, 0.8)]

    def recognise(self, crop: np.ndarray) -> TextLine:
        self.calls.append(crop.shape[:2])
        return TextLine("ABC 1234", 0.8, Box(0, 0, crop.shape[1], crop.shape[0]))


def test_a_box_inside_a_plate_already_read_is_skipped() -> None:
    image = np.random.default_rng(0).integers(0, 255, (200, 400, 3), dtype=np.uint8)
    plate, sticker = PlateBox(Box(50, 50, 350, 150), 0.9), PlateBox(Box(300, 55, 340, 80), 0.5)
    backend = CountingRecogniser()
    PlateReader(backend, FixedLocaliser([plate, sticker])).read(image)
    one = len(backend.calls)
    backend.calls.clear()
    PlateReader(backend, FixedLocaliser([plate])).read(image)
    assert one == len(backend.calls)  # the sticker box inside the plate was not read
    backend.calls.clear()
    PlateReader(backend, FixedLocaliser([replace(sticker, confidence=0.95), plate])).read(image)
    assert one == len(backend.calls)  # ... nor when it was found surer than the plate


def test_a_box_inside_another_is_read_after_every_other_box() -> None:
    plate, sticker = PlateBox(Box(50, 50, 350, 150), 0.7), PlateBox(Box(300, 55, 340, 80), 0.7)
    other = PlateBox(Box(0, 160, 100, 190), 0.5)
    assert containers_first([sticker, other, plate]) == [other, plate, sticker]
    assert containers_first([plate, other]) == [plate, other]


def test_a_lone_lowercase_letter_is_a_mark_not_a_character() -> None:
    assert normalise("FMPx703") == "FMP703"
    assert normalise("HKOwE7C") == "HKOE7C"
    assert normalise("Maryland") == "MARYLAND"  # a word keeps its letters
    assert normalise("ab12") == "AB12"
    assert normalise("x123") == "X123"  # too few capitals and digits around it to tell


# --------------------------------------------------------------------------- whole-plate variants


def test_a_doubtful_character_is_dropped() -> None:
    cactus = TextLine("4176-NWN", 0.9, Box(0, 0, 10, 5), (), (0.3, 1.0, 1.0, 1.0, 0.5, 1.0, 0.99, 0.99))
    short = without_doubtful_char(cactus)
    assert short is not None and short.text == "176-NWN"
    assert short.char_confidences == cactus.char_confidences[1:]
    assert short.confidence == pytest.approx((3 * 1.0 + 1.0 + 0.99 + 0.99) / 6)  # the separator ignored
    assert without_doubtful_char(replace(cactus, char_confidences=(0.9,) * 8)) is None  # all sure
    assert without_doubtful_char(replace(cactus, char_confidences=())) is None  # no per-character scores
    assert without_doubtful_char(cactus, threshold=0.2) is None


def test_whole_read_drops_a_graphic_only_where_the_read_is_not_indian() -> None:
    box = Box(0, 0, 100, 30)
    graphic = TextLine("YDR1431", 0.9, box, (), (1.0, 1.0, 1.0, 0.3, 1.0, 1.0, 1.0))
    assert whole_read(graphic, box)[0].text == "YDR431"
    indian = TextLine("MH15BD8877", 0.95, box, (), (0.47,) + (1.0,) * 9)
    assert whole_read(indian, box)[0].text == "MH15BD8877"  # valid as read: kept
    junk = TextLine("NMH14EU3498", 0.95, box, (), (0.3,) + (1.0,) * 10)
    fixed = whole_read(junk, box)[0]
    assert fixed.text == "MH14EU3498" and fixed.valid
    assert fixed.confidence == pytest.approx(CORRECTION_FACTOR)  # never auto-accepted on its own
    assert fixed.confidence < AUTO_ACCEPT_THRESHOLD


class MarginRecogniser(OcrBackend, Recogniser):
    """Reads the first whole-plate crop as ``first`` (its first character at ``weak``), later crops as
    WTC249 with every character sure; counts the reads."""

    def __init__(self, first: str = "NTC249", weak: float = 0.45, conf: float = 0.9) -> None:
        self.first, self.weak, self.conf, self.reads = first, weak, conf, 0

    def predict(self, image: np.ndarray) -> list[TextLine]:
        return []

    def recognise(self, crop: np.ndarray) -> TextLine:
        self.reads += 1
        box = Box(0, 0, crop.shape[1], crop.shape[0])
        if self.reads == 1:
            return TextLine(self.first, self.conf, box, (), (self.weak,) + (1.0,) * (len(self.first) - 1))
        return TextLine("WTC249", 0.9, box, (), (0.95,) * 6)


def test_a_doubtful_whole_plate_read_is_read_again_from_another_crop() -> None:
    image = np.random.default_rng(0).integers(0, 255, (200, 400, 3), dtype=np.uint8)
    plate = PlateBox(Box(50, 50, 350, 150), 0.9)
    doubtful = MarginRecogniser()
    reads = PlateReader(doubtful, FixedLocaliser([plate]), whole_reads=3).read(image)
    assert reads[0].text == "WTC249" and doubtful.reads == 2  # its weakest character is the surest; then sure
    clear = MarginRecogniser(weak=0.7)
    assert PlateReader(clear, FixedLocaliser([plate]), whole_reads=3).read(image)[0].text == "NTC249"
    assert clear.reads == 1  # no doubtful character: no second crop
    sure = MarginRecogniser(first="MH12AB1234", conf=0.99)
    PlateReader(sure, FixedLocaliser([plate]), whole_reads=3).read(image)
    assert sure.reads == 1  # valid and sure
    once = MarginRecogniser()
    PlateReader(once, FixedLocaliser([plate]), whole_reads=1).read(image)
    assert once.reads == 1


def test_weakest_counts_plate_characters_only() -> None:
    assert weakest(TextLine("正7364", 0.9, Box(0, 0, 9, 9), (), (0.2, 1.0, 0.8, 1.0, 1.0))) == 0.8
    assert weakest(TextLine("7364", 0.9, Box(0, 0, 9, 9))) == 0.9  # no per-character confidences


# ---------------------------------------------------------------- a state code left outside the box


@pytest.mark.parametrize("text", ["BL1155", "27TC0530", "01BL1155", "A1234"])
def test_an_indian_plate_without_its_state_code_is_a_tail(text: str) -> None:
    assert is_indian_tail(text)


@pytest.mark.parametrize("text", ["PY01BL1155", "ABC1234", "BL115", "7ABC123", "123456", "BLOGGER"])
def test_other_reads_are_not_tails(text: str) -> None:
    assert not is_indian_tail(text)


class WidthRecogniser(OcrBackend, Recogniser):
    """Reads the state code and district only on crops wider than ``wide`` pixels; records crop widths."""

    def __init__(self, wide: int) -> None:
        self.wide = wide
        self.widths: list[int] = []

    def predict(self, image: np.ndarray) -> list[TextLine]:
        return []

    def recognise(self, crop: np.ndarray) -> TextLine:
        self.widths.append(crop.shape[1])
        text = "PY01BL1155" if crop.shape[1] > self.wide else "BL1155"
        return TextLine(text, 0.9, Box(0, 0, crop.shape[1], crop.shape[0]), (), (0.9,) * len(text))


def test_a_read_without_its_state_code_is_read_again_on_a_box_widened_to_the_left() -> None:
    image = np.random.default_rng(0).integers(0, 255, (200, 400, 3), dtype=np.uint8)
    plate = PlateBox(Box(200, 50, 300, 100), 0.9)
    backend = WidthRecogniser(wide=150)
    reads = PlateReader(backend, FixedLocaliser([plate])).read(image)
    assert [r.text for r in reads[:2]] == ["PY01BL1155", "BL1155"]
    assert max(backend.widths) >= (1 + WIDEN_LEFT) * 100
    narrow = WidthRecogniser(wide=10_000)  # the wider box reads no state code: the tail alone is reported
    assert [r.text for r in PlateReader(narrow, FixedLocaliser([plate])).read(image)] == ["BL1155"]


# ------------------------------------------------------------- the plate recogniser, for foreign plates


@pytest.mark.parametrize("text", ["BW2586", "MH04TC", "TN02AH", "DL3C", "22BH", "4535P", "1234AA"])
def test_parts_of_indian_plates(text: str) -> None:
    assert is_indian_part(text)


@pytest.mark.parametrize("text", ["ABC1234", "XX12AB", "2422", "7ABC123", "BIGCHEESE", "1234AI", "22BHX"])
def test_foreign_plates_are_not_parts_of_indian_ones(text: str) -> None:
    assert not is_indian_part(text)


@pytest.mark.parametrize("text", ["VMD0516", "TC1114", "LD5399H", "BW2586", "S2422", "22BH"])
def test_bottom_rows_of_two_line_indian_plates(text: str) -> None:
    assert is_bottom_row(text)


@pytest.mark.parametrize("text", ["7ABC123", "ABCD1234", "2422", "BIGCHEESE", "LD5399HAB", "ABC123"])
def test_other_reads_are_no_bottom_rows(text: str) -> None:
    assert not is_bottom_row(text)


class FixedRecogniser(OcrBackend, Recogniser):
    """Recognises every crop as ``text`` at ``conf``; ``predict`` finds nothing. Counts its calls."""

    def __init__(self, text: str, conf: float) -> None:
        self.text, self.conf, self.recognised, self.predicted = text, conf, 0, 0

    def predict(self, image: np.ndarray) -> list[TextLine]:
        self.predicted += 1
        return []

    def recognise(self, crop: np.ndarray) -> TextLine:
        self.recognised += 1
        box = Box(0, 0, crop.shape[1], crop.shape[0])
        return TextLine(self.text, self.conf, box, (), (self.conf,) * len(self.text))


def read_with(main: FixedRecogniser, foreign: FixedRecogniser) -> list[str]:
    image = np.random.default_rng(0).integers(0, 255, (200, 400, 3), dtype=np.uint8)
    plate = PlateBox(Box(100, 50, 300, 110), 0.9)
    return [r.text for r in PlateReader(main, FixedLocaliser([plate]), foreign=foreign).read(image)]


def test_a_sure_foreign_read_of_the_plate_recogniser_replaces_the_shipped_reads() -> None:
    main, foreign = FixedRecogniser("7ABC123", 0.99), FixedRecogniser("7ABD123", 0.99)
    assert read_with(main, foreign) == ["7ABD123"]
    assert main.predicted == 0  # sure, and no Indian plate's bottom row: no text path


class TwoRowRecogniser(FixedRecogniser):
    """Recognises a plate whole as its bottom row; detecting text finds ``top`` over ``bottom``."""

    def __init__(self, top: str, bottom: str) -> None:
        super().__init__(bottom.replace(" ", ""), 0.99)
        self.top, self.bottom = top, bottom

    def predict(self, image: np.ndarray) -> list[TextLine]:
        self.predicted += 1
        h, w = image.shape[:2]
        return [
            line(self.top, 0.3 * w, 0.1 * h, 0.7 * w, 0.45 * h),
            line(self.bottom, 0.1 * w, 0.5 * h, 0.9 * w, 0.9 * h),
        ]


@pytest.mark.parametrize(
    ("top", "bottom", "want"),
    [
        ("DL 6", "VMD 0516", "DL6VMD0516"),
        ("MN 23", "TC 1114", "MN23TC1114"),
        ("T0921", "LD5399H", "T0921LD5399H"),
    ],
)
def test_a_sure_foreign_bottom_row_gives_way_to_the_two_line_indian_plate(
    top: str, bottom: str, want: str
) -> None:
    main = TwoRowRecogniser(top, bottom)
    reads = read_with(main, FixedRecogniser(bottom.replace(" ", ""), 0.99))
    assert reads[0] == want and main.predicted == 1


def test_a_sure_foreign_read_stays_when_the_rows_are_no_indian_plate() -> None:
    main = TwoRowRecogniser("OHIO", "ABC 1234")  # a US plate's state name over its number
    assert read_with(main, FixedRecogniser("ABC1234", 0.99)) == ["ABC1234"]
    assert main.predicted == 1  # it looked, and kept the foreign read


class TopRowRecogniser(TwoRowRecogniser):
    """As TwoRowRecogniser; a crop of ``TOP_ROW``'s shape (the plate's top row, as the test cuts it) is
    recognised as ``top_read``."""

    TOP_ROW = np.zeros((7, 7, 3), np.uint8)

    def __init__(self, top: str, bottom: str, top_read: str) -> None:
        super().__init__(top, bottom)
        self.top_read = top_read

    def recognise(self, crop: np.ndarray) -> TextLine:
        if crop.shape == self.TOP_ROW.shape:
            return TextLine(self.top_read, 0.99, Box(0, 0, 7, 7))
        return super().recognise(crop)


@pytest.mark.parametrize(
    ("top", "bottom", "top_read", "damaged", "want", "looked"),
    [
        ("RJ 75", "RS 2505", "2RJ75", "RS255", "RJ75RS2505", True),  # the top row holds a state and district
        ("OHIO", "ABC 123", "OHIO", "ABC123", "ABC123", False),  # a US plate: no text path
    ],
)
def test_a_damaged_bottom_row_gives_way_where_the_top_row_reads_indian(
    monkeypatch: pytest.MonkeyPatch,
    top: str,
    bottom: str,
    top_read: str,
    damaged: str,
    want: str,
    looked: bool,
) -> None:
    monkeypatch.setattr(reader_module, "split_rows", lambda crop: (TopRowRecogniser.TOP_ROW, crop))
    main = TopRowRecogniser(top, bottom, top_read)
    assert read_with(main, FixedRecogniser(damaged, 0.99))[0] == want
    assert main.predicted == int(looked)


@pytest.mark.parametrize(
    ("text", "short"), [("RS255", True), ("SJ341", True), ("ABC1234", False), ("RS2505", False)]
)
def test_short_bottom_rows(text: str, short: bool) -> None:
    assert is_short_bottom_row(text) is short


@pytest.mark.parametrize(
    ("text", "head"), [("2RJ75", True), ("TS31", True), ("OHIO", False), ("CA2023", False)]
)
def test_state_heads(text: str, head: bool) -> None:
    assert has_state_head(text) is head


def test_a_sure_indian_read_asks_the_plate_recogniser_once_for_a_second_opinion() -> None:
    main, foreign = FixedRecogniser("MH12AB1234", 0.99), FixedRecogniser("ABD1234", 0.99)
    assert read_with(main, foreign)[0] == "MH12AB1234"
    assert foreign.recognised == 1  # a shorter read is no disagreement (tests/test_second_opinion.py)
    assert main.predicted == 0  # sure: no text path


def test_a_part_of_an_indian_plate_from_the_plate_recogniser_gives_way_to_an_indian_read() -> None:
    main, foreign = FixedRecogniser("MH02BW2586", 0.8), FixedRecogniser("BW2586", 0.99)
    assert read_with(main, foreign) == ["MH02BW2586"]
    assert main.predicted == 1 and foreign.predicted == 0  # the plate's text path ran on the shipped OCR


@pytest.mark.parametrize(
    ("shipped", "conf", "want"),
    [
        ("MN3934", 0.9, "N3934"),  # Mississippi's stacked county code joined on by the shipped recogniser
        ("72006R", 0.97, "2006R"),  # a plate border read as a 7, sure enough to end the search
    ],
)
def test_a_sure_part_of_an_indian_plate_counts_where_nothing_reads_indian(
    shipped: str, conf: float, want: str
) -> None:
    """A US plate that looks like a part of an Indian one (N3934: a series letter and a number) is read
    right by the plate recogniser; with no valid Indian read of the plate, that sure read ranks too."""
    assert read_with(FixedRecogniser(shipped, conf), FixedRecogniser(want, 0.99))[0] == want


def test_the_text_path_of_a_foreign_plate_uses_the_plate_recogniser() -> None:
    main, foreign = FixedRecogniser("ABC1234", 0.5), FixedRecogniser("ABD1234", 0.8)  # neither sure
    assert read_with(main, foreign)[0] == "ABD1234"
    assert (main.predicted, foreign.predicted) == (0, 1)
    main, digits = FixedRecogniser("ABC1234", 0.5), FixedRecogniser("1111", 0.8)  # a row of digits only
    read_with(main, digits)
    assert (main.predicted, digits.predicted) == (1, 0)


class SpeakingRecogniser(FixedRecogniser):
    """Also finds one text line, ``said``, filling the crop, when detecting text."""

    def __init__(self, text: str, conf: float, said: str) -> None:
        super().__init__(text, conf)
        self.said = said

    def predict(self, image: np.ndarray) -> list[TextLine]:
        self.predicted += 1
        return [line(self.said, 2, 2, image.shape[1] - 2, image.shape[0] - 2, 0.85)]


def test_a_digits_only_read_of_the_plate_recogniser_ranks_as_a_mixed_one_after_the_text_path() -> None:
    main, foreign = SpeakingRecogniser("S2422", 0.5, said="S2422"), FixedRecogniser("2422", 0.99)
    reads = read_with(main, foreign)
    assert main.predicted == 1  # not sure on its own: the text path looked (shipped OCR: digits only)
    assert reads[:2] == ["2422", "S2422"]


def test_a_year_read_by_the_plate_recogniser_is_a_sticker_and_keeps_its_plain_rank() -> None:
    main, foreign = SpeakingRecogniser("4W5825", 0.5, said="4W5825"), FixedRecogniser("2005", 0.99)
    assert read_with(main, foreign)[:2] == ["4W5825", "2005"]
    main, foreign = SpeakingRecogniser("4W5825", 0.5, said="4W5825"), FixedRecogniser("2045", 0.99)
    assert read_with(main, foreign)[0] == "2045"  # not a sticker's year: ranks as a plate number


# --------------------------------------------------------------------------- a photo's plates


def test_one_read_per_plate_the_best_and_two_plates_that_read_alike_stay_two() -> None:
    plate, behind = Box(100, 300, 220, 330), Box(430, 5, 480, 20)
    best = PlateRead("MH12AB1234", 0.97, plate)
    weaker = PlateRead("MH12AB124", 0.6, Box(105, 302, 215, 328))  # another candidate for the same plate
    row = PlateRead("1234", 0.5, Box(150, 305, 218, 328))  # a part of it
    twin = PlateRead("MH12AB1234", 0.9, behind)  # the same number on another plate (one car seen twice)
    assert one_per_plate([weaker, row, twin, best]) == [best, twin]
    boxless = [PlateRead("KA01AB1234", 0.8), PlateRead("KA01AB1284", 0.7)]
    assert one_per_plate(boxless) == boxless[:1]


def test_a_photo_has_every_plate_read_where_a_vehicle_crop_stops_at_the_first_sure_one() -> None:
    image = np.random.default_rng(0).integers(0, 255, (200, 400, 3), dtype=np.uint8)
    front, behind = PlateBox(Box(40, 120, 200, 170), 0.9), PlateBox(Box(260, 20, 380, 60), 0.6)
    main = FixedRecogniser("MH12AB1234", 0.99)
    reader = PlateReader(main, FixedLocaliser([front, behind]), foreign=None)
    crop = reader.read(image)
    assert [r.text for r in crop] == ["MH12AB1234"] and crop[0].box is not None
    assert crop[0].box.iou(front.box) > 0.5  # sure on the first plate: the second is never read
    photo = reader.read_plates(image)
    assert [r.text for r in photo] == ["MH12AB1234"] * 2
    assert [max(r.box.iou(p.box) for p in (front, behind)) > 0.5 for r in photo if r.box] == [True, True]
    assert {round(r.box.y1) // 100 for r in photo if r.box} == {0, 1}  # one read on each plate


def test_a_sticker_beside_a_number_is_print_on_that_plate_and_a_far_plate_is_not() -> None:
    number = Box(1, 2, 316, 140)  # a US plate crop's number, as the detector boxes it
    assert on_plate(Box(4, 125, 48, 156), number)  # the registration sticker (AUG98) at its lower edge
    assert on_plate(Box(51, 123, 204, 158), number)  # the county's name (JASPER)
    assert not on_plate(Box(600, 40, 700, 75), number)  # a plate a car's width away
    assert not on_plate(Box(60, 60, 250, 135), number)  # as large as a plate: not print on this one
    front = PlateBox(Box(40, 60, 360, 140), 0.6)
    sticker = PlateBox(Box(45, 130, 90, 160), 0.9)  # found surer than the plate
    image = np.random.default_rng(0).integers(0, 255, (200, 400, 3), dtype=np.uint8)
    reader = PlateReader(FixedRecogniser("MH12AB1234", 0.99), FixedLocaliser([sticker, front]), foreign=None)
    reads = reader.read_plates(image)
    assert len(reads) == 1 and reads[0].box is not None and reads[0].box.iou(front.box) > 0.5
