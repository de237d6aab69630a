"""Processing one source: (camera, source) -> events. Safe to run twice; no database access.

One pass over the source: detect, track, read the signal and apply the online rules as each
frame arrives, capturing evidence the moment a rule fires. When a track ends, the whole-track rules
(triple riding, no helmet) run, and its plate is read once, from its few best frames, then voted.
Only a few frames per live track are held, so memory stays flat on long videos and live streams.
"""

from __future__ import annotations

import hashlib
import time
from collections import defaultdict, deque
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime
from itertools import takewhile
from pathlib import Path
from typing import Protocol, TypeVar, cast

import cv2
import numpy as np
import supervision as sv

from echallan.annotate import evidence_overlay
from echallan.anpr.voting import vote
from echallan.camera import Camera, detection_window, frame_time
from echallan.chunks import Span
from echallan.detection import Detector, TrackBuilder
from echallan.detection.helmet import HeadResult, HelmetDetector
from echallan.detection.tracking import one_vehicle
from echallan.detection.two_wheelers import recover as recover_two_wheelers
from echallan.detection.two_wheelers import rider_looks
from echallan.evidence import ClipWriter, clip_frame, write_image
from echallan.rules.engine import (
    FINAL_RULES,
    final_violations,
    heads_could_decide,
    needs_heads,
    online_violations,
)
from echallan.rules.riders import TWO_WHEELERS, riding
from echallan.rules.signal import classify_signal, smooth_states
from echallan.rules.signal_log import load_signal_log, states_at
from echallan.rules.timeline import SignalTimeline
from echallan.settings import Settings
from echallan.sources import Source, open_source, read_ahead
from echallan.types import Box, Event, EvidenceFile, Offence, PlateRead, SignalState, Track, Violation

T = TypeVar("T")

#: How many of a track's frames (largest boxes first) are read for its plate or helmets.
BEST_FRAMES = 3
#: How many of a motorcycle's best frames the helmet model looks at (no helmet needs two that agree, so
#: one frame that misses the head no longer decides; 2 before 2026-12-07).
HELMET_FRAMES = 3
#: Vehicle crops are shrunk to this longest side before plate reading.
OCR_MAX_SIDE = 640
#: A track a whole-track rule fired on is kept this long after it ended, to know a split track's other part.
KEEP_FIRED_S = 60.0
#: Seconds of video kept in the evidence clip before and after the moment a rule fires.
CLIP_BEFORE_S, CLIP_AFTER_S = 1.0, 1.0


class PlateReaderLike(Protocol):
    def read(self, image: np.ndarray) -> list[PlateRead]: ...


@dataclass(frozen=True)
class Models:
    """The models a run needs; built once per process and reused for every source."""

    detector: Detector
    reader: PlateReaderLike
    helmet: HelmetDetector | None = None

    @classmethod
    def for_camera(cls, settings: Settings, camera: Camera) -> Models:
        """The real models, as ``echallan process`` runs them; the helmet model only where a camera's
        rules need heads (no helmet)."""
        from echallan.anpr import PlateReader
        from echallan.detection import YoloDetector
        from echallan.detection.helmet import default_helmet_detector
        from echallan.rules.engine import HEAD_RULES

        return cls(
            YoloDetector(settings.model_dir, derived_dir=settings.derived_dir),
            PlateReader(search_whole=False),  # video: only plates the detector finds in a sighting are read
            default_helmet_detector() if camera.violations & HEAD_RULES else None,
        )


@dataclass(frozen=True)
class VideoResult:
    source: str
    source_sha256: str
    frames_analysed: int
    tracks: int
    events: tuple[Event, ...]
    problems: tuple[str, ...] = ()
    seconds: dict[str, float] = field(default_factory=dict)  # time split by stage
    span: Span | None = None  # the chunk processed; None: the whole source
    # for chunks: every track's (frame, box) in the frames a neighbouring chunk analyses too
    shared_boxes: dict[int, tuple[tuple[int, Box], ...]] = field(default_factory=dict)


