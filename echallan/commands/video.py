"""Commands on video and images: process, anpr, verify, camera check and camera preview."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

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

camera_app = typer.Typer(help="Camera files: check a camera's set-up.", no_args_is_help=True)


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
    from echallan.rules.engine import HEAD_RULES
    from echallan.sources import open_source

    s = settings(ctx)
    cam = load_camera(camera)
    models = _models(s, with_helmet=bool(cam.violations & HEAD_RULES))  # heads: no helmet, triple riding
    engine = open_db(s.db_url)
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
    if failed:
        raise typer.Exit(1)


def _models(s: Settings, with_helmet: bool = False) -> Any:
    from echallan.anpr import PlateReader
    from echallan.detection import YoloDetector
    from echallan.detection.helmet import video_helmet_detector
    from echallan.pipeline import Models

    return Models(
        YoloDetector(s.model_dir, derived_dir=s.derived_dir),
        PlateReader(search_whole=False),  # video: only plates the detector finds in a sighting are read
        video_helmet_detector() if with_helmet else None,
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
    """Read number plates in still images.

    With --json, prints one JSON object per image, one per line:
    {"image": "...", "plates": [{"text": "MH12AB1234", "confidence": 0.97, "box": [x1, y1, x2, y2],
    "valid": true, "layout": "one_line", "auto_accept": true, "country": "IN"}]}
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
            plates = [p.as_json(AUTO_ACCEPT_THRESHOLD) for p in reader.read(image)]
            if as_json:
                print_json_lines([{"image": str(path), "plates": plates}])
            else:
                texts = ", ".join(f"{p['text']} ({p['confidence']:.2f})" for p in plates) or "no plate found"
                out.print(f"{path}: {texts}")
            advance(i)
    if failed:
        raise typer.Exit(1)
