"""The ``echallan`` command line: argument parsing and output only; the work lives in the stages.

Every command turns echallan's named errors into a one-line ``error: ...`` on stderr and a
non-zero exit code, never a traceback.
"""

from __future__ import annotations

import functools
import json
import shutil
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated, Any, TypeVar

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn
from rich.table import Table

from echallan.errors import EchallanError
from echallan.settings import Settings
from echallan.types import Offence

app = typer.Typer(
    help="echallan: junction video -> violations -> plate reads -> challans -> printed notices. Offline.",
    no_args_is_help=True,
    pretty_exceptions_show_locals=False,  # locals hold owners' names and addresses
    add_completion=False,
)
owners_app = typer.Typer(help="Registered owners (VAHAN-style CSV import).", no_args_is_help=True)
challans_app = typer.Typer(help="The challan ledger: issue and list challans.", no_args_is_help=True)
notices_app = typer.Typer(help="Printable notices (A4 PDF).", no_args_is_help=True)
camera_app = typer.Typer(help="Camera files: check a camera's set-up.", no_args_is_help=True)
app.add_typer(owners_app, name="owners")
app.add_typer(challans_app, name="challans")
app.add_typer(notices_app, name="notices")
app.add_typer(camera_app, name="camera")

out = Console()
err = Console(stderr=True)
F = TypeVar("F", bound=Callable[..., Any])

JsonOpt = Annotated[bool, typer.Option("--json", help="Print machine-readable JSON instead of a table.")]


def cli_errors(fn: F) -> F:
    """Print echallan errors as one line on stderr and exit 2."""

    @functools.wraps(fn)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return fn(*args, **kwargs)
        except EchallanError as e:
            err.print(f"[red]error:[/red] {e}", highlight=False, soft_wrap=True)
            raise typer.Exit(2) from None

    return wrapper  # type: ignore[return-value]


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


def _settings(ctx: typer.Context) -> Settings:
    assert isinstance(ctx.obj, Settings)
    return ctx.obj


@contextmanager
def progress_bar(label: str, total: int | None) -> Iterator[Callable[[int], None]]:
    """A rich progress bar on stderr; yields ``advance_to(n)``."""
    with Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeRemainingColumn(),
        console=err,
        transient=True,
    ) as bar:
        task = bar.add_task(label, total=total or None)
        yield lambda n: bar.update(task, completed=n + 1)


def _print_json_lines(rows: list[dict[str, Any]]) -> None:
    for row in rows:
        print(json.dumps(row, ensure_ascii=False, default=str))


def _print_table(title: str, rows: list[dict[str, Any]]) -> None:
    table = Table(title=title)
    for key in rows[0] if rows else []:
        table.add_column(key)
    for row in rows:
        table.add_row(*(str(v) for v in row.values()))
    out.print(table if rows else f"{title}: none")


# --------------------------------------------------------------------------- process


@app.command()
@cli_errors
def process(
    ctx: typer.Context,
    sources: Annotated[
        list[str],
        typer.Argument(help="Video files (mp4, avi, mkv), image folders or globs, or rtsp:// URLs."),
    ],
    camera: Annotated[Path, typer.Option("--camera", "-c", help="The camera's TOML file (docs/CAMERA.md).")],
    as_json: JsonOpt = False,
) -> None:
    """Find violations in SOURCES, read the violators' plates and store one event per violation.

    Evidence (untouched frame, annotated copy, vehicle and plate crops, a short clip) goes to the
    evidence directory with each file's SHA-256 in the database. Safe to run twice: events are
    keyed by the source's SHA-256, the offence and the track. A bad source is reported and skipped;
    the rest of the batch goes on. Example: echallan process clip.mp4 --camera junction1.toml
    """
    from echallan.anpr import AUTO_ACCEPT_THRESHOLD
    from echallan.camera import load_camera
    from echallan.pipeline import process_source
    from echallan.records import open_db, store_events
    from echallan.sources import open_source

    s = _settings(ctx)
    cam = load_camera(camera)
    models = _models(s, with_helmet=Offence.NO_HELMET in cam.violations)
    engine = open_db(s.db_url)
    failed = 0
    for spec in sources:
        try:
            source = open_source(spec)
            with progress_bar(source.info.name, source.info.frame_count) as advance:
                result = process_source(cam, source, models, s.evidence_dir, on_frame=advance)
        except EchallanError as e:
            err.print(f"[red]error:[/red] {e}", highlight=False, soft_wrap=True)
            failed += 1
            continue
        for problem in result.problems:
            err.print(f"[yellow]warning:[/yellow] {spec}: {problem}", highlight=False, soft_wrap=True)
        new = store_events(engine, result.events, location=cam.location, auto_accept=AUTO_ACCEPT_THRESHOLD)
        summary = {
            "source": spec,
            "sha256": result.source_sha256,
            "frames": result.frames_analysed,
            "vehicles": result.tracks,
            "events": len(result.events),
            "new_events": new,
            "offences": [e.violation.offence.value for e in result.events],
            "plates": [e.plate.text if e.plate else None for e in result.events],
            "problems": list(result.problems),
            "seconds": {k: round(v, 3) for k, v in result.seconds.items()},
        }
        if as_json:
            _print_json_lines([summary])
        else:
            out.print(
                f"{spec}: {result.frames_analysed} frames, {result.tracks} vehicles, "
                f"{len(result.events)} violation(s), {new} new"
            )
    if failed:
        raise typer.Exit(1)


def _models(s: Settings, with_helmet: bool = False) -> Any:
    from echallan.anpr import PlateReader
    from echallan.detection import YoloDetector
    from echallan.detection.helmet import YoloHelmetDetector
    from echallan.pipeline import Models

    return Models(YoloDetector(s.model_dir), PlateReader(), YoloHelmetDetector() if with_helmet else None)