def event_key(identity: str, camera_id: str, violation: Violation) -> str:
    """Same source, camera, offence and track -> same key, so storing twice is a no-op."""
    raw = f"{identity}:{camera_id}:{violation.offence.value}:{violation.track_id}"
    return hashlib.sha256(raw.encode()).hexdigest()[:32]


def crop(frame: np.ndarray, box: Box) -> np.ndarray:
    b = box.clipped(frame.shape[1], frame.shape[0])
    return frame[int(b.y1) : int(b.y2), int(b.x1) : int(b.x2)]


def rider_box(box: Box, persons: Sequence[Box] = ()) -> Box:
    """A two-wheeler's box grown upwards to take in its riders' heads, and the boxes of the ``persons``
    riding it (:func:`~echallan.rules.riders.riding`) with room above them for a head.

    Growing the bike's box alone misses a head where the box is cut by the frame's edge (so too short) or
    a rider sits tall; the person detector's box of the rider reaches the head.
    """
    grown = Box(box.x1 - 0.1 * box.width, box.y1 - 0.9 * box.height, box.x2 + 0.1 * box.width, box.y2)
    riders = [Box(p.x1, p.y1 - 0.1 * p.height, p.x2, p.y2) for p in riding(box, persons)]
    return grown.union(*riders)


@dataclass
class _Memory:
    """What the run keeps of one live track."""

    # (sighting_rank, frame, vehicle crop) of the best sightings, best first
    best: list[tuple[tuple[bool, float], int, np.ndarray]] = field(default_factory=list)
    # full frames with the other vehicles' and the persons' boxes, for whole-track rules
    frames: dict[int, tuple[np.ndarray, list[Box], list[Box]]] = field(default_factory=dict)
    # (riders, area, frame) of a two-wheeler's sighting with the most riders (3 or more; the larger box
    # among equals): triple riding's evidence frame, kept in ``frames`` beside the largest sightings
    most_riders: tuple[int, float, int] | None = None
    found: list[tuple[Violation, list[EvidenceFile]]] = field(default_factory=list)
    clips: list[ClipWriter] = field(default_factory=list)


