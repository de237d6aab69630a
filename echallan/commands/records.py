"""Commands on the ledger: owners, matching and challans."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer

from echallan.commands.common import (
    DistrictOpt,
    FinesOpt,
    JsonOpt,
    StateOpt,
    cli_errors,
    err,
    out,
    print_json_lines,
    print_rows,
    print_table,
    settings,
)

owners_app = typer.Typer(help="Registered owners (VAHAN-style CSV import).", no_args_is_help=True)
challans_app = typer.Typer(
    help="The challan ledger: issue, review, list, export challans.", no_args_is_help=True
)

ActorOpt = Annotated[str, typer.Option(help="Who is making the change (name and rank or ID); audited.")]


def _db(ctx: typer.Context) -> Any:
    from echallan.records import open_db

    return open_db(settings(ctx).db_url)


@owners_app.command("import")
@cli_errors
def owners_import(
    ctx: typer.Context,
    csv_file: Annotated[Path, typer.Argument(help="VAHAN-style CSV with a header row.")],
    mapping: Annotated[
        Path | None, typer.Option(help="TOML file mapping fields to this CSV's column names.")
    ] = None,
    rejects: Annotated[
        Path | None, typer.Option(help="Write rejected rows here (line, reason, the row as read).")
    ] = None,
    as_json: JsonOpt = False,
) -> None:
    """Import owner records; importing again updates rows, never duplicates them.

    Bad rows are reported with their line number and reason; good rows are still imported.
    Exits 1 when any row was rejected.

    Example: echallan owners import vahan.csv --mapping vahan.toml --rejects rejects.csv
    """
    from echallan.records import import_owners

    report = import_owners(_db(ctx), csv_file, mapping=mapping, rejects=rejects)
    rejected = [{"line": r.row_number, "reason": r.reason} for r in report.rejected]
    if as_json:
        print_json_lines([{"inserted": report.inserted, "updated": report.updated, "rejected": rejected}])
    else:
        out.print(f"{report.inserted} inserted, {report.updated} updated, {len(rejected)} rejected")
        for r in rejected:
            err.print(f"[yellow]rejected[/yellow] line {r['line']}: {r['reason']}", highlight=False)
    if rejected:
        raise typer.Exit(1)


@owners_app.command("list")
@cli_errors
def owners_list(ctx: typer.Context, as_json: JsonOpt = False) -> None:
    """List registered owners.

    Example: echallan owners list --json
    """
    from echallan.records import list_owners

    rows = list_owners(_db(ctx))
    print_rows("Owners", rows, as_json)


@owners_app.command("show")
@cli_errors
def owners_show(
    ctx: typer.Context,
    registration: Annotated[str, typer.Argument(help="Registration number, any spacing or case.")],
    as_json: JsonOpt = False,
) -> None:
    """Show one registered owner and the challans booked against the vehicle.

    Example: echallan owners show "KA 01 AB 1234"
    """
    from echallan.records import show_owner

    owner = show_owner(_db(ctx), registration)
    if as_json:
        print_json_lines([owner])
        return
    booked = owner.pop("challans")
    print_table(f"Owner {owner['registration']}", [{"field": k, "value": v} for k, v in owner.items()])
    print_table("Challans", booked)


@cli_errors
def match(
    ctx: typer.Context,
    plate: Annotated[
        str | None, typer.Argument(help="A plate to look up; omit for every unbooked event.")
    ] = None,
    vehicle_class: Annotated[
        str, typer.Option(help="Detected class (car, motorcycle, bus, truck) to check against.")
    ] = "",
    as_json: JsonOpt = False,
) -> None:
    """Match plates to the owner register: exact first, then fuzzy (O/0, I/1, B/8 ... cost less).

    With a PLATE, shows its candidates; without, previews what `challans issue` would decide for
    each stored event that has no challan yet. Changes nothing.

    Example: echallan match KA01A81234 --vehicle-class car
    """
    from echallan.records.matching import match_plate, preview_unbooked

    engine = _db(ctx)
    if plate is not None:
        found = [("", plate, match_plate(engine, plate, vehicle_class))]
    else:
        found = preview_unbooked(engine)
    rows: list[dict[str, Any]] = [
        {
            "event": key,
            "plate": text,
            "kind": d.kind,
            "auto": d.auto,
            "candidates": [{"registration": c.registration, "cost": c.cost} for c in d.candidates],
            "reasons": list(d.reasons),
        }
        for key, text, d in found
    ]
    if as_json:
        print_json_lines(rows)
        return
    for row in rows:
        row["candidates"] = ", ".join(f"{c['registration']} ({c['cost']:.2f})" for c in row["candidates"])
        row["reasons"] = "; ".join(row["reasons"])
    print_table("Matches", rows)


# --------------------------------------------------------------------------- challans


@challans_app.command("issue")
@cli_errors
def challans_issue(
    ctx: typer.Context,
    state: StateOpt = "KA",
    district: DistrictOpt = "BLR",
    fines: FinesOpt = None,
    due_days: Annotated[int, typer.Option(help="Days from issue to the payment due date.")] = 60,
    without_supervisor: Annotated[
        bool,
        typer.Option(
            "--without-supervisor",
            help="Issue auto-accepted challans at once, without a supervisor's batch approval.",
        ),
    ] = False,
    rule_threshold: Annotated[
        float | None,
        typer.Option(
            min=0.0,
            max=1.0,
            help="Violation (track) confidence under which a person checks the event [default: 0.5].",
            show_default=False,
        ),
    ] = None,
    as_json: JsonOpt = False,
) -> None:
    """Book challans for matched events and issue the approved ones; safe to run twice.

    Nothing is issued without a person's decision: fuzzy or several matches, low plate or rule
    confidence, class mismatches and offences a person always checks (triple riding, no helmet)
    become pending_review challans for the review desk, and even auto-accepted events (every
    confidence cleared its threshold, one exact owner match) wait in pending_review until a
    supervisor approves the batch (`echallan challans approve --auto`). Challans approved since the
    last run are issued.

    Example: echallan challans issue --state KA --district BLR
    """
    from echallan.records import PENDING_REVIEW, issue_challans, list_challans, load_fine_schedule
    from echallan.records.policy import RulePolicy

    engine = _db(ctx)
    schedule = load_fine_schedule(fines, state)
    numbers = issue_challans(
        engine,
        schedule.fines,
        state=state,
        district=district,
        due_days=due_days,
        repeat_window_days=schedule.repeat_window_days,
        hold_auto=not without_supervisor,
        policy=RulePolicy() if rule_threshold is None else RulePolicy(min_confidence=rule_threshold),
    )
    if as_json:
        print_json_lines([{"issued": numbers}])
        return
    out.print(f"{len(numbers)} challan(s) issued" + (": " + ", ".join(numbers) if numbers else ""))
    waiting = len(list_challans(engine, status=PENDING_REVIEW))
    if waiting:
        out.print(f"{waiting} challan(s) wait for review: echallan challans list --status pending_review")


@challans_app.command("book")
@cli_errors
def challans_book(
    ctx: typer.Context,
    event: Annotated[str, typer.Argument(help="The event's key, as `echallan match` lists it.")],
    plate: Annotated[str, typer.Argument(help="The plate as read from the evidence, any spacing or case.")],
    actor: ActorOpt,
    state: StateOpt = "KA",
    district: DistrictOpt = "BLR",
    fines: FinesOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Book a challan from a plate read by a person, for an event whose plate the machine could not read
    (or read as no registered vehicle).

    `echallan match` lists such events. The machine's read stays on the event; the challan goes to
    pending_review, so it is confirmed on the review desk before anything is mailed, and
    the audit trail names who read the plate.

    Example: echallan challans book src1:red_light:3 "KA 01 AB 1234" --actor "HC Naik 5120"
    """
    from echallan.records import book_by_hand, load_fine_schedule

    schedule = load_fine_schedule(fines, state)
    number = book_by_hand(_db(ctx), event, plate, actor, schedule.fines, state=state, district=district)
    if as_json:
        print_json_lines([{"booked": number, "status": "pending_review"}])
        return
    out.print(f"{number} booked for review (echallan challans show {number})")


