"""Match a plate read to the owner register: exact first, then fuzzy, aware of confusable characters.

OCR confuses O/0, I/1, B/8, S/5, Z/2, G/6 and D/0. rapidfuzz finds the registrations within
``MAX_EDITS`` plain edits of the read; each is then re-scored with ``plate_cost`` (a weighted
Levenshtein distance where swapping a confusable pair costs ``CONFUSABLE_COST``, not 1) and kept
when the cost is at most ``MAX_COST``. ``decide`` turns the candidates, the plate read's review
status and the detected vehicle class into an automatic challan or a list of reasons for review.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from typing import Any, Literal

import sqlalchemy as sa
from rapidfuzz import process
from rapidfuzz.distance import Levenshtein
from sqlalchemy.engine import Connection, Engine

from echallan.records.events import AUTO
from echallan.records.models import challans, events, evidence_files, owners
from echallan.records.policy import RulePolicy, duplicate_reasons
from echallan.records.states import CANCELLED

CONFUSABLE_PAIRS = ("O0", "I1", "B8", "S5", "Z2", "G6", "D0")
CONFUSABLE_COST = 0.25
MAX_EDITS = 2  # plain edits rapidfuzz may allow when gathering candidates
MAX_COST = 1.0  # highest confusable-aware cost still offered as a candidate
MAX_CANDIDATES = 5
#: Why an event with no plate read gets no challan on its own, and what a person can do about it.
NO_PLATE_READ = (
    "no plate read: read it from the evidence and book it (the review desk's Unread plates, or echallan "
    "challans book EVENT PLATE)"
)
#: The event columns a decision on a stored event reads (``OwnerIndex.match_event``).
EVENT_READ = (
    events.c.plate_text,
    events.c.plate_confidence,
    events.c.plate_valid,
    events.c.plate_country,
    events.c.plate_doubts,
    events.c.review_status,
    events.c.vehicle_class,
    sa.exists()
    .where(evidence_files.c.event_id == events.c.id, evidence_files.c.kind == "frame")
    .label("has_frame"),
)

_CONFUSABLE = frozenset(frozenset(p) for p in CONFUSABLE_PAIRS)

MatchKind = Literal["exact", "fuzzy", "none"]

# Registered class (VAHAN wording, lower case) -> family, first keyword found wins.
_FAMILY_KEYWORDS = (
    ("two_wheeler", ("mcwg", "mcwog", "motorcycle", "motor cycle", "m-cycle", "scooter", "moped", "2w")),
    ("bus", ("bus", "psv", "stage carriage", "contract carriage")),
    ("goods", ("hgv", "hmv", "mgv", "lgv", "goods", "truck", "lorry", "tipper", "tanker")),
    ("car", ("lmv", "car", "jeep", "suv", "taxi", "cab")),
)
# Detected class (echallan.detection.VEHICLE_CLASSES) -> registered families it may be.
_COMPATIBLE = {
    "motorcycle": frozenset({"two_wheeler"}),
    "bicycle": frozenset({"two_wheeler"}),
    "car": frozenset({"car", "goods"}),
    "truck": frozenset({"goods", "car", "bus"}),
    "bus": frozenset({"bus", "goods"}),
}


@dataclass(frozen=True)
class Candidate:
    registration: str
    cost: float
    vehicle_class: str | None = None


@dataclass(frozen=True)
class MatchDecision:
    """The outcome for one plate read: candidates best first, and why a person must look (if so)."""

    kind: MatchKind
    candidates: tuple[Candidate, ...]
    reasons: tuple[str, ...] = field(default=())

    @property
    def auto(self) -> bool:
        return self.kind == "exact" and not self.reasons

    @property
    def best(self) -> Candidate | None:
        return self.candidates[0] if self.candidates else None

    def with_reasons(self, more: Sequence[str]) -> MatchDecision:
        """This decision with ``more`` reasons for review (from :mod:`echallan.records.policy`)."""
        return replace(self, reasons=self.reasons + tuple(more)) if more else self


def plate_cost(a: str, b: str) -> float:
    """Weighted Levenshtein distance: insert/delete 1, substitute 1, confusable substitute 0.25."""
    previous = [float(j) for j in range(len(b) + 1)]
    for i, ca in enumerate(a, 1):
        current = [float(i)]
        for j, cb in enumerate(b, 1):
            swap = 0.0 if ca == cb else CONFUSABLE_COST if frozenset((ca, cb)) in _CONFUSABLE else 1.0
            current.append(min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + swap))
        previous = current
    return previous[-1]


def rank_candidates(plate: str, registrations: Sequence[str]) -> list[tuple[str, float]]:
    """Registrations near ``plate``, cheapest first (ties by registration), at most ``MAX_CANDIDATES``."""
    near = process.extract(
        plate, registrations, scorer=Levenshtein.distance, score_cutoff=MAX_EDITS, limit=200
    )
    scored = {reg: plate_cost(plate, reg) for reg, _, _ in near}
    kept = sorted((cost, reg) for reg, cost in scored.items() if cost <= MAX_COST)
    return [(reg, cost) for cost, reg in kept[:MAX_CANDIDATES]]


def vehicle_family(registered_class: str | None) -> str | None:
    """``"MCWG"`` -> ``"two_wheeler"``; ``None`` when the register's wording is unknown."""
    text = (registered_class or "").lower()
    for family, keywords in _FAMILY_KEYWORDS:
        if any(k in text for k in keywords):
            return family
    return None