class _Run:
    def __init__(
        self, camera: Camera, source: Source, models: Models, evidence_dir: Path, span: Span | None = None
    ) -> None:
        self.camera, self.source, self.models, self.span = camera, source, models, span
        info = source.info
        # a chunk's track ids are its own: its keys name the chunk, so chunks never share a key
        self.identity = info.identity if span is None else f"{info.identity}@{span.first}-{span.stop}"
        self.shared_boxes: dict[int, tuple[tuple[int, Box], ...]] = {}
        self.fps = info.fps
        self.start = camera.start_time or info.started_at or datetime.now().astimezone()
        self.folder = evidence_dir / info.identity[:16]
        step_fps = info.fps / camera.frame_stride
        self.builder = TrackBuilder(step_fps)
        self.timeline = SignalTimeline()
        self.raw_states: list[SignalState] = []
        self.log = load_signal_log(camera.signal.log) if camera.signal.log else None
        self.ring: deque[np.ndarray] = deque(  # recent frames, already shrunk for clips
            maxlen=max(1, round(CLIP_BEFORE_S * step_fps))
        )
        self.clip_after = max(1, round(CLIP_AFTER_S * step_fps))
        self.memory: dict[int, _Memory] = defaultdict(_Memory)
        self.events: list[Event] = []
        self.seconds: dict[str, float] = defaultdict(float)
        self.tracks_seen = 0
        self.looks: list[tuple[Box, bool]] = []  # last frame's close-up looks (hidden two-wheelers)
        # tracks a whole-track rule fired on, and its offences: a split track's other part is not fined again
        self.fired: list[tuple[Track, set[Offence]]] = []

    def timed(self, stage: str, t0: float) -> float:
        now = time.perf_counter()
        self.seconds[stage] += now - t0
        return now

    def signal_state(self, index: int, frame: np.ndarray) -> SignalState:
        if self.log is not None:
            return states_at(self.log, [frame_time(self.camera, self.start, index, self.fps)])[0]
        assert self.camera.signal.region is not None
        self.raw_states.append(classify_signal(frame, self.camera.signal.region))
        window = self.camera.signal.smoothing_frames
        return smooth_states(self.raw_states[-window:], window)[-1]

    def step(self, index: int, frame: np.ndarray, detections: sv.Detections) -> None:
        """One analysed frame, with the detector's boxes on it (found on the detection thread)."""
        t0 = time.perf_counter()
        names = detections.data.get("class_name", np.array([], dtype=str))
        is_person = np.array([str(n) == "person" for n in names], dtype=bool)
        persons = [Box(*map(float, xyxy)) for xyxy in detections.xyxy[is_person]]
        vehicles = cast(sv.Detections, detections[~is_person])
        if Offence.TRIPLE_RIDING in self.camera.violations or Offence.NO_HELMET in self.camera.violations:
            vehicles = recover_two_wheelers(self.models.detector, frame, vehicles, persons, self.looks)
        if Offence.TRIPLE_RIDING in self.camera.violations:  # riders counted again close up
            persons = rider_looks(self.models.detector, frame, vehicles, persons)
        t0 = self.timed("close_ups", t0)
        seen = self.builder.update(index, index / self.fps, vehicles, persons)
        t0 = self.timed("track", t0)
        self.timeline.append(index, index / self.fps, self.signal_state(index, frame))
        boxes = {tid: self.builder.track(tid) for tid in seen}
        fired: list[tuple[Track, Violation]] = []
        for tid, track in boxes.items():
            mem = self.memory[tid]
            done = {v.offence for v, _ in mem.found}
            fired += [(track, v) for v in online_violations(self.camera, track, self.timeline, done)]
        t0 = self.timed("rules", t0)
        others = [t.points[-1].box for t in boxes.values()]
        for tid, track in boxes.items():
            self.remember(self.memory[tid], track, frame, others, persons)
        for track, v in fired:
            self.capture(self.memory[track.track_id], track, v, (frame, others, persons), clip=True)
        small = clip_frame(frame)  # shrunk once for every clip it goes into
        for mem in self.memory.values():
            for clip in mem.clips:
                if clip.remaining > 0:
                    clip.add(small)
                    clip.remaining -= 1
        self.ring.append(small)
        self.timed("evidence", t0)
        for tid in self.builder.ended():
            self.finish(tid)

    def remember(
        self, mem: _Memory, track: Track, frame: np.ndarray, others: list[Box], persons: list[Box]
    ) -> None:
        """Keep the track's largest sightings: vehicle crops for plates, full frames for whole-track rules
        (and a two-wheeler's sighting with the most riders, which triple riding shows)."""
        p = track.points[-1]
        whole_track = track.class_name in TWO_WHEELERS and bool(self.camera.violations & FINAL_RULES)
        if (
            whole_track
            and p.riders >= 3
            and (mem.most_riders is None or (p.riders, p.box.area) > mem.most_riders[:2])
        ):
            if mem.most_riders is not None and all(b[1] != mem.most_riders[2] for b in mem.best):
                mem.frames.pop(mem.most_riders[2], None)
            mem.most_riders = (p.riders, p.box.area, p.frame_index)
            mem.frames[p.frame_index] = (frame, others, persons)
        rank = sighting_rank(p.box, frame.shape[1], frame.shape[0])
        if len(mem.best) == BEST_FRAMES and rank <= mem.best[-1][0]:
            return
        if len(mem.best) == BEST_FRAMES:
            _, dropped, _ = mem.best.pop()
            if mem.most_riders is None or dropped != mem.most_riders[2]:
                mem.frames.pop(dropped, None)
        mem.best.append((rank, p.frame_index, crop(frame, p.box).copy()))
        mem.best.sort(key=lambda b: b[0], reverse=True)
        if whole_track:
            mem.frames[p.frame_index] = (frame, others, persons)

    def capture(
        self,
        mem: _Memory,
        track: Track,
        v: Violation,
        seen: tuple[np.ndarray, Sequence[Box], Sequence[Box]],
        clip: bool,
    ) -> None:
        """Write the untouched frame, an annotated copy and the vehicle crop; start the clip.

        ``seen`` is the frame with every vehicle's and person's box in it. Those boxes go into the
        violation's inputs under "privacy", so printed copies can blur bystanders and other plates.
        """
        frame, others, persons = seen
        key = event_key(self.identity, self.camera.id, v)
        folder = self.folder / key
        box = next(p.box for p in reversed(track.points) if p.frame_index == v.frame_index)
        privacy = {
            "offender": box.as_list(),
            "vehicles": [b.as_list() for b in others if b != box],
            "persons": [b.as_list() for b in persons],
        }
        riders = riding(box, persons) if v.offence is Offence.TRIPLE_RIDING else []
        extra = {"rider_boxes": [b.as_list() for b in riders]} if riders else {}
        v = replace(v, inputs={**v.inputs, **extra, "privacy": privacy})
        stamp = frame_time(self.camera, self.start, v.frame_index, self.fps).isoformat(
            timespec="milliseconds"
        )
        annotated = evidence_overlay(
            frame,
            self.camera,
            box,
            f"{v.class_name} #{v.track_id}: {v.offence.value}",
            [b for b in others if b != box],
            self.timeline.state_at(v.frame_index),
            stamp,
            riders,
            bare_heads(v),
        )
        files = [
            write_image(folder / "frame.png", frame, "frame"),
            write_image(folder / "annotated.jpg", annotated, "annotated"),
            write_image(folder / "vehicle.png", crop(frame, box), "vehicle"),
        ]
        mem.found.append((v, files))
        if clip:
            writer = ClipWriter(folder / "clip.mp4", self.fps / self.camera.frame_stride, self.clip_after)
            for before in self.ring:
                writer.add(before)
            mem.clips.append(writer)

    def unfined(self, track: Track, found: list[Violation]) -> list[Violation]:
        """``found`` less the offences a whole-track rule already fired on another part of this vehicle's
        track (the tracker split it: :func:`~echallan.detection.tracking.one_vehicle`); the rest are
        remembered for the parts still to come."""
        new = [v for v in found if not any(v.offence in o and one_vehicle(t, track) for t, o in self.fired)]
        if new:
            start = track.points[0].time_s
            self.fired = [(t, o) for t, o in self.fired if start - t.points[-1].time_s < KEEP_FIRED_S]
            self.fired.append((track, {v.offence for v in new}))
        return new

    def finish(self, tid: int) -> None:
        """A track ended: whole-track rules, one plate read, then its events."""
        track = self.builder.track(tid)
        mem = self.memory.pop(tid, _Memory())
        self.tracks_seen += 1
        if self.span is not None:
            span = self.span
            shared = tuple((p.frame_index, p.box) for p in track.points if span.in_overlap(p.frame_index))
            if shared:
                self.shared_boxes[tid] = shared
        t0 = time.perf_counter()
        done = {v.offence for v, _ in mem.found}
        heads: list[tuple[int, list[HeadResult]]] = []
        if needs_heads(self.camera, track, done) and self.models.helmet is not None:
            # sightings where a person rides it: a parked motorcycle's passer-by is no one to fine
            ridden = {p.frame_index for p in track.points if p.riders}
            chosen = [f for _, f, _ in mem.best if f in mem.frames and f in ridden][:HELMET_FRAMES]
            for n, f in enumerate(chosen):
                if not heads_could_decide(self.camera, track, heads, len(chosen) - n, done):
                    break  # the rest cannot make a head rule fire: skip the model
                box = next(p.box for p in track.points if p.frame_index == f)
                frame, _, persons = mem.frames[f]
                heads.append((f, find_heads(self.models.helmet, frame, box, persons)))
        t0 = self.timed("helmet", t0)
        for v in self.unfined(track, final_violations(self.camera, track, heads, done)):
            if v.frame_index not in mem.frames and mem.frames:  # shown on the largest kept sighting
                p = max((p for p in track.points if p.frame_index in mem.frames), key=lambda p: p.box.area)
                v = replace(v, frame_index=p.frame_index, time_s=p.time_s, box=p.box)
            if v.frame_index in mem.frames:  # no clip: whole-track rules decide after the moment
                self.capture(mem, track, v, mem.frames[v.frame_index], clip=False)
        t0 = self.timed("rules", t0)
        if not mem.found:
            self.builder.drop(tid)
            return
        plate, plate_crop = read_plate(self.models.reader, [c for _, _, c in mem.best])
        chars = (
            self.models.reader.char_confidences(plate_crop, plate.text)
            if plate is not None
            and plate_crop is not None
            and hasattr(self.models.reader, "char_confidences")
            else ()
        )
        t0 = self.timed("ocr", t0)
        for v, files in mem.found:
            if chars:  # shown to the reviewer next to the read
                v = replace(
                    v, inputs={**v.inputs, "plate_char_confidences": [[c, round(s, 3)] for c, s in chars]}
                )
            key = event_key(self.identity, self.camera.id, v)
            extra = [c.close() for c in mem.clips if c.path.parent.name == key]
            if plate_crop is not None:
                extra.append(write_image(self.folder / key / "plate.png", plate_crop, "plate"))
            stamp = frame_time(self.camera, self.start, v.frame_index, self.fps)
            self.events.append(
                Event(
                    key=key,
                    camera_id=self.camera.id,
                    source=self.source.info.name,
                    source_sha256=self.source.info.identity,
                    violation=v,
                    occurred_at=stamp.isoformat(timespec="milliseconds"),
                    plate=plate,
                    evidence=tuple(files) + tuple(e for e in extra if e is not None),
                )
            )
        self.timed("evidence", t0)
        self.builder.drop(tid)


