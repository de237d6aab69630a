"""Commands on video and images: process, anpr, verify, camera check and camera preview."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, TypeVar

import typer

from echallan.commands.common import (
    JsonOpt,
    cli_errors,
    err,
    out,
    print_json_lines,
    progress_bar,
    report,
    settings,
)
from echallan.errors import EchallanError
from echallan.settings import Settings

if TYPE_CHECKING:  # the heavy modules load inside the commands, so --help stays quick
    from sqlalchemy.engine import Engine

    from echallan.camera import Camera
    from echallan.pipeline import VideoResult

T = TypeVar("T")

camera_app = typer.Typer(help="Camera files: check a camera's set-up.", no_args_is_help=True)


@cli_errors
def process(
    ctx: typer.Context,
    sources: Annotated[
        list[str],
        typer.Argument(help="Video files (mp4, avi, mkv), image folders or globs, or rtsp:// URLs."),
    ],
    camera: Annotated[Path, typer.Option("--camera", "-c", help="The camera's TOML file (docs/CAMERA.md).")],
    workers: Annotated[
        int,
        typer.Option(
            "--workers", min=1, help="Worker processes (Ray) running sources or chunks side by side."
        ),
    ] = 1,
    chunk_seconds: Annotated[
        float,
        typer.Option(
            "--chunk-seconds",
            min=0,
            help="Cut video files into chunks of this many seconds, processed apart and stitched "
            "back into one event per vehicle per offence (0: whole sources).",
        ),
    ] = 0.0,
    overlap_seconds: Annotated[
        float | None,
        typer.Option(
            "--overlap-seconds",
            min=0,
            help="Seconds each chunk also analyses before its own (default: 10, or more where a "
            "no-parking zone allows a longer dwell).",
        ),
    ] = None,
    ray_address: Annotated[
        str | None,
        typer.Option("--ray-address", help="Run on this Ray cluster (e.g. auto) instead of a local one."),
    ] = None,
    as_json: JsonOpt = False,
) -> None:
    """Find violations in SOURCES, read the violators' plates and store one event per violation.

    Evidence (untouched frame, annotated copy, vehicle and plate crops, a short clip) goes to the
    evidence directory with each file's SHA-256 in the database. Safe to run twice: events are
    keyed by the source's SHA-256 (and chunk), the offence and the track. A bad source is reported
    and skipped; the rest of the batch goes on. With --workers or --chunk-seconds the work is
    spread over Ray workers (docs/SCALING.md). Example: echallan process clip.mp4 --camera junction1.toml
    """
    from echallan.camera import load_camera
    from echallan.records import open_db

    s = settings(ctx)
    cam = load_camera(camera)
    engine = open_db(s.db_url)
    if workers == 1 and not chunk_seconds and ray_address is None:
        failed = _process_here(s, cam, engine, sources, as_json)
    else:
        failed = _process_spread(
            s, cam, engine, sources, as_json, workers, chunk_seconds, overlap_seconds, ray_address
        )
    if failed:
        raise typer.Exit(1)


def _process_here(s: Settings, cam: Camera, engine: Engine, sources: list[str], as_json: bool) -> int:
    """Each source in turn in this process, with a progress bar per source; returns how many failed."""
    from echallan.pipeline import Models, process_source
    from echallan.sources import open_source

    models = Models.for_camera(s, cam)
    failed = 0
    for spec in sources:
        try:
            source = open_source(spec)
            with progress_bar(source.info.name, source.info.frame_count) as advance:
                result = process_source(cam, source, models, s.evidence_dir, on_frame=advance)
        except EchallanError as e:
            report(str(e))
            failed += 1
            continue
        _store(engine, cam, spec, result, as_json)
    return failed


def _process_spread(
    s: Settings,
    cam: Camera,
    engine: Engine,
    sources: list[str],
    as_json: bool,
    workers: int,
    chunk_s: float,
    overlap_s: float | None,
    address: str | None,
) -> int:
    """Sources (or their chunks) on Ray workers; each source stored once all its jobs are back."""
    from echallan.distributed import combine, gather, plan, run_jobs
    from echallan.records import stored_keys

    jobs, bad = plan(sources, cam, chunk_s, overlap_s)
    for spec, why in bad.items():
        report(f"{spec}: {why}")
    failed = len(bad)
    with progress_bar(f"{len(jobs)} jobs on {workers} worker(s)", len(jobs)) as advance:
        for outcome in gather(jobs, _counted(run_jobs(jobs, cam, s, workers, address), advance)):
            for why in outcome.errors:
                report(why)
            failed += bool(outcome.errors)
            if outcome.results:
                keys = [e.key for r in outcome.results for e in r.events]
                result = combine(outcome.results, stored_keys(engine, keys))
                _store(engine, cam, outcome.spec, result, as_json)
    return failed


def _counted(items: Iterator[T], advance: Callable[[int], None]) -> Iterator[T]:
    """``items``, moving a progress bar on as each one comes."""
    for n, item in enumerate(items):
        advance(n)
        yield item


def _store(engine: Engine, cam: Camera, spec: str, result: VideoResult, as_json: bool) -> None:
    """Store a source's events and print its summary line (or JSON object)."""
    from echallan.anpr import AUTO_ACCEPT_THRESHOLD
    from echallan.records import store_events

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
        print_json_lines([summary])
    else:
        out.print(
            f"{spec}: {result.frames_analysed} frames, {result.tracks} vehicles, "
            f"{len(result.events)} violation(s), {new} new"
        )


