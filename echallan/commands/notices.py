"""Commands on notices: print the batch."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from echallan.commands.common import cli_errors, out, settings
from echallan.settings import Settings

notices_app = typer.Typer(help="Printable notices (A4 PDF).", no_args_is_help=True)


@notices_app.command("print")
@cli_errors
def notices_print(
    ctx: typer.Context,
    out_pdf: Annotated[Path, typer.Option("--out", "-o", help="The merged PDF to write.")],
) -> None:
    """Print every issued, unprinted challan into one PDF, sorted by PIN; they move to 'printed'."""
    print_notices(settings(ctx), out_pdf)


def print_notices(s: Settings, out_pdf: Path) -> int:
    from echallan.notices import render_notices
    from echallan.records import load_fines, mark_printed, notices_to_print, open_db

    engine = open_db(s.db_url)
    notices = notices_to_print(engine, load_fines())
    if not notices:
        out.print("no issued challans waiting to be printed")
        return 0
    count = render_notices(notices, out_pdf)
    mark_printed(engine, [n.challan_number for n in notices])
    out.print(f"{count} notice(s) written to {out_pdf}")
    return count
