"""Commands on the ledger: owners and challans."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from echallan.commands.common import JsonOpt, cli_errors, err, out, print_json_lines, print_table, settings

owners_app = typer.Typer(help="Registered owners (VAHAN-style CSV import).", no_args_is_help=True)
challans_app = typer.Typer(help="The challan ledger: issue and list challans.", no_args_is_help=True)


@owners_app.command("import")
@cli_errors
def owners_import(
    ctx: typer.Context,
    csv_file: Annotated[Path, typer.Argument(help="VAHAN-style CSV with a header row.")],
    as_json: JsonOpt = False,
) -> None:
    """Import owner records; importing again updates rows, never duplicates them.

    Bad rows are reported with their line number and reason; good rows are still imported.
    """
    from echallan.records import import_owners, open_db

    report = import_owners(open_db(settings(ctx).db_url), csv_file)
    rejects = [{"line": r.row_number, "reason": r.reason} for r in report.rejected]
    if as_json:
        print_json_lines([{"inserted": report.inserted, "updated": report.updated, "rejected": rejects}])
    else:
        out.print(f"{report.inserted} inserted, {report.updated} updated, {len(rejects)} rejected")
        for r in rejects:
            err.print(f"[yellow]rejected[/yellow] line {r['line']}: {r['reason']}", highlight=False)
    if rejects:
        raise typer.Exit(1)


@owners_app.command("list")
@cli_errors
def owners_list(ctx: typer.Context, as_json: JsonOpt = False) -> None:
    """List registered owners."""
    from echallan.records import list_owners, open_db

    rows = list_owners(open_db(settings(ctx).db_url))
    print_json_lines(rows) if as_json else print_table("Owners", rows)


# --------------------------------------------------------------------------- challans


@challans_app.command("issue")
@cli_errors
def challans_issue(
    ctx: typer.Context,
    state: Annotated[str, typer.Option(help="State code in challan numbers.")] = "KA",
    district: Annotated[str, typer.Option(help="District code in challan numbers.")] = "BLR",
    as_json: JsonOpt = False,
) -> None:
    """Issue challans for events whose plate read was auto-accepted and matched an owner exactly.

    Events that need a person's review are left for the review desk. Safe to run twice.
    """
    from echallan.records import issue_challans, load_fines, open_db

    numbers = issue_challans(open_db(settings(ctx).db_url), load_fines(), state=state, district=district)
    if as_json:
        print_json_lines([{"issued": numbers}])
    else:
        out.print(f"{len(numbers)} challan(s) issued" + (": " + ", ".join(numbers) if numbers else ""))


@challans_app.command("list")
@cli_errors
def challans_list(
    ctx: typer.Context,
    status: Annotated[str | None, typer.Option(help="Only challans in this state, e.g. issued.")] = None,
    as_json: JsonOpt = False,
) -> None:
    """List challans."""
    from echallan.records import list_challans, open_db

    rows = list_challans(open_db(settings(ctx).db_url), status=status)
    print_json_lines(rows) if as_json else print_table("Challans", rows)