def bare_heads(v: Violation) -> list[Box]:
    """The head a no-helmet violation was decided on, in its frame's pixels (drawn for the reviewer)."""
    best = v.inputs.get("best_box") if v.offence is Offence.NO_HELMET else None
    return [Box(*(float(c) for c in best))] if isinstance(best, list) and len(best) == 4 else []


def find_heads(
    model: HelmetDetector, frame: np.ndarray, box: Box, persons: Sequence[Box] = ()
) -> list[HeadResult]:
    """The heads the helmet model finds on the riders' crop of a two-wheeler (:func:`rider_box`), in the
    frame's pixels."""
    region = rider_box(box, persons).clipped(frame.shape[1], frame.shape[0])
    x, y = int(region.x1), int(region.y1)  # where ``crop`` starts
    return [replace(h, box=h.box.offset(x, y)) for h in model.detect(crop(frame, region))]


def sighting_rank(box: Box, width: int, height: int, margin: float = 2.0) -> tuple[bool, float]:
    """How good a sighting is for reading a plate or heads: whole in view first (a box at the frame's
    edge holds part of the vehicle, often without its plate, and a rider's box grown from it can miss the
    head), then larger."""
    in_view = box.x1 > margin and box.y1 > margin and box.x2 < width - margin and box.y2 < height - margin
    return in_view, box.area