@challans_app.command("list")
@cli_errors
def challans_list(
    ctx: typer.Context,
    status: Annotated[str | None, typer.Option(help="Only challans in this state, e.g. issued.")] = None,
    as_json: JsonOpt = False,
) -> None:
    """List challans, sorted by number.

    Example: echallan challans list --status pending_review --json
    """
    from echallan.records import list_challans

    rows = list_challans(_db(ctx), status=status)
    print_rows("Challans", rows, as_json)


@challans_app.command("show")
@cli_errors
def challans_show(
    ctx: typer.Context,
    number: Annotated[str, typer.Argument(help="Challan number, e.g. KA-BLR-2025-000001.")],
    as_json: JsonOpt = False,
) -> None:
    """Show one challan: match candidates, review reasons, payments and its audit trail.

    Example: echallan challans show KA-BLR-2025-000001
    """
    from echallan.records import show_challan

    challan = show_challan(_db(ctx), number)
    if as_json:
        print_json_lines([challan])
        return
    trail, paid = challan.pop("audit"), challan.pop("payments")
    print_table(f"Challan {number}", [{"field": k, "value": v} for k, v in challan.items()])
    print_table("Payments", paid)
    print_table("Audit trail", trail)


@challans_app.command("approve")
@cli_errors
def challans_approve(
    ctx: typer.Context,
    actor: ActorOpt,
    number: Annotated[str | None, typer.Argument(help="A pending_review challan.")] = None,
    auto: Annotated[
        bool, typer.Option("--auto", help="Approve, as a supervisor, every auto-accepted challan waiting.")
    ] = False,
    reason: Annotated[str, typer.Option(help="Why; goes into the audit log.")] = "confirmed at review",
) -> None:
    """Approve a pending_review challan, or (--auto) the waiting auto-accepted batch.

    The next `echallan challans issue` issues what was approved.

    Example: echallan challans approve KA-BLR-2025-000003 --actor "SI Gowda 4411"
    Example: echallan challans approve --auto --actor "Inspector Rao 2207"
    """
    from echallan.errors import InputError
    from echallan.records import approve, approve_auto

    if auto == (number is not None):
        raise InputError("give either one challan number or --auto")
    if number is None:
        numbers = approve_auto(_db(ctx), actor=actor)
        out.print(f"{len(numbers)} auto-accepted challan(s) approved by {actor}")
        return
    approve(_db(ctx), number, actor=actor, reason=reason)
    out.print(f"{number} approved")


@challans_app.command("cancel")
@cli_errors
def challans_cancel(
    ctx: typer.Context,
    number: Annotated[str, typer.Argument(help="The challan to withdraw; its number is not reused.")],
    actor: ActorOpt,
    reason: Annotated[str, typer.Option(help="Why; goes into the audit log.")],
) -> None:
    """Cancel a challan (allowed from any state but paid and cancelled).

    Example: echallan challans cancel KA-BLR-2025-000003 --actor "SI Gowda 4411" --reason "plate misread"
    """
    from echallan.records import cancel

    cancel(_db(ctx), number, actor=actor, reason=reason)
    out.print(f"{number} cancelled")


@challans_app.command("export")
@cli_errors
def challans_export(
    ctx: typer.Context,
    out_csv: Annotated[Path, typer.Option("--out", "-o", help="CSV file to write.")],
    status: Annotated[str | None, typer.Option(help="Only challans in this state.")] = None,
) -> None:
    """Export challans to CSV (no owner names or addresses), e.g. for the court or the treasury.

    Example: echallan challans export --out issued.csv --status issued
    """
    from echallan.records import export_challans

    count = export_challans(_db(ctx), out_csv, status=status)
    out.print(f"{count} challan(s) written to {out_csv}")
