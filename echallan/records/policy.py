"""When the violation itself needs a person's eyes, however sure the plate read and the owner match.

A challan is booked without review reasons only when every confidence clears its threshold: the plate
read's (the reader's calibrated ``AUTO_ACCEPT_THRESHOLD``), the owner match's (one exact registration
of a compatible class, :mod:`echallan.records.matching`) and the rule's (this module). Reasons found
here go with the challan to the review desk, so neither ``challans issue --without-supervisor`` nor a
supervisor's batch approval (``challans approve --auto``) can send such a notice unseen.

Three checks, pure functions of plain data:

* **Offences a person always checks** (:data:`ALWAYS_REVIEW`): the rules whose measured precision is far
  below the 99.5 % asked of an auto-accepted plate (docs/BENCHMARKS.md, measured 2026-12-07): triple
  riding, 51 true and 4 false events on 72 generated clips (93 % precision; the person detector counts
  bystanders beside a bike and two boxes on one pillion rider); no helmet, per-head no-helmet precision
  0.843 on the held-out half of helmet_riders, and 42 true and 3 false events on 48 generated clips
  (93 % precision; on the stock street clip it fires on a cycle-rickshaw the detector calls a
  motorcycle). Both are judgments about the people on a bike that a reviewer makes at a glance from the
  evidence photo.
* **A floor on the rule's own confidence** (:data:`MIN_RULE_CONFIDENCE`, the mean detector score of the
  track for most rules): the same 0.5 that the supervisor's batch approval uses. On 24 generated clips
  a scenario, 117 of the 119 true events of the other five rules scored 0.5 or more (under it: a
  wrong-way car at 0.49 and a parked car at 0.42), so the floor costs a reviewer about two looks in a
  hundred.
* **A possible duplicate** (:func:`duplicate_reasons`, :data:`DUPLICATE_WINDOW_S`): a challan already
  booked for the same registration, offence and camera within two minutes of this one. One vehicle can
  leave two events when its track splits (lost behind a bus and found again away from where it was lost
  starts a new track, so that no track passes from one vehicle to another), and both plates then read
  alike; a person decides whether it was one offence or two.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime

from echallan.errors import InputError
from echallan.types import Offence

#: Offences that always go to a reviewer (see the module docstring for the measurements).
ALWAYS_REVIEW = frozenset({Offence.TRIPLE_RIDING.value, Offence.NO_HELMET.value})
#: A violation scored under this goes to a reviewer.
MIN_RULE_CONFIDENCE = 0.5
#: A challan for the same registration, offence and camera this close in time makes a possible duplicate.
DUPLICATE_WINDOW_S = 120.0


def duplicate_reasons(
    occurred_at: str, earlier: Sequence[tuple[str, str]], window_s: float = DUPLICATE_WINDOW_S
) -> tuple[str, ...]:
    """Why a person must check this event as a possible duplicate: one reason per ``earlier`` challan
    (number, its event's time) of the same registration, offence and camera within ``window_s`` of it.
    Times are ISO 8601 with their offset, as events store them."""
    when = datetime.fromisoformat(occurred_at)
    out = []
    for number, at in earlier:
        gap = abs((datetime.fromisoformat(at) - when).total_seconds())
        if gap <= window_s:
            out.append(
                f"possible duplicate of {number}: same registration, offence and camera {gap:.0f} s apart"
            )
    return tuple(out)


@dataclass(frozen=True)
class RulePolicy:
    """Which violations may become a challan without a person looking at the evidence."""

    min_confidence: float = MIN_RULE_CONFIDENCE
    always_review: frozenset[str] = field(default=ALWAYS_REVIEW)

    def __post_init__(self) -> None:
        if not 0.0 <= self.min_confidence <= 1.0:
            raise InputError(
                f"the rule confidence threshold must lie between 0 and 1, got {self.min_confidence}"
            )

    def reasons(self, offence: str, confidence: float | None) -> tuple[str, ...]:
        """Why a person must look at this violation (empty when the rule's side is clear)."""
        out = []
        if offence in self.always_review:
            out.append(f"{offence.replace('_', ' ')} is always checked by a person")
        if confidence is None or confidence < self.min_confidence:
            shown = "none" if confidence is None else f"{confidence:.2f}"
            out.append(f"rule confidence {shown} is under {self.min_confidence:.2f}")
        return tuple(out)
