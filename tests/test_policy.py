"""The rule's side of auto-issuing: offences a person always checks, and a floor on rule confidence."""

from __future__ import annotations

import inspect
from dataclasses import replace
from pathlib import Path

import pytest
import sqlalchemy as sa
from test_records import FINES, OWNERS, TODAY, event, write

from echallan.errors import InputError
from echallan.records import approve_auto, import_owners, issue_challans, open_db, show_challan, store_events
from echallan.records.matching import preview_unbooked
from echallan.records.policy import MIN_RULE_CONFIDENCE, RulePolicy, duplicate_reasons
from echallan.review.supervisor import Thresholds
from echallan.types import Offence


def test_reasons_are_a_pure_function_of_offence_and_confidence() -> None:
    policy = RulePolicy()
    assert policy.reasons("red_light", 0.9) == ()
    assert policy.reasons("red_light", MIN_RULE_CONFIDENCE) == ()
    assert policy.reasons("red_light", 0.31) == ("rule confidence 0.31 is under 0.50",)
    assert policy.reasons("over_speed", None) == ("rule confidence none is under 0.50",)
    assert policy.reasons("triple_riding", 0.95) == ("triple riding is always checked by a person",)
    assert len(policy.reasons("no_helmet", 0.2)) == 2
    lenient = RulePolicy(min_confidence=0.2, always_review=frozenset())
    assert lenient.reasons("triple_riding", 0.3) == ()
    with pytest.raises(InputError, match="between 0 and 1"):
        RulePolicy(min_confidence=1.5)


@pytest.fixture
def engine(db_url: str, tmp_path: Path) -> sa.Engine:
    engine = open_db(db_url)
    import_owners(engine, write(tmp_path / "owners.csv", OWNERS))
    return engine


def test_sure_plates_still_wait_when_the_rule_needs_a_person(engine: sa.Engine) -> None:
    """Every event has a sure, valid plate with one exact owner of a matching class."""
    store_events(
        engine,
        [
            event(1, plate="KA01AB1234"),  # red light, rule 0.9: issued without a person
            event(2, plate="KA05MN0007", vehicle="motorcycle", offence=Offence.TRIPLE_RIDING),
            event(3, plate="KA03CD9999", rule_confidence=0.3),
            event(4, plate="KA05MN0007", vehicle="motorcycle", offence=Offence.NO_HELMET),
        ],
    )
    preview = {key: d for key, _, d in preview_unbooked(engine)}
    assert [
        preview[f"src1:{o}"].auto for o in ("red_light:1", "triple_riding:2", "red_light:3", "no_helmet:4")
    ] == [
        True,
        False,
        False,
        False,
    ]
    assert issue_challans(engine, FINES, today=TODAY) == ["KA-BLR-2025-000001"]
    reasons = [show_challan(engine, f"KA-BLR-2025-00000{n}")["review_reasons"] for n in (2, 3, 4)]
    assert reasons == [
        ["triple riding is always checked by a person"],
        ["rule confidence 0.30 is under 0.50"],
        ["no helmet is always checked by a person"],
    ]
    # a supervisor's batch approval takes only challans held for it, never these
    assert approve_auto(engine, "SI Gowda") == []


def test_held_batch_leaves_out_what_a_person_must_check(engine: sa.Engine) -> None:
    store_events(
        engine,
        [
            event(1, plate="KA01AB1234"),
            event(2, plate="KA05MN0007", vehicle="motorcycle", offence=Offence.TRIPLE_RIDING),
        ],
    )
    assert issue_challans(engine, FINES, today=TODAY, hold_auto=True) == []
    assert approve_auto(engine, "SI Gowda") == ["KA-BLR-2025-000001"]
    lenient = RulePolicy(always_review=frozenset())
    store_events(engine, [event(5, plate="KA05MN0007", vehicle="motorcycle", offence=Offence.TRIPLE_RIDING)])
    assert issue_challans(engine, FINES, today=TODAY, policy=lenient) == [
        "KA-BLR-2025-000001",
        "KA-BLR-2025-000003",
    ]


