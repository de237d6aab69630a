"""The ledger's commands end to end: owners show, match, challans show/approve/cancel/export, payments."""

from __future__ import annotations

import csv
import json
from pathlib import Path
from typing import Any

import typer
from test_records import OWNERS, event, write
from typer.testing import CliRunner

from echallan.cli import main
from echallan.commands.payments import payments_app
from echallan.commands.records import challans_app, match, owners_app
from echallan.records import open_db, store_events

# The same wiring as echallan/cli.py, built here so the test does not depend on its registration.
app = typer.Typer(pretty_exceptions_show_locals=False)
app.callback()(main)
app.add_typer(owners_app, name="owners")
app.add_typer(challans_app, name="challans")
app.add_typer(payments_app, name="payments")
app.command()(match)
runner = CliRunner()


def lines(output: str) -> list[dict[str, Any]]:
    return [json.loads(line) for line in output.splitlines() if line.startswith("{")]


def test_review_desk_flow(tmp_path: Path) -> None:
    db = ["--db", f"sqlite:///{tmp_path / 'e.db'}"]
    owners = write(tmp_path / "o.csv", OWNERS)
    assert (
        runner.invoke(
            app, [*db, "owners", "import", str(owners), "--rejects", str(tmp_path / "r.csv")]
        ).exit_code
        == 0
    )
    shown = runner.invoke(app, [*db, "owners", "show", "ka 01 ab 1234", "--json"])
    assert lines(shown.output)[0]["name"] == "Asha Rao"
    store_events(open_db(db[1]), [event(1), event(2, plate="KA03CO9999")])
    matched = lines(runner.invoke(app, [*db, "match", "--json"]).output)
    assert [(m["plate"], m["kind"], m["auto"]) for m in matched] == [
        ("KA01AB1234", "exact", True),
        ("KA03CO9999", "fuzzy", False),
    ]
    held = runner.invoke(app, [*db, "challans", "issue", "--json"])
    assert lines(held.output)[0]["issued"] == []  # even auto-accepted reads wait for a supervisor
    both = runner.invoke(app, [*db, "challans", "approve", "--auto", "KA-X", "--actor", "Insp Rao"])
    assert both.exit_code == 2 and "either one challan number or --auto" in both.output
    batch = runner.invoke(app, [*db, "challans", "approve", "--auto", "--actor", "Insp Rao"])
    assert batch.exit_code == 0 and "1 auto-accepted challan(s) approved" in batch.output
    issued = runner.invoke(app, [*db, "challans", "issue", "--json"])
    (n,) = lines(issued.output)[0]["issued"]
    assert n.startswith("KA-BLR-") and n.endswith("-000001")
    pending = "KA-BLR-" + n.split("-")[2] + "-000002"
    refused = runner.invoke(app, [*db, "challans", "cancel", n, "--actor", "SI X", "--reason", " "])
    assert refused.exit_code == 2 and "give a reason" in refused.output and "Traceback" not in refused.output
    assert runner.invoke(app, [*db, "challans", "approve", pending, "--actor", "SI Gowda"]).exit_code == 0
    again = runner.invoke(app, [*db, "challans", "approve", pending, "--actor", "SI Gowda"])
    assert (
        again.exit_code == 2
        and f"challan {pending} is approved and cannot become approved" not in again.output
    )
    assert "already approved" in again.output
    detail = lines(runner.invoke(app, [*db, "challans", "show", pending, "--json"]).output)[0]
    assert detail["status"] == "approved" and detail["candidates"][0]["registration"] == "KA03CD9999"
    assert [a["to_status"] for a in detail["audit"]] == ["draft", "pending_review", "approved"]
    out_csv = tmp_path / "x.csv"
    assert runner.invoke(app, [*db, "challans", "export", "--out", str(out_csv)]).exit_code == 0
    with out_csv.open(newline="", encoding="utf-8") as fh:
        exported = list(csv.DictReader(fh))
    assert [r["number"] for r in exported] == [n, pending] and "owner_name" not in exported[0]
    pay = write(
        tmp_path / "p.csv",
        f"challan_number,amount,date,reference\n{n},5000,2025-03-02,U1\nNOPE,1,2025-03-02,U2\n",
    )
    paid = runner.invoke(app, [*db, "payments", "import", str(pay), "--json"])
    assert paid.exit_code == 1
    assert (
        lines(paid.output)[0]["applied"] == 1
        and lines(paid.output)[0]["mismatches"][0]["kind"] == "unknown_challan"
    )
    outcome = write(tmp_path / "c.csv", f"challan_number,outcome,date\n{n},disputed,2025-03-03\n")
    disputed = runner.invoke(app, [*db, "payments", "outcomes", str(outcome)])
    assert disputed.exit_code == 1 and "paid and cannot become disputed" in disputed.output
