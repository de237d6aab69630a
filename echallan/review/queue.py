"""The review queue (challans in ``pending_review``) and claims that lock one challan to one reviewer.

Order: escalated first (supervisors only see those), then priority (the higher fine first), then
oldest booking first. A claim is a row in ``claims`` with an owner and an expiry; a second
reviewer asking for a claimed challan gets ``ClaimedError`` naming who holds it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.exc import IntegrityError

from echallan.errors import InputError
from echallan.records.db import as_utc, utcnow
from echallan.records.models import challans, events
from echallan.records.states import PENDING_REVIEW
from echallan.review.auth import User
from echallan.review.errors import ClaimedError, Forbidden, ReviewError
from echallan.review.models import claims, escalations, users

CLAIM_TTL = timedelta(minutes=15)


@dataclass(frozen=True)
class QueueFilter:
    """Optional filters; every value reaches SQL only as a bound parameter."""

    camera: str = ""
    offence: str = ""
    day: str = ""  # YYYY-MM-DD, the local date of the offence
    min_confidence: float | None = None  # plate read confidence
    max_confidence: float | None = None
    plate: str = ""  # substring of the plate read

    def __post_init__(self) -> None:
        if self.day:
            try:
                date.fromisoformat(self.day)
            except ValueError as err:
                raise InputError(f"date must be YYYY-MM-DD, got {self.day[:20]!r}") from err
        for value in (self.min_confidence, self.max_confidence):
            if value is not None and not 0.0 <= value <= 1.0:
                raise InputError("confidence filters must lie between 0 and 1")


@dataclass(frozen=True)
class Claim:
    challan_id: int
    username: str
    expires_at: datetime


def _like(text: str) -> str:
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def queue_query() -> sa.Select[Any]:
    holder = users.alias("holder")
    return (
        sa.select(
            challans.c.id,
            challans.c.number,
            challans.c.offence,
            challans.c.amount_inr,
            challans.c.registration,
            challans.c.match_kind,
            challans.c.candidates,
            challans.c.review_reasons,
            events.c.camera_id,
            events.c.location,
            events.c.occurred_at,
            events.c.confidence,
            events.c.plate_text,
            events.c.plate_confidence,
            events.c.plate_valid,
            events.c.review_status,
            holder.c.username.label("claimed_by"),
            claims.c.expires_at.label("claim_expires"),
            escalations.c.reason.label("escalated"),
        )
        .join(events, events.c.id == challans.c.event_id)
        .outerjoin(claims, claims.c.challan_id == challans.c.id)
        .outerjoin(holder, holder.c.id == claims.c.user_id)
        .outerjoin(escalations, escalations.c.challan_id == challans.c.id)
        .where(challans.c.status == PENDING_REVIEW)
    )


def list_queue(engine: Engine, user: User, filters: QueueFilter | None = None, limit: int = 200) -> list[Any]:
    """Challans awaiting review that ``user`` may decide, in queue order."""
    f = filters or QueueFilter()
    query = queue_query()
    if not user.is_supervisor:
        query = query.where(escalations.c.challan_id.is_(None))
    if f.camera:
        query = query.where(events.c.camera_id == f.camera)
    if f.offence:
        query = query.where(challans.c.offence == f.offence)
    if f.day:
        query = query.where(events.c.occurred_at.like(f"{f.day}%"))
    if f.min_confidence is not None:
        query = query.where(events.c.plate_confidence >= f.min_confidence)
    if f.max_confidence is not None:
        query = query.where(events.c.plate_confidence <= f.max_confidence)
    if f.plate:
        query = query.where(events.c.plate_text.like(_like(f.plate.upper()), escape="\\"))
    query = query.order_by(
        escalations.c.challan_id.is_(None), challans.c.amount_inr.desc(), challans.c.created_at, challans.c.id
    )
    now = utcnow()
    with engine.connect() as conn:
        rows = conn.execute(query.limit(limit)).mappings().all()
    return [_with_live_claim(row, now) for row in rows]


def _with_live_claim(row: Any, now: datetime) -> dict[str, Any]:
    out = dict(row)
    expires = as_utc(out["claim_expires"])
    if expires is None or expires <= now:
        out["claimed_by"] = out["claim_expires"] = None
    else:
        out["claim_expires"] = expires
    return out


def filter_choices(engine: Engine) -> dict[str, list[str]]:
    """Cameras and offences present in the queue, for the filter drop-downs."""
    base = sa.select(events.c.camera_id, challans.c.offence).join(events, events.c.id == challans.c.event_id)
    with engine.connect() as conn:
        rows = conn.execute(base.where(challans.c.status == PENDING_REVIEW).distinct()).all()
    return {"cameras": sorted({r[0] for r in rows}), "offences": sorted({r[1] for r in rows})}


def current_claim(conn: Connection, challan_id: int) -> Claim | None:
    row = conn.execute(
        sa.select(users.c.username, claims.c.expires_at)
        .join(users, users.c.id == claims.c.user_id)
        .where(claims.c.challan_id == challan_id)
    ).first()
    expires = as_utc(row.expires_at) if row is not None else None
    if row is None or expires is None or expires <= utcnow():
        return None
    return Claim(challan_id, row.username, expires)


def claim(engine: Engine, challan_id: int, user: User, ttl: timedelta = CLAIM_TTL) -> Claim:
    """Lock a pending challan to ``user`` (or extend their own lock); ``ClaimedError`` if another holds it."""
    now = utcnow()
    try:
        with engine.begin() as conn:
            status = conn.scalar(sa.select(challans.c.status).where(challans.c.id == challan_id))
            if status is None:
                raise ReviewError(f"no challan with id {challan_id}")
            if status != PENDING_REVIEW:
                raise ReviewError(f"this challan is {status}, not waiting for review")
            if not user.is_supervisor and conn.scalar(
                sa.select(escalations.c.challan_id).where(escalations.c.challan_id == challan_id)
            ):
                raise Forbidden("this challan was escalated; only a supervisor may decide it")
            held = current_claim(conn, challan_id)
            if held is not None and held.username != user.username:
                raise _claimed(held)
            conn.execute(sa.delete(claims).where(claims.c.challan_id == challan_id))
            conn.execute(
                sa.insert(claims).values(
                    challan_id=challan_id, user_id=user.id, claimed_at=now, expires_at=now + ttl
                )
            )
    except IntegrityError:  # another reviewer's claim landed first
        with engine.connect() as conn:
            held = current_claim(conn, challan_id)
        raise _claimed(held) from None
    return Claim(challan_id, user.username, now + ttl)


def _claimed(held: Claim | None) -> ClaimedError:
    who = held.username if held else "another reviewer"
    until = f" until {held.expires_at:%H:%M} UTC" if held else ""
    return ClaimedError(f"claimed by {who}{until}", who)


def require_claim(conn: Connection, challan_id: int, user: User) -> None:
    """Refuse a decision unless ``user`` holds the live claim on the challan."""
    held = current_claim(conn, challan_id)
    if held is None:
        raise ReviewError("claim this challan before deciding it (your claim may have expired)")
    if held.username != user.username:
        raise _claimed(held)


def release(engine: Engine, challan_id: int, user: User) -> None:
    """Give up one's own claim (a supervisor may release anyone's)."""
    query = sa.delete(claims).where(claims.c.challan_id == challan_id)
    if not user.is_supervisor:
        query = query.where(claims.c.user_id == user.id)
    with engine.begin() as conn:
        conn.execute(query)