def test_supervisor_bulk_thresholds_share_the_policy() -> None:
    row = {
        "plate_valid": True,
        "plate_confidence": 0.97,
        "confidence": 0.9,
        "offence": "red_light",
        "match_kind": "exact",
        "candidates": ["KA01AB1234"],
        "escalated": False,
    }
    assert Thresholds().cleared(row)
    assert not Thresholds().cleared(row | {"offence": "triple_riding"})
    assert not Thresholds().cleared(row | {"confidence": MIN_RULE_CONFIDENCE - 0.01})
    assert Thresholds(always_review=frozenset()).cleared(row | {"offence": "triple_riding"})


def test_cli_defaults_are_the_policy_floor() -> None:
    """The commands keep their imports light, so their defaults repeat the floor: they must agree."""
    from echallan.commands.records import challans_issue
    from echallan.commands.review import serve

    assert inspect.signature(serve).parameters["rule_threshold"].default == MIN_RULE_CONFIDENCE
    issue_help = str(inspect.signature(challans_issue).parameters["rule_threshold"].annotation)
    assert f"[default: {MIN_RULE_CONFIDENCE}]" in issue_help


def test_duplicates_are_found_by_time_across_offsets() -> None:
    earlier = [
        ("KA-BLR-2025-000001", "2025-02-11T18:01:00+05:30"),
        ("KA-BLR-2025-000002", "2025-02-11T12:31:50+00:00"),
    ]
    assert duplicate_reasons("2025-02-11T18:01:30+05:30", earlier[:1]) == (
        "possible duplicate of KA-BLR-2025-000001: same registration, offence and camera 30 s apart",
    )
    assert len(duplicate_reasons("2025-02-11T18:01:30+05:30", earlier)) == 2  # 12:31:50 UTC is 18:01:50 IST
    assert duplicate_reasons("2025-02-11T18:05:00+05:30", earlier) == ()  # 4 minutes on
    assert duplicate_reasons("2025-02-11T18:05:00+05:30", earlier, window_s=300) != ()


def test_one_vehicle_split_into_two_tracks_is_not_fined_twice_unseen(engine: sa.Engine) -> None:
    """Two wrong-way events of one car 20 s apart at one camera (its track lost behind a bus): the second
    waits for a person; the same car an hour later, or for another offence, is booked as usual."""
    at = "2025-02-11T18:01:{:02d}+05:30"
    store_events(
        engine,
        [
            replace(event(1, offence=Offence.WRONG_WAY), occurred_at=at.format(0)),
            replace(event(2, offence=Offence.WRONG_WAY), occurred_at=at.format(20)),
            replace(event(3, offence=Offence.RED_LIGHT), occurred_at=at.format(30)),
            replace(event(4, offence=Offence.WRONG_WAY), occurred_at="2025-02-11T19:01:00+05:30"),
        ],
    )
    issued = issue_challans(engine, FINES, today=TODAY)
    assert issued == ["KA-BLR-2025-000001", "KA-BLR-2025-000003", "KA-BLR-2025-000004"]
    second = show_challan(engine, "KA-BLR-2025-000002")
    assert second["status"] == "pending_review"
    assert second["review_reasons"] == [
        "possible duplicate of KA-BLR-2025-000001: same registration, offence and camera 20 s apart"
    ]
    # `echallan match` previews the check against what is booked
    store_events(engine, [replace(event(5, offence=Offence.WRONG_WAY), occurred_at=at.format(45))])
    ((key, _, decision),) = preview_unbooked(engine)
    assert key == "src1:wrong_way:5" and not decision.auto
    assert [r.split(":")[0] for r in decision.reasons] == [
        "possible duplicate of KA-BLR-2025-000001",
        "possible duplicate of KA-BLR-2025-000002",
    ]
