"""Book challans for matched events (gapless numbers, audit rows), issue approved ones, list them.

Numbers are ``STATE-DISTRICT-YEAR-NNNNNN`` with no gaps per series: the series row is locked
(``SELECT ... FOR UPDATE`` on PostgreSQL; SQLite's write lock is taken by the first statement)
and the number is taken in the same transaction as the challan and its audit rows. A number is
given when the challan is booked, also to challans that go to review: a challan cancelled at
review keeps its number, so every number in a series belongs to exactly one row.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Mapping
from datetime import date, timedelta
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine

from echallan.errors import ConfigError, InputError, LedgerError
from echallan.records.db import insert_for, utcnow
from echallan.records.fines import REPEAT_WINDOW_DAYS, Fine
from echallan.records.ledger import ChallanRef, move, write_audit
from echallan.records.matching import EVENT_READ, MatchDecision, OwnerIndex, with_rule_reasons
from echallan.records.models import challan_series, challans, events, owners
from echallan.records.policy import RulePolicy
from echallan.records.states import (
    APPROVED,
    DRAFT,
    ISSUED,
    NOT_COUNTED_FOR_REPEAT,
    PENDING_REVIEW,
    PRINTED,
)

log = logging.getLogger(__name__)

__all__ = ["ISSUED", "PRINTED", "book_by_hand", "issue_challans", "series_name", "write_audit"]

AUTO_REASON = "auto-accepted: every confidence cleared its threshold"
HOLD_REASON = AUTO_REASON + "; awaiting a supervisor's batch approval"
_SERIES_PART = re.compile(r"^[A-Z0-9]{2,8}$")
#: The event columns booking a challan reads: the rule's side and the plate read's (``EVENT_READ``).
_BOOKING = (
    events.c.id,
    events.c.key,
    events.c.offence,
    events.c.confidence,
    events.c.camera_id,
    events.c.occurred_at,
    *EVENT_READ,
)


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
    *,
    repeat_window_days: int = REPEAT_WINDOW_DAYS,
    limit: int | None = None,
    hold_auto: bool = False,
    policy: RulePolicy | None = None,
) -> list[str]:
    """Book a challan for each new event whose plate matches the register; issue what needs no person.

    An auto-accepted event whose plate matches exactly one owner of a compatible vehicle class, and
    whose rule ``policy`` lets through (the default :class:`~echallan.records.policy.RulePolicy` if
    None: not an offence a person always checks, rule confidence high enough), goes
    draft -> approved -> issued. Any other event with a candidate owner goes draft -> pending_review
    (with its candidates and reasons) for the review desk. Challans a reviewer approved are issued
    too. Events without any candidate are left alone (a person may book them: ``book_by_hand``).
    Returns the numbers issued by this call.
    ``limit`` books at most that many new events (one transaction), for batching. With
    ``hold_auto`` even auto-accepted challans wait in pending_review (with no review reasons) until
    a supervisor approves the batch (``ledger.approve_auto`` or the review desk).
    """
    today = today or date.today()
    policy = policy or RulePolicy()
    if due_days < 0:
        raise InputError(f"due days must be 0 or more, got {due_days}")
    series = series_name(state, district, today.year)
    issued: list[str] = []
    with engine.begin() as conn:
        last = start = _lock_series(conn, series)
        now = utcnow()
        index = OwnerIndex(conn)
        for event in _unbooked(conn, limit):
            decision = with_rule_reasons(conn, index.match_event(event), event, policy)
            if decision.best is None:
                continue
            fine = _fine(fines, event.offence)
            last += 1
            challan = _book(conn, f"{series}-{last:06d}", series, event, decision, fine, today, now)
            if decision.auto and hold_auto:
                move(conn, challan, PENDING_REVIEW, "system", HOLD_REASON, now)
            elif decision.auto:
                challan = move(conn, challan, APPROVED, "system", AUTO_REASON, now)
            else:
                move(conn, challan, PENDING_REVIEW, "system", "; ".join(decision.reasons), now)
        if last != start:
            conn.execute(
                sa.update(challan_series).where(challan_series.c.series == series).values(last_number=last)
            )
        for challan in _approved(conn):
            _issue(conn, challan, fines, today, due_days, repeat_window_days, now)
            issued.append(challan.number)
    log.info("issued %d challans; series %s at %d", len(issued), series, last)
    return issued


def book_by_hand(
    engine: Engine,
    event_key: str,
    plate: str,
    actor: str,
    fines: Mapping[str, Fine],
    state: str = "KA",
    district: str = "BLR",
    today: date | None = None,
    policy: RulePolicy | None = None,
) -> str:
    """Book a challan for the stored event ``event_key`` from the ``plate`` a person (``actor``) read off
    its evidence, where the machine read no plate, or none that matches the register.

    The machine's read stays on the event as it was. The challan goes to pending_review whatever the
    match, with the officer's read among its reasons, so it is confirmed on the review desk
    before anything is mailed; the audit trail names the officer. Returns the challan's number."""
    text = "".join(ch for ch in plate.upper() if ch.isalnum())
    if not text:
        raise InputError(f"the plate {plate!r} holds no letters or digits")
    if not actor.strip():
        raise InputError("say who read the plate (--actor)")
    today = today or date.today()
    series = series_name(state, district, today.year)
    with engine.begin() as conn:
        event = conn.execute(sa.select(*_BOOKING).where(events.c.key == event_key)).first()
        if event is None:
            raise InputError(f"no stored event has the key {event_key!r} (see `echallan match`)")
        booked = conn.scalar(sa.select(challans.c.number).where(challans.c.event_id == event.id))
        if booked is not None:
            raise LedgerError(f"event {event_key} is already booked as challan {booked}")
        why = f"read by {actor} from the evidence; the machine read {event.plate_text or 'nothing'}"
        decision = OwnerIndex(conn).match(text, False, event.vehicle_class, why)
        if decision.best is None:
            raise InputError(f"no registration matches {text}: check the plate, or import its owner")
        decision = with_rule_reasons(conn, decision, event, policy or RulePolicy())
        fine = _fine(fines, event.offence)
        number = _lock_series(conn, series) + 1
        now = utcnow()
        challan = _book(conn, f"{series}-{number:06d}", series, event, decision, fine, today, now, actor)
        move(conn, challan, PENDING_REVIEW, actor, "; ".join(decision.reasons), now)
        conn.execute(
            sa.update(challan_series).where(challan_series.c.series == series).values(last_number=number)
        )
    return challan.number


