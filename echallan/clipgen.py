"""A junction-clip generator: real vehicle photos moved through a drawn scene on a known timeline.

A ``Scene`` has a road, a stop line, a signal head that follows a timeline, and ``Mover`` sprites
(cut from real photos) that follow key frames. ``render`` writes the clip and a ground-truth JSON:
which vehicle did what, when, and its plate. The demo (``samples.py``) and the violation benchmark
(``bench/violations.py``) both build on this.
"""

from __future__ import annotations

import itertools
import json
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import cv2
import numpy as np

Keyframe = tuple[float, float, float, float]  # (t seconds, x centre, y of the bottom edge, scale)


@dataclass(frozen=True)
class Mover:
    """A sprite moving through the scene. Between key frames it moves linearly; outside them it is gone."""

    name: str
    sprite: np.ndarray
    keyframes: tuple[Keyframe, ...]
    plate: str = ""
    expected: tuple[str, ...] = ()  # offences this mover commits (ground truth)
    facts: dict[str, Any] = field(default_factory=dict)  # e.g. true speed, crossing time

    def at(self, t: float) -> tuple[float, float, float] | None:
        ks = self.keyframes
        if not ks[0][0] <= t <= ks[-1][0]:
            return None
        for (t0, x0, y0, s0), (t1, x1, y1, s1) in itertools.pairwise(ks):
            if t0 <= t <= t1:
                a = 0.0 if t1 == t0 else (t - t0) / (t1 - t0)
                return x0 + a * (x1 - x0), y0 + a * (y1 - y0), s0 + a * (s1 - s0)
        return ks[-1][1], ks[-1][2], ks[-1][3]

    def time_at_y(self, y: float) -> float | None:
        """When the bottom edge first reaches ``y`` (linear between key frames)."""
        for (t0, _, y0, _), (t1, _, y1, _) in itertools.pairwise(self.keyframes):
            if y0 != y1 and min(y0, y1) <= y <= max(y0, y1):
                return t0 + (y - y0) / (y1 - y0) * (t1 - t0)
        return None


@dataclass(frozen=True)
class Scene:
    width: int = 1280
    height: int = 720
    fps: float = 15.0
    seconds: float = 8.0
    stop_y: int = 420
    signal_box: tuple[int, int, int, int] = (1160, 40, 1220, 200)
    signal: tuple[tuple[float, str], ...] = ((0.0, "green"), (1.5, "amber"), (2.5, "red"))
    zones: tuple[tuple[str, tuple[tuple[int, int], ...]], ...] = ()  # painted areas (name, polygon)

    def signal_at(self, t: float) -> str:
        state = self.signal[0][1]
        for start, s in self.signal:
            if t >= start:
                state = s
        return state


def background(scene: Scene) -> np.ndarray:
    w, h = scene.width, scene.height
    img = np.full((h, w, 3), (70, 110, 60), np.uint8)  # verge
    road = np.array([[int(w * 0.3), 0], [int(w * 0.7), 0], [w, h], [0, h]])
    cv2.fillPoly(img, [road], (90, 90, 90))
    for y in range(0, h, 60):  # lane divider
        cv2.line(img, (w // 2, y), (w // 2, y + 30), (230, 230, 230), 4)
    for _, polygon in scene.zones:  # yellow hatching for no-parking zones
        cv2.polylines(img, [np.array(polygon, np.int32)], True, (0, 220, 255), 3)
    cv2.line(img, (0, scene.stop_y), (w, scene.stop_y), (255, 255, 255), 8)
    return img


def draw_signal(img: np.ndarray, box: tuple[int, int, int, int], state: str) -> None:
    x1, y1, x2, y2 = box
    cv2.rectangle(img, (x1, y1), (x2, y2), (20, 20, 20), -1)
    lamps = {"red": (0, 0, 255), "amber": (0, 190, 255), "green": (0, 220, 0)}
    cx, r = (x1 + x2) // 2, max(4, min(x2 - x1, (y2 - y1) // 3) // 2 - 4)
    for i, (name, colour) in enumerate(lamps.items()):
        cy = y1 + (y2 - y1) * (2 * i + 1) // 6
        cv2.circle(img, (cx, cy), r, colour if name == state else tuple(c // 5 for c in colour), -1)


def place(img: np.ndarray, sprite: np.ndarray, x: float, bottom: float, scale: float) -> None:
    s = cv2.resize(sprite, None, fx=scale, fy=scale, interpolation=cv2.INTER_AREA)
    h, w = s.shape[:2]
    top, left = round(bottom) - h, round(x) - w // 2
    ys, xs = max(0, top), max(0, left)
    ye, xe = min(img.shape[0], top + h), min(img.shape[1], left + w)
    if ye > ys and xe > xs:
        img[ys:ye, xs:xe] = s[ys - top : ye - top, xs - left : xe - left]


def render(scene: Scene, movers: Sequence[Mover], video: Path, truth: Path | None = None) -> Path:
    """Write the clip (MP4) and, if asked, the ground truth JSON next to it."""
    video.parent.mkdir(parents=True, exist_ok=True)
    base = background(scene)
    writer = cv2.VideoWriter(
        str(video), cv2.VideoWriter.fourcc(*"mp4v"), scene.fps, (scene.width, scene.height)
    )
    try:
        for i in range(round(scene.fps * scene.seconds)):
            t = i / scene.fps
            img = base.copy()
            draw_signal(img, scene.signal_box, scene.signal_at(t))
            for m in sorted(movers, key=lambda m: (m.at(t) or (0, 0, 0))[1]):  # nearer (lower) drawn last
                pos = m.at(t)
                if pos is not None:
                    place(img, m.sprite, *pos)
            writer.write(img)
    finally:
        writer.release()
    if truth is not None:
        truth.write_text(json.dumps(ground_truth(scene, movers), indent=2), encoding="utf-8")
    return video


def ground_truth(scene: Scene, movers: Sequence[Mover]) -> dict[str, Any]:
    scene_facts = {k: v for k, v in asdict(scene).items() if k != "zones"}
    return {
        "scene": scene_facts,
        "vehicles": [
            {
                "name": m.name,
                "plate": m.plate,
                "offences": list(m.expected),
                "from_s": m.keyframes[0][0],
                "to_s": m.keyframes[-1][0],
                "stop_line_s": m.time_at_y(scene.stop_y),
                **m.facts,
            }
            for m in movers
        ],
    }
