"""Review desk logic without a browser: accounts, sessions, queue, claims, decisions, supervisor."""

from __future__ import annotations

import shutil
from datetime import timedelta
from pathlib import Path

import pytest
import sqlalchemy as sa
import typer
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from typer.testing import CliRunner

import echallan.review.models  # noqa: F401  (registers the review tables on the records metadata)
from echallan.commands.review import users_app
from echallan.errors import InputError
from echallan.records import audit_trail, list_challans, open_db, show_challan
from echallan.records.models import metadata
from echallan.review.auth import (
    User,
    add_user,
    authenticate,
    disable_user,
    end_session,
    load_session,
    start_session,
)
from echallan.review.decisions import confirm, correct_plate, escalate, reject
from echallan.review.errors import AuthError, ClaimedError, Forbidden, ReviewError
from echallan.review.event import event_detail, lookup_owners
from echallan.review.queue import QueueFilter, claim, list_queue, release
from echallan.review.sample import make_review_sample, seed_desk
from echallan.review.supervisor import Thresholds, bulk_approve, bulk_candidates, dashboard, reviewer_stats
from echallan.settings import Settings

PASSWORD = "correct horse battery"


@pytest.fixture(scope="module")
def seeded(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One seeded database per module; each test works on its own copy."""
    return seed_desk(tmp_path_factory.mktemp("desk"), PASSWORD)


@pytest.fixture
def engine(seeded: Path, tmp_path: Path) -> sa.Engine:
    shutil.copyfile(seeded, tmp_path / "desk.db")
    return open_db(f"sqlite:///{tmp_path / 'desk.db'}")


def login(engine: sa.Engine, name: str) -> User:
    return authenticate(engine, name, PASSWORD)


def status_of(engine: sa.Engine, number: str) -> str:
    return next(c["status"] for c in list_challans(engine) if c["number"] == number)


def test_schema_matches_models(engine: sa.Engine) -> None:
    with engine.connect() as conn:
        assert compare_metadata(MigrationContext.configure(conn), metadata) == []


def test_accounts_and_sessions(engine: sa.Engine) -> None:
    with pytest.raises(InputError, match="already exists"):
        add_user(engine, "si.gowda", PASSWORD, "reviewer")
    with pytest.raises(InputError, match="at least"):
        add_user(engine, "new.user", "short", "reviewer")
    with pytest.raises(InputError, match="role"):
        add_user(engine, "new.user", PASSWORD, "root")
    with pytest.raises(AuthError):
        authenticate(engine, "asha.reviewer", "wrong password!")
    with pytest.raises(AuthError):
        authenticate(engine, "nobody", PASSWORD)
    user = login(engine, "asha.reviewer")
    session = start_session(engine, user)
    assert load_session(engine, session.token).user == user
    end_session(engine, session.token)
    with pytest.raises(AuthError):
        load_session(engine, session.token)
    expired = start_session(engine, user, ttl=timedelta(seconds=-1))
    with pytest.raises(AuthError, match="ended"):
        load_session(engine, expired.token)
    live = start_session(engine, user)
    disable_user(engine, "asha.reviewer")
    with pytest.raises(AuthError):
        load_session(engine, live.token)
    with pytest.raises(AuthError):
        login(engine, "asha.reviewer")


def test_queue_order_and_filters(engine: sa.Engine) -> None:
    user = login(engine, "asha.reviewer")
    rows = list_queue(engine, user)
    amounts = [r["amount_inr"] for r in rows]
    assert len(rows) == 4 and amounts == sorted(amounts, reverse=True)
    assert {r["camera_id"] for r in list_queue(engine, user, QueueFilter(camera="BLR-JN-002"))} == {
        "BLR-JN-002"
    }
    assert [r["offence"] for r in list_queue(engine, user, QueueFilter(offence="no_helmet"))] == ["no_helmet"]
    assert len(list_queue(engine, user, QueueFilter(day="2025-02-11"))) == 1
    assert all(
        r["plate_confidence"] <= 0.6 for r in list_queue(engine, user, QueueFilter(max_confidence=0.6))
    )
    assert [r["plate_text"] for r in list_queue(engine, user, QueueFilter(plate="cd99"))] == ["KA03CD9999"]
    for nasty in ("' OR '1'='1", "%", "_", "KA'; DROP TABLE challans; --", '"\\'):
        assert list_queue(engine, user, QueueFilter(plate=nasty, camera=nasty, offence=nasty)) == []
    assert len(list_challans(engine)) == 4
    with pytest.raises(InputError, match="YYYY-MM-DD"):
        QueueFilter(day="2025-02-11' OR 1=1")


def test_second_reviewer_sees_the_claim(engine: sa.Engine) -> None:
    asha, bala = login(engine, "asha.reviewer"), login(engine, "bala.reviewer")
    first = list_queue(engine, asha)[0]["id"]
    claim(engine, first, asha)
    claim(engine, first, asha)  # extending one's own claim is fine
    with pytest.raises(ClaimedError, match=r"claimed by asha\.reviewer") as refused:
        claim(engine, first, bala)
    assert refused.value.holder == "asha.reviewer"
    assert list_queue(engine, bala)[0]["claimed_by"] == "asha.reviewer"
    with pytest.raises(ClaimedError):
        confirm(engine, first, bala)
    release(engine, first, asha)
    claim(engine, first, bala, ttl=timedelta(seconds=-1))  # expired at once: free again
    claim(engine, first, asha)


def test_decisions_move_the_ledger_and_audit(engine: sa.Engine) -> None:
    asha, sup = login(engine, "asha.reviewer"), login(engine, "si.gowda")
    ids = {r["plate_text"]: r["id"] for r in list_queue(engine, asha)}
    with pytest.raises(ReviewError, match="claim"):
        confirm(engine, ids["KA01AB1Z34"], asha)
    claim(engine, ids["KA01AB1Z34"], asha)
    number = confirm(engine, ids["KA01AB1Z34"], asha)
    assert status_of(engine, number) == "approved"
    assert audit_trail(engine, number)[-1]["actor"] == "asha.reviewer"

    claim(engine, ids["KA51MJ4327"], asha)
    with pytest.raises(ReviewError, match="not in the owner register"):
        correct_plate(engine, ids["KA51MJ4327"], asha, "KA99ZZ0000")
    number = correct_plate(engine, ids["KA51MJ4327"], asha, "ka 51 mj 4321")
    assert event_detail(engine, ids["KA51MJ4327"])["registration"] == "KA51MJ4321"
    assert status_of(engine, number) == "approved"
    assert (
        audit_trail(engine, number)[-1]["reason"]
        == "plate corrected at review: read KA51MJ4327, is KA51MJ4321"
    )

    claim(engine, ids["KA05MN0OO7"], asha)
    with pytest.raises(ReviewError, match="reason"):
        reject(engine, ids["KA05MN0OO7"], asha, "  ")
    escalate(engine, ids["KA05MN0OO7"], asha, "helmet hidden by the pillion?")
    assert ids["KA05MN0OO7"] not in [r["id"] for r in list_queue(engine, asha)]
    assert list_queue(engine, sup)[0]["escalated"] == "helmet hidden by the pillion?"
    with pytest.raises(Forbidden):
        claim(engine, ids["KA05MN0OO7"], asha)
    claim(engine, ids["KA05MN0OO7"], sup)
    number = reject(engine, ids["KA05MN0OO7"], sup, "rider wears a helmet")
    assert status_of(engine, number) == "cancelled"
    assert audit_trail(engine, number)[-1]["reason"] == "rejected at review: rider wears a helmet"
    stats = {s["reviewer"]: s for s in reviewer_stats(engine)}
    assert stats["asha.reviewer"]["confirmed"] == 1 and stats["asha.reviewer"]["escalated"] == 1
    assert stats["si.gowda"]["rejected"] == 1


def test_bulk_approval_is_for_supervisors_only(engine: sa.Engine) -> None:
    asha, sup = login(engine, "asha.reviewer"), login(engine, "si.gowda")
    batch = bulk_candidates(engine, Thresholds())
    assert [r["plate_text"] for r in batch] == ["KA03CD9999"]
    with pytest.raises(Forbidden):
        bulk_approve(engine, asha, [batch[0]["id"]], Thresholds())
    other = next(r["id"] for r in list_queue(engine, sup) if r["plate_text"] != "KA03CD9999")
    with pytest.raises(ReviewError, match="no longer qualify"):
        bulk_approve(engine, sup, [other], Thresholds())
    assert bulk_approve(engine, sup, [batch[0]["id"]], Thresholds()) == [batch[0]["number"]]
    assert status_of(engine, batch[0]["number"]) == "approved"
    assert bulk_candidates(engine, Thresholds(plate=0.99)) == []


def test_dashboard_and_owner_lookup(engine: sa.Engine) -> None:
    charts = dashboard(engine)
    assert dict(charts["offence"]) == {"red_light": 1, "no_helmet": 1, "over_speed": 1, "wrong_way": 1}
    assert dict(charts["junction"]) == {"MG Road / Brigade Road": 2, "Silk Board Junction": 2}
    assert dict(charts["hour"])["18"] == 2
    found = lookup_owners(engine, "KA01AB1Z34", "car")
    assert found["kind"] == "fuzzy" and found["candidates"][0]["name"] == "Asha Rao"
    assert lookup_owners(engine, "'; DROP TABLE owners; --")["candidates"] == []


def test_users_cli(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'cli.db'}"
    app = typer.Typer()
    app.add_typer(users_app, name="users")

    @app.callback()
    def main(ctx: typer.Context) -> None:
        ctx.obj = Settings.from_env().with_overrides(db_url=url)

    runner = CliRunner()
    added = runner.invoke(
        app, ["users", "add", "pc.1234", "--role", "reviewer", "--password-stdin"], input=PASSWORD + "\n"
    )
    assert added.exit_code == 0, added.output
    assert runner.invoke(app, ["users", "add", "x", "--password-stdin"], input="short\n").exit_code == 2
    bad_role = runner.invoke(app, ["users", "add", "bob", "--role", "king"])  # refused before the prompt
    assert bad_role.exit_code == 2 and "Password" not in bad_role.output and "role 'king'" in bad_role.output
    assert '"username": "pc.1234"' in runner.invoke(app, ["users", "list", "--json"]).output
    assert runner.invoke(app, ["users", "disable", "pc.1234"]).exit_code == 0
    assert '"active": false' in runner.invoke(app, ["users", "list", "--json"]).output
    assert PASSWORD not in added.output


def test_claims_and_decisions_on_each_backend(db_url: str, tmp_path: Path) -> None:
    engine = open_db(db_url)
    make_review_sample(engine, tmp_path / "sample")
    add_user(engine, "asha.reviewer", PASSWORD, "reviewer")
    add_user(engine, "bala.reviewer", PASSWORD, "reviewer")
    asha, bala = login(engine, "asha.reviewer"), login(engine, "bala.reviewer")
    first, second = (r["id"] for r in list_queue(engine, asha)[:2])
    claim(engine, first, asha)
    with pytest.raises(ClaimedError):
        claim(engine, first, bala)
    claim(engine, second, bala)
    assert status_of(engine, confirm(engine, first, asha)) == "approved"
    assert status_of(engine, reject(engine, second, bala, "not a violation")) == "cancelled"
    with pytest.raises(ReviewError, match="not waiting for review"):
        claim(engine, first, bala)
    engine.dispose()


def test_an_unread_plate_is_booked_by_one_reviewer_and_confirmed_by_another(
    db_url: str, tmp_path: Path
) -> None:
    """The sample's red-light jump with no plate read waits for a person (``unbooked``); the reviewer who
    reads its plate books it to review, and may not confirm it: another reviewer does."""
    from echallan.records.models import challans
    from echallan.review.unbooked import Booking, book_read, list_unbooked, unbooked_detail

    engine = open_db(db_url)
    make_review_sample(engine, tmp_path / "sample")
    add_user(engine, "asha.reviewer", PASSWORD, "reviewer")
    add_user(engine, "bala.reviewer", PASSWORD, "reviewer")
    asha, bala = login(engine, "asha.reviewer"), login(engine, "bala.reviewer")
    waiting = list_unbooked(engine)
    assert [r["key"] for r in waiting] == ["sample:red_light:unread"]
    assert waiting[0]["why"].startswith("no plate read")
    detail = unbooked_detail(engine, waiting[0]["id"])
    assert {"frame", "annotated", "plate", "clip"} <= set(detail["evidence"]) and detail["booked"] is None
    assert [s for _, s in detail["signal_history"]][-1] == "red"
    booking = Booking.packaged()
    with pytest.raises(ReviewError, match="type the plate"):
        book_read(engine, waiting[0]["id"], asha, "  ", booking)
    with pytest.raises(InputError, match="no registration matches"):
        book_read(engine, waiting[0]["id"], asha, "ZZ99ZZ9999", booking)
    with pytest.raises(ReviewError, match="no event"):
        book_read(engine, 9999, asha, "KA51MJ4321", booking)
    number = book_read(engine, waiting[0]["id"], asha, "ka 51 mj 4321", booking)
    assert list_unbooked(engine) == [] and unbooked_detail(engine, waiting[0]["id"])["booked"] == number
    assert status_of(engine, number) == "pending_review"
    booked = show_challan(engine, number)
    assert booked["plate"] == "KA51MJ4321"
    assert "read by asha.reviewer from the evidence" in "; ".join(booked["review_reasons"])
    assert audit_trail(engine, number)[0]["actor"] == "asha.reviewer"
    with engine.connect() as conn:
        challan_id = conn.execute(sa.select(challans.c.id).where(challans.c.number == number)).scalar_one()
    claim(engine, challan_id, asha)
    with pytest.raises(ReviewError, match="yourself"):
        confirm(engine, challan_id, asha)
    with pytest.raises(ReviewError, match="yourself"):
        correct_plate(engine, challan_id, asha, "KA51MJ4321")
    release(engine, challan_id, asha)
    claim(engine, challan_id, bala)
    assert status_of(engine, confirm(engine, challan_id, bala)) == "approved"
    engine.dispose()
