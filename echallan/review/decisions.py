"""A reviewer's decisions on a claimed challan, each one ledger move with its audit row.

confirm: pending_review -> approved ("confirmed at review")
correct_plate: pending_review -> approved, booked against the corrected registration
reject: pending_review -> cancelled, with the reviewer's reason
escalate: stays pending_review; an audit row and an ``escalations`` row pass it to a supervisor

Four eyes: a challan a reviewer booked from a plate they read off the evidence (``unbooked.book_read``) is
confirmed or corrected by someone else (``_not_own_read``).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine

from echallan.records.db import utcnow
from echallan.records.ledger import ChallanRef, booked_by, locked, move, write_audit
from echallan.records.models import challans, events, owners
from echallan.records.owners_csv import normalise_registration
from echallan.records.states import APPROVED, CANCELLED, PENDING_REVIEW
from echallan.review.auth import User
from echallan.review.errors import ReviewError
from echallan.review.models import claims, escalations
from echallan.review.queue import require_claim

log = logging.getLogger(__name__)


def _decide(
    engine: Engine, challan_id: int, user: User, act: Callable[[Connection, ChallanRef], None]
) -> str:
    """Run ``act`` on the locked challan inside one transaction, then drop claim and escalation."""
    with engine.begin() as conn:
        number = conn.scalar(sa.select(challans.c.number).where(challans.c.id == challan_id))
        if number is None:
            raise ReviewError(f"no challan with id {challan_id}")
        require_claim(conn, challan_id, user)
        challan = locked(conn, number)
        if challan.status != PENDING_REVIEW:
            raise ReviewError(f"challan {number} is {challan.status}, not waiting for review")
        act(conn, challan)
    log.info("challan %s decided by %s", number, user.username)
    return str(number)


def _not_own_read(conn: Connection, challan: ChallanRef, user: User) -> None:
    """Refuse ``user`` a challan they booked by hand (the booking's audit row names them)."""
    if booked_by(conn, challan.id) == user.username:
        raise ReviewError(f"you read the plate of {challan.number} yourself: another reviewer must decide it")


def _clear(conn: Connection, challan_id: int, keep_escalation: bool = False) -> None:
    conn.execute(sa.delete(claims).where(claims.c.challan_id == challan_id))
    if not keep_escalation:
        conn.execute(sa.delete(escalations).where(escalations.c.challan_id == challan_id))


def confirm(engine: Engine, challan_id: int, user: User) -> str:
    def act(conn: Connection, challan: ChallanRef) -> None:
        _not_own_read(conn, challan, user)
        move(conn, challan, APPROVED, user.username, "confirmed at review")
        _clear(conn, challan.id)

    return _decide(engine, challan_id, user, act)


def correct_plate(engine: Engine, challan_id: int, user: User, plate: str) -> str:
    """Approve against the registration the reviewer read; it must be in the owner register."""
    registration = normalise_registration(plate)
    if not registration:
        raise ReviewError("type the plate as read, e.g. KA01AB1234")

    def act(conn: Connection, challan: ChallanRef) -> None:
        _not_own_read(conn, challan, user)
        owner = conn.execute(
            sa.select(owners.c.id, owners.c.vehicle_class).where(owners.c.registration == registration)
        ).first()
        if owner is None:
            raise ReviewError(f"{registration} is not in the owner register; check the plate or reject")
        read = conn.scalar(
            sa.select(events.c.plate_text)
            .join(challans, challans.c.event_id == events.c.id)
            .where(challans.c.id == challan.id)
        )
        values: dict[str, Any] = {
            "owner_id": owner.id,
            "registration": registration,
            "match_kind": "exact",
            "match_cost": 0.0,
            "candidates": [{"registration": registration, "cost": 0.0, "vehicle_class": owner.vehicle_class}],
        }
        reason = f"plate corrected at review: read {read}, is {registration}"
        move(conn, challan, APPROVED, user.username, reason, **values)
        _clear(conn, challan.id)

    return _decide(engine, challan_id, user, act)


def reject(engine: Engine, challan_id: int, user: User, reason: str) -> str:
    reason = " ".join(reason.split())[:500]
    if not reason:
        raise ReviewError("give a reason for rejecting")

    def act(conn: Connection, challan: ChallanRef) -> None:
        move(conn, challan, CANCELLED, user.username, f"rejected at review: {reason}")
        _clear(conn, challan.id)

    return _decide(engine, challan_id, user, act)


def escalate(engine: Engine, challan_id: int, user: User, reason: str) -> str:
    reason = " ".join(reason.split())[:500] or "reviewer unsure"

    def act(conn: Connection, challan: ChallanRef) -> None:
        now = utcnow()
        _clear(conn, challan.id)
        conn.execute(
            sa.insert(escalations).values(challan_id=challan.id, user_id=user.id, reason=reason, at=now)
        )
        note = f"escalated to a supervisor: {reason}"
        write_audit(conn, challan.id, user.username, PENDING_REVIEW, PENDING_REVIEW, note, now)

    return _decide(engine, challan_id, user, act)
