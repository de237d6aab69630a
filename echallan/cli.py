"""The ``echallan`` command line: argument parsing and output only; the work lives in the stages.

Each command group lives in ``echallan/commands/``. Every command turns echallan's named errors into
a one-line ``error: ...`` on stderr and a non-zero exit code, never a traceback.
"""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Annotated

import typer

from echallan.commands.common import cli_errors, err, out, settings
from echallan.commands.notices import notices_app, print_notices
from echallan.commands.payments import payments_app
from echallan.commands.plates import plates_app
from echallan.commands.records import (
    challans_app,
    challans_approve,
    challans_issue,
    match,
    owners_app,
    owners_import,
)
from echallan.commands.review import review_app, users_app
from echallan.commands.video import anpr, camera_app, process, verify
from echallan.settings import Settings

app = typer.Typer(
    help="echallan: junction video -> violations -> plate reads -> challans -> printed notices. Offline.",
    no_args_is_help=True,
    pretty_exceptions_show_locals=False,  # locals hold owners' names and addresses
    add_completion=False,
)
app.command()(process)
app.command()(anpr)
app.command()(verify)
app.command()(match)
app.add_typer(owners_app, name="owners")
app.add_typer(challans_app, name="challans")
app.add_typer(notices_app, name="notices")
app.add_typer(camera_app, name="camera")
app.add_typer(payments_app, name="payments")
app.add_typer(review_app, name="review")
app.add_typer(users_app, name="users")
app.add_typer(plates_app, name="plates")


@app.callback()
def main(
    ctx: typer.Context,
    db: Annotated[
        str | None, typer.Option(help="Database URL (env ECHALLAN_DB; default sqlite:///var/echallan.db).")
    ] = None,
    model_dir: Annotated[
        Path | None,
        typer.Option(help="Folder holding model weights (env ECHALLAN_MODEL_DIR; default models/)."),
    ] = None,
    evidence_dir: Annotated[
        Path | None, typer.Option(help="Where evidence images go (env ECHALLAN_EVIDENCE_DIR).")
    ] = None,
) -> None:
    ctx.obj = Settings.from_env().with_overrides(db, model_dir, evidence_dir)


@app.command()
@cli_errors
def demo(
    ctx: typer.Context,
    out_dir: Annotated[
        Path, typer.Option(help="Where the sample, database and PDF go (emptied first).")
    ] = Path("var/demo"),
) -> None:
    """Run the whole chain on a generated junction clip and print where the notice PDF is.

    Generates the clip, camera file and owner records, then: owners import -> process ->
    challans issue -> notices print. Uses its own SQLite database in OUT_DIR unless --db is given.
    """
    from echallan.samples import make_demo

    s = settings(ctx)
    if out_dir.exists():
        shutil.rmtree(out_dir)
    sample = make_demo(out_dir)
    db = s.db_url if ctx.parent and ctx.parent.params.get("db") else f"sqlite:///{out_dir / 'echallan.db'}"
    s = s.with_overrides(db_url=db, evidence_dir=out_dir / "evidence")
    out.print(f"[bold]1/4[/bold] sample clip written: {sample.video}")
    ctx.obj = s
    owners_import(ctx, sample.owners, as_json=False)
    out.print("[bold]2/4[/bold] processing the clip")
    process(ctx, [str(sample.video)], sample.camera, as_json=False)
    out.print("[bold]3/4[/bold] booking challans; a supervisor approves the auto-accepted batch; issuing")
    challans_issue(ctx, as_json=False)
    challans_approve(ctx, actor="demo supervisor", auto=True)
    challans_issue(ctx, as_json=False)
    out.print("[bold]4/4[/bold] printing notices")
    pdf = out_dir / "notices.pdf"
    if print_notices(s, pdf) == 0:
        err.print("[red]error:[/red] the demo produced no notice (see the messages above)")
        raise typer.Exit(1)
    out.print(f"[green]Notice PDF:[/green] {pdf.resolve()}")


if __name__ == "__main__":
    app()
