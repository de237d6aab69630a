"""Reconcile payments and dispute/court outcomes from CSV files against the ledger.

payments CSV:  challan_number, amount, date, reference      (one row per payment)
outcomes CSV:  challan_number, outcome, date[, reference][, note]
               outcome: disputed | court | cancelled | paid  (and the synonyms in OUTCOMES)

``decide_payment`` and ``decide_outcome`` are pure: given what the ledger holds they say whether a
row applies, changes nothing (already recorded), or is a mismatch. Rows that apply move their
challan through ``ledger.move`` (checked and audited); the whole file is one transaction.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Literal

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine

from echallan.errors import InputError
from echallan.records.db import utcnow
from echallan.records.ledger import locked, move
from echallan.records.models import challans, payments
from echallan.records.owners_csv import parse_date
from echallan.records.states import CANCELLED, COURT, DISPUTED, PAID, PAYABLE, allowed

PAYMENT_COLUMNS = {
    "challan_number": ("challan_number", "challan", "challan_no", "number"),
    "amount": ("amount", "amount_inr", "paid_amount"),
    "date": ("date", "paid_on", "payment_date"),
    "reference": ("reference", "ref", "transaction_id", "utr"),
}
OUTCOME_COLUMNS = {
    "challan_number": PAYMENT_COLUMNS["challan_number"],
    "outcome": ("outcome", "result", "status"),
    "date": ("date", "decided_on"),
    "reference": ("reference", "case_number", "ref"),
    "note": ("note", "remarks"),
}
OUTCOMES = {
    "disputed": DISPUTED, "dispute": DISPUTED, "contested": DISPUTED,
    "court": COURT, "sent_to_court": COURT, "virtual_court": COURT,
    "cancelled": CANCELLED, "withdrawn": CANCELLED, "quashed": CANCELLED, "waived": CANCELLED,
    "paid": PAID, "paid_in_court": PAID,
}  # fmt: skip
_AMOUNT = re.compile(r"^(?:₹|rs\.?|inr)?\s*([0-9][0-9,]*)(?:\.0+)?$", re.IGNORECASE)

Kind = Literal[
    "bad_row", "unknown_challan", "wrong_amount", "already_paid", "not_payable", "duplicate_reference",
    "illegal_outcome",
]  # fmt: skip


@dataclass(frozen=True)
class Mismatch:
    row_number: int
    challan_number: str
    kind: Kind
    reason: str


@dataclass(frozen=True)
class ReconcileReport:
    applied: int
    unchanged: int  # rows already recorded by an earlier import
    mismatches: tuple[Mismatch, ...]


@dataclass
class _Tally:
    """Counts a reconciliation's decisions and builds its report."""

    applied: int = 0
    unchanged: int = 0
    mismatches: list[Mismatch] = field(default_factory=list)

    def count(self, line: int, number: str, decision: Decision) -> bool:
        """Record ``decision``; True when the caller should apply it."""
        if decision.action == "apply":
            self.applied += 1
        elif decision.action == "unchanged":
            self.unchanged += 1
        else:
            self.mismatches.append(Mismatch(line, number, decision.kind or "bad_row", decision.reason))
        return decision.action == "apply"

    def report(self) -> ReconcileReport:
        return ReconcileReport(self.applied, self.unchanged, tuple(self.mismatches))


@dataclass(frozen=True)
class Decision:
    action: Literal["apply", "unchanged", "mismatch"]
    kind: Kind | None = None
    reason: str = ""


def decide_payment(
    status: str | None, amount_due: int | None, amount: int, reference_for: str | None, number: str
) -> Decision:
    """``reference_for``: the challan an earlier import recorded this reference against, if any."""
    if reference_for == number:
        return Decision("unchanged")
    if reference_for is not None:
        return Decision("mismatch", "duplicate_reference", f"reference already paid challan {reference_for}")
    if status is None:
        return Decision("mismatch", "unknown_challan", "no such challan")
    if status == PAID:
        return Decision("mismatch", "already_paid", "challan is already paid")
    if status not in PAYABLE:
        return Decision("mismatch", "not_payable", f"challan is {status}; it cannot be paid")
    if amount != amount_due:
        return Decision("mismatch", "wrong_amount", f"paid {amount}, due {amount_due}")
    return Decision("apply")


def decide_outcome(status: str | None, target: str) -> Decision:
    if status is None:
        return Decision("mismatch", "unknown_challan", "no such challan")
    if status == target:
        return Decision("unchanged")
    if not allowed(status, target):
        return Decision("mismatch", "illegal_outcome", f"challan is {status} and cannot become {target}")
    return Decision("apply")


