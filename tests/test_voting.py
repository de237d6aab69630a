"""Cross-frame plate voting: hand-made reads, no models."""

from __future__ import annotations

import numpy as np
import pytest

from echallan.anpr import AUTO_ACCEPT_THRESHOLD
from echallan.anpr.voting import vote
from echallan.pipeline import read_plate
from echallan.types import Box, Layout, PlateRead


def r(text: str, conf: float, valid: bool = True, **kw: object) -> PlateRead:
    return PlateRead(text=text, confidence=conf, valid=valid, raw=text, **kw)  # type: ignore[arg-type]


def test_empty() -> None:
    assert vote([]) is None
    assert vote([r("", 0.9)]) is None


def test_single_read_is_returned_unchanged() -> None:
    one = r("MH12AB1234", 0.9, box=Box(1, 2, 3, 4))
    assert vote([one]) == one


def test_identical_reads_keep_confidence() -> None:
    out = vote([r("MH12AB1234", 0.9), r("MH12AB1234", 0.9), r("MH12AB1234", 0.9)])
    assert out is not None
    assert out.text == "MH12AB1234"
    assert out.confidence == pytest.approx(0.9)


def test_per_position_majority_fixes_single_frame_errors() -> None:
    reads = [
        r("MH12AB1234", 0.8),
        r("MH12A81234", 0.7, valid=False),
        r("MH12AB1284", 0.75),
        r("MH18AB1234", 0.6),
    ]
    out = vote(reads)
    assert out is not None and out.text == "MH12AB1234" and out.valid


def test_voted_text_can_differ_from_every_read() -> None:
    reads = [r("KA01AB1238", 0.9), r("KA01AB1284", 0.9), r("KA07AB1234", 0.9)]
    out = vote(reads)
    assert out is not None
    assert out.text == "KA01AB1234"
    assert out.valid  # re-checked by the grammar
    assert out.confidence < 0.9  # disagreement lowers confidence


def test_confidence_weighting_beats_head_count() -> None:
    reads = [r("MH12AB1234", 0.95), r("MH12AB1284", 0.2), r("MH12AB1284", 0.2)]
    out = vote(reads)
    assert out is not None and out.text == "MH12AB1234"


def test_head_count_beats_one_confident_outlier() -> None:
    reads = [r("MH12AB1234", 0.6), r("MH12AB1234", 0.6), r("MH12AB1284", 0.9)]
    out = vote(reads)
    assert out is not None and out.text == "MH12AB1234"


def test_heaviest_length_group_wins_and_others_lower_confidence() -> None:
    reads = [r("MH12AB1234", 0.9), r("MH12AB1234", 0.85), r("H12AB1234", 0.9, valid=False)]
    out = vote(reads)
    assert out is not None and out.text == "MH12AB1234"
    assert out.confidence < 0.85


def test_invalid_reads_count_less() -> None:
    reads = [r("MH12AB1234", 0.5), r("XMH12AB1234", 0.8, valid=False)]
    out = vote(reads)
    assert out is not None and out.text == "MH12AB1234"


def test_box_and_layout_come_from_agreeing_reads() -> None:
    reads = [
        r("KL08BH6265", 0.7, box=Box(0, 0, 10, 10), layout=Layout.TWO_LINE),
        r("KL08BH6265", 0.9, box=Box(5, 5, 20, 20), layout=Layout.TWO_LINE),
        r("KL08BH6285", 0.95, box=Box(7, 7, 30, 30), layout=Layout.ONE_LINE),
    ]
    out = vote(reads)
    assert out is not None
    assert out.text == "KL08BH6265"
    assert out.box == Box(5, 5, 20, 20)
    assert out.layout is Layout.TWO_LINE


def test_foreign_reads_stay_foreign() -> None:
    reads = [r("5ABC123", 0.5, valid=False, country="foreign")] * 2 + [
        r("5A8C123", 0.4, valid=False, country="foreign")
    ]
    out = vote(reads)
    assert out is not None and out.text == "5ABC123" and out.country == "foreign" and not out.valid


def test_order_does_not_matter() -> None:
    reads = [r("MH12AB1234", 0.8), r("MH12AB1284", 0.7), r("MH12AB1234", 0.6), r("MH1ZAB1234", 0.5)]
    a, b = vote(reads), vote(list(reversed(reads)))
    assert a is not None and b is not None
    assert (a.text, round(a.confidence, 9)) == (b.text, round(b.confidence, 9))


def test_vote_is_pure() -> None:
    reads = (r("MH12AB1234", 0.8), r("MH12AB1284", 0.7))
    before = list(reads)
    vote(reads)
    assert list(reads) == before


class ScriptedReader:
    """Reads the n-th crop it is given as the n-th of ``texts`` (confidence 0.97, a box on the crop)."""

    def __init__(self, *texts: str) -> None:
        self.texts = list(texts)
        self.calls = 0

    def read(self, image: object) -> list[PlateRead]:
        text = self.texts[self.calls]
        self.calls += 1
        return [r(text, 0.97, box=Box(2, 2, 30, 10))]


def test_a_track_s_plate_is_read_on_every_best_crop_before_it_is_trusted() -> None:
    # two crops agree on a misread, the third reads one character otherwise: not auto-accepted
    reader = ScriptedReader("TN76AH1613", "TN76AH1613", "TN76AH1413")
    crops = [np.zeros((40, 80, 3), np.uint8)] * 3
    plate, plate_crop = read_plate(reader, crops)
    assert reader.calls == 3
    assert plate is not None and plate.text == "TN76AH1613"
    assert not plate.auto_accept(AUTO_ACCEPT_THRESHOLD)
    assert plate_crop is not None and plate_crop.size
