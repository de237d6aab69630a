"""Chunks of one long video: processed apart (on other cores or machines), then stitched into one result.

A chunk owns the frames ``[start, stop)`` and starts analysing ``lead`` frames earlier, so that its
tracks and the signal state are settled when its own frames begin. Those lead frames are the
previous chunk's last ones: a vehicle there is seen by both chunks, in the same frames, with the same
detector boxes (detection depends on the frame alone). The previous chunk saw those frames with more
of the past, so an event a chunk fires in its lead is the previous chunk's to report. Whole-track
rules decide when a track ends, whatever frame they show, so for them :func:`stitch` pairs the two
chunks' tracks by their boxes in the shared frames and keeps one event per vehicle per offence.

Everything here is pure: plain numbers and result objects in, plain results out.
"""

from __future__ import annotations

import math
from collections.abc import Collection, Sequence
from dataclasses import dataclass

from echallan.rules.engine import FINAL_RULES
from echallan.types import Box, Event, Offence

#: Two tracks in the frames two chunks share are one vehicle when their boxes overlap this much (IoU)
#: in one of those frames; the detector gives the same box for the same frame, so a match is near 1.
SAME_VEHICLE_IOU = 0.7
#: Seconds of lead (overlap) by default, so that one chunk sees a vehicle's approach to a line.
MIN_OVERLAP_S = 10.0


@dataclass(frozen=True)
class Span:
    """Frames ``[start, stop)`` owned by one chunk, analysed from ``max(0, start - lead)`` on."""

    start: int
    stop: int
    lead: int = 0

    @property
    def first(self) -> int:
        return max(0, self.start - self.lead)

    def in_overlap(self, frame: int) -> bool:
        """Whether a neighbouring chunk analyses ``frame`` too (this chunk's lead, or the next one's)."""
        return self.first <= frame < self.start or self.stop - self.lead <= frame < self.stop

    def __str__(self) -> str:
        return f"frames {self.first}-{self.stop - 1}"


def overlap_seconds(max_dwell_s: float, requested_s: float | None = None) -> float:
    """The overlap for a camera: ``requested_s`` (default :data:`MIN_OVERLAP_S`), made longer than the
    longest allowed dwell in its no-parking zones (if any) plus a margin, so one chunk sees a parked
    vehicle's whole dwell."""
    dwell = max_dwell_s + 5.0 if max_dwell_s > 0 else 0.0
    return max(MIN_OVERLAP_S if requested_s is None else requested_s, dwell)


def spans(frame_count: int, fps: float, chunk_s: float, overlap_s: float) -> list[Span]:
    """Chunks of ``chunk_s`` seconds covering ``frame_count`` frames, each with ``overlap_s`` of lead.

    Raises ValueError when the chunks would not be longer than their overlap.
    """
    if frame_count <= 0:
        raise ValueError("the source's length is unknown (a live stream?): it cannot be cut into chunks")
    size, lead = round(chunk_s * fps), math.ceil(overlap_s * fps)
    if size <= lead:
        raise ValueError(
            f"chunks of {chunk_s:g} s are not longer than their overlap of {overlap_s:g} s; "
            "make --chunk-seconds larger"
        )
    return [Span(s, min(s + size, frame_count), lead) for s in range(0, frame_count, size)]


@dataclass(frozen=True)
class ChunkResult:
    """What one chunk found: its events, and every track's boxes in the frames it shares."""

    span: Span
    events: tuple[Event, ...]
    shared_boxes: dict[int, tuple[tuple[int, Box], ...]]  # track id -> (frame, box) in the overlaps
    tracks: int


def same_vehicle(a: Sequence[tuple[int, Box]], b: Sequence[tuple[int, Box]]) -> bool:
    """Whether two tracks from neighbouring chunks are one vehicle: boxes that coincide in a shared frame."""
    at = dict(a)
    return any(f in at and at[f].iou(box) >= SAME_VEHICLE_IOU for f, box in b)


def stitch(chunks: Sequence[ChunkResult], stored: Collection[str] = ()) -> tuple[tuple[Event, ...], int]:
    """One event per vehicle per offence across ``chunks`` (in any order), and the number of vehicles.

    An event of a frame-by-frame rule (red light, stop line, wrong way, speed, no parking) that a
    chunk fires in its lead is dropped: the chunk before analysed that frame with more history, and
    fired what it should (a vehicle first seen past the line in a lead, for instance, may look like a
    stop-line offender to the later chunk only). Events already ``stored`` are never dropped. Tracks
    of neighbouring chunks that are one vehicle (:func:`same_vehicle`) are joined, also in
    chains (a parked car seen by many chunks). Of a joined vehicle's events for one offence, one whose
    key is in ``stored`` (already in the database) is kept, else the earliest (the chunk that saw
    the offence happen), then the one with the surest plate read.
    """
    ordered = sorted(chunks, key=lambda c: c.span.start)
    parent: dict[tuple[int, int], tuple[int, int]] = {}

    def root(node: tuple[int, int]) -> tuple[int, int]:
        while parent.get(node, node) != node:
            node = parent[node]
        return node

    for i in range(1, len(ordered)):
        before, after = ordered[i - 1].shared_boxes, ordered[i].shared_boxes
        for tid, boxes in after.items():
            match = next((t for t, other in before.items() if same_vehicle(other, boxes)), None)
            if match is not None:
                parent[root((i, tid))] = root((i - 1, match))
    kept: dict[tuple[tuple[int, int], Offence], Event] = {}
    for i, chunk in enumerate(ordered):
        for event in chunk.events:
            v = event.violation
            if v.offence not in FINAL_RULES and v.frame_index < chunk.span.start and event.key not in stored:
                continue
            slot = (root((i, event.violation.track_id)), event.violation.offence)
            if slot not in kept or _rank(event, stored) > _rank(kept[slot], stored):
                kept[slot] = event
    vehicles = sum(c.tracks for c in ordered) - len(parent)
    events = sorted(kept.values(), key=lambda e: (e.violation.frame_index, e.key))
    return tuple(events), vehicles


def _rank(event: Event, stored: Collection[str]) -> tuple[bool, int, float]:
    return event.key in stored, -event.violation.frame_index, event.plate.confidence if event.plate else -1.0
