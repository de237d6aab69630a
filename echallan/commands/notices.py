"""Commands on notices: print the batch, reprint one."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from echallan.commands.common import cli_errors, out, settings
from echallan.settings import Settings

notices_app = typer.Typer(help="Printable notices (A4 PDF, duplex, Hindi and English).", no_args_is_help=True)

ConfigOpt = Annotated[
    Path | None,
    typer.Option("--config", help="Notice TOML: authority, QR links, envelope (see docs/NOTICES.md)."),
]


@notices_app.command("print")
@cli_errors
def notices_print(
    ctx: typer.Context,
    out_pdf: Annotated[Path, typer.Option("--out", "-o", help="The merged PDF to write.")],
    config: ConfigOpt = None,
    manifest: Annotated[
        Path | None, typer.Option(help="Mailing manifest CSV (default: next to the PDF, .csv).")
    ] = None,
    jobs: Annotated[int | None, typer.Option(help="Worker processes (default from the config: 2).")] = None,
) -> None:
    """Print every issued, unprinted challan into one PDF, sorted by PIN; they move to 'printed'.

    A summary sheet comes first; skipped notices (bad data) are listed there with their reasons.
    """
    print_notices(settings(ctx), out_pdf, config, manifest, jobs)


@notices_app.command("reprint")
@cli_errors
def notices_reprint(
    ctx: typer.Context,
    number: Annotated[str, typer.Argument(help="The challan number.")],
    out_pdf: Annotated[Path, typer.Option("--out", "-o", help="The PDF to write.")],
    actor: Annotated[str, typer.Option(help="Who reprints it (audit log).")] = "system",
    config: ConfigOpt = None,
) -> None:
    """Print one notice again (audit-logged; the challan's status does not change)."""
    from echallan.notices import load_notice_config, render_notices
    from echallan.records import load_fines, open_db
    from echallan.records.printing import notice_for, record_reprint

    engine = open_db(settings(ctx).db_url)
    notice = notice_for(engine, load_fines(), number)
    report = render_notices([notice], out_pdf, load_notice_config(config), jobs=1)
    if not report.printed:
        reason = report.skipped[0].reason if report.skipped else "unknown"
        out.print(f"challan {number} could not be printed: {reason}; see the summary page in {out_pdf}")
        raise typer.Exit(1)
    record_reprint(engine, number, actor)
    out.print(f"challan {number} reprinted to {out_pdf}")


def print_notices(
    s: Settings,
    out_pdf: Path,
    config: Path | None = None,
    manifest: Path | None = None,
    jobs: int | None = None,
) -> int:
    """Print the batch, write the manifest and mark the printed challans; return how many were printed."""
    from echallan.notices import load_notice_config, render_notices
    from echallan.notices.render import write_manifest
    from echallan.notices.text import SKIP_REASONS
    from echallan.records import load_fines, mark_printed, notices_to_print, open_db

    cfg = load_notice_config(config)
    engine = open_db(s.db_url)
    notices = notices_to_print(engine, load_fines())
    if not notices:
        out.print("no issued challans waiting to be printed")
        return 0
    report = render_notices(notices, out_pdf, cfg, jobs)
    manifest = manifest or out_pdf.with_suffix(".csv")
    write_manifest(manifest, notices, report.printed)
    for start in range(0, report.count, 500):
        mark_printed(engine, report.printed[start : start + 500])
    for skip in report.skipped:
        out.print(f"skipped {skip.challan_number}: {SKIP_REASONS.get(skip.reason, skip.reason)}")
    out.print(f"{report.count} notice(s), {report.pages} pages, written to {out_pdf}; manifest {manifest}")
    return report.count