@app.command()
@cli_errors
def verify(ctx: typer.Context, as_json: JsonOpt = False) -> None:
    """Re-hash every evidence file in the database; report any that was changed or is missing.

    Exits 1 if any file fails. Example: echallan verify --json
    """
    from echallan.records import open_db, verify_evidence

    report = verify_evidence(open_db(_settings(ctx).db_url))
    rows = [
        {"event": p.event_key, "kind": p.kind, "path": p.path, "problem": p.problem} for p in report.problems
    ]
    if as_json:
        _print_json_lines([{"checked": report.checked, "problems": rows}])
    else:
        out.print(f"{report.checked} evidence file(s) checked, {len(rows)} problem(s)")
        for r in rows:
            err.print(
                f"[red]{r['problem']}[/red]: {r['path']} (event {r['event']}, {r['kind']})", highlight=False
            )
    if rows:
        raise typer.Exit(1)


@camera_app.command("preview")
@cli_errors
def camera_preview(
    camera: Annotated[Path, typer.Argument(help="The camera's TOML file.")],
    source: Annotated[str, typer.Argument(help="A video, image folder or stream from that camera.")],
    out_png: Annotated[Path, typer.Option("--out", "-o", help="The PNG to write.")] = Path(
        "camera_preview.png"
    ),
    frame_index: Annotated[int, typer.Option("--frame", help="Which frame to draw on.")] = 0,
) -> None:
    """Draw every line, zone and region of CAMERA on one frame of SOURCE, to check the set-up.

    Example: echallan camera preview junction1.toml clip.mp4 --out preview.png
    """
    import cv2

    from echallan.annotate import camera_overlay
    from echallan.camera import load_camera
    from echallan.errors import InputError
    from echallan.sources import open_source

    cam = load_camera(camera)
    for index, frame in open_source(source).frames():
        if index >= frame_index:
            out_png.parent.mkdir(parents=True, exist_ok=True)
            if not cv2.imwrite(str(out_png), camera_overlay(frame, cam)):
                raise InputError(f"cannot write {out_png}")
            out.print(f"preview written: {out_png}")
            return
    raise InputError(f"{source} has no frame {frame_index}")


# --------------------------------------------------------------------------- anpr


@app.command()
@cli_errors
def anpr(
    images: Annotated[list[Path], typer.Argument(help="Still images (jpg, png).")],
    as_json: JsonOpt = False,
) -> None:
    """Read number plates in still images.

    With --json, prints one JSON object per image, one per line:
    {"image": "...", "plates": [{"text": "MH12AB1234", "confidence": 0.97, "box": [x1, y1, x2, y2],
    "valid": true, "layout": "one_line", "auto_accept": true, "country": "IN"}]}
    """
    import cv2

    from echallan.anpr import AUTO_ACCEPT_THRESHOLD, PlateReader

    reader = PlateReader()
    failed = 0
    with progress_bar("reading plates", len(images)) as advance:
        for i, path in enumerate(images):
            image = cv2.imread(str(path)) if path.is_file() else None
            if image is None:
                err.print(f"[red]error:[/red] cannot read image: {path}", highlight=False, soft_wrap=True)
                failed += 1
                continue
            plates = [p.as_json(AUTO_ACCEPT_THRESHOLD) for p in reader.read(image)]
            if as_json:
                _print_json_lines([{"image": str(path), "plates": plates}])
            else:
                texts = ", ".join(f"{p['text']} ({p['confidence']:.2f})" for p in plates) or "no plate found"
                out.print(f"{path}: {texts}")
            advance(i)
    if failed:
        raise typer.Exit(1)


# --------------------------------------------------------------------------- owners


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

    report = import_owners(open_db(_settings(ctx).db_url), csv_file)
    rejects = [{"line": r.row_number, "reason": r.reason} for r in report.rejected]
    if as_json:
        _print_json_lines([{"inserted": report.inserted, "updated": report.updated, "rejected": rejects}])
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

    rows = list_owners(open_db(_settings(ctx).db_url))
    _print_json_lines(rows) if as_json else _print_table("Owners", rows)


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

    numbers = issue_challans(open_db(_settings(ctx).db_url), load_fines(), state=state, district=district)
    if as_json:
        _print_json_lines([{"issued": numbers}])
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

    rows = list_challans(open_db(_settings(ctx).db_url), status=status)
    _print_json_lines(rows) if as_json else _print_table("Challans", rows)


# --------------------------------------------------------------------------- notices


@notices_app.command("print")
@cli_errors
def notices_print(
    ctx: typer.Context,
    out_pdf: Annotated[Path, typer.Option("--out", "-o", help="The merged PDF to write.")],
) -> None:
    """Print every issued, unprinted challan into one PDF, sorted by PIN; they move to 'printed'."""
    _print_notices(_settings(ctx), out_pdf)


def _print_notices(s: Settings, out_pdf: Path) -> int:
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


# --------------------------------------------------------------------------- demo


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

    s = _settings(ctx)
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
    out.print("[bold]3/4[/bold] issuing challans")
    challans_issue(ctx, as_json=False)
    out.print("[bold]4/4[/bold] printing notices")
    pdf = out_dir / "notices.pdf"
    if _print_notices(s, pdf) == 0:
        err.print("[red]error:[/red] the demo produced no notice (see the messages above)")
        raise typer.Exit(1)
    out.print(f"[green]Notice PDF:[/green] {pdf.resolve()}")


if __name__ == "__main__":
    app()