def class_compatible(detected: str, registered_class: str | None) -> bool:
    """False only when both classes are known and cannot be the same vehicle."""
    family = vehicle_family(registered_class)
    allowed = _COMPATIBLE.get(detected.lower())
    return family is None or allowed is None or family in allowed


def read_reason(
    confidence: float | None,
    valid: bool | None,
    country: str | None,
    doubts: Sequence[str] | None,
    has_frame: bool = True,
) -> str:
    """Why a stored plate read needs a person, in a reviewer's words: its confidence and what lowered it
    (``PlateRead.doubts``; events stored before doubts were kept say whether the read fits a format), and
    a missing frame (a read goes out unseen only with a frame as evidence)."""
    parts = [] if has_frame else ["no frame as evidence"]
    parts += [f"confidence {confidence:.2f}"] if confidence is not None else []
    if doubts:
        parts += doubts
    elif country and country != "IN":
        parts.append("a foreign plate")
    elif valid is False:
        parts.append("fits no Indian format")
    return "; ".join(parts)


def decide(
    read_accepted: bool,
    kind: MatchKind,
    candidates: Sequence[Candidate],
    detected: str,
    read_why: str = "",
) -> MatchDecision:
    """Whether a challan can be issued without a person, and if not, every reason why (``read_why``: why
    the plate read needs review, from :func:`read_reason`)."""
    if not candidates:
        return MatchDecision("none", (), ("no registration matches the plate read",))
    reasons = []
    if not read_accepted:
        reasons.append(f"plate read needs review ({read_why or 'low confidence, invalid plate or no frame'})")
    if kind == "fuzzy":
        reasons.append(f"no exact match; nearest registration differs (cost {candidates[0].cost:.2f})")
    if len(candidates) > 1:
        reasons.append("several candidates: " + ", ".join(c.registration for c in candidates))
    best = candidates[0]
    if not class_compatible(detected, best.vehicle_class):
        reasons.append(f"detected {detected} but {best.registration} is registered as {best.vehicle_class}")
    return MatchDecision(kind, tuple(candidates), tuple(reasons))


