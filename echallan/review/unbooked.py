"""Violations no challan could be booked for: the machine read no plate, or none that matches the owner
register. The desk lists them (``list_unbooked``), a reviewer reads the plate off the evidence and books it
(``book_read``, through ``challans.book_by_hand``) to ``pending_review``, where another reviewer confirms it
before anything is mailed (``decisions``: nobody confirms a plate they read themselves)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Engine

from echallan.records.challans import book_by_hand
from echallan.records.fines import Fine, load_fine_schedule
from echallan.records.matching import preview_unbooked
from echallan.records.models import challans, events
from echallan.review.auth import User
from echallan.review.errors import ReviewError
from echallan.review.event import evidence_ids, rule_view

#: The event columns the list and the page show.
_SHOWN = (
    events.c.id,
    events.c.key,
    events.c.camera_id,
    events.c.location,
    events.c.occurred_at,
    events.c.offence,
    events.c.confidence,
    events.c.vehicle_class,
    events.c.track_id,
    events.c.plate_text,
    events.c.plate_confidence,
    events.c.plate_doubts,
    events.c.rule_inputs,
)


@dataclass(frozen=True)
class Booking:
    """What a challan booked at the desk is booked with: the fines in force and the challan series' state and
    district (as ``echallan challans book`` takes them)."""

    fines: Mapping[str, Fine]
    state: str = "KA"
    district: str = "BLR"

    @classmethod
    def packaged(cls, state: str = "KA", district: str = "BLR") -> Booking:
        """The packaged fines table for ``state``."""
        return cls(load_fine_schedule(None, state).fines, state, district)


def list_unbooked(engine: Engine) -> list[dict[str, Any]]:
    """Stored events with no challan and no owner the machine's read matches, oldest first, each with why
    (``matching.preview_unbooked``: no plate read, or no registration matches it)."""
    waiting = {key: decision for key, _, decision in preview_unbooked(engine) if decision.best is None}
    if not waiting:
        return []
    with engine.connect() as conn:
        rows = conn.execute(
            sa.select(*_SHOWN)
            .where(events.c.key.in_(list(waiting)))
            .order_by(events.c.occurred_at, events.c.id)
        ).mappings()
        return [{**row, "why": "; ".join(waiting[row["key"]].reasons)} for row in rows]


def unbooked_detail(engine: Engine, event_id: int) -> dict[str, Any]:
    """One event waiting for a person's read: its columns and its evidence file ids by kind."""
    with engine.connect() as conn:
        row = conn.execute(sa.select(*_SHOWN).where(events.c.id == event_id)).mappings().first()
        if row is None:
            raise ReviewError(f"no event with id {event_id}")
        booked = conn.scalar(sa.select(challans.c.number).where(challans.c.event_id == event_id))
        evidence = evidence_ids(conn, event_id)
    return {**row, "booked": booked, "evidence": evidence, **rule_view(row["rule_inputs"])}


def book_read(engine: Engine, event_id: int, user: User, plate: str, booking: Booking) -> str:
    """Book the event's challan against the ``plate`` that ``user`` read off its evidence: pending review,
    audited with the user's name. Returns the challan's number."""
    with engine.connect() as conn:
        key = conn.scalar(sa.select(events.c.key).where(events.c.id == event_id))
    if key is None:
        raise ReviewError(f"no event with id {event_id}")
    if not plate.strip():
        raise ReviewError("type the plate as you read it, e.g. KA01AB1234")
    return book_by_hand(
        engine, key, plate, user.username, booking.fines, state=booking.state, district=booking.district
    )
