"""Everything the event page shows for one challan under review, and the live owner lookup."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine

from echallan.records.ledger import booked_by
from echallan.records.matching import match_plate
from echallan.records.models import challans, events, evidence_files, owners
from echallan.review.errors import ReviewError
from echallan.review.models import escalations, users
from echallan.review.queue import current_claim

OWNER_FIELDS = ("registration", "name", "district", "vehicle_class", "maker_model", "colour")
# Keys of ``rule_inputs`` drawn on their own; the rest are listed as they are.
SIGNAL_KEY = "signal_history"
CHAR_KEYS = ("plate_char_confidences", "char_confidences")


def owner_records(engine: Engine, registrations: list[str]) -> dict[str, dict[str, Any]]:
    if not registrations:
        return {}
    cols = [owners.c[name] for name in OWNER_FIELDS]
    with engine.connect() as conn:
        rows = conn.execute(sa.select(*cols).where(owners.c.registration.in_(registrations))).mappings()
        return {row["registration"]: dict(row) for row in rows}


def lookup_owners(engine: Engine, plate: str, detected_class: str = "") -> dict[str, Any]:
    """Candidates for a plate as typed by a reviewer: match kind, reasons, owner records (best first)."""
    decision = match_plate(engine, plate[:32], detected_class)
    records = owner_records(engine, [c.registration for c in decision.candidates])
    return {
        "kind": decision.kind,
        "reasons": list(decision.reasons),
        "candidates": [
            {**records.get(c.registration, {"registration": c.registration}), "cost": round(c.cost, 2)}
            for c in decision.candidates
        ],
    }


def event_detail(engine: Engine, challan_id: int) -> dict[str, Any]:
    """Challan, event, evidence ids by kind, candidate owners, claim and escalation of one challan."""
    query = (
        sa.select(
            challans.c.id,
            challans.c.number,
            challans.c.status,
            challans.c.offence,
            challans.c.section,
            challans.c.amount_inr,
            challans.c.registration,
            challans.c.match_kind,
            challans.c.candidates,
            challans.c.review_reasons,
            events.c.id.label("event_id"),
            events.c.key,
            events.c.camera_id,
            events.c.location,
            events.c.occurred_at,
            events.c.confidence,
            events.c.vehicle_class,
            events.c.track_id,
            events.c.plate_text,
            events.c.plate_confidence,
            events.c.plate_valid,
            events.c.plate_box,
            events.c.plate_doubts,
            events.c.rule_inputs,
        )
        .join(events, events.c.id == challans.c.event_id)
        .where(challans.c.id == challan_id)
    )
    with engine.connect() as conn:
        row = conn.execute(query).mappings().first()
        if row is None:
            raise ReviewError(f"no challan with id {challan_id}")
        evidence = evidence_ids(conn, row["event_id"])
        escalated = conn.execute(
            sa.select(escalations.c.reason, users.c.username)
            .join(users, users.c.id == escalations.c.user_id)
            .where(escalations.c.challan_id == challan_id)
        ).first()
        held = current_claim(conn, challan_id)
        booker = booked_by(conn, challan_id)
    detail = dict(row)
    regs = [c["registration"] for c in detail["candidates"] or []]
    records = owner_records(engine, regs)
    detail.update(
        evidence=evidence,
        owners=[{**records.get(c["registration"], {}), **c} for c in detail["candidates"] or []],
        **rule_view(detail["rule_inputs"]),
        claim=held,
        escalated=dict(escalated._mapping) if escalated is not None else None,
        booked_by=booker,
    )
    return detail


def evidence_ids(conn: Connection, event_id: int) -> dict[str, int]:
    """The event's evidence file ids by kind (frame, annotated, vehicle, plate, clip); pages link by id."""
    files = conn.execute(
        sa.select(evidence_files.c.id, evidence_files.c.kind)
        .where(evidence_files.c.event_id == event_id)
        .order_by(evidence_files.c.id)
    ).all()
    return {kind: file_id for file_id, kind in files}


def rule_view(rule_inputs: Any) -> dict[str, Any]:
    """An event's ``rule_inputs`` as the pages show them: the signal timeline, the per-character plate
    confidences, and every other input as it is."""
    inputs = rule_inputs if isinstance(rule_inputs, dict) else {}
    return {
        "signal_history": inputs.get(SIGNAL_KEY) or [],
        "other_inputs": {k: v for k, v in inputs.items() if k != SIGNAL_KEY and k not in CHAR_KEYS},
        "char_confidences": next((inputs[k] for k in CHAR_KEYS if k in inputs), None),
    }
