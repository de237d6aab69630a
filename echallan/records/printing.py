"""Hand issued challans to the notice printer and record that they were printed (or reprinted)."""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine

from echallan.errors import ConfigError, InputError, LedgerError
from echallan.records.challans import ISSUED, PRINTED, write_audit
from echallan.records.db import utcnow
from echallan.records.fines import Fine
from echallan.records.models import challans, events, evidence_files, owners
from echallan.types import NoticeData

log = logging.getLogger(__name__)


def notices_to_print(engine: Engine, fines: Mapping[str, Fine]) -> list[NoticeData]:
    """Everything needed to print each issued challan, sorted by owner PIN, then number.

    Bad data does not stop the batch: a notice with no address or no frame evidence is returned
    with an empty address or evidence path, and the printer skips it with its reason.
    """
    return _notices(engine, fines, challans.c.status == ISSUED)


def notice_for(engine: Engine, fines: Mapping[str, Fine], number: str) -> NoticeData:
    """One challan's notice, whatever its status (for a reprint)."""
    found = _notices(engine, fines, challans.c.number == number)
    if not found:
        raise LedgerError(f"challan {number} does not exist")
    return found[0]


def record_reprint(engine: Engine, number: str, actor: str) -> None:
    """Audit a reprint: one row from the challan's status to the same status. Nothing else changes."""
    if not actor.strip():
        raise InputError("the actor reprinting a notice must be named")
    with engine.begin() as conn:
        row = conn.execute(
            sa.select(challans.c.id, challans.c.status).where(challans.c.number == number)
        ).one_or_none()
        if row is None:
            raise LedgerError(f"challan {number} does not exist")
        write_audit(conn, row.id, actor.strip(), row.status, row.status, "notice reprinted", utcnow())


def _notices(engine: Engine, fines: Mapping[str, Fine], where: Any) -> list[NoticeData]:
    query = (
        sa.select(challans, events, owners)
        .join(events, events.c.id == challans.c.event_id)
        .join(owners, owners.c.id == challans.c.owner_id)
        .where(where)
        .order_by(owners.c.pin, challans.c.number)
    )
    with engine.connect() as conn:
        rows = conn.execute(query).all()
        evidence = _evidence(conn, [row._mapping[events.c.id] for row in rows])
    notices = []
    for row in rows:
        c, e, o = (_columns(row, table) for table in (challans, events, owners))
        fine = fines.get(c["offence"])
        if fine is None:
            raise ConfigError(f"no fine is configured for offence '{c['offence']}'; add it to the fines file")
        files = evidence.get(e["id"], {})
        if "frame" not in files:
            log.warning("challan %s has no frame evidence file on record", c["number"])
        frame = files.get("frame", ("", ""))
        privacy = _privacy(e["rule_inputs"])
        notices.append(
            NoticeData(
                challan_number=c["number"],
                issued_on=c["issued_on"].isoformat(),
                due_on=c["due_on"].isoformat(),
                offence=c["offence"],
                offence_label=fine.label,
                section=c["section"],
                amount_inr=c["amount_inr"],
                occurred_at=e["occurred_at"],
                camera_id=e["camera_id"],
                location=e["location"],
                plate=o["registration"],
                vehicle_class=o["vehicle_class"] or e["vehicle_class"],
                owner_name=o["name"],
                owner_address=postal_address(o) if (o["address"] or "").strip() else "",
                owner_pin=o["pin"],
                evidence_path=frame[0],
                evidence_sha256=frame[1],
                plate_crop_path=files["plate"][0] if "plate" in files else None,
                offence_label_hi=fine.label_hi or "",
                vehicle_model=o["maker_model"] or "",
                vehicle_colour=o["colour"] or "",
                offender_box=_box(privacy.get("offender", e["rule_inputs"].get("box"))),
                privacy_vehicles=tuple(b for b in map(_box, privacy.get("vehicles", [])) if b),
                privacy_persons=tuple(b for b in map(_box, privacy.get("persons", [])) if b),
            )
        )
    return notices


def _privacy(rule_inputs: Any) -> dict[str, Any]:
    privacy = rule_inputs.get("privacy") if isinstance(rule_inputs, dict) else None
    return privacy if isinstance(privacy, dict) else {}


def _box(value: Any) -> tuple[int, int, int, int] | None:
    """``[x1, y1, x2, y2]`` from JSON, or None when it is not a box."""
    if not isinstance(value, list | tuple) or len(value) != 4:
        return None
    try:
        x1, y1, x2, y2 = (round(float(v)) for v in value)
    except (TypeError, ValueError):
        return None
    return (x1, y1, x2, y2) if x2 > x1 and y2 > y1 else None


def mark_printed(engine: Engine, numbers: Sequence[str], actor: str = "system") -> None:
    """Move issued challans to "printed", with audit rows. Already printed ones are left as they are.

    All or nothing: an unknown number or a challan in another status refuses the whole batch.
    """
    if not actor.strip():
        raise InputError("the actor marking notices printed must be named")
    wanted = list(dict.fromkeys(numbers))
    if not wanted:
        return
    now = utcnow()
    with engine.begin() as conn:
        found = {
            row.number: row
            for row in conn.execute(
                sa.select(challans.c.id, challans.c.number, challans.c.status)
                .where(challans.c.number.in_(wanted))
                .with_for_update()
            )
        }
        for number in wanted:
            row = found.get(number)
            if row is None:
                raise LedgerError(f"challan {number} does not exist")
            if row.status == PRINTED:
                continue
            if row.status != ISSUED:
                raise LedgerError(
                    f"challan {number} is {row.status}; only issued challans can be marked printed"
                )
            done = conn.execute(
                sa.update(challans)
                .where(challans.c.id == row.id, challans.c.status == ISSUED)
                .values(status=PRINTED, printed_at=now)
            ).rowcount
            if done != 1:
                raise LedgerError(f"challan {number} changed while being marked printed; try again")
            write_audit(conn, row.id, actor.strip(), ISSUED, PRINTED, "notice printed", now)
    log.info("marked %d challans printed", len(wanted))


def postal_address(owner: Mapping[str, Any]) -> str:
    """Address lines, then "District, State - PIN"."""
    last = ", ".join(part for part in (owner.get("district"), owner.get("state")) if part)
    lines = [line for line in (owner.get("address") or "").split("\n") if line]
    lines.append(f"{last} - {owner['pin']}" if last else f"PIN {owner['pin']}")
    return "\n".join(lines)


def _evidence(conn: Connection, event_ids: list[int]) -> dict[int, dict[str, tuple[str, str]]]:
    """First file of each kind per event: {event_id: {kind: (path, sha256)}}."""
    out: dict[int, dict[str, tuple[str, str]]] = {}
    for i in range(0, len(event_ids), 500):
        rows = conn.execute(
            sa.select(
                evidence_files.c.event_id,
                evidence_files.c.kind,
                evidence_files.c.path,
                evidence_files.c.sha256,
            )
            .where(evidence_files.c.event_id.in_(event_ids[i : i + 500]))
            .order_by(evidence_files.c.id)
        )
        for event_id, kind, path, sha256 in rows:
            out.setdefault(event_id, {}).setdefault(kind, (path, sha256))
    return out


def _columns(row: Any, table: sa.Table) -> dict[str, Any]:
    return {column.name: row._mapping[column] for column in table.columns}
