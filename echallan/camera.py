"""Camera files: one TOML per camera, validated into a frozen ``Camera``.

A bad file is refused with the key and the reason, e.g.
``camera file cams/j1.toml: stop_line.a: missing``.
See ``docs/CAMERA.md`` for every key.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from echallan.errors import ConfigError
from echallan.rules.geometry import side_of_line
from echallan.types import Box, Line, Point


@dataclass(frozen=True)
class SignalConfig:
    region: Box  # the signal head, in pixels
    red_grace_s: float  # no red-light event in the first moments of red
    smoothing_frames: int  # majority vote over this many analysed frames


@dataclass(frozen=True)
class Camera:
    id: str
    location: str
    police_station: str
    timezone: str
    start_time: datetime | None  # wall-clock time of frame 0 (aware), or None to use the file's mtime
    clock_offset_s: float  # added to every timestamp: corrects a camera clock that runs fast or slow
    frame_stride: int  # analyse every n-th frame
    stop_line: Line
    approach: Point  # any point on the side vehicles approach the stop line from
    signal: SignalConfig
    violations: frozenset[str]


class _Reader:
    """Reads typed values out of the parsed TOML, naming the key in every error."""

    def __init__(self, path: Path, data: dict[str, Any]) -> None:
        self.path = path
        self.data = data

    def fail(self, key: str, reason: str) -> ConfigError:
        return ConfigError(f"camera file {self.path}: {key}: {reason}")

    def get(self, key: str, default: Any = ...) -> Any:
        node: Any = self.data
        for part in key.split("."):
            if not isinstance(node, dict) or part not in node:
                if default is ...:
                    raise self.fail(key, "missing")
                return default
            node = node[part]
        return node

    def string(self, key: str, default: Any = ...) -> str:
        value = self.get(key, default)
        if not isinstance(value, str) or not value.strip():
            raise self.fail(key, "must be a non-empty string")
        return value

    def number(self, key: str, default: Any = ..., minimum: float = float("-inf")) -> float:
        value = self.get(key, default)
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise self.fail(key, f"must be a number, got {value!r}")
        if value < minimum:
            raise self.fail(key, f"must be at least {minimum}, got {value}")
        return float(value)

    def point(self, key: str) -> Point:
        value = self.get(key)
        if not (isinstance(value, list) and len(value) == 2 and all(isinstance(v, int | float) for v in value)):
            raise self.fail(key, f"must be [x, y] in pixels, got {value!r}")
        return (float(value[0]), float(value[1]))

    def box(self, key: str) -> Box:
        value = self.get(key)
        ok = isinstance(value, list) and len(value) == 4 and all(isinstance(v, int | float) for v in value)
        if not ok or not (value[2] > value[0] and value[3] > value[1]):
            raise self.fail(key, f"must be [x1, y1, x2, y2] with x2 > x1 and y2 > y1, got {value!r}")
        return Box(*(float(v) for v in value))


KNOWN_VIOLATIONS = frozenset({"red_light"})


def load_camera(path: Path) -> Camera:
    """Parse and validate a camera file; raise ``ConfigError`` naming the key on any problem."""
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ConfigError(f"camera file not found: {path}") from None
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as err:
        raise ConfigError(f"camera file {path}: not valid TOML: {err}") from None
    r = _Reader(path, data)

    tz = r.string("timezone", "Asia/Kolkata")
    try:
        zone = ZoneInfo(tz)
    except (ZoneInfoNotFoundError, ValueError):
        raise r.fail("timezone", f"unknown time zone {tz!r}") from None
    start = r.get("start_time", None)
    if start is not None:
        start = _parse_start(r, start, zone)

    line = Line(r.point("stop_line.a"), r.point("stop_line.b"))
    if line.a == line.b:
        raise r.fail("stop_line", "a and b must be different points")
    approach = r.point("stop_line.approach")
    if side_of_line(line, approach) == 0:
        raise r.fail("stop_line.approach", "must not lie on the stop line")

    violations = r.get("violations", {"red_light": True})
    if not isinstance(violations, dict):
        raise r.fail("violations", "must be a table of name = true/false")
    unknown = set(violations) - KNOWN_VIOLATIONS
    if unknown:
        raise r.fail("violations", f"unknown violation(s): {', '.join(sorted(unknown))}")

    return Camera(
        id=r.string("id"),
        location=r.string("location"),
        police_station=r.string("police_station", "-"),
        timezone=tz,
        start_time=start,
        clock_offset_s=r.number("clock_offset_s", 0.0),
        frame_stride=int(r.number("frame_stride", 1, minimum=1)),
        stop_line=line,
        approach=approach,
        signal=SignalConfig(
            region=r.box("signal.region"),
            red_grace_s=r.number("signal.red_grace_s", 0.0, minimum=0.0),
            smoothing_frames=int(r.number("signal.smoothing_frames", 3, minimum=1)),
        ),
        violations=frozenset(k for k, v in violations.items() if v),
    )


def _parse_start(r: _Reader, value: Any, zone: ZoneInfo) -> datetime:
    if isinstance(value, str):
        try:
            value = datetime.fromisoformat(value)
        except ValueError:
            raise r.fail("start_time", f"not an ISO 8601 date-time: {value!r}") from None
    if not isinstance(value, datetime):
        raise r.fail("start_time", "must be a date-time like 2026-11-01T09:00:00")
    return value if value.tzinfo else value.replace(tzinfo=zone)


def frame_time(camera: Camera, start: datetime, frame_index: int, fps: float) -> datetime:
    """Wall-clock time of a frame: start + index / fps + the camera's clock offset."""
    return start + timedelta(seconds=frame_index / fps + camera.clock_offset_s)