class OwnerIndex:
    """Looks plates up in the owner register; the registration list for fuzzy search loads once."""

    def __init__(self, conn: Connection) -> None:
        self._conn = conn
        self._registrations: list[str] | None = None

    def lookup(self, plate: str) -> tuple[MatchKind, list[Candidate]]:
        exact = self._classes([plate])
        if exact:
            return "exact", [Candidate(plate, 0.0, exact[plate])]
        if self._registrations is None:
            self._registrations = list(self._conn.scalars(sa.select(owners.c.registration)))
        ranked = rank_candidates(plate, self._registrations)
        classes = self._classes([reg for reg, _ in ranked])
        return ("fuzzy" if ranked else "none"), [Candidate(r, c, classes.get(r)) for r, c in ranked]

    def match(self, plate: str, read_accepted: bool, detected: str, read_why: str = "") -> MatchDecision:
        kind, candidates = self.lookup(plate)
        return decide(read_accepted, kind, candidates, detected, read_why)

    def match_event(self, row: Any) -> MatchDecision:
        """The decision for a stored event ``row`` (a result row with the columns of ``EVENT_READ``)."""
        why = read_reason(
            row.plate_confidence, row.plate_valid, row.plate_country, row.plate_doubts, row.has_frame
        )
        return self.match(row.plate_text, row.review_status == AUTO, row.vehicle_class, why)

    def _classes(self, registrations: list[str]) -> dict[str, str | None]:
        if not registrations:
            return {}
        rows = self._conn.execute(
            sa.select(owners.c.registration, owners.c.vehicle_class).where(
                owners.c.registration.in_(registrations)
            )
        )
        return {reg: cls for reg, cls in rows}


def match_plate(engine: Engine, plate: str, detected: str = "", read_accepted: bool = True) -> MatchDecision:
    """The decision for one plate as typed by an officer (normalised first)."""
    text = "".join(ch for ch in plate.upper() if ch.isalnum())
    with engine.connect() as conn:
        return OwnerIndex(conn).match(text, read_accepted, detected)


def booked_alike(conn: Connection, registration: str, offence: str, camera_id: str) -> list[tuple[str, str]]:
    """(number, event time) of the challans, not cancelled, booked for ``registration`` and ``offence``
    from events of ``camera_id``: what :func:`echallan.records.policy.duplicate_reasons` compares with."""
    query = (
        sa.select(challans.c.number, events.c.occurred_at)
        .join(events, events.c.id == challans.c.event_id)
        .where(
            challans.c.registration == registration,
            challans.c.offence == offence,
            challans.c.status != CANCELLED,
            events.c.camera_id == camera_id,
        )
        .order_by(challans.c.id)
    )
    return [(number, at) for number, at in conn.execute(query)]


def with_rule_reasons(
    conn: Connection, decision: MatchDecision, event: Any, policy: RulePolicy
) -> MatchDecision:
    """``decision`` for a stored ``event`` row with the rule's review reasons (``policy``) and, where it
    names an owner, a possible duplicate's (a challan booked alike moments before): what booking adds to
    the owner match (``challans.issue_challans``, ``challans.book_by_hand``) and the preview shows."""
    decision = decision.with_reasons(policy.reasons(event.offence, event.confidence))
    if decision.best is None:
        return decision
    alike = booked_alike(conn, decision.best.registration, event.offence, event.camera_id)
    return decision.with_reasons(duplicate_reasons(event.occurred_at, alike))


def preview_unbooked(
    engine: Engine, policy: RulePolicy | None = None
) -> list[tuple[str, str, MatchDecision]]:
    """(event key, plate, decision) for each stored event with no challan yet, as ``issue_challans``
    would decide it under ``policy`` (the default :class:`RulePolicy` if None). Possible duplicates are
    checked against the challans already booked, not among these events. An event whose plate the
    machine could not read is listed too (NO_PLATE_READ): ``issue_challans`` leaves it alone, and only a
    person can book it (``challans.book_by_hand``)."""
    policy = policy or RulePolicy()
    query = (
        sa.select(
            events.c.key,
            events.c.offence,
            events.c.confidence,
            events.c.camera_id,
            events.c.occurred_at,
            *EVENT_READ,
        )
        .outerjoin(challans, challans.c.event_id == events.c.id)
        .where(challans.c.id.is_(None))
        .order_by(events.c.id)
    )
    out = []
    with engine.connect() as conn:
        index = OwnerIndex(conn)
        for row in conn.execute(query).all():
            if not row.plate_text:
                out.append((row.key, "", MatchDecision("none", (), (NO_PLATE_READ,))))
                continue
            decision = with_rule_reasons(conn, index.match_event(row), row, policy)
            out.append((row.key, row.plate_text, decision))
    return out