@cli_errors
def verify(ctx: typer.Context, as_json: JsonOpt = False) -> None:
    """Re-hash every evidence file in the database; report any that was changed or is missing.

    Exits 1 if any file fails. Example: echallan verify --json
    """
    from echallan.records import open_db, verify_evidence

    report = verify_evidence(open_db(settings(ctx).db_url))
    rows = [
        {"event": p.event_key, "kind": p.kind, "path": p.path, "problem": p.problem} for p in report.problems
    ]
    if as_json:
        print_json_lines([{"checked": report.checked, "problems": rows}])
    else:
        out.print(f"{report.checked} evidence file(s) checked, {len(rows)} problem(s)")
        for r in rows:
            err.print(
                f"[red]{r['problem']}[/red]: {r['path']} (event {r['event']}, {r['kind']})", highlight=False
            )
    if rows:
        raise typer.Exit(1)


@camera_app.command("check")
@cli_errors
def camera_check(
    camera: Annotated[Path, typer.Argument(help="The camera's TOML file.")],
    as_json: JsonOpt = False,
) -> None:
    """Validate CAMERA and summarise it; a bad file is refused with the key and the reason (exit 2).

    Example: echallan camera check junction1.toml --json
    """
    from echallan.camera import load_camera

    cam = load_camera(camera)
    region = cam.detection_region
    summary: dict[str, Any] = {
        "camera": cam.id,
        "location": cam.location,
        "police_station": cam.police_station,
        "rules": sorted(o.value for o in cam.violations),
        "signal": "log" if cam.signal.log is not None else "region",
        "lanes": len(cam.lanes),
        "no_parking_zones": len(cam.no_parking),
        "speed_trap": cam.speed_trap is not None,
        "frame_stride": cam.frame_stride,
        "detection_region": "frame" if region is None else region.as_list(),
        "detection_margin": cam.detection_margin,
    }
    if as_json:
        print_json_lines([summary])
        return
    out.print(f"camera file OK: {camera}")
    for key, value in summary.items():
        out.print(f"  {key}: {', '.join(value) if key == 'rules' else value}", highlight=False)


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


@cli_errors
def anpr(
    images: Annotated[list[Path], typer.Argument(help="Still images (jpg, png).")],
    backend: Annotated[
        str | None,
        typer.Option("--backend", help="OCR backend: rapidocr or easyocr (default: the benchmark winner)."),
    ] = None,
    as_json: JsonOpt = False,
) -> None:
    """Read number plates in still images: each plate in a photo, with its best read.

    With --json, prints one JSON object per image, one per line:
    {"image": "...", "plates": [{"text": "MH12AB1234", "confidence": 0.97, "box": \\[x1, y1, x2, y2],
    "valid": true, "layout": "one_line", "auto_accept": true, "country": "IN", "doubts": []}]}
    ("doubts": what lowered a read's confidence, for example a character's shape changed to fit the format.)
    Without --json, a line per image: car.jpg: MH12AB1234 (0.97, auto-accept), or "review" and why.
    """
    import cv2

    from echallan.anpr import AUTO_ACCEPT_THRESHOLD, DEFAULT_BACKEND, PlateReader, make_backend

    reader = PlateReader(backend=make_backend(backend or DEFAULT_BACKEND))
    failed = 0
    with progress_bar("reading plates", len(images)) as advance:
        for i, path in enumerate(images):
            image = cv2.imread(str(path)) if path.is_file() else None
            if image is None:
                report(f"cannot read image: {path}")
                failed += 1
                continue
            plates = [p.as_json(AUTO_ACCEPT_THRESHOLD) for p in reader.read_plates(image)]
            if as_json:
                print_json_lines([{"image": str(path), "plates": plates}])
            else:
                texts = ", ".join(_plate_summary(p) for p in plates) or "no plate found"
                out.print(f"{path}: {texts}")
            advance(i)
    if failed:
        raise typer.Exit(1)


def _plate_summary(plate: dict[str, Any]) -> str:
    """One plate of ``anpr``'s plain output: text, confidence, and whether it needs a person, and why."""
    if plate["auto_accept"]:
        verdict = "auto-accept"
    else:
        verdict = "review: " + "; ".join(plate["doubts"]) if plate["doubts"] else "review"
    return f"{plate['text']} ({plate['confidence']:.2f}, {verdict})"
