"""Scale benchmark: chunks of one long video and many sources, on Ray workers against one process.

    python bench/scale.py [--runs 3] [--workers 2] [--chunk-seconds 15] [--out docs/BENCHMARKS.md]

The long video is the six generated junction clips (``echallan.scenarios``, variant 0: one per rule,
real car and rider photos) joined into one 54 s clip under their shared camera file. It is processed
whole in this process, and in chunks on Ray workers; the stitched events are compared with the whole
run's and with the clips' ground truth. The six clips are also processed as six sources, in this
process and on the workers. Timings include building the models (once per process or worker); the
Ray instance is started once, before the runs, and its start is timed apart.
Writes its table into docs/BENCHMARKS.md between the ``scale`` markers.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Callable
from functools import partial
from pathlib import Path

import cv2

sys.path.insert(0, str(Path(__file__).resolve().parent))

from report import notes, write_section

from echallan.camera import load_camera
from echallan.chunks import spans
from echallan.detection import YoloDetector
from echallan.distributed import Job, Worker, combine, gather, plan, run_jobs
from echallan.pipeline import VideoResult
from echallan.scenarios import KINDS, build, load_sprites
from echallan.settings import Settings
from echallan.sources import open_source

NOTES = notes(__file__)


def joined(videos: list[Path], out: Path) -> Path:
    """The clips one after the other in one MP4 (they share size and frame rate)."""
    first = cv2.VideoCapture(str(videos[0]))
    fps, w, h = first.get(cv2.CAP_PROP_FPS), int(first.get(3)), int(first.get(4))
    first.release()
    writer = cv2.VideoWriter(str(out), cv2.VideoWriter.fourcc(*"mp4v"), fps, (w, h))
    for video in videos:
        cap = cv2.VideoCapture(str(video))
        while True:
            ok, frame = cap.read()
            if not ok:
                break
            writer.write(frame)
        cap.release()
    writer.release()
    return out


def timed(run: Callable[[], list[VideoResult]]) -> tuple[float, list[VideoResult]]:
    t0 = time.perf_counter()
    results = run()
    return time.perf_counter() - t0, results


def offences(results: list[VideoResult]) -> Counter[str]:
    return Counter(e.violation.offence.value for r in results for e in r.events)


def key(result: VideoResult) -> list[tuple[str, int, str | None]]:
    return sorted(
        (e.violation.offence.value, e.violation.frame_index, e.plate.text if e.plate else None)
        for e in result.events
    )


def stitch_check(worker: Worker, clips: list[Path]) -> tuple[int, int, list[str]]:
    """Each clip whole and in chunks of 4 s with 3 s of lead (more borders than ``plan`` would make on
    these 9 s clips): how many clips give the same (offence, frame, plate) events, how many the same
    (offence, plate) events, and how the others differ."""
    same, alike, differ = 0, 0, []
    for clip in clips:
        _, whole = worker.run(Job(str(clip)))
        info = open_source(clip).info
        parts = [worker.run(Job(str(clip), sp))[1] for sp in spans(info.frame_count, info.fps, 4.0, 3.0)]
        assert isinstance(whole, VideoResult) and all(isinstance(p, VideoResult) for p in parts)
        chunked = combine([p for p in parts if isinstance(p, VideoResult)])
        same += key(whole) == key(chunked)
        alike += [(o, p) for o, _, p in key(whole)] == [(o, p) for o, _, p in key(chunked)]
        if key(whole) != key(chunked):
            differ.append(f"{clip.stem}: whole {key(whole)}, chunks {key(chunked)}")
    return same, alike, differ


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--chunk-seconds", type=float, default=15.0)
    ap.add_argument("--variants", type=int, default=2, help="clips per rule for the stitching check")
    ap.add_argument("--out", type=Path, default=Path("docs/BENCHMARKS.md"))
    args = ap.parse_args()
    import ray

    s = Settings.from_env()
    sprites = load_sprites(s.datasets_dir, YoloDetector(s.model_dir))
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        built = [build(kind, 0, sprites, folder) for kind in KINDS]
        truth = Counter(
            o for _, _, t in built for v in json.loads(t.read_text())["vehicles"] for o in v["offences"]
        )
        long = joined([v for v, _, _ in built], folder / "joined.mp4")
        info = open_source(long).info
        camera = load_camera(built[0][1])
        checked = [build(k, v, sprites, folder / "check")[0] for k in KINDS for v in range(args.variants)]
        checker = Worker(camera, s.with_overrides(evidence_dir=folder / "check_ev"))
        exact, alike, differ = stitch_check(checker, checked)
        print(f"stitching check: {exact} of {len(checked)} clips the same", *differ, sep="\n", flush=True)
        t0 = time.perf_counter()
        ray.init(num_cpus=args.workers, include_dashboard=False, log_to_driver=False)
        ray_start = time.perf_counter() - t0
        chunks, errors = plan([str(long)], camera, args.chunk_seconds)
        assert not errors, errors
        sources = [Job(str(v)) for v, _, _ in built]

        def run(jobs: list[Job], workers: int, tag: str) -> list[VideoResult]:
            done = run_jobs(jobs, camera, s.with_overrides(evidence_dir=folder / tag), workers)
            return [combine(o.results) for o in gather(jobs, done)]

        modes = {
            "long video, whole, 1 process": ([Job(str(long))], 1),
            f"long video, {len(chunks)} chunks, {args.workers} Ray workers": (chunks, args.workers),
            "6 clips, 1 process": (sources, 1),
            f"6 clips, {args.workers} Ray workers": (sources, args.workers),
        }
        walls: dict[str, list[float]] = {m: [] for m in modes}
        found: dict[str, Counter[str]] = {}
        analysed: dict[str, int] = {}
        for n in range(args.runs):
            order = list(modes) if n % 2 == 0 else list(reversed(modes))
            for mode in order:
                jobs, workers = modes[mode]
                wall, results = timed(partial(run, jobs, workers, f"ev{n}"))
                walls[mode].append(wall)
                found[mode] = offences(results)
                analysed[mode] = sum(r.frames_analysed for r in results)
                print(f"run {n}: {mode}: {wall:.1f} s, {sum(found[mode].values())} events", flush=True)
        ray.shutdown()
    video_s = info.frame_count / info.fps
    whole = walls["long video, whole, 1 process"]
    rows = [
        f"| run | frames analysed | wall time, median of {args.runs} | speed | ratio to the whole run, "
        "paired | events |",
        "|---|---|---|---|---|---|",
    ]
    for mode, ws in walls.items():
        ratio = statistics.median(w / b for w, b in zip(ws, whole, strict=True))
        got = ", ".join(f"{k} {v}" for k, v in sorted(found[mode].items()))
        rows.append(
            f"| {mode} | {analysed[mode]} | {statistics.median(ws):.1f} s "
            f"| {video_s / statistics.median(ws):.2f}x real time | {ratio:.2f} | {got} |"
        )
    same = (
        found[f"long video, {len(chunks)} chunks, {args.workers} Ray workers"]
        == found["long video, whole, 1 process"]
    )
    text = "\n".join(
        [
            f"The six generated clips (one per rule, variant 0) joined into one {video_s:.0f} s clip, "
            f"1280x720 at 10 fps; chunks of {args.chunk_seconds:g} s with the default 10 s lead "
            f"({len(chunks)} chunks; `python bench/scale.py`). Ray's local start: {ray_start:.1f} s, "
            "once, not in the times. The 6 clips are the same video as 6 sources.",
            "",
            *rows,
            "",
            "Ground truth of the six clips: "
            + ", ".join(f"{k} {v}" for k, v in sorted(truth.items()))
            + ". "
            + (
                "Missed by the whole run (see `violations`): "
                + ", ".join(
                    f"{k} {v}" for k, v in sorted((truth - found["long video, whole, 1 process"]).items())
                )
                + ". "
                if truth - found["long video, whole, 1 process"]
                else ""
            )
            + (
                "The chunked run's stitched events are the whole run's, offence for offence."
                if same
                else "The chunked run's events differ from the whole run's (see the table)."
            ),
            "",
            f"Stitching check: the {len(checked)} generated clips of the six rules ({args.variants} "
            "variants each, 9 s), each whole and in 4 s chunks with 3 s of lead (three chunks, two "
            f"borders a clip, more than `--chunk-seconds` allows with this camera's no-parking zone): "
            f"**{exact} of {len(checked)}** give the same events (offence, frame and plate read), "
            f"**{alike} of {len(checked)}** the same offences and plate reads.",
            *(f"- differs: {d}" for d in differ),
            "",
            NOTES,
        ]
    )
    print(text)
    write_section(args.out, "scale", text)


if __name__ == "__main__":
    main()
