"""Violation benchmark: precision and recall per rule on generated junction clips.

    python bench/violations.py [--variants 4] [--out docs/BENCHMARKS.md]

Clips are generated now from the shared datasets (cars from india_plates_dev, riders from
helmet_riders) by ``echallan.scenarios``; each carries a ground truth of which vehicle commits
which offence. Events are matched to the vehicle nearest their box at the event's time.
Writes its table into docs/BENCHMARKS.md between the ``violations`` markers.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from report import write_section

from echallan.anpr import PlateReader
from echallan.camera import load_camera
from echallan.clipgen import Mover
from echallan.detection import YoloDetector
from echallan.pipeline import Models, VideoResult, process_video
from echallan.scenarios import KINDS, build, load_sprites, scenario
from echallan.settings import Settings

NOTES = """Triple riding with more clips (2026-11-22, same code): `--kinds triple_riding --variants 16`
gave 12 true positives, 0 false positives, 4 false negatives (recall 75 %, F1 0.857), so the
8-clip F1 above does not hold on the larger sample. In clip 7 (a miss) both bikes are tracked,
but neither track reaches three riders in a quarter of its frames (at most 17 %): the detector
separates at most two persons on a bike in most frames. Adding the persons that a close-up
look finds around a recovered bike changed nothing (12 of 16). Looking again only at
groups of three or more persons (instead of two) would save about 30 detector calls on the 1080p
throughput clip, but found 11 of 16."""


def match(
    result: VideoResult, movers: list[Mover]
) -> tuple[Counter[str], Counter[str], Counter[str], list[float]]:
    """(true positives, false positives, false negatives) per offence, and speed errors in %."""
    tp: Counter[str] = Counter()
    fp: Counter[str] = Counter()
    fn: Counter[str] = Counter()
    speed_err: list[float] = []
    found: set[tuple[str, str]] = set()
    for e in result.events:
        v = e.violation
        offence = v.offence.value
        if v.box is None:
            fp[offence] += 1
            continue
        bx, by = v.box.bottom_center
        near = [
            (abs(m.at(v.time_s)[0] - bx) + abs(m.at(v.time_s)[1] - by), m) for m in movers if m.at(v.time_s)
        ]
        mover = min(near, key=lambda d: d[0])[1] if near and min(d for d, _ in near) < 250 else None
        if mover is not None and offence in mover.expected and (mover.name, offence) not in found:
            tp[offence] += 1
            found.add((mover.name, offence))
            if offence == "over_speed":
                truth = mover.facts["speed_kmh"]
                speed_err.append(100 * (v.inputs["speed_kmh"] - truth) / truth)
        else:
            fp[offence] += 1
    for m in movers:
        for offence in m.expected:
            if (m.name, offence) not in found:
                fn[offence] += 1
    return tp, fp, fn, speed_err


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--variants", type=int, default=8, help="clips per scenario")
    ap.add_argument("--out", type=Path, default=Path("docs/BENCHMARKS.md"))
    ap.add_argument("--kinds", nargs="+", default=list(KINDS), choices=KINDS, help="scenarios to run")
    args = ap.parse_args()
    s = Settings.from_env()
    detector = YoloDetector(s.model_dir)
    models = Models(detector, PlateReader())
    sprites = load_sprites(s.datasets_dir, detector)
    n = (len(sprites.cars), len(sprites.triples), len(sprites.singles))
    print("sprites: {} cars, {} triple riders, {} single riders".format(*n))
    tp: Counter[str] = Counter()
    fp: Counter[str] = Counter()
    fn: Counter[str] = Counter()
    errors: list[float] = []
    fps: list[float] = []
    with tempfile.TemporaryDirectory() as tmp:
        for kind in args.kinds:
            for variant in range(args.variants):
                video, camera, truth = build(kind, variant, sprites, Path(tmp))
                _, movers = scenario(kind, variant, sprites)
                t0 = time.perf_counter()
                result = process_video(load_camera(camera), video, models, Path(tmp) / "evidence")
                fps.append(result.frames_analysed / (time.perf_counter() - t0))
                a, b, c, e = match(result, movers)
                tp, fp, fn = tp + a, fp + b, fn + c
                errors += e
                got = [ev.violation.offence.value for ev in result.events]
                want = [o for v in json.loads(truth.read_text())["vehicles"] for o in v["offences"]]
                print(f"{kind}#{variant}: events {got}, truth {want}")
    rows = [
        "| rule | clips | true pos. | false pos. | false neg. | precision | recall | F1 |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for kind in args.kinds:
        p = tp[kind] / (tp[kind] + fp[kind]) if tp[kind] + fp[kind] else 1.0
        r = tp[kind] / (tp[kind] + fn[kind]) if tp[kind] + fn[kind] else 1.0
        f1 = 2 * p * r / (p + r) if p + r else 0.0
        counts = f"| {kind} | {args.variants} | {tp[kind]} | {fp[kind]} | {fn[kind]} "
        rows.append(counts + f"| {100 * p:.1f} % | {100 * r:.1f} % | {f1:.3f} |")
    speed = (
        f"Speed error on over-speed events: median {statistics.median(errors):+.2f} %, "
        f"worst {max(errors, key=abs):+.2f} % (n = {len(errors)})."
        if errors
        else "No over-speed event was matched."
    )
    text = "\n".join(
        [
            f"Generated clips: {len(args.kinds)} scenarios x {args.variants} variants, "
            "1280x720 at 10 fps, "
            "real car and rider photos from the shared datasets moved on known key frames "
            "(`python bench/violations.py`). Every scenario also holds lawful vehicles "
            "(green crossers, stoppers behind the line, right-way drivers, speeds under the limit, "
            "brief stops, single riders); any event on them counts as a false positive.",
            "",
            *rows,
            "",
            speed,
            f"Analysis speed on these clips: median {statistics.median(fps):.1f} frames/s.",
            "",
            NOTES,
        ]
    )
    print(text)
    write_section(args.out, "violations", text)


if __name__ == "__main__":
    main()
