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
from dataclasses import dataclass, field
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from report import notes, write_section

from echallan.anpr import AUTO_ACCEPT_THRESHOLD, PlateReader
from echallan.camera import load_camera
from echallan.clipgen import Mover
from echallan.detection import YoloDetector
from echallan.detection.helmet import default_helmet_detector
from echallan.pipeline import Models, VideoResult, process_video
from echallan.rules.engine import HEAD_RULES
from echallan.scenarios import HEAD_KINDS, KINDS, build, load_sprites, scenario
from echallan.settings import Settings
from echallan.types import PlateRead

NOTES = notes(__file__)


@dataclass
class Score:
    """Per offence true positives, false positives and false negatives; speed errors in %; and the
    (true plate, voted read) of each true event whose vehicle carries a plate label."""

    tp: Counter[str] = field(default_factory=Counter)
    fp: Counter[str] = field(default_factory=Counter)
    fn: Counter[str] = field(default_factory=Counter)
    speed_err: list[float] = field(default_factory=list)
    plates: list[tuple[str, PlateRead | None]] = field(default_factory=list)


def match(result: VideoResult, movers: list[Mover], score: Score) -> None:
    """Match ``result``'s events to the movers nearest their boxes; add the outcome to ``score``."""
    found: set[tuple[str, str]] = set()
    for e in result.events:
        v = e.violation
        offence = v.offence.value
        if v.box is None:
            score.fp[offence] += 1
            continue
        bx, by = v.box.bottom_center
        near = [(abs(at[0] - bx) + abs(at[1] - by), m) for m in movers if (at := m.at(v.time_s)) is not None]
        mover = min(near, key=lambda d: d[0])[1] if near and min(d for d, _ in near) < 250 else None
        if mover is not None and offence in mover.expected and (mover.name, offence) not in found:
            score.tp[offence] += 1
            found.add((mover.name, offence))
            if mover.plate:
                score.plates.append((mover.plate, e.plate))
            if offence == "over_speed":
                truth = mover.facts["speed_kmh"]
                score.speed_err.append(100 * (v.inputs["speed_kmh"] - truth) / truth)
        else:
            score.fp[offence] += 1
    for m in movers:
        for offence in m.expected:
            if (m.name, offence) not in found:
                score.fn[offence] += 1


def plate_line(plates: list[tuple[str, PlateRead | None]]) -> str:
    """The plates of true events, as ``process`` read them (voted across the track's best frames)."""
    if not plates:
        return "No true event's vehicle carried a plate label."
    n = len(plates)
    exact = sum(1 for truth, read in plates if read is not None and read.text == truth)
    none = sum(1 for _, read in plates if read is None or not read.text)
    accepted = [(t, r) for t, r in plates if r is not None and r.auto_accept(AUTO_ACCEPT_THRESHOLD)]
    right = sum(1 for t, r in accepted if r.text == t)
    precision = f"{100 * right / len(accepted):.1f} % exact" if accepted else "none"
    wrong = sorted({f"{t} -> {r.text} ({r.confidence:.2f})" for t, r in accepted if r.text != t})
    return (
        f"Plates of the cars behind true events ({n}, {len({t for t, _ in plates})} distinct plates from "
        "india_plates_dev photos; riders' photos carry no plate label), voted across "
        f"each track's best frames as `process` reads them: {100 * exact / n:.1f} % exact, {none} not read; "
        f"auto-accepted {100 * len(accepted) / n:.1f} % ({precision}). Wrong auto-accepts (truth -> read): "
        f"{', '.join(wrong) or 'none'}."
    )


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--variants", type=int, default=8, help="clips per scenario")
    ap.add_argument("--out", type=Path, default=Path("docs/BENCHMARKS.md"))
    every = KINDS + HEAD_KINDS
    ap.add_argument("--kinds", nargs="+", default=list(every), choices=every, help="scenarios to run")
    args = ap.parse_args()
    s = Settings.from_env()
    detector = YoloDetector(s.model_dir)
    reader = PlateReader(search_whole=False)  # as `echallan process` reads plates in video
    with_heads = Models(detector, reader, default_helmet_detector())  # as `process` runs head rules
    without = Models(detector, reader)
    # a photo a clip: the offender of variant v is car 2v, the lawful vehicle car 2v + 1
    helmets = max(6, args.variants) if set(args.kinds) & set(HEAD_KINDS) else 0
    sprites = load_sprites(
        s.datasets_dir,
        detector,
        cars=2 * max(4, args.variants),
        riders=max(6, args.variants),
        helmets=helmets,
    )
    n = (
        len(sprites.cars),
        len(sprites.triples),
        len(sprites.singles),
        len(sprites.bare),
        len(sprites.helmeted),
    )
    print("sprites: {} cars, {} triple riders, {} single riders, {} bare-headed, {} helmeted".format(*n))
    score = Score()
    fps: list[float] = []
    with tempfile.TemporaryDirectory() as tmp:
        for kind in args.kinds:
            for variant in range(args.variants):
                video, camera, truth = build(kind, variant, sprites, Path(tmp))
                _, movers = scenario(kind, variant, sprites)
                t0 = time.perf_counter()
                cam = load_camera(camera)
                models = with_heads if cam.violations & HEAD_RULES else without
                result = process_video(cam, video, models, Path(tmp) / "evidence")
                fps.append(result.frames_analysed / (time.perf_counter() - t0))
                match(result, movers, score)
                got = [ev.violation.offence.value for ev in result.events]
                want = [o for v in json.loads(truth.read_text())["vehicles"] for o in v["offences"]]
                print(f"{kind}#{variant}: events {got}, truth {want}")
    rows = [
        "| rule | clips | true pos. | false pos. | false neg. | precision | recall | F1 |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for kind in args.kinds:
        tp, fp, fn = score.tp[kind], score.fp[kind], score.fn[kind]
        p = tp / (tp + fp) if tp + fp else 1.0
        r = tp / (tp + fn) if tp + fn else 1.0
        f1 = 2 * p * r / (p + r) if p + r else 0.0
        counts = f"| {kind} | {args.variants} | {tp} | {fp} | {fn} "
        rows.append(counts + f"| {100 * p:.1f} % | {100 * r:.1f} % | {f1:.3f} |")
    errors = score.speed_err
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
            plate_line(score.plates),
            f"Analysis speed on these clips: median {statistics.median(fps):.1f} frames/s.",
            "",
            NOTES,
        ]
    )
    print(text)
    write_section(args.out, "violations", text)


if __name__ == "__main__":
    main()
