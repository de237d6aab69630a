"""Commands reconciling payments and dispute/court outcomes with the ledger."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from echallan.commands.common import JsonOpt, cli_errors, err, out, print_json_lines, settings
from echallan.records.payments import ReconcileReport

payments_app = typer.Typer(help="Payments and dispute/court outcomes (CSV import).", no_args_is_help=True)

FileArg = Annotated[Path, typer.Argument(help="CSV file with a header row.")]
ActorOpt = Annotated[str, typer.Option(help="Recorded as who made the changes in the audit log.")]


def _report(report: ReconcileReport, as_json: bool) -> None:
    mismatches = [
        {"line": m.row_number, "challan": m.challan_number, "kind": m.kind, "reason": m.reason}
        for m in report.mismatches
    ]
    if as_json:
        print_json_lines(
            [{"applied": report.applied, "unchanged": report.unchanged, "mismatches": mismatches}]
        )
    else:
        out.print(
            f"{report.applied} applied, {report.unchanged} already recorded, {len(mismatches)} mismatches"
        )
        for m in mismatches:
            err.print(
                f"[yellow]{m['kind']}[/yellow] line {m['line']} {m['challan']}: {m['reason']}",
                highlight=False,
                soft_wrap=True,
            )
    if mismatches:
        raise typer.Exit(1)


@payments_app.command("import")
@cli_errors
def payments_import(
    ctx: typer.Context, csv_file: FileArg, actor: ActorOpt = "payments import", as_json: JsonOpt = False
) -> None:
    """Mark challans paid from a CSV of challan_number, amount, date, reference.

    Unknown challans, wrong amounts and challans already paid are listed; the rest are applied.
    Importing the same file again changes nothing. Exits 1 when any row did not match.

    Example: echallan payments import treasury-2025-03.csv --json
    """
    from echallan.records import import_payments, open_db

    _report(import_payments(open_db(settings(ctx).db_url), csv_file, actor=actor), as_json)


@payments_app.command("outcomes")
@cli_errors
def payments_outcomes(
    ctx: typer.Context, csv_file: FileArg, actor: ActorOpt = "outcomes import", as_json: JsonOpt = False
) -> None:
    """Apply dispute and court outcomes from a CSV of challan_number, outcome, date[, reference, note].

    outcome is disputed, court, cancelled or paid (synonyms: withdrawn, quashed, sent_to_court ...).
    Outcomes the ledger does not allow (e.g. a paid challan disputed) are listed, not applied.

    Example: echallan payments outcomes court-2025-03.csv
    """
    from echallan.records import import_outcomes, open_db

    _report(import_outcomes(open_db(settings(ctx).db_url), csv_file, actor=actor), as_json)
