"""Processing one video: (camera, source) -> events. Safe to run twice; no database access.

Pass 1 decodes every ``frame_stride``-th frame, detects, tracks and reads the signal. The rules then
run over whole tracks. Pass 2 decodes only the few frames that evidence and plate reading need,
so plates are read once per violating vehicle, from its best frames, not on every frame.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Protocol

import numpy as np

from echallan import video
from echallan.anpr.voting import vote
from echallan.camera import Camera, frame_time
from echallan.detection import Detector, TrackBuilder
from echallan.evidence import sha256_file, write_image
from echallan.rules import classify_signal, red_light, smooth_states
from echallan.types import Box, Event, PlateRead, SignalState, Track, Violation

#: How many of a track's frames (largest boxes first) are read for its plate.
PLATE_FRAMES = 3


class PlateReaderLike(Protocol):
    def read(self, image: np.ndarray) -> list[PlateRead]: ...


@dataclass(frozen=True)
class VideoResult:
    source: str
    source_sha256: str
    frames_analysed: int
    tracks: int
    events: tuple[Event, ...]


def event_key(source_sha256: str, camera_id: str, violation: Violation) -> str:
    """Same video, camera, offence and track -> same key, so storing twice is a no-op."""
    raw = f"{source_sha256}:{camera_id}:{violation.offence.value}:{violation.track_id}"
    return hashlib.sha256(raw.encode()).hexdigest()[:32]


def find_violations(
    camera: Camera,
    tracks: Sequence[Track],
    frames: Sequence[int],
    times: Sequence[float],
    states: Sequence[SignalState],
) -> list[Violation]:
    """Apply every enabled rule to every track (pure)."""
    found = []
    if "red_light" in camera.violations:
        for track in tracks:
            v = red_light(
                track, camera.stop_line, camera.approach, frames, times, states, camera.signal.red_grace_s
            )
            if v is not None:
                found.append(v)
    return found


def process_video(
    camera: Camera,
    source: Path,
    detector: Detector,
    reader: PlateReaderLike,
    evidence_dir: Path,
    on_frame: Callable[[int], None] | None = None,
) -> VideoResult:
    info = video.probe(source)
    source_sha = sha256_file(source)
    start = camera.start_time or datetime.fromtimestamp(source.stat().st_mtime).astimezone()

    builder = TrackBuilder(info.fps / camera.frame_stride)
    frames: list[int] = []
    times: list[float] = []
    raw_states: list[SignalState] = []
    for index, frame in video.frames(source, camera.frame_stride):
        t = index / info.fps
        builder.update(index, t, detector.detect(frame))
        raw_states.append(classify_signal(frame, camera.signal.region))
        frames.append(index)
        times.append(t)
        if on_frame:
            on_frame(index)
    states = smooth_states(raw_states, camera.signal.smoothing_frames)
    tracks = builder.tracks()
    violations = find_violations(camera, tracks, frames, times, states)

    by_id = {t.track_id: t for t in tracks}
    plate_frames = {v.track_id: _best_points(by_id[v.track_id]) for v in violations}
    wanted = {v.frame_index for v in violations} | {p.frame_index for ps in plate_frames.values() for p in ps}
    images = dict(video.frames(source, wanted=frozenset(wanted))) if wanted else {}

    events = []
    for v in violations:
        plate, plate_crop = _read_plate(reader, images, plate_frames[v.track_id])
        key = event_key(source_sha, camera.id, v)
        folder = evidence_dir / source_sha[:16] / key
        frame = images[v.frame_index]
        vehicle_box = next(p.box for p in by_id[v.track_id].points if p.frame_index == v.frame_index)
        evidence = [
            write_image(folder / "frame.png", frame, "frame"),
            write_image(folder / "vehicle.png", _crop(frame, vehicle_box), "vehicle"),
        ]
        if plate_crop is not None:
            evidence.append(write_image(folder / "plate.png", plate_crop, "plate"))
        events.append(
            Event(
                key=key,
                camera_id=camera.id,
                source=str(source),
                source_sha256=source_sha,
                violation=v,
                occurred_at=frame_time(camera, start, v.frame_index, info.fps).isoformat(
                    timespec="milliseconds"
                ),
                plate=plate,
                evidence=tuple(evidence),
            )
        )
    return VideoResult(str(source), source_sha, len(frames), len(tracks), tuple(events))


def _best_points(track: Track) -> list:
    return sorted(track.points, key=lambda p: p.box.area, reverse=True)[:PLATE_FRAMES]


def _crop(frame: np.ndarray, box: Box) -> np.ndarray:
    b = box.clipped(frame.shape[1], frame.shape[0])
    return frame[int(b.y1) : int(b.y2), int(b.x1) : int(b.x2)]


def _read_plate(
    reader: PlateReaderLike, images: dict[int, np.ndarray], points: Sequence
) -> tuple[PlateRead | None, np.ndarray | None]:
    """Read the plate on each best frame's vehicle crop, vote, and keep the crop of the best read."""
    reads: list[PlateRead] = []
    best_crop: np.ndarray | None = None
    best_conf = -1.0
    for p in points:
        crop = _crop(images[p.frame_index], p.box)
        found = reader.read(crop) if crop.size else []
        if not found:
            continue
        top = found[0]
        reads.append(top)
        if top.box is not None and top.confidence > best_conf:
            best_conf = top.confidence
            best_crop = _crop(crop, top.box)
    return vote(reads), (best_crop if best_crop is not None and best_crop.size else None)
