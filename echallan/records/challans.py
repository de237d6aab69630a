"""Issue challans for matched events (gapless numbers, audit rows) and list them.

Numbers are ``STATE-DISTRICT-YEAR-NNNNNN`` with no gaps per series: the series row is locked
(``SELECT ... FOR UPDATE`` on PostgreSQL; SQLite's write lock is taken by the first statement)
and the number is taken in the same transaction as the challan and its audit row.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Mapping
from datetime import date, timedelta
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine

from echallan.errors import ConfigError, InputError
from echallan.records.db import insert_for, iso, utcnow
from echallan.records.events import AUTO
from echallan.records.fines import Fine
from echallan.records.models import audit_log, challan_series, challans, events, owners

log = logging.getLogger(__name__)

ISSUED = "issued"
PRINTED = "printed"
VOID_STATUSES = ("cancelled",)  # not counted when deciding whether an offence is a repeat
REPEAT_WINDOW_DAYS = 3 * 365  # MV Act: a "second or subsequent offence" within three years
_SERIES_PART = re.compile(r"^[A-Z0-9]{2,8}$")


def series_name(state: str, district: str, year: int) -> str:
    parts = []
    for label, value in (("state", state), ("district", district)):
        value = value.strip().upper()
        if not _SERIES_PART.match(value):
            raise InputError(f"challan {label} code must be 2 to 8 letters or digits, got {value!r}")
        parts.append(value)
    return f"{parts[0]}-{parts[1]}-{year}"


def issue_challans(
    engine: Engine,
    fines: Mapping[str, Fine],
    state: str = "KA",
    district: str = "BLR",
    today: date | None = None,
    due_days: int = 60,
) -> list[str]:
    """Issue a challan for every auto-accepted event whose plate is in the owner register.

    Events already challaned or waiting for review are left alone; returns the new numbers.
    """
    today = today or date.today()
    if due_days < 0:
        raise InputError(f"due days must be 0 or more, got {due_days}")
    series = series_name(state, district, today.year)
    numbers: list[str] = []
    with engine.begin() as conn:
        last = _lock_series(conn, series)
        pending = conn.execute(
            sa.select(events.c.id, events.c.offence, owners.c.id.label("owner_id"))
            .join(owners, owners.c.registration == events.c.plate_text)
            .outerjoin(challans, challans.c.event_id == events.c.id)
            .where(challans.c.id.is_(None), events.c.review_status == AUTO)
            .order_by(events.c.id)
        ).all()
        now = utcnow()
        for event_id, offence, owner_id in pending:
            fine = fines.get(offence)
            if fine is None:
                raise ConfigError(f"no fine is configured for offence '{offence}'; add it to the fines file")
            last += 1
            number = f"{series}-{last:06d}"
            challan_id = conn.execute(
                sa.insert(challans)
                .values(
                    number=number,
                    event_id=event_id,
                    owner_id=owner_id,
                    offence=offence,
                    section=fine.section,
                    amount_inr=fine.amount(_is_repeat(conn, owner_id, offence, today)),
                    status=ISSUED,
                    issued_on=today,
                    due_on=today + timedelta(days=due_days),
                )
                .returning(challans.c.id)
            ).scalar_one()
            write_audit(conn, challan_id, "system", None, ISSUED, "plate matched the owner register", now)
            numbers.append(number)
        if numbers:
            conn.execute(
                sa.update(challan_series).where(challan_series.c.series == series).values(last_number=last)
            )
    log.info("issued %d challans in series %s", len(numbers), series)
    return numbers


def list_challans(engine: Engine, status: str | None = None) -> list[dict[str, Any]]:
    """Challans sorted by number, as JSON-serialisable dicts."""
    query = (
        sa.select(
            challans.c.number,
            challans.c.status,
            challans.c.offence,
            challans.c.section,
            challans.c.amount_inr,
            events.c.plate_text.label("plate"),
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
    if status is not None:
        query = query.where(challans.c.status == status)
    with engine.connect() as conn:
        rows = conn.execute(query).mappings().all()
    return [
        {
            **row,
            "issued_on": iso(row["issued_on"]),
            "due_on": iso(row["due_on"]),
            "printed_at": iso(row["printed_at"]),
        }
        for row in rows
    ]


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
        rows = conn.execute(query).mappings().all()
    return [{**row, "at": iso(row["at"])} for row in rows]


def _lock_series(conn: Connection, series: str) -> int:
    # A write first: on SQLite it takes the database write lock for the whole transaction.
    conn.execute(
        insert_for(conn, challan_series)
        .values(series=series, last_number=0)
        .on_conflict_do_nothing(index_elements=[challan_series.c.series])
    )
    return int(
        conn.execute(
            sa.select(challan_series.c.last_number).where(challan_series.c.series == series).with_for_update()
        ).scalar_one()
    )


def _is_repeat(conn: Connection, owner_id: int, offence: str, today: date) -> bool:
    since = today - timedelta(days=REPEAT_WINDOW_DAYS)
    earlier = conn.execute(
        sa.select(sa.func.count())
        .select_from(challans)
        .where(
            challans.c.owner_id == owner_id,
            challans.c.offence == offence,
            challans.c.issued_on >= since,
            challans.c.status.not_in(VOID_STATUSES),
        )
    ).scalar_one()
    return bool(earlier)


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
