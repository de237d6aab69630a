"""What lowered a plate read's confidence travels with it to the reviewer (``PlateRead.doubts``)."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest
import sqlalchemy as sa
from test_records import FINES, OWNERS, TODAY, event, write

from echallan.anpr.localise import Candidate
from echallan.anpr.ocr import TextLine
from echallan.anpr.scoring import (
    DOUBT_FOREIGN,
    DOUBT_JUNK,
    DOUBT_NO_SERIES,
    DOUBT_SHAPE,
    DOUBT_SHORT_NUMBER,
    DOUBT_SKIPPED,
    DOUBT_SMALL,
    doubted,
    score,
    to_read,
)
from echallan.anpr.voting import DOUBT_FRAMES, vote
from echallan.records import import_owners, issue_challans, open_db, show_challan, store_events
from echallan.records.matching import decide, read_reason
from echallan.types import Box, Layout, PlateRead


def read(raw: str) -> PlateRead:
    return to_read(Candidate((TextLine(raw, 1.0, Box(0, 0, 100, 20)),), Layout.ONE_LINE))


@pytest.mark.parametrize(
    ("raw", "doubts"),
    [
        ("MH12AB1234", ()),
        ("MH12ABO123", ()),  # O -> 0 by position: a look-alike, no doubt worth a reviewer's time
        ("MH12ABZ123", (DOUBT_SHAPE,)),
        ("MH12AB12", (DOUBT_SHORT_NUMBER,)),
        ("KA031351", (DOUBT_NO_SERIES,)),
        ("ABC1234", (DOUBT_FOREIGN,)),
        ("Q", (DOUBT_JUNK,)),
    ],
)
def test_each_doubt_factor_names_itself(raw: str, doubts: tuple[str, ...]) -> None:
    assert read(raw).doubts == doubts


def test_geometry_doubts_come_with_the_read() -> None:
    number = TextLine("MH12AB1234", 1.0, Box(0, 0, 200, 40))
    small = TextLine("IND", 1.0, Box(0, 50, 40, 60))
    (read_small, _, _), (read_number, _, _) = (
        score(Candidate((ln,), Layout.ONE_LINE), [number, small], in_plate=True) for ln in (small, number)
    )
    assert DOUBT_SMALL in read_small.doubts and DOUBT_SKIPPED not in read_number.doubts


def test_doubted_lowers_the_confidence_and_says_why() -> None:
    first = read("MH12AB1234")
    again = doubted(first, 0.9, "the plate recogniser reads MH12AB1284")
    assert again.confidence == pytest.approx(0.9 * first.confidence)
    assert again.doubts == ("the plate recogniser reads MH12AB1284",)


def test_a_vote_keeps_the_agreeing_reads_doubts_and_says_when_frames_disagree() -> None:
    a = PlateRead("MH12AB1234", 0.9, valid=True, doubts=(DOUBT_SHAPE,))
    b = PlateRead("MH12AB1234", 0.8, valid=True)
    assert vote([a, b]) is not None and vote([a, b]).doubts == (DOUBT_SHAPE,)  # type: ignore[union-attr]
    c = replace(b, text="MH12AB1284", doubts=(DOUBT_SMALL,))
    voted = vote([a, b, c])
    assert voted is not None and voted.text == "MH12AB1234"
    assert voted.doubts == (DOUBT_SHAPE, DOUBT_FRAMES)


def test_read_reason_names_the_confidence_and_the_doubts() -> None:
    assert read_reason(0.83, True, "IN", [DOUBT_SHAPE]) == f"confidence 0.83; {DOUBT_SHAPE}"
    assert read_reason(0.5, False, "foreign", []) == "confidence 0.50; a foreign plate"
    assert read_reason(0.5, False, "", None) == "confidence 0.50; fits no Indian format"
    assert read_reason(None, None, None, None) == ""
    assert read_reason(0.97, True, "IN", [], has_frame=False) == "no frame as evidence; confidence 0.97"


def test_decide_tells_the_reviewer_why_the_read_needs_review() -> None:
    from echallan.records.matching import Candidate as Match

    found = [Match("KA01AB1234", 0.0, None)]
    assert decide(False, "exact", found, "car", "confidence 0.83").reasons == (
        "plate read needs review (confidence 0.83)",
    )
    generic = decide(False, "exact", found, "car").reasons[0]
    assert generic == "plate read needs review (low confidence, invalid plate or no frame)"


def test_a_stored_read_s_doubts_reach_the_challan_s_review_reasons(db_url: str, tmp_path: Path) -> None:
    engine = open_db(db_url)
    import_owners(engine, write(tmp_path / "owners.csv", OWNERS))
    doubtful = event(1, plate="KA01AB1234", confidence=0.89)
    assert doubtful.plate is not None
    doubtful = replace(
        doubtful, plate=replace(doubtful.plate, doubts=("the plate recogniser reads KA01AB1284",))
    )
    store_events(engine, [doubtful])
    with engine.connect() as conn:
        assert conn.scalar(sa.text("SELECT plate_doubts FROM events")) is not None
    store_events(engine, [event(2, plate="KA03CD9999", frame=False)])  # sure, but with no frame to show
    issue_challans(engine, FINES, today=TODAY)
    reasons = show_challan(engine, "KA-BLR-2025-000001")["review_reasons"]
    assert reasons[0] == "plate read needs review (confidence 0.89; the plate recogniser reads KA01AB1284)"
    reasons = show_challan(engine, "KA-BLR-2025-000002")["review_reasons"]
    assert reasons[0] == "plate read needs review (no frame as evidence; confidence 0.97)"
