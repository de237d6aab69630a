"""Payment and dispute/court outcome reconciliation against the ledger."""

from __future__ import annotations

from pathlib import Path

import pytest
import sqlalchemy as sa
from test_records import FINES, TODAY, engine, event, write  # noqa: F401  (engine is a fixture)

from echallan.errors import InputError
from echallan.records import (
    audit_trail,
    import_outcomes,
    import_payments,
    issue_challans,
    show_challan,
    store_events,
)
from echallan.records.payments import decide_outcome, decide_payment, parse_amount

N1, N2, N3 = (f"KA-BLR-2025-00000{i}" for i in (1, 2, 3))


def test_decisions_are_pure() -> None:
    assert decide_payment("issued", 5000, 5000, None, N1).action == "apply"
    assert decide_payment("printed", 5000, 500, None, N1).reason == "paid 500, due 5000"
    assert decide_payment(None, None, 1, None, N1).kind == "unknown_challan"
    assert decide_payment("paid", 5000, 5000, None, N1).kind == "already_paid"
    assert decide_payment("pending_review", 5000, 5000, None, N1).kind == "not_payable"
    assert decide_payment("paid", 5000, 5000, N1, N1).action == "unchanged"
    assert decide_payment("issued", 5000, 5000, N2, N1).kind == "duplicate_reference"
    assert decide_outcome("printed", "disputed").action == "apply"
    assert decide_outcome("paid", "disputed").kind == "illegal_outcome"
    assert [parse_amount(t) for t in ("₹5,000", "5000.00", "Rs. 500", "12.50", "five")] == [
        5000,
        5000,
        500,
        None,
        None,
    ]


@pytest.fixture
def ledger(engine: sa.Engine) -> sa.Engine:  # noqa: F811
    store_events(engine, [event(1), event(2), event(3, plate="KA03CD9999")], auto_accept=0.9)
    assert issue_challans(engine, FINES, today=TODAY) == [N1, N2, N3]  # N2 is a repeat: 10,000
    return engine


def test_payments_apply_and_mismatches_are_reported(ledger: sa.Engine, tmp_path: Path) -> None:
    csv_file = write(
        tmp_path / "pay.csv",
        "challan_number,amount,date,reference\n"
        f"{N1},5000,02-03-2025,UTR001\n"
        f"{N2},5000,02-03-2025,UTR002\n"  # wrong amount: N2 is a repeat offence
        "KA-BLR-2025-000099,5000,02-03-2025,UTR003\n"
        f"{N1},5000,03-03-2025,UTR004\n"  # already paid (by UTR001 above)
        f"{N3},abc,03-03-2025,UTR005\n",
    )
    report = import_payments(ledger, csv_file)
    assert report.applied == 1 and report.unchanged == 0
    assert [(m.row_number, m.challan_number, m.kind) for m in report.mismatches] == [
        (3, N2, "wrong_amount"),
        (4, "KA-BLR-2025-000099", "unknown_challan"),
        (5, N1, "already_paid"),
        (6, N3, "bad_row"),
    ]
    again = import_payments(ledger, csv_file)
    assert again.applied == 0 and again.unchanged == 1  # UTR001 is recorded once
    paid = show_challan(ledger, N1)
    assert paid["status"] == "paid" and paid["payments"] == [
        {"reference": "UTR001", "amount_inr": 5000, "paid_on": "2025-03-02"}
    ]
    assert audit_trail(ledger, N1)[-1]["reason"] == "payment UTR001 of 5000 on 2025-03-02"
    with pytest.raises(InputError, match="no 'reference' column"):
        import_payments(ledger, write(tmp_path / "bad.csv", "challan_number,amount,date\n"))


def test_outcomes_follow_the_transition_table(ledger: sa.Engine, tmp_path: Path) -> None:
    import_payments(
        ledger, write(tmp_path / "p.csv", f"challan,amount_inr,paid_on,utr\n{N1},5000,2025-03-02,U1\n")
    )
    report = import_outcomes(
        ledger,
        write(
            tmp_path / "o.csv",
            "challan_number,outcome,date,reference,note\n"
            f"{N2},disputed,05-03-2025,D-17,owner says the car was sold\n"
            f"{N2},sent to court,20-03-2025,CC-2025-88,\n"
            f"{N1},disputed,05-03-2025,,\n"  # paid is final
            f"{N3},quashed,05-03-2025,,\n"
            f"{N3},maybe,05-03-2025,,\n",
        ),
    )
    assert report.applied == 3
    assert [(m.row_number, m.kind) for m in report.mismatches] == [(4, "illegal_outcome"), (6, "bad_row")]
    assert show_challan(ledger, N2)["status"] == "court" and show_challan(ledger, N3)["status"] == "cancelled"
    trail = audit_trail(ledger, N2)
    assert [(a["from_status"], a["to_status"]) for a in trail[-2:]] == [
        ("issued", "disputed"),
        ("disputed", "court"),
    ]
    assert trail[-2]["reason"] == "disputed on 2025-03-05; reference D-17; note owner says the car was sold"
