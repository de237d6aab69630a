"""Read the ledger: list, show and export challans, and their audit trails (JSON-serialisable)."""

from __future__ import annotations

import csv
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Engine

from echallan.errors import InputError, LedgerError
from echallan.records.db import iso
from echallan.records.models import audit_log, challans, events, owners, payments
from echallan.records.states import STATES

EXPORT_COLUMNS = (
    "number", "status", "offence", "section", "amount_inr", "plate", "occurred_at",
    "camera_id", "location", "issued_on", "due_on", "printed_at",
)  # fmt: skip


def _query() -> sa.Select[Any]:
    return (
        sa.select(
            challans.c.number,
            challans.c.status,
            challans.c.offence,
            challans.c.section,
            challans.c.amount_inr,
            sa.func.coalesce(challans.c.registration, owners.c.registration).label("plate"),
            owners.c.name.label("owner_name"),
            events.c.occurred_at,
            events.c.camera_id,
            events.c.location,
            challans.c.issued_on,
            challans.c.due_on,
            challans.c.printed_at,
        )
        .join(events, events.c.id == challans.c.event_id)
        .join(owners, owners.c.id == challans.c.owner_id)
        .order_by(challans.c.number)
    )


def _plain(row: Any) -> dict[str, Any]:
    return {
        k: iso(v) if k in ("issued_on", "due_on", "printed_at", "at", "paid_on") else v
        for k, v in row.items()
    }


def list_challans(engine: Engine, status: str | None = None) -> list[dict[str, Any]]:
    """Challans sorted by number, as JSON-serialisable dicts."""
    if status is not None and status not in STATES:
        raise InputError(f"'{status}' is not a challan status; use one of {', '.join(STATES)}")
    query = _query() if status is None else _query().where(challans.c.status == status)
    with engine.connect() as conn:
        return [_plain(row) for row in conn.execute(query).mappings()]


def show_challan(engine: Engine, number: str) -> dict[str, Any]:
    """One challan with its match details, payments and audit trail."""
    query = _query().add_columns(
        challans.c.match_kind,
        challans.c.match_cost,
        challans.c.candidates,
        challans.c.review_reasons,
        events.c.key.label("event_key"),
        events.c.vehicle_class.label("detected_class"),
        owners.c.vehicle_class.label("registered_class"),
    )
    with engine.connect() as conn:
        row = conn.execute(query.where(challans.c.number == number)).mappings().first()
        if row is None:
            raise LedgerError(f"challan {number} does not exist")
        paid = conn.execute(
            sa.select(payments.c.reference, payments.c.amount_inr, payments.c.paid_on)
            .join(challans, challans.c.id == payments.c.challan_id)
            .where(challans.c.number == number)
            .order_by(payments.c.id)
        ).mappings()
        return {**_plain(row), "payments": [_plain(p) for p in paid], "audit": audit_trail(engine, number)}


def audit_trail(engine: Engine, number: str) -> list[dict[str, Any]]:
    """The audit rows of one challan, oldest first."""
    query = (
        sa.select(
            audit_log.c.actor,
            audit_log.c.at,
            audit_log.c.from_status,
            audit_log.c.to_status,
            audit_log.c.reason,
        )
        .join(challans, challans.c.id == audit_log.c.challan_id)
        .where(challans.c.number == number)
        .order_by(audit_log.c.id)
    )
    with engine.connect() as conn:
        return [_plain(row) for row in conn.execute(query).mappings()]


def export_challans(engine: Engine, out_csv: Path, status: str | None = None) -> int:
    """Write challans (no owner name or address) to ``out_csv``; returns how many rows."""
    rows = list_challans(engine, status)
    try:
        with Path(out_csv).open("w", newline="", encoding="utf-8") as fh:
            writer = csv.DictWriter(fh, fieldnames=EXPORT_COLUMNS, extrasaction="ignore")
            writer.writeheader()
            writer.writerows(rows)
    except OSError as err:
        raise InputError(f"cannot write {out_csv}: {err.strerror}") from err
    return len(rows)