def parse_amount(text: str) -> int | None:
    """``"₹1,000"``, ``"1000.00"`` -> 1000; paise or words -> ``None``."""
    m = _AMOUNT.match(text.strip())
    return int(m.group(1).replace(",", "")) if m else None


def import_payments(engine: Engine, csv_path: Path, actor: str = "payments import") -> ReconcileReport:
    """Mark challans paid from a payments CSV; every other row is reported with its reason."""
    tally = _Tally()
    with engine.begin() as conn:
        for line, row in _read(
            csv_path, PAYMENT_COLUMNS, required=("challan_number", "amount", "date", "reference")
        ):
            number, amount, paid_on = (
                row["challan_number"],
                parse_amount(row["amount"]),
                parse_date(row["date"]),
            )
            problem = _bad(
                amount is None, "amount", paid_on is None, "date", not row["reference"], "reference"
            )
            if problem:
                tally.mismatches.append(Mismatch(line, number, "bad_row", problem))
                continue
            assert amount is not None and paid_on is not None
            status, due = _status(conn, number)
            earlier = conn.execute(
                sa.select(challans.c.number)
                .join(payments, payments.c.challan_id == challans.c.id)
                .where(payments.c.reference == row["reference"])
            ).scalar()
            if tally.count(line, number, decide_payment(status, due, amount, earlier, number)):
                _pay(conn, number, amount, paid_on, row["reference"], actor)
    return tally.report()


def import_outcomes(engine: Engine, csv_path: Path, actor: str = "outcomes import") -> ReconcileReport:
    """Apply dispute and court outcomes (disputed, court, cancelled, paid) from a CSV."""
    tally = _Tally()
    with engine.begin() as conn:
        for line, row in _read(csv_path, OUTCOME_COLUMNS, required=("challan_number", "outcome", "date")):
            number = row["challan_number"]
            target = OUTCOMES.get(row["outcome"].lower().replace(" ", "_"))
            decided_on = parse_date(row["date"])
            problem = _bad(target is None, "outcome", decided_on is None, "date")
            if problem:
                tally.mismatches.append(Mismatch(line, number, "bad_row", problem))
                continue
            assert target is not None
            if tally.count(line, number, decide_outcome(_status(conn, number)[0], target)):
                reason = f"{row['outcome']} on {decided_on}" + "".join(
                    f"; {k} {row[k]}" for k in ("reference", "note") if row.get(k)
                )
                move(conn, locked(conn, number), target, actor, reason)
    return tally.report()


def _bad(*checks: bool | str) -> str:
    pairs = zip(checks[::2], checks[1::2], strict=True)
    return "; ".join(f"{name} is missing or not valid" for failed, name in pairs if failed)


def _status(conn: Connection, number: str) -> tuple[str | None, int | None]:
    row = conn.execute(
        sa.select(challans.c.status, challans.c.amount_inr).where(challans.c.number == number)
    ).first()
    return (row.status, row.amount_inr) if row else (None, None)


def _pay(conn: Connection, number: str, amount: int, paid_on: date, reference: str, actor: str) -> None:
    challan = locked(conn, number)
    now = utcnow()
    conn.execute(
        sa.insert(payments).values(
            challan_id=challan.id, reference=reference, amount_inr=amount, paid_on=paid_on, recorded_at=now
        )
    )
    move(conn, challan, PAID, actor, f"payment {reference} of {amount} on {paid_on.isoformat()}", now)


def _read(
    path: Path, columns: dict[str, tuple[str, ...]], required: tuple[str, ...]
) -> Iterator[tuple[int, dict[str, str]]]:
    try:
        text = Path(path).read_text(encoding="utf-8-sig")
    except FileNotFoundError as err:
        raise InputError(f"file not found: {path}") from err
    except UnicodeDecodeError as err:
        raise InputError(f"{path} is not UTF-8 text; save it as 'CSV UTF-8'") from err
    except OSError as err:
        raise InputError(f"cannot read {path}: {err.strerror}") from err
    reader = csv.reader(io.StringIO(text, newline=""))
    header = [h.strip().lower() for h in next(reader, [])]
    where = {}
    for name, aliases in columns.items():
        found = next((header.index(a) for a in aliases if a in header), None)
        if found is None and name in required:
            raise InputError(f"{path} has no '{name}' column; the header must include {', '.join(required)}")
        if found is not None:
            where[name] = found
    for fields in reader:
        if not any(f.strip() for f in fields):
            continue
        cells = {name: fields[i].strip() if i < len(fields) else "" for name, i in where.items()}
        yield reader.line_num, cells