def read_plate(
    reader: PlateReaderLike, crops: Sequence[np.ndarray], max_side: int = OCR_MAX_SIDE
) -> tuple[PlateRead | None, np.ndarray | None]:
    """Read the plate on every crop (the track's largest sightings), vote across them, and keep the best
    read's crop.

    Crops are shrunk to ``max_side`` for reading (a plate stays legible; the cost falls with the square).
    Every crop is read, so that one which reads otherwise lowers the voted confidence and sends the read
    to a reviewer: reading once stopped when two crops agreed, and a plate with 8 px characters was
    auto-accepted wrong (TN74AH1413 as TN76AH1613, twice; the third crop read TN76AH1413).
    """
    reads: list[PlateRead] = []
    best: tuple[float, np.ndarray] | None = None
    for c in crops:
        if not c.size:
            continue
        scale = min(1.0, max_side / max(c.shape[:2]))
        small = cv2.resize(c, None, fx=scale, fy=scale, interpolation=cv2.INTER_AREA) if scale < 1 else c
        found = reader.read(small)
        if not found:
            continue
        top = found[0]
        reads.append(top)
        if top.box is not None and (best is None or top.confidence > best[0]):
            b = top.box
            best = (top.confidence, crop(c, Box(b.x1 / scale, b.y1 / scale, b.x2 / scale, b.y2 / scale)))
    return vote(reads), (best[1] if best is not None and best[1].size else None)


