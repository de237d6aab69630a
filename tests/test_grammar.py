"""Indian plate grammar: hand-made reads, no models."""

from __future__ import annotations

import numpy as np
import pytest

from echallan.anpr.grammar import (
    ALL_STATE_CODES,
    STATE_CODES,
    interpret,
    is_plate_like,
    is_word,
    normalise,
)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("mh 12-ab 1234", "MH12AB1234"),
        ("MH·12·AB·1234", "MH12AB1234"),
        ("ＭＨ１２ＡＢ１２３４", "MH12AB1234"),  # full-width folds to ASCII
        ("KA 01 A 1234 ", "KA01A1234"),
        ("天MH12AB1234", "MH12AB1234"),
        ("", ""),
    ],
)
def test_normalise(raw: str, expected: str) -> None:
    assert normalise(raw) == expected


@pytest.mark.parametrize(
    ("raw", "word"),
    [
        ("0regon", True),  # a state's name in script
        ("Wyoming", True),
        ("Oregon 2ND", True),  # more lowercase letters than capitals
        ("NY 2ND", False),
        ("FMPx703", False),  # one lowercase mark
        ("mh 12", False),  # two lowercase letters: a plate read in the wrong case
        ("mh12ab1234", False),  # a plate read in the wrong case: more digits than letters
        ("family", True),
        ("", False),
    ],
)
def test_is_word(raw: str, word: bool) -> None:
    assert is_word(raw) is word


@pytest.mark.parametrize(
    "plate",
    [
        "MH12AB1234",  # two series letters
        "KA01A1234",  # one series letter
        "KA031351",  # no series letters
        "HR696969",
        "KL01CC50",  # 2-digit number
        "MH02AJ344",  # 3-digit number
        "DL3CCA1750",  # Delhi class letter + two series letters
        "DL10NTC0169",
        "DL6CM6683",
        "GJ1KF1111",  # old 1-digit Gujarat district
        "TN07BU5427",
        "PY01BL1155",
        "WB74X7605",
        "LA01AB1234",
        "OD02AB1234",
        "TS09EB1458",
        "AN01C1234",
    ],
)
def test_standard_plates_are_valid_and_unchanged(plate: str) -> None:
    p = interpret(plate)
    assert (p.text, p.valid, p.country, p.corrections) == (plate, True, "IN", 0)
    assert p.kind == "standard"


@pytest.mark.parametrize("code", ["TG", "CG", "CT", "OD", "OR", "UK", "UT", "UA", "DD", "DN", "TS", "LA"])
def test_state_codes_including_legacy(code: str) -> None:
    p = interpret(f"{code}01AB1234")
    assert p.valid and p.text == f"{code}01AB1234"


def test_code_tables() -> None:
    assert len(STATE_CODES) >= 36
    assert {"TG", "CT", "OR", "UT"} <= ALL_STATE_CODES - STATE_CODES
    assert {"TS", "CG", "OD", "UK", "DD", "DN"} <= STATE_CODES


@pytest.mark.parametrize(
    ("raw", "expected", "corrections"),
    [
        ("MHI2AB1234", "MH12AB1234", 1),  # I -> 1 in the district
        ("MH12A81234", "MH12AB1234", 1),  # 8 -> B in the series
        ("MH12ABI234", "MH12AB1234", 1),
        ("MH12AB12З4", "MH12AB124", 0),  # Cyrillic Ze is not a digit: dropped, not guessed
        ("KA0IA1234", "KA01A1234", 1),
        ("0D02AB1234", "OD02AB1234", 1),  # 0 -> O in the state code
        ("MH2OBN3525", "MH20BN3525", 1),  # O -> 0 (O is not issued as a series letter)
        ("DL1OAB1234", "DL10AB1234", 1),
        ("MH14EH79S8", "MH14EH7958", 1),  # S -> 5
        ("MH14EH795B", "MH14EH7958", 1),  # B -> 8
        ("KA05H64495", "KA05HG4495", 1),  # 6 -> G in the series
        ("KA05HS44Z5", "KA05HS4425", 1),  # Z -> 2
        ("MHO6AW8929", "MH06AW8929", 1),  # O -> 0 in the district
        ("MH0GAW8929", "MH06AW8929", 1),  # G -> 6 in the district
        ("MH12ABD234", "MH12AB0234", 1),  # D -> 0 in the number
        ("R127TC0530", "RJ27TC0530", 1),  # 1 -> J in the state code
        ("RI27TC0530", "RJ27TC0530", 1),
        ("MK20TC189B", "MH20TC189B", 1),
        ("MHABCD1234", "MH48CD1234", 2),  # two look-alikes in the district: valid, but counted
    ],
)
def test_confusables_fixed_where_grammar_decides(raw: str, expected: str, corrections: int) -> None:
    p = interpret(raw)
    assert p.text == expected
    assert p.corrections == corrections
    assert p.valid == (len(expected) >= 7)


