"""Store pipeline events (violation + plate read + evidence), idempotently on ``Event.key``."""

from __future__ import annotations

import logging
import math
from collections.abc import Mapping, Sequence
from datetime import datetime
from enum import Enum
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Engine

from echallan.anpr.scoring import AUTO_ACCEPT_THRESHOLD
from echallan.errors import LedgerError
from echallan.records.db import insert_for, iso, utcnow
from echallan.records.models import events as events_table
from echallan.records.models import evidence_files
from echallan.types import Event

log = logging.getLogger(__name__)

AUTO = "auto"
NEEDS_REVIEW = "needs_review"
#: The plate confidence from which a read is stored as auto-accepted: the reader's calibrated threshold.
DEFAULT_AUTO_ACCEPT = AUTO_ACCEPT_THRESHOLD


def review_status(event: Event, auto_accept: float) -> str:
    """``"auto"`` for a valid Indian plate read at or above ``auto_accept`` with a frame as evidence."""
    plate = event.plate
    has_frame = any(f.kind == "frame" for f in event.evidence)
    if plate is not None and plate.text and plate.auto_accept(auto_accept) and has_frame:
        return AUTO
    return NEEDS_REVIEW


def store_events(
    engine: Engine,
    events: Sequence[Event],
    location: str = "",
    *,
    auto_accept: float = DEFAULT_AUTO_ACCEPT,
) -> int:
    """Insert events and their evidence files in one transaction; return how many were new.

    An event whose key is already stored is skipped, so storing the same batch twice is harmless.
    """
    for event in events:
        _check(event)
    if not events:
        return 0
    now = utcnow()
    new = 0
    with engine.begin() as conn:
        for event in events:
            stmt = (
                insert_for(conn, events_table)
                .values(**_row(event, location, auto_accept, now))
                .on_conflict_do_nothing(index_elements=[events_table.c.key])
                .returning(events_table.c.id)
            )
            event_id = conn.execute(stmt).scalar_one_or_none()
            if event_id is None:
                continue
            new += 1
            if event.evidence:
                conn.execute(
                    sa.insert(evidence_files),
                    [
                        {"event_id": event_id, "kind": f.kind, "path": f.path, "sha256": f.sha256}
                        for f in event.evidence
                    ],
                )
    log.info("stored %d new of %d events", new, len(events))
    return new


def stored_keys(engine: Engine, keys: Sequence[str]) -> set[str]:
    """Those of ``keys`` already stored."""
    if not keys:
        return set()
    with engine.connect() as conn:
        query = sa.select(events_table.c.key).where(events_table.c.key.in_(list(keys)))
        return set(conn.execute(query).scalars())


def list_events(engine: Engine, review_status: str | None = None) -> list[dict[str, Any]]:
    """Stored events (newest last) as JSON-serialisable dicts, optionally only one review status."""
    query = sa.select(events_table).order_by(events_table.c.id)
    if review_status is not None:
        query = query.where(events_table.c.review_status == review_status)
    with engine.connect() as conn:
        rows = conn.execute(query).mappings().all()
    return [{**row, "created_at": iso(row["created_at"])} for row in rows]


def _check(event: Event) -> None:
    if not event.key:
        raise LedgerError("an event has an empty key; events are stored by key")
    try:
        when = datetime.fromisoformat(event.occurred_at)
    except (TypeError, ValueError) as err:
        raise LedgerError(f"event {event.key}: occurred_at {event.occurred_at!r} is not ISO 8601") from err
    if when.tzinfo is None:
        raise LedgerError(f"event {event.key}: occurred_at {event.occurred_at!r} has no UTC offset")


def _row(event: Event, location: str, auto_accept: float, now: datetime) -> dict[str, Any]:
    v, plate = event.violation, event.plate
    return {
        "key": event.key,
        "camera_id": event.camera_id,
        "location": location,
        "source": event.source,
        "source_sha256": event.source_sha256,
        "offence": str(v.offence),
        "track_id": int(v.track_id),
        "vehicle_class": v.class_name,
        "frame_index": int(v.frame_index),
        "time_s": float(v.time_s),
        "occurred_at": event.occurred_at,
        "confidence": float(v.confidence),
        "rule_inputs": _jsonable(v.inputs),
        "plate_text": plate.text if plate else None,
        "plate_confidence": float(plate.confidence) if plate else None,
        "plate_valid": bool(plate.valid) if plate else None,
        "plate_country": plate.country if plate else None,
        "plate_raw": plate.raw if plate else None,
        "plate_box": plate.box.as_list() if plate and plate.box else None,
        "plate_doubts": list(plate.doubts) if plate else None,
        "review_status": review_status(event, auto_accept),
        "created_at": now,
    }


def _jsonable(value: Any) -> Any:
    """Rule inputs may hold tuples, enums, numpy scalars or NaN; store plain, strict JSON."""
    if isinstance(value, Mapping):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        return [_jsonable(v) for v in value]
    if isinstance(value, bool | int | str) or value is None:
        return value.value if isinstance(value, Enum) else value
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if isinstance(value, Enum):
        return _jsonable(value.value)
    if hasattr(value, "tolist"):  # numpy scalars and arrays
        return _jsonable(value.tolist())
    return str(value)
