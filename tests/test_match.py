"""Matching plate reads to owners: confusable-aware cost, class check, and what goes to review."""

from __future__ import annotations

from pathlib import Path

import pytest
import sqlalchemy as sa
from test_records import FINES, OWNERS, TODAY, event, write

from echallan.records import (
    Candidate,
    decide,
    import_owners,
    issue_challans,
    list_challans,
    open_db,
    plate_cost,
    show_challan,
    store_events,
)
from echallan.records.matching import class_compatible, match_plate, rank_candidates, vehicle_family


@pytest.mark.parametrize(
    ("read", "registered", "cost"),
    [
        ("KA01AB1234", "KA01AB1234", 0.0),
        ("KA01A81234", "KA01AB1234", 0.25),  # B/8
        ("KAO1AB1234", "KA01AB1234", 0.25),  # O/0
        ("KA0IAB1234", "KA01AB1234", 0.25),  # I/1
        ("KA01AB1Z34", "KA01AB1234", 0.25),  # Z/2
        ("KA01AB5234", "KA01ABS234", 0.25),  # S/5
        ("KA01AB6234", "KA01ABG234", 0.25),  # G/6
        ("KA01AB1234", "KA01AB1235", 1.0),  # a real digit difference
        ("KA01AB123", "KA01AB1234", 1.0),  # a lost character
    ],
)
def test_plate_cost(read: str, registered: str, cost: float) -> None:
    assert plate_cost(read, registered) == pytest.approx(cost)
    assert plate_cost(registered, read) == pytest.approx(cost)


def test_rank_prefers_confusable_neighbours() -> None:
    registry = ["KA01AB1234", "KA01AB1239", "MH12ZZ0000", "KA01A81234"]
    assert rank_candidates("KA01AB1234", registry)[:2] == [("KA01AB1234", 0.0), ("KA01A81234", 0.25)]
    assert rank_candidates("KA01A8I234", ["KA01AB1234", "KA01AB1239"]) == [("KA01AB1234", 0.5)]
    assert rank_candidates("DL3CAB0001", registry) == []


def test_vehicle_classes() -> None:
    assert vehicle_family("MCWG") == "two_wheeler" and vehicle_family("Bus (PSV)") == "bus"
    assert vehicle_family("LMV") == "car" and vehicle_family("something else") is None
    assert not class_compatible("motorcycle", "Bus") and not class_compatible("car", "M-Cycle/Scooter")
    assert class_compatible("truck", "HGV") and class_compatible("car", None) and class_compatible("", "LMV")


def test_decide_lists_every_reason() -> None:
    exact = [Candidate("KA01AB1234", 0.0, "LMV")]
    assert decide(True, "exact", exact, "car").auto
    mismatch = decide(True, "exact", [Candidate("KA01AB1234", 0.0, "Bus")], "motorcycle")
    assert not mismatch.auto and mismatch.reasons == (
        "detected motorcycle but KA01AB1234 is registered as Bus",
    )
    several = decide(False, "fuzzy", [Candidate("A1", 0.25, None), Candidate("A2", 0.25, None)], "car")
    assert len(several.reasons) == 3 and several.reasons[2] == "several candidates: A1, A2"
    assert decide(True, "none", [], "car").kind == "none"


@pytest.fixture
def engine(db_url: str, tmp_path: Path) -> sa.Engine:
    engine = open_db(db_url)
    extra = "KA01A81234,Twin,,1 Road,,,560001,,LMV,,\nKA07BB0001,Bus Co,,2 Road,,,560002,,Bus,,\n"
    import_owners(engine, write(tmp_path / "owners.csv", OWNERS + extra))
    return engine


def test_fuzzy_several_and_class_mismatch_go_to_review_with_candidates(engine: sa.Engine) -> None:
    store_events(
        engine,
        [
            event(1, plate="KA03CD9999"),  # exact, auto: issued
            event(2, plate="KA03CO9999"),  # fuzzy (D/0... here O): one candidate
            event(3, plate="KA01AB1Z34"),  # near KA01AB1234 (0.25) and KA01A81234 (0.5)
            event(4, plate="KA07BB0001", vehicle="motorcycle"),  # a bike read on a bus's number
            event(5, plate="TN22XY9999"),  # nobody: no challan
        ],
    )
    assert issue_challans(engine, FINES, today=TODAY) == ["KA-BLR-2025-000001"]
    pending = {
        c["number"]: show_challan(engine, c["number"]) for c in list_challans(engine, "pending_review")
    }
    assert sorted(pending) == ["KA-BLR-2025-000002", "KA-BLR-2025-000003", "KA-BLR-2025-000004"]
    fuzzy, several, bike = pending.values()
    assert fuzzy["match_kind"] == "fuzzy" and fuzzy["plate"] == "KA03CD9999"
    assert [c["registration"] for c in several["candidates"]] == ["KA01AB1234", "KA01A81234"]
    assert any(r.startswith("several candidates") for r in several["review_reasons"])
    assert bike["review_reasons"] == ["detected motorcycle but KA07BB0001 is registered as Bus"]
    assert match_plate(engine, "tn 22 xy 9999").kind == "none"
    assert match_plate(engine, "ka03cd9999", "car").auto
