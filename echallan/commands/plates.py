"""Commands on synthetic number plates: generate a labelled set for training and stress tests."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer

from echallan.commands.common import JsonOpt, cli_errors, out, progress_bar
from echallan.errors import InputError

plates_app = typer.Typer(
    help="Synthetic Indian number plates (HSRP look) for detector training and ANPR stress tests.",
    no_args_is_help=True,
)
IMAGE_SUFFIXES = (".jpg", ".jpeg", ".png", ".bmp", ".webp")


def _backgrounds(folder: Path | None) -> list[Path]:
    if folder is None:
        return []
    found = sorted(p for p in folder.rglob("*") if p.suffix.lower() in IMAGE_SUFFIXES)
    if not found:
        raise InputError(f"no background images (jpg, png, bmp, webp) in {folder}")
    return found


@plates_app.command("generate")
@cli_errors
def plates_generate(
    out_dir: Annotated[Path, typer.Argument(help="Folder for images/ and labels.csv (created).")],
    count: Annotated[int, typer.Option(min=1, help="How many plates to draw.")] = 500,
    seed: Annotated[int, typer.Option(min=0, help="Random seed: the same seed gives the same set.")] = 0,
    backgrounds: Annotated[
        Path | None,
        typer.Option(
            exists=True,
            file_okay=False,
            help="Folder of scene photos (searched recursively) to paste each plate onto; "
            "without it the images are the plates alone.",
        ),
    ] = None,
    as_json: JsonOpt = False,
) -> None:
    """Draw COUNT random, valid Indian plates into OUT_DIR/images, labelled in OUT_DIR/labels.csv.

    HSRP look: white, yellow, green, black or (temporary) red; one- or two-line layouts.

    Random tilt, shadow, glare, night, blur, low resolution, JPEG and dirt; see docs/SYNTH_PLATES.md.

    labels.csv columns: image,plate_text,x1,y1,x2,y2 (shared label format), then layout,style,degradations.

    Example: echallan plates generate var/synth --count 2000 --backgrounds scenes/
    """
    from echallan.anpr.synth import generate

    bgs = _backgrounds(backgrounds)
    with progress_bar("plates", count) as advance:
        labels = generate(out_dir, count, seed, bgs, progress=advance)
    summary = {"labels": str(labels), "images": str(out_dir / "images"), "count": count, "seed": seed}
    if as_json:
        print(json.dumps(summary | {"backgrounds": len(bgs)}))
    else:
        where = f" on {len(bgs)} background(s)" if bgs else ""
        out.print(f"{count} plates{where} written; labels: {labels}")
