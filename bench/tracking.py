"""Tracking benchmark on the real traffic clips, which have no ground truth: how often a track's box jumps.

    python bench/tracking.py [--out docs/BENCHMARKS.md] [--list]

Each clip in ``traffic_clips`` goes through the detector, and its vehicle boxes (persons left out) through
``TrackBuilder`` frame by frame, as ``echallan process`` does (without its close-up looks for hidden
two-wheelers). A *jump* is a step between two sightings of one track where the box keeps an IoU under 0.2
with the last one or changes its area more than 2x: where a track may have passed from one vehicle to
another. Jumps with a box at the frame's edge are mostly vehicles entering or leaving the view, counted
apart. ``--list`` prints every jump (track, frames, boxes) to be looked at by eye. Writes its table into
docs/BENCHMARKS.md between the ``tracking`` markers.
"""

from __future__ import annotations

import argparse
import itertools
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import cast

import cv2
import numpy as np
import supervision as sv

sys.path.insert(0, str(Path(__file__).resolve().parent))

from report import notes, write_section

from echallan.detection import YoloDetector
from echallan.detection.tracking import TrackBuilder
from echallan.settings import Settings
from echallan.types import Box, Track

#: A step is a jump below this IoU with the last box, or above this change of area.
JUMP_IOU, JUMP_AREA = 0.2, 2.0
#: A box this close (pixels) to the frame's border is at its edge.
EDGE_PX = 2.0

NOTES = notes(__file__)


@dataclass(frozen=True)
class Jump:
    track_id: int
    frames: tuple[int, int]
    boxes: tuple[Box, Box]
    at_edge: bool


def jumps(track: Track, width: int, height: int) -> list[Jump]:
    """The steps of ``track`` whose box jumps (:data:`JUMP_IOU`, :data:`JUMP_AREA`)."""

    def edge(b: Box) -> bool:
        return min(b.x1, b.y1) <= EDGE_PX or b.x2 >= width - EDGE_PX or b.y2 >= height - EDGE_PX

    found = []
    for a, b in itertools.pairwise(track.points):
        small, large = sorted((a.box.area, b.box.area))
        if a.box.iou(b.box) < JUMP_IOU or large > JUMP_AREA * max(small, 1.0):
            frames, boxes = (a.frame_index, b.frame_index), (a.box, b.box)
            found.append(Jump(track.track_id, frames, boxes, edge(a.box) or edge(b.box)))
    return found


@dataclass(frozen=True)
class ClipTracks:
    width: int
    height: int
    fps: float
    stride: int
    analysed: int
    tracks: list[Track]


def track_clip(detector: YoloDetector, clip: Path) -> ClipTracks:
    """Every track of ``clip``, analysing about 8 frames a second (stride 3 on 25 fps, as the throughput
    benchmark)."""
    cap = cv2.VideoCapture(str(clip))
    fps = cap.get(cv2.CAP_PROP_FPS) or 25.0
    stride = max(1, round(fps / 8))
    builder, tracks, index, analysed = TrackBuilder(fps / stride), [], 0, 0
    width, height = int(cap.get(cv2.CAP_PROP_FRAME_WIDTH)), int(cap.get(cv2.CAP_PROP_FRAME_HEIGHT))
    while True:
        ok, frame = cap.read()
        if not ok:
            break
        if index % stride == 0:
            found = detector.detect(frame)
            names = found.data.get("class_name", np.array([], dtype=str))
            keep = np.array([str(n) != "person" for n in names], dtype=bool)
            builder.update(index, index / fps, cast(sv.Detections, found[keep]) if len(found) else found)
            analysed += 1
            for tid in builder.ended():
                tracks.append(builder.track(tid))
                builder.drop(tid)
        index += 1
    cap.release()
    tracks += [builder.track(tid) for tid in builder.active()]
    return ClipTracks(width, height, fps, stride, analysed, tracks)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--out", type=Path, default=Path("docs/BENCHMARKS.md"))
    ap.add_argument("--list", action="store_true", help="print every jump")
    args = ap.parse_args()
    s = Settings.from_env()
    detector = YoloDetector(s.model_dir)
    rows = [
        "| clip | video | frames analysed | tracks | with 5+ sightings | jumps | at the edge |",
        "|---|---|---|---|---|---|---|",
    ]
    for clip in sorted((s.datasets_dir / "traffic_clips").glob("*.mp4")):
        c = track_clip(detector, clip)
        found = [j for t in c.tracks for j in jumps(t, c.width, c.height)]
        long = sum(1 for t in c.tracks if len(t.points) >= 5)
        video = f"{c.width}x{c.height}, {c.fps:.1f} fps, stride {c.stride}"
        counts = f"{c.analysed} | {len(c.tracks)} | {long} | {len(found)} | {sum(j.at_edge for j in found)}"
        rows.append(f"| {clip.name} | {video} | {counts} |")
        if args.list:
            for j in found:
                where = "edge" if j.at_edge else "inside"
                print(f"  {clip.name} track {j.track_id} f{j.frames[0]}->f{j.frames[1]} {where}:", end=" ")
                print(j.boxes[0].as_list(), "->", j.boxes[1].as_list())
    text = "\n".join(
        [
            "Tracking on the real traffic clips (no ground truth): the detector's vehicle boxes fed to "
            "`TrackBuilder` at about 8 analysed frames a second, without close-up looks "
            "(`python bench/tracking.py --list`). A jump is a step between two sightings of one track "
            f"whose box keeps an IoU under {JUMP_IOU} with the last one or changes its area over "
            f"{JUMP_AREA:.0f}x: where a track may have passed to another vehicle. Jumps at the frame's "
            "edge are mostly vehicles entering or leaving.",
            "",
            *rows,
            "",
            NOTES,
        ]
    )
    print(text)
    write_section(args.out, "tracking", text)


if __name__ == "__main__":
    main()