def _fine(fines: Mapping[str, Fine], offence: str) -> Fine:
    fine = fines.get(offence)
    if fine is None:
        raise ConfigError(f"no fine is configured for offence '{offence}'; add it to the fines file")
    return fine


def _book(
    conn: Connection,
    number: str,
    series: str,
    event: Any,
    decision: MatchDecision,
    fine: Fine,
    today: date,
    now: Any,
    actor: str = "system",
) -> ChallanRef:
    best = decision.best
    assert best is not None
    owner_id = conn.execute(
        sa.select(owners.c.id).where(owners.c.registration == best.registration)
    ).scalar_one()
    challan_id = conn.execute(
        sa.insert(challans)
        .values(
            number=number,
            series=series,
            event_id=event.id,
            owner_id=owner_id,
            registration=best.registration,
            offence=event.offence,
            section=fine.section,
            amount_inr=fine.first,
            status=DRAFT,
            issued_on=today,
            due_on=today,
            match_kind=decision.kind,
            match_cost=best.cost,
            candidates=[
                {"registration": c.registration, "cost": c.cost, "vehicle_class": c.vehicle_class}
                for c in decision.candidates
            ],
            review_reasons=list(decision.reasons),
            created_at=now,
            updated_at=now,
        )
        .returning(challans.c.id)
    ).scalar_one()
    write_audit(conn, challan_id, actor, None, DRAFT, f"booked from event {event.key}", now)
    return ChallanRef(challan_id, number, DRAFT)


def _issue(
    conn: Connection,
    challan: ChallanRef,
    fines: Mapping[str, Fine],
    today: date,
    due_days: int,
    window_days: int,
    now: Any,
) -> None:
    row = conn.execute(
        sa.select(challans.c.offence, challans.c.registration, challans.c.review_reasons).where(
            challans.c.id == challan.id
        )
    ).one()
    reason = "approved at review" if row.review_reasons else AUTO_REASON
    fine = _fine(fines, row.offence)
    repeat = _is_repeat(conn, challan.id, row.registration, row.offence, today, window_days)
    move(
        conn,
        challan,
        ISSUED,
        "system",
        reason,
        now,
        section=fine.section,
        amount_inr=fine.amount(repeat),
        issued_on=today,
        due_on=today + timedelta(days=due_days),
    )


def _unbooked(conn: Connection, limit: int | None) -> list[Any]:
    query = (
        sa.select(*_BOOKING)
        .outerjoin(challans, challans.c.event_id == events.c.id)
        .where(challans.c.id.is_(None), events.c.plate_text.is_not(None), events.c.plate_text != "")
        .order_by(events.c.id)
    )
    return list(conn.execute(query.limit(limit) if limit else query))


def _approved(conn: Connection) -> list[ChallanRef]:
    rows = conn.execute(
        sa.select(challans.c.id, challans.c.number, challans.c.status)
        .where(challans.c.status == APPROVED)
        .order_by(challans.c.number)
        .with_for_update()
    )
    return [ChallanRef(r.id, r.number, r.status) for r in rows]


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


def _is_repeat(
    conn: Connection, challan_id: int, registration: str | None, offence: str, today: date, window_days: int
) -> bool:
    """Has this vehicle an earlier confirmed challan for the same offence within the window?"""
    if not registration:
        return False
    since = today - timedelta(days=window_days)
    earlier = conn.execute(
        sa.select(sa.func.count())
        .select_from(challans)
        .where(
            challans.c.registration == registration,
            challans.c.offence == offence,
            challans.c.id != challan_id,
            challans.c.issued_on >= since,
            challans.c.status.not_in(NOT_COUNTED_FOR_REPEAT),
        )
    ).scalar_one()
    return bool(earlier)
