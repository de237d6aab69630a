"""Plain, immutable data that flows between the stages.

frames -> detections -> tracks -> violations -> plate reads -> events -> challans -> notices

Every stage takes and returns these types (or ``supervision.Detections`` between the detector
and the tracker), so a stage can be tested with hand-built values and no model loaded.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any


@dataclass(frozen=True)
class Box:
    """An axis-aligned box in pixels, x2 > x1 and y2 > y1."""

    x1: float
    y1: float
    x2: float
    y2: float

    @property
    def width(self) -> float:
        return self.x2 - self.x1

    @property
    def height(self) -> float:
        return self.y2 - self.y1

    @property
    def area(self) -> float:
        return max(0.0, self.width) * max(0.0, self.height)

    @property
    def bottom_center(self) -> tuple[float, float]:
        return ((self.x1 + self.x2) / 2.0, self.y2)

    @property
    def center(self) -> tuple[float, float]:
        return ((self.x1 + self.x2) / 2.0, (self.y1 + self.y2) / 2.0)

    def contains(self, point: tuple[float, float]) -> bool:
        """Whether ``point`` (x, y) lies in this box, its edges included."""
        return self.x1 <= point[0] <= self.x2 and self.y1 <= point[1] <= self.y2

    def as_list(self) -> list[int]:
        return [round(self.x1), round(self.y1), round(self.x2), round(self.y2)]

    def clipped(self, width: int, height: int) -> Box:
        return Box(
            max(0.0, self.x1), max(0.0, self.y1), min(float(width), self.x2), min(float(height), self.y2)
        )

    def offset(self, dx: float, dy: float) -> Box:
        return Box(self.x1 + dx, self.y1 + dy, self.x2 + dx, self.y2 + dy)

    def union(self, *others: Box) -> Box:
        """The smallest box holding this one and ``others``."""
        boxes = (self, *others)
        return Box(
            min(b.x1 for b in boxes),
            min(b.y1 for b in boxes),
            max(b.x2 for b in boxes),
            max(b.y2 for b in boxes),
        )

    def towards(self, other: Box, f: float) -> Box:
        """The box ``f`` of the way from this one to ``other`` (each corner moved linearly; ``f`` > 1
        moves on past ``other``)."""
        return Box(
            self.x1 + f * (other.x1 - self.x1),
            self.y1 + f * (other.y1 - self.y1),
            self.x2 + f * (other.x2 - self.x2),
            self.y2 + f * (other.y2 - self.y2),
        )

    def intersection(self, other: Box) -> float:
        """The area this box shares with ``other`` (0.0 when they do not overlap)."""
        ix = max(0.0, min(self.x2, other.x2) - max(self.x1, other.x1))
        iy = max(0.0, min(self.y2, other.y2) - max(self.y1, other.y1))
        return ix * iy

    def iou(self, other: Box) -> float:
        """Intersection over union with ``other`` (0.0 when they do not overlap)."""
        inter = self.intersection(other)
        return inter / (self.area + other.area - inter) if inter > 0 else 0.0


Point = tuple[float, float]


@dataclass(frozen=True)
class Line:
    """A directed segment. Crossing it from the ``approach`` side to the other side is a crossing."""

    a: Point
    b: Point


class SignalState(StrEnum):
    RED = "red"
    AMBER = "amber"
    GREEN = "green"
    UNKNOWN = "unknown"


@dataclass(frozen=True)
class TrackPoint:
    """One sighting of a tracked object in one frame."""

    frame_index: int
    time_s: float
    box: Box
    confidence: float
    riders: int = 0  # persons riding this two-wheeler in this frame (0 for other vehicles)


@dataclass(frozen=True)
class Track:
    """All sightings of one object, in frame order."""

    track_id: int
    class_name: str
    points: tuple[TrackPoint, ...]

    @property
    def confidence(self) -> float:
        return sum(p.confidence for p in self.points) / len(self.points) if self.points else 0.0


class Offence(StrEnum):
    RED_LIGHT = "red_light"
    STOP_LINE = "stop_line"
    WRONG_WAY = "wrong_way"
    OVER_SPEED = "over_speed"
    NO_HELMET = "no_helmet"
    TRIPLE_RIDING = "triple_riding"
    NO_PARKING = "no_parking"


@dataclass(frozen=True)
class Violation:
    """What a rule decided, with the inputs a reviewer needs to see why it fired."""

    offence: Offence
    track_id: int
    class_name: str
    frame_index: int
    time_s: float
    confidence: float
    inputs: Mapping[str, Any] = field(default_factory=dict)
    box: Box | None = None  # the vehicle at ``frame_index``

    @classmethod
    def at(
        cls,
        offence: Offence,
        track: Track,
        point: TrackPoint,
        inputs: Mapping[str, Any],
        confidence: float | None = None,
    ) -> Violation:
        """The violation of ``track`` at one of its sightings; confidence defaults to the track's."""
        return cls(
            offence=offence,
            track_id=track.track_id,
            class_name=track.class_name,
            frame_index=point.frame_index,
            time_s=point.time_s,
            confidence=track.confidence if confidence is None else confidence,
            inputs=inputs,
            box=point.box,
        )


