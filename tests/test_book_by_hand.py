"""An event whose plate the machine could not read is not lost: a person reads it and books it."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import sqlalchemy as sa
from test_records import FINES, OWNERS, TODAY, event, write
from typer.testing import CliRunner

from echallan.cli import app
from echallan.errors import InputError, LedgerError
from echallan.records import (
    approve,
    audit_trail,
    book_by_hand,
    import_owners,
    issue_challans,
    open_db,
    show_challan,
    store_events,
)
from echallan.records.matching import NO_PLATE_READ, preview_unbooked
from echallan.records.models import events

UNREAD = "src1:red_light:1"  # event(1, plate=None): the machine read no plate


@pytest.fixture
def engine(db_url: str, tmp_path: Path) -> sa.Engine:
    engine = open_db(db_url)
    import_owners(engine, write(tmp_path / "owners.csv", OWNERS))
    store_events(engine, [event(1, plate=None), event(2, plate="KA03CD9999")])
    return engine


def test_an_unread_plate_is_listed_and_booked_by_hand_for_review(engine: sa.Engine) -> None:
    assert issue_challans(engine, FINES, today=TODAY) == ["KA-BLR-2025-000001"]  # event 2 only
    assert [(key, decision.reasons) for key, _, decision in preview_unbooked(engine)] == [
        (UNREAD, (NO_PLATE_READ,))
    ]
    number = book_by_hand(engine, UNREAD, "ka 01 ab 1234", "HC Naik 5120", FINES, today=TODAY)
    assert number == "KA-BLR-2025-000002"  # the series goes on without a gap
    challan = show_challan(engine, number)
    assert (challan["status"], challan["plate"]) == ("pending_review", "KA01AB1234")
    assert challan["review_reasons"][0] == (
        "plate read needs review (read by HC Naik 5120 from the evidence; the machine read nothing)"
    )
    assert [row["actor"] for row in audit_trail(engine, number)] == ["HC Naik 5120", "HC Naik 5120"]
    with engine.connect() as conn:  # the machine's read stays as it was
        assert conn.scalar(sa.select(events.c.plate_text).where(events.c.key == UNREAD)) is None
    assert preview_unbooked(engine) == []
    approve(engine, number, actor="SI Gowda 4411")  # a second person confirms it
    assert issue_challans(engine, FINES, today=TODAY) == [number]


def test_a_misread_plate_with_no_owner_can_be_booked_by_hand_too(engine: sa.Engine, tmp_path: Path) -> None:
    store_events(engine, [event(3, plate="ZZ99ZZ9999")])  # read, but no such vehicle
    number = book_by_hand(engine, "src1:red_light:3", "KA03CD9999", "HC Naik 5120", FINES, today=TODAY)
    reasons = show_challan(engine, number)["review_reasons"]
    assert reasons[0].endswith("the machine read ZZ99ZZ9999)")


@pytest.mark.parametrize(
    ("key", "plate", "actor", "error", "message"),
    [
        ("src1:red_light:9", "KA01AB1234", "HC Naik", InputError, "no stored event has the key"),
        (UNREAD, "MH12ZZ0001", "HC Naik", InputError, "no registration matches MH12ZZ0001"),
        (UNREAD, " - ", "HC Naik", InputError, "holds no letters or digits"),
        (UNREAD, "KA01AB1234", " ", InputError, "say who read the plate"),
    ],
)
def test_book_by_hand_refuses_bad_input(
    engine: sa.Engine, key: str, plate: str, actor: str, error: type[Exception], message: str
) -> None:
    with pytest.raises(error, match=message):
        book_by_hand(engine, key, plate, actor, FINES, today=TODAY)
    assert preview_unbooked(engine)[0][0] == UNREAD  # nothing was booked


def test_an_event_is_booked_once(engine: sa.Engine) -> None:
    number = book_by_hand(engine, UNREAD, "KA01AB1234", "HC Naik", FINES, today=TODAY)
    with pytest.raises(LedgerError, match=f"already booked as challan {number}"):
        book_by_hand(engine, UNREAD, "KA01AB1234", "HC Naik", FINES, today=TODAY)


def test_challans_book_command(tmp_path: Path) -> None:
    db = ["--db", f"sqlite:///{tmp_path / 'b.db'}"]
    engine = open_db(db[1])
    import_owners(engine, write(tmp_path / "owners.csv", OWNERS))
    store_events(engine, [event(1, plate=None)])
    runner = CliRunner()
    listed = runner.invoke(app, [*db, "match", "--json"])
    assert listed.exit_code == 0 and json.loads(listed.stdout)["reasons"] == [NO_PLATE_READ]
    args = [*db, "challans", "book", UNREAD, "KA 01 AB 1234", "--actor", "HC Naik 5120", "--json"]
    booked = runner.invoke(app, args)
    assert booked.exit_code == 0, booked.output
    assert json.loads(booked.stdout)["status"] == "pending_review"
    again = runner.invoke(app, args)
    assert again.exit_code != 0 and "already booked" in again.output
