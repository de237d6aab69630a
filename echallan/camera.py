"""Camera files: one TOML per camera, validated into a frozen ``Camera``.

A bad file is refused with the key and the reason, e.g.
``camera file cams/j1.toml: stop_line.a: missing``. See ``docs/CAMERA.md`` for every key.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import cv2
import numpy as np

from echallan.errors import ConfigError
from echallan.rules.geometry import side_of_line
from echallan.rules.no_parking import NoParkingZone
from echallan.rules.speed import SpeedTrap
from echallan.rules.wrong_way import Lane
from echallan.tomlkeys import Keys
from echallan.types import Box, Line, Offence, Point

#: Default speed limits (km/h) when the camera file gives none.
DEFAULT_LIMITS = {"default": 50.0}
#: ``detection_region = "auto"`` takes the box around the stop line (with its approach point), lanes,
#: no-parking zones and speed trap, widened on every side by this share of the frame's width and height:
#: a vehicle is in view before it reaches the geometry, and one that stops past the stop line stays in
#: view. A region covering at least WHOLE_FRAME_SHARE of the frame is the whole frame.
REGION_MARGIN, WHOLE_FRAME_SHARE = 0.15, 0.9


@dataclass(frozen=True)
class SignalConfig:
    region: Box | None  # the signal head, in pixels (None when a controller log is the source)
    log: Path | None  # a signal-controller CSV of phase changes, the other source of truth
    red_grace_s: float  # no red-light event in the first moments of red
    smoothing_frames: int  # majority vote over this many analysed frames


@dataclass(frozen=True)
class Camera:
    id: str
    location: str
    police_station: str
    gps: Point | None  # (latitude, longitude)
    timezone: str
    start_time: datetime | None  # wall-clock time of frame 0 (aware), or None to use the file's mtime
    clock_offset_s: float  # added to every timestamp: corrects a camera clock that runs fast or slow
    frame_stride: int  # analyse every n-th frame
    stop_line: Line
    approach: Point  # any point on the side vehicles approach the stop line from
    signal: SignalConfig
    lanes: tuple[Lane, ...] = ()
    no_parking: tuple[NoParkingZone, ...] = ()
    speed_trap: SpeedTrap | None = None
    speed_limits_kmh: tuple[tuple[str, float], ...] = ()
    violations: frozenset[Offence] = frozenset({Offence.RED_LIGHT})
    detection_region: Box | None = None  # where whole-frame detection looks (None: the whole frame) ...
    detection_margin: float = 0.0  # ... widened by this share of the frame's size on every side

    @property
    def limits(self) -> dict[str, float]:
        return dict(self.speed_limits_kmh) or dict(DEFAULT_LIMITS)


def load_camera(path: Path) -> Camera:
    """Parse and validate a camera file; raise ``ConfigError`` naming the key on any problem."""
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ConfigError(f"camera file not found: {path}") from None
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as err:
        raise ConfigError(f"camera file {path}: not valid TOML: {err}") from None
    k = Keys(f"camera file {path}", data)

    tz = k.string("timezone", "Asia/Kolkata")
    try:
        zone = ZoneInfo(tz)
    except (ZoneInfoNotFoundError, ValueError):
        raise k.fail("timezone", f"unknown time zone {tz!r}") from None
    start = k.get("start_time", None)
    line = k.line("stop_line")
    approach = k.table("stop_line").point("approach")
    if side_of_line(line, approach) == 0:
        raise k.fail("stop_line.approach", "must not lie on the stop line")
    violations = _violations(k)
    needs = {
        Offence.WRONG_WAY: "lanes",
        Offence.NO_PARKING: "no_parking",
        Offence.OVER_SPEED: "speed",
    }
    for offence, key in needs.items():
        if offence in violations and not k.has(key):
            raise k.fail(key, f"missing: needed because violations.{offence.value} is enabled")
    camera = Camera(
        id=k.string("id"),
        location=k.string("location"),
        police_station=k.string("police_station", "-"),
        gps=k.point("gps") if k.has("gps") else None,
        timezone=tz,
        start_time=None if start is None else _start(k, start, zone),
        clock_offset_s=k.number("clock_offset_s", 0.0),
        frame_stride=int(k.number("frame_stride", 1, minimum=1)),
        stop_line=line,
        approach=approach,
        signal=_signal(k, path),
        lanes=tuple(Lane(t.string("name"), t.points("polygon"), _direction(t)) for t in k.tables("lanes")),
        no_parking=tuple(
            NoParkingZone(t.string("name"), t.points("polygon"), t.number("max_dwell_s", minimum=0))
            for t in k.tables("no_parking")
        ),
        speed_trap=_speed_trap(k.table("speed")) if k.has("speed") else None,
        speed_limits_kmh=_limits(k),
        violations=violations,
    )
    region, margin = _detection_region(k, camera)
    return replace(camera, detection_region=region, detection_margin=margin)


def _detection_region(k: Keys, camera: Camera) -> tuple[Box | None, float]:
    """The ``detection_region`` key: (region, margin as a share of the frame), or (None, 0) for the frame."""
    value = k.get("detection_region", "frame")
    if value == "frame":
        return None, 0.0
    if value != "auto":
        if isinstance(value, str):
            raise k.fail("detection_region", f'must be "auto", "frame" or [x1, y1, x2, y2], got {value!r}')
        return k.box("detection_region"), 0.0
    points = [camera.stop_line.a, camera.stop_line.b, camera.approach]
    polygons = [lane.polygon for lane in camera.lanes] + [zone.polygon for zone in camera.no_parking]
    points += [p for polygon in polygons for p in polygon]
    trap = camera.speed_trap
    if trap is not None and trap.line1 is not None and trap.line2 is not None:
        points += [trap.line1.a, trap.line1.b, trap.line2.a, trap.line2.b]
    if k.has("speed.image_points"):
        points += list(k.points("speed.image_points", count=4))
    xs, ys = [p[0] for p in points], [p[1] for p in points]
    return Box(min(xs), min(ys), max(xs), max(ys)), REGION_MARGIN


def detection_window(camera: Camera, width: int, height: int) -> Box | None:
    """The part of a ``width`` x ``height`` frame that whole-frame detection looks at, or None for all
    of it (no region, or one that covers at least WHOLE_FRAME_SHARE of the frame). Pure."""
    region = camera.detection_region
    if region is None:
        return None
    dx, dy = camera.detection_margin * width, camera.detection_margin * height
    window = Box(region.x1 - dx, region.y1 - dy, region.x2 + dx, region.y2 + dy).clipped(width, height)
    if window.width < 1 or window.height < 1:
        return None
    return None if window.area >= WHOLE_FRAME_SHARE * width * height else window


def _violations(k: Keys) -> frozenset[Offence]:
    table = k.get("violations", {"red_light": True})
    if not isinstance(table, dict):
        raise k.fail("violations", "must be a table of name = true/false")
    known = {o.value for o in Offence}
    unknown = sorted(set(table) - known)
    if unknown:
        raise k.fail(
            "violations", f"unknown violation(s): {', '.join(unknown)} (known: {', '.join(sorted(known))})"
        )
    return frozenset(Offence(name) for name, on in table.items() if on)


def _signal(k: Keys, path: Path) -> SignalConfig:
    s = k.table("signal")
    log = s.get("log", None)
    if log is None and not s.has("region"):
        raise k.fail("signal", "needs region (the signal head's box) or log (a controller CSV)")
    return SignalConfig(
        region=s.box("region") if s.has("region") else None,
        log=(path.parent / log) if isinstance(log, str) else None,
        red_grace_s=s.number("red_grace_s", 0.0, minimum=0.0),
        smoothing_frames=int(s.number("smoothing_frames", 3, minimum=1)),
    )


def _direction(t: Keys) -> Point:
    d = t.point("direction")
    if d == (0.0, 0.0):
        raise t.fail("direction", "must not be [0, 0]")
    return d


def _speed_trap(t: Keys) -> SpeedTrap:
    if t.has("line1"):
        return SpeedTrap(t.line("line1"), t.line("line2"), t.number("distance_m", minimum=0.1))
    if t.has("image_points"):
        src = np.array(t.points("image_points", count=4), np.float32)
        dst = np.array(t.points("ground_points_m", count=4), np.float32)
        h = cv2.getPerspectiveTransform(src, dst).tolist()
        return SpeedTrap(homography=((*h[0],), (*h[1],), (*h[2],)))
    raise t.fail("line1", "missing: give line1, line2 and distance_m, or image_points and ground_points_m")


def _limits(k: Keys) -> tuple[tuple[str, float], ...]:
    table = k.get("speed.limits_kmh", {})
    if not isinstance(table, dict):
        raise k.fail("speed.limits_kmh", "must be a table of class = km/h")
    return tuple((name, k.number(f"speed.limits_kmh.{name}", minimum=1)) for name in table)


def _start(k: Keys, value: Any, zone: ZoneInfo) -> datetime:
    if isinstance(value, str):
        try:
            value = datetime.fromisoformat(value)
        except ValueError:
            raise k.fail("start_time", f"not an ISO 8601 date-time: {value!r}") from None
    if not isinstance(value, datetime):
        raise k.fail("start_time", "must be a date-time like 2026-11-01T09:00:00")
    return value if value.tzinfo else value.replace(tzinfo=zone)


def frame_time(camera: Camera, start: datetime, frame_index: int, fps: float) -> datetime:
    """Wall-clock time of a frame: start + index / fps + the camera's clock offset."""
    return start + timedelta(seconds=frame_index / fps + camera.clock_offset_s)