class Layout(StrEnum):
    ONE_LINE = "one_line"
    TWO_LINE = "two_line"


@dataclass(frozen=True)
class PlateRead:
    """One plate read: text normalised to A-Z0-9, its confidence and where it was found.

    ``doubts`` says, for a reviewer, what lowered the confidence below the OCR's own (a character's shape
    changed to fit the grammar, another recogniser reading otherwise, ...): empty when nothing did."""

    text: str
    confidence: float
    box: Box | None = None
    valid: bool = False
    layout: Layout = Layout.ONE_LINE
    country: str = "IN"
    raw: str = ""
    doubts: tuple[str, ...] = ()

    def auto_accept(self, threshold: float) -> bool:
        """Sure enough to go out without a person's check: a valid Indian read at ``threshold`` or more."""
        return self.valid and self.country == "IN" and self.confidence >= threshold

    def as_json(self, auto_accept_threshold: float) -> dict[str, Any]:
        return {
            "text": self.text,
            "confidence": round(self.confidence, 4),
            "box": self.box.as_list() if self.box else None,
            "valid": self.valid,
            "layout": self.layout.value,
            "auto_accept": self.auto_accept(auto_accept_threshold),
            "country": self.country,
            "doubts": list(self.doubts),
        }


@dataclass(frozen=True)
class EvidenceFile:
    """A file written once as evidence; ``sha256`` is of its bytes on disk."""

    kind: str  # "frame", "vehicle", "plate"
    path: str
    sha256: str


@dataclass(frozen=True)
class Event:
    """A violation with its plate read and evidence: the unit stored in the ledger.

    ``key`` is derived from the source's content hash, the offence and the track, so processing
    the same video twice yields the same keys and storing is idempotent.
    """

    key: str
    camera_id: str
    source: str
    source_sha256: str
    violation: Violation
    occurred_at: str  # ISO 8601 with offset
    plate: PlateRead | None
    evidence: tuple[EvidenceFile, ...]


@dataclass(frozen=True)
class NoticeData:
    """Everything one printed notice shows. Built by the records stage, laid out by ``notices``."""

    challan_number: str
    issued_on: str  # ISO date
    due_on: str  # ISO date
    offence: str  # Offence value, e.g. "red_light"
    offence_label: str  # e.g. "Jumping a red light"
    section: str  # MV Act section, e.g. "184"
    amount_inr: int
    occurred_at: str  # ISO 8601 with offset
    camera_id: str
    location: str
    plate: str
    vehicle_class: str
    owner_name: str
    owner_address: str  # lines separated by "\n", PIN included
    owner_pin: str
    evidence_path: str  # full-frame evidence image
    evidence_sha256: str
    plate_crop_path: str | None = None
    # Added for bilingual, privacy-blurred notices (all optional).
    offence_label_hi: str = ""  # Hindi offence description; English only when empty
    vehicle_model: str = ""  # maker and model from the owner register
    vehicle_colour: str = ""
    offender_box: tuple[int, int, int, int] | None = None  # offending vehicle in the evidence frame
    privacy_vehicles: tuple[tuple[int, int, int, int], ...] = ()  # other vehicles: plates blurred
    privacy_persons: tuple[tuple[int, int, int, int], ...] = ()  # persons: heads blurred
