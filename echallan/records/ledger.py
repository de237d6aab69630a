"""Move challans between states: every change checked against ``states.TRANSITIONS`` and audited.

``move`` is the one writer of ``challans.status``: it refuses an illegal change with a one-line
``LedgerError``, updates the row only if it is still in the status it was read in, and appends
the audit row (who, when, from -> to, why) in the same transaction.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine

from echallan.errors import InputError, LedgerError
from echallan.records.db import utcnow
from echallan.records.models import audit_log, challans
from echallan.records.states import APPROVED, CANCELLED, PENDING_REVIEW, check_transition


@dataclass(frozen=True)
class ChallanRef:
    id: int
    number: str
    status: str


def write_audit(
    conn: Connection,
    challan_id: int,
    actor: str,
    from_status: str | None,
    to_status: str,
    reason: str,
    at: Any,
) -> None:
    conn.execute(
        sa.insert(audit_log).values(
            challan_id=challan_id,
            actor=actor,
            at=at,
            from_status=from_status,
            to_status=to_status,
            reason=reason,
        )
    )


def booked_by(conn: Connection, challan_id: int) -> str | None:
    """Who booked the challan: its first audit row's actor ("system" for ``issue_challans``, the officer
    or reviewer for ``challans.book_by_hand``)."""
    first = sa.select(audit_log.c.actor).where(
        audit_log.c.challan_id == challan_id, audit_log.c.from_status.is_(None)
    )
    return conn.scalar(first)


def locked(conn: Connection, number: str) -> ChallanRef:
    """The challan ``number``, row-locked on PostgreSQL until the transaction ends."""
    row = conn.execute(
        sa.select(challans.c.id, challans.c.number, challans.c.status)
        .where(challans.c.number == number)
        .with_for_update()
    ).first()
    if row is None:
        raise LedgerError(f"challan {number} does not exist")
    return ChallanRef(row.id, row.number, row.status)


def move(
    conn: Connection,
    challan: ChallanRef,
    to_status: str,
    actor: str,
    reason: str,
    at: datetime | None = None,
    **values: Any,
) -> ChallanRef:
    """Change one challan's status (and ``values``) and audit it; returns the challan as it now is."""
    check_transition(challan.number, challan.status, to_status)
    if not actor.strip():
        raise InputError(f"challan {challan.number}: who is making the change must be named")
    at = at or utcnow()
    done = conn.execute(
        sa.update(challans)
        .where(challans.c.id == challan.id, challans.c.status == challan.status)
        .values(status=to_status, updated_at=at, **values)
    ).rowcount
    if done != 1:
        raise LedgerError(f"challan {challan.number} changed while being updated; try again")
    write_audit(conn, challan.id, actor.strip(), challan.status, to_status, reason, at)
    return ChallanRef(challan.id, challan.number, to_status)


def transition(engine: Engine, number: str, to_status: str, actor: str, reason: str) -> str:
    """Move challan ``number`` to ``to_status``; returns the status it came from."""
    if not reason.strip():
        raise InputError(f"challan {number}: give a reason for the change to {to_status}")
    with engine.begin() as conn:
        challan = locked(conn, number)
        move(conn, challan, to_status, actor, reason.strip())
    return challan.status


def approve(engine: Engine, number: str, actor: str, reason: str = "confirmed at review") -> None:
    """A reviewer confirms a ``pending_review`` challan; ``challans issue`` then issues it."""
    with engine.begin() as conn:
        move(conn, locked(conn, number), APPROVED, actor, reason)


def cancel(engine: Engine, number: str, actor: str, reason: str) -> None:
    """Withdraw a challan; the number stays taken (numbers are never reused)."""
    transition(engine, number, CANCELLED, actor, reason)


def approve_auto(
    engine: Engine, actor: str, reason: str = "auto-accepted batch approved by supervisor"
) -> list[str]:
    """A supervisor approves, as one batch, every pending challan held only for that approval.

    Those are the challans booked with ``hold_auto=True`` whose every confidence cleared its
    threshold (no review reasons). Anything a reviewer must look at is left alone.
    """
    if not actor.strip():
        raise InputError("give the approving supervisor's name (--actor)")
    with engine.begin() as conn:
        rows = conn.execute(
            sa.select(challans.c.number, challans.c.review_reasons)
            .where(challans.c.status == PENDING_REVIEW)
            .order_by(challans.c.id)
        ).all()
        numbers = [r.number for r in rows if not r.review_reasons]
        for number in numbers:
            move(conn, locked(conn, number), APPROVED, actor.strip(), reason)
    return numbers
