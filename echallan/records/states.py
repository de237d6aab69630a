"""The challan life cycle as data: states, the allowed transitions and one pure check.

draft -> pending_review -> approved -> issued -> printed -> mailed -> paid | disputed | court | cancelled

``check_transition`` is the only judge of whether a status may change; every writer calls it.
"""

from __future__ import annotations

from echallan.errors import LedgerError

DRAFT = "draft"
PENDING_REVIEW = "pending_review"
APPROVED = "approved"
ISSUED = "issued"
PRINTED = "printed"
MAILED = "mailed"
PAID = "paid"
DISPUTED = "disputed"
COURT = "court"
CANCELLED = "cancelled"

STATES = (DRAFT, PENDING_REVIEW, APPROVED, ISSUED, PRINTED, MAILED, PAID, DISPUTED, COURT, CANCELLED)

TRANSITIONS: dict[str, frozenset[str]] = {
    DRAFT: frozenset({PENDING_REVIEW, APPROVED, CANCELLED}),
    PENDING_REVIEW: frozenset({APPROVED, CANCELLED}),
    APPROVED: frozenset({ISSUED, CANCELLED}),
    ISSUED: frozenset({PRINTED, PAID, DISPUTED, CANCELLED}),
    PRINTED: frozenset({MAILED, PAID, DISPUTED, COURT, CANCELLED}),
    MAILED: frozenset({PAID, DISPUTED, COURT, CANCELLED}),
    DISPUTED: frozenset({PAID, COURT, CANCELLED}),
    COURT: frozenset({PAID, CANCELLED}),
    PAID: frozenset(),
    CANCELLED: frozenset(),
}

# A payment settles a challan only once the owner has been told of it.
PAYABLE = frozenset(s for s, targets in TRANSITIONS.items() if PAID in targets)
# Not counted when deciding whether an offence is a repeat: never confirmed, or withdrawn.
NOT_COUNTED_FOR_REPEAT = frozenset({DRAFT, PENDING_REVIEW, APPROVED, CANCELLED})


def allowed(from_status: str, to_status: str) -> bool:
    return to_status in TRANSITIONS.get(from_status, frozenset())


def check_transition(number: str, from_status: str, to_status: str) -> None:
    """Raise ``LedgerError`` with a one-line reason unless ``from_status -> to_status`` is allowed."""
    if to_status not in TRANSITIONS:
        raise LedgerError(f"'{to_status}' is not a challan status; use one of {', '.join(STATES)}")
    if from_status == to_status:
        raise LedgerError(f"challan {number} is already {to_status}")
    if not allowed(from_status, to_status):
        targets = sorted(TRANSITIONS.get(from_status, frozenset()))
        then = f"it can only go to {', '.join(targets)}" if targets else "that is final"
        raise LedgerError(f"challan {number} is {from_status} and cannot become {to_status}; {then}")