def test_no_correction_where_class_is_free() -> None:
    # the letter/digit class of the series is decided by the parse; a valid read is not rewritten
    assert interpret("MH12AB1234").corrections == 0
    assert interpret("KA01AB0001").text == "KA01AB0001"
    # invalid reads are returned as normalised text, not "corrected"
    p = interpret("ABCD-EFGH")
    assert not p.valid and p.text == "ABCDEFGH"


@pytest.mark.parametrize(
    ("raw", "kind"),
    [
        ("RJ27TC0530", "temporary"),
        ("TN19TC91", "temporary"),
        ("MH14TCE4", "temporary"),
        ("MH20TC189B", "temporary"),
        ("UP16TC1366", "temporary"),
        ("T0424KA1234AB", "temporary"),
        ("22BH1234AA", "bh"),
        ("21BH0001A", "bh"),
        ("22 BH 1234 AB", "bh"),
    ],
)
def test_temporary_and_bh(raw: str, kind: str) -> None:
    p = interpret(raw)
    assert p.valid and p.kind == kind and p.country == "IN"


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("22BHI234AA", "22BH1234AA"),  # I -> 1 in the number
        ("22B81234AA", "22BH1234AA"),  # 8 read for H of BH is not a confusable: see below
    ],
)
def test_bh_corrections(raw: str, expected: str) -> None:
    p = interpret(raw)
    if raw == "22B81234AA":
        assert not p.valid  # 8 is B's look-alike, not H's
    else:
        assert p.valid and p.text == expected


@pytest.mark.parametrize("raw", ["22BH1234AI", "22BH1234OA", "22BH1234", "2BH1234AA", "22BH12345678"])
def test_bh_invalid(raw: str) -> None:
    assert not interpret(raw).valid


@pytest.mark.parametrize(
    "raw",
    [
        "",
        "HELLO",
        "TOYOTA",
        "MH02",  # a fragment: one line of a two-line plate
        "TN06",
        "XX12AB1234",  # unknown state
        "MH12AB123456",  # 6-digit number
        "MH123AB1234",  # 3-digit district
        "MH12ABCD1234",  # 4 series letters
        "GJW115A1138",  # non-standard vanity layout
        "9842769899",  # phone number
        "MH1AB12C4",
        "KA1XY1234",  # 1-digit districts only in Delhi and (old) Gujarat
        "MHIZA8IZ34",  # three look-alikes needed
        "MH12ZZZ99Z9Z",
    ],
)
def test_invalid_reads(raw: str) -> None:
    p = interpret(raw)
    assert not p.valid
    assert p.country != "IN"


@pytest.mark.parametrize(
    "raw", ["MH12AB0000", "DL3CCA0000", "22BH0000AA", "RJ27TC0000", "T0424KA0000AB", "KA01AB0"]
)
def test_no_plate_is_numbered_0000(raw: str) -> None:
    """Registration numbers run from 1 to 9999: a read numbered 0000 is no Indian plate."""
    assert not interpret(raw).valid and interpret(raw).country != "IN"


def test_a_dummy_plate_is_not_bent_into_a_registration() -> None:
    """A dealer's dummy plate, TN 06 00000 (india_plates_dev): reading one 0 as the series letter D gave the
    valid-looking TN06D0000, which no vehicle carries; it now fits no format."""
    assert not interpret("TN0600000").valid
    assert interpret("TN06D0001").valid


def test_too_many_corrections_is_invalid() -> None:
    assert interpret("MHI2A81234").valid  # two corrections
    assert not interpret("MHIZA8IZ34").valid
    assert not interpret("0000000000").valid


@pytest.mark.parametrize("raw", ["5ABC123", "FUW999", "7XYZ12", "ABC1234", "YG9X2G"])
def test_foreign_plates(raw: str) -> None:
    p = interpret(raw)
    assert (p.valid, p.country, p.text) == (False, "foreign", raw)