def _timed(items: Iterator[T], seconds: dict[str, float], stage: str) -> Iterator[T]:
    """``items``, with the time spent producing each one added to ``seconds[stage]``."""
    while True:
        t0 = time.perf_counter()
        item = next(items, None)
        seconds[stage] += time.perf_counter() - t0
        if item is None:
            return
        yield item


def detected(
    frames: Iterator[tuple[int, np.ndarray]], detector: Detector, seconds: dict[str, float], camera: Camera
) -> Iterator[tuple[int, np.ndarray, sv.Detections]]:
    """Each frame with the detector's boxes for the camera's detection region (``detection_window``: the
    whole frame, or the part of it the rules watch); its time is added to ``seconds``."""
    for index, frame in frames:
        t0 = time.perf_counter()
        window = detection_window(camera, frame.shape[1], frame.shape[0])
        detections = detector.detect(frame) if window is None else detector.detect_region(frame, window)
        seconds["detect"] += time.perf_counter() - t0
        yield index, frame, detections


def process_source(
    camera: Camera,
    source: Source,
    models: Models,
    evidence_dir: Path,
    on_frame: Callable[[int], None] | None = None,
    span: Span | None = None,
) -> VideoResult:
    """Find the violations in ``source`` (or in the chunk ``span`` of it, see :mod:`echallan.chunks`)."""
    run = _Run(camera, source, models, evidence_dir, span)
    frames = 0
    raw = source.frames(camera.frame_stride, span.first if span else 0)
    if span is not None:
        stop = span.stop
        raw = takewhile(lambda item: item[0] < stop, raw)
    decoded = read_ahead(_timed(raw, run.seconds, "decode"))
    # decoding, detection and the rest each on a thread of their own, one frame after the other
    stream = read_ahead(detected(decoded, models.detector, run.seconds, camera), depth=2, name="detect")
    t0 = time.perf_counter()
    for index, frame, detections in stream:
        t0 = run.timed("wait", t0)
        run.step(index, frame, detections)
        frames += 1
        if on_frame:
            on_frame(index)
        t0 = time.perf_counter()
    for tid in run.builder.active():
        run.finish(tid)
    info = source.info
    events = tuple(sorted(run.events, key=lambda e: (e.violation.frame_index, e.key)))
    return VideoResult(
        info.name,
        info.identity,
        frames,
        run.tracks_seen,
        events,
        tuple(source.problems),
        dict(run.seconds),
        span,
        run.shared_boxes,
    )


def process_video(
    camera: Camera,
    path: Path | str,
    models: Models,
    evidence_dir: Path,
    on_frame: Callable[[int], None] | None = None,
) -> VideoResult:
    """Open ``path`` (a video file, an image sequence or a stream URL) and process it."""
    return process_source(camera, open_source(path), models, evidence_dir, on_frame)
