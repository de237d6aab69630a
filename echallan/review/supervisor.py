"""Supervisor work: approve in bulk what cleared every threshold, reviewer statistics, the dashboard."""

from __future__ import annotations

import logging
from collections import Counter
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Engine

from echallan.records.ledger import approve
from echallan.records.models import audit_log, challans, events
from echallan.records.policy import ALWAYS_REVIEW, MIN_RULE_CONFIDENCE, RulePolicy
from echallan.records.states import PENDING_REVIEW
from echallan.review.auth import User, require_supervisor
from echallan.review.errors import ReviewError
from echallan.review.models import escalations, users
from echallan.review.queue import queue_query

log = logging.getLogger(__name__)

BULK_REASON = "auto-accepted batch approved by supervisor"


@dataclass(frozen=True)
class Thresholds:
    """Auto-accept thresholds; clearing them also needs a valid plate, one exact owner match and an
    offence that is not always checked by a person (:data:`echallan.records.policy.ALWAYS_REVIEW`)."""

    plate: float = 0.9  # plate read confidence
    rule: float = MIN_RULE_CONFIDENCE  # the violation's (track) confidence
    always_review: frozenset[str] = ALWAYS_REVIEW

    def cleared(self, row: Any) -> bool:
        candidates = row["candidates"] or []
        return (
            bool(row["plate_valid"])
            and (row["plate_confidence"] or 0.0) >= self.plate
            and not RulePolicy(self.rule, self.always_review).reasons(row["offence"], row["confidence"])
            and row["match_kind"] == "exact"
            and len(candidates) == 1
            and not row["escalated"]
        )


def bulk_candidates(engine: Engine, thresholds: Thresholds) -> list[dict[str, Any]]:
    """Pending challans whose every confidence cleared its threshold, oldest first."""
    with engine.connect() as conn:
        rows = conn.execute(queue_query().order_by(challans.c.id)).mappings().all()
    return [dict(r) for r in rows if thresholds.cleared(r)]


def bulk_approve(engine: Engine, user: User, challan_ids: list[int], thresholds: Thresholds) -> list[str]:
    """Approve the chosen challans; each must still be pending and clear every threshold."""
    require_supervisor(user)
    eligible = {row["id"]: row["number"] for row in bulk_candidates(engine, thresholds)}
    refused = [i for i in challan_ids if i not in eligible]
    if refused:
        raise ReviewError(f"{len(refused)} of the chosen challans no longer qualify for bulk approval")
    numbers = [eligible[i] for i in challan_ids]
    for number in numbers:
        approve(engine, number, user.username, BULK_REASON)
    log.info("%d challans approved in bulk by %s", len(numbers), user.username)
    return numbers


def reviewer_stats(engine: Engine) -> list[dict[str, Any]]:
    """Per account: challans confirmed, corrected, rejected, escalated, and approved in bulk."""
    query = (
        sa.select(audit_log.c.actor, audit_log.c.to_status, audit_log.c.reason, sa.func.count())
        .join(users, users.c.username == audit_log.c.actor)
        .where(audit_log.c.from_status == PENDING_REVIEW)
        .group_by(audit_log.c.actor, audit_log.c.to_status, audit_log.c.reason)
    )
    stats: dict[str, Counter[str]] = {}
    with engine.connect() as conn:
        for actor, to_status, reason, n in conn.execute(query):
            stats.setdefault(actor, Counter())[_decision(to_status, reason or "")] += n
    return [
        {"reviewer": actor, **counts, "total": sum(counts.values())}
        for actor, counts in sorted(stats.items())
    ]


def _decision(to_status: str, reason: str) -> str:
    if to_status == PENDING_REVIEW:
        return "escalated"
    if to_status != "approved":
        return "rejected"
    if reason.startswith("plate corrected"):
        return "corrected"
    return "bulk" if reason == BULK_REASON else "confirmed"


def dashboard(engine: Engine) -> dict[str, list[tuple[str, int]]]:
    """Challan counts by junction, offence and hour of day (local time as recorded), largest first."""
    query = sa.select(events.c.location, events.c.camera_id, challans.c.offence, events.c.occurred_at).join(
        events, events.c.id == challans.c.event_id
    )
    junction: Counter[str] = Counter()
    offence: Counter[str] = Counter()
    hour: Counter[str] = Counter({f"{h:02d}": 0 for h in range(24)})
    with engine.connect() as conn:
        pending = conn.scalar(
            sa.select(sa.func.count()).select_from(challans).where(challans.c.status == PENDING_REVIEW)
        )
        escalated = conn.scalar(sa.select(sa.func.count()).select_from(escalations))
        for location, camera, off, occurred in conn.execute(query):
            junction[location or camera] += 1
            offence[off] += 1
            hour[str(occurred)[11:13]] += 1
    return {
        "junction": junction.most_common(),
        "offence": offence.most_common(),
        "hour": sorted(hour.items()),
        "totals": [("pending review", int(pending or 0)), ("escalated", int(escalated or 0))],
    }