def test_ind_prefix_is_dropped() -> None:
    assert interpret("IND MH12AB1234").text == "MH12AB1234"
    assert interpret("INMH12AB1234").valid


def test_is_plate_like() -> None:
    assert is_plate_like("MH12")
    assert is_plate_like("MH12AB1234")
    assert not is_plate_like("TOYOTA")
    assert not is_plate_like("123")
    assert is_plate_like("T0825PY7937AL")  # a newer temporary registration: 13 characters
    assert not is_plate_like("MH12AB12345678")


def test_foreign_reads_fold_o_to_zero_only() -> None:
    assert interpret("OSG-719").text == "0SG719"
    assert interpret("HKO-E70").text == "HK0E70"
    assert interpret("4PCI264").text == "4PCI264"  # I and Q are read as written
    assert interpret("576PBQ").text == "576PBQ"
    assert interpret("20140428").country == ""  # all digits: a date or a phone number, not a plate


# --------------------------------------------------------------------------- candidate joins (reader, pure)

from echallan.anpr.ocr import OcrBackend, Recogniser, TextLine  # noqa: E402
from echallan.anpr.reader import PlateReader, find_candidates  # noqa: E402
from echallan.types import Box, Layout  # noqa: E402


def line(text: str, x1: float, y1: float, x2: float, y2: float, conf: float = 0.9) -> TextLine:
    return TextLine(text, conf, Box(x1, y1, x2, y2))


def joined(lines: list[TextLine]) -> set[str]:
    return {"".join(ln.text for ln in c.lines) for c in find_candidates(lines)}


def test_two_line_indian_plate_joins() -> None:
    cands = find_candidates([line("KA05", 10, 10, 90, 40), line("HS4495", 0, 45, 100, 75)])
    two = [c for c in cands if c.layout is Layout.TWO_LINE]
    assert ["".join(ln.text for ln in c.lines) for c in two] == ["KA05HS4495"]


def test_state_name_never_joins_a_us_plate() -> None:
    # ARIZONA above the number, and a letters-only top line, are not a two-line plate's first line
    assert "ARIZONA752ABC" not in joined([line("ARIZONA", 0, 0, 100, 25), line("752ABC", 5, 30, 95, 70)])
    assert "CAL7ABC123" not in joined([line("CAL", 30, 0, 70, 25), line("7ABC123", 0, 30, 100, 70)])
    # nor does a long letters-only word on the same row
    assert "TOYOTA1234" not in joined([line("TOYOTA", 0, 0, 60, 20), line("1234", 65, 0, 105, 20)])
    # short letter groups still join (split plates: MH + 12AB1234)
    assert "MH12AB1234" in joined([line("MH", 0, 0, 20, 20), line("12AB1234", 25, 0, 105, 20)])


class SplitBackend(OcrBackend):
    """The detector splits one plate in two low-confidence pieces."""

    def predict(self, image: np.ndarray) -> list[TextLine]:
        return [line("MH12AB", 100, 100, 160, 120, 0.7), line("1284", 165, 100, 205, 120, 0.6)]


class SplitRecogniser(SplitBackend, Recogniser):
    def __init__(self) -> None:
        self.crops: list[tuple[int, int]] = []

    def recognise(self, crop: np.ndarray) -> TextLine:
        self.crops.append(crop.shape[:2])
        return TextLine("MH 12 AB 1234", 0.97, Box(0, 0, crop.shape[1], crop.shape[0]))


def test_second_look_recognises_the_whole_region() -> None:
    backend = SplitRecogniser()
    reads = PlateReader(backend, localiser=None, min_side=0).read(np.zeros((300, 400, 3), np.uint8))
    assert reads[0].text == "MH12AB1234" and reads[0].valid
    assert len(backend.crops) == 1  # one recognition, no second detection
    h, w = backend.crops[0]
    assert 20 <= h <= 30 and 105 <= w <= 125  # the joined row plus a margin
    assert reads[0].box == Box(100, 100, 205, 120)


def test_reader_without_recogniser_still_reads() -> None:
    reads = PlateReader(SplitBackend(), localiser=None, min_side=0).read(np.zeros((300, 400, 3), np.uint8))
    assert reads[0].text == "MH12AB1284"
