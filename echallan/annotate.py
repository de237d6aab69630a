"""Drawing on copies of frames: the annotated evidence image and the camera set-up preview.

Every function draws on a copy; the caller's frame (the untouched evidence) is never changed.
"""

from __future__ import annotations

from collections.abc import Sequence

import cv2
import numpy as np

from echallan.camera import Camera, detection_window
from echallan.types import Box, Line, Point, SignalState

WHITE, BLACK = (255, 255, 255), (0, 0, 0)
COLOURS = {
    "stop_line": (255, 255, 255),
    "signal": (0, 215, 255),
    "lane": (255, 160, 0),
    "no_parking": (0, 0, 230),
    "speed": (230, 0, 230),
    "vehicle": (0, 0, 255),
    "other": (0, 200, 0),
    "rider": (255, 0, 255),
    "bare_head": (0, 140, 255),
    "detection": (0, 255, 255),
}
STATE_BGR = {
    SignalState.RED: (0, 0, 255),
    SignalState.AMBER: (0, 190, 255),
    SignalState.GREEN: (0, 200, 0),
    SignalState.UNKNOWN: (160, 160, 160),
}


def _pt(p: Point) -> tuple[int, int]:
    return round(p[0]), round(p[1])


def _scale(frame: np.ndarray) -> float:
    return max(0.5, frame.shape[1] / 1280)


def label(img: np.ndarray, text: str, at: Point, colour: tuple[int, int, int]) -> None:
    s = _scale(img)
    (w, h), base = cv2.getTextSize(text, cv2.FONT_HERSHEY_SIMPLEX, 0.6 * s, max(1, round(2 * s)))
    x, y = _pt(at)
    y = max(y, h + base + 2)
    cv2.rectangle(img, (x, y - h - base - 2), (x + w + 4, y + 2), colour, -1)
    cv2.putText(img, text, (x + 2, y - base), cv2.FONT_HERSHEY_SIMPLEX, 0.6 * s, BLACK, max(1, round(2 * s)))


def draw_line(img: np.ndarray, line: Line, colour: tuple[int, int, int], text: str) -> None:
    cv2.line(img, _pt(line.a), _pt(line.b), colour, max(2, round(3 * _scale(img))))
    label(img, text, line.a, colour)


def draw_polygon(img: np.ndarray, polygon: Sequence[Point], colour: tuple[int, int, int], text: str) -> None:
    pts = np.array([_pt(p) for p in polygon], np.int32)
    overlay = img.copy()
    cv2.fillPoly(overlay, [pts], colour)
    cv2.addWeighted(overlay, 0.25, img, 0.75, 0, dst=img)
    cv2.polylines(img, [pts], True, colour, 2)
    label(img, text, polygon[0], colour)


def draw_box(img: np.ndarray, box: Box, colour: tuple[int, int, int], text: str = "") -> None:
    cv2.rectangle(img, _pt((box.x1, box.y1)), _pt((box.x2, box.y2)), colour, max(2, round(3 * _scale(img))))
    if text:
        label(img, text, (box.x1, box.y1 - 4), colour)


def camera_overlay(frame: np.ndarray, camera: Camera) -> np.ndarray:
    """Every line, zone and region of the camera file drawn on a copy of ``frame``."""
    img = frame.copy()
    for lane in camera.lanes:
        draw_polygon(img, lane.polygon, COLOURS["lane"], f"lane {lane.name}")
        (cx, cy) = np.mean(np.array(lane.polygon), axis=0)
        dx, dy = lane.direction
        n = max(1e-6, float(np.hypot(dx, dy)))
        tip = (cx + 60 * dx / n, cy + 60 * dy / n)
        cv2.arrowedLine(img, _pt((cx, cy)), _pt(tip), COLOURS["lane"], 4, tipLength=0.3)
    for zone in camera.no_parking:
        draw_polygon(
            img, zone.polygon, COLOURS["no_parking"], f"no parking {zone.name} ({zone.max_dwell_s:g}s)"
        )
    trap = camera.speed_trap
    if trap is not None and trap.line1 is not None and trap.line2 is not None:
        draw_line(img, trap.line1, COLOURS["speed"], "speed line 1")
        draw_line(img, trap.line2, COLOURS["speed"], f"speed line 2 ({trap.distance_m:g} m)")
    draw_line(img, camera.stop_line, COLOURS["stop_line"], "stop line")
    cv2.circle(img, _pt(camera.approach), 8, COLOURS["stop_line"], -1)
    label(img, "approach", camera.approach, COLOURS["stop_line"])
    if camera.signal.region is not None:
        draw_box(img, camera.signal.region, COLOURS["signal"], "signal")
    window = detection_window(camera, frame.shape[1], frame.shape[0])
    if window is not None:  # vehicles outside it are not looked for
        inner = Box(window.x1 + 4, window.y1 + 4, window.x2 - 4, window.y2 - 4)
        draw_box(img, inner, COLOURS["detection"], "detection region")
    return img


def evidence_overlay(
    frame: np.ndarray,
    camera: Camera,
    offender: Box,
    offender_text: str,
    others: Sequence[Box],
    state: SignalState,
    timestamp: str,
    riders: Sequence[Box] = (),
    bare_heads: Sequence[Box] = (),
) -> np.ndarray:
    """The annotated evidence copy: boxes, stop line, signal state, timestamp and camera id, and what
    the offence is about: the persons counted as riding the offender (triple riding), the head seen
    without a helmet (no helmet)."""
    img = frame.copy()
    for box in others:
        draw_box(img, box, COLOURS["other"])
    for n, box in enumerate(riders, 1):
        draw_box(img, box, COLOURS["rider"], f"rider {n}")
    draw_line(img, camera.stop_line, COLOURS["stop_line"], "stop line")
    if camera.signal.region is not None:
        draw_box(img, camera.signal.region, STATE_BGR[state], f"signal: {state.value}")
    draw_box(img, offender, COLOURS["vehicle"], offender_text)
    for box in bare_heads:  # over the offender's label, which sits above its box where the head is
        draw_box(img, box, COLOURS["bare_head"], "no helmet")
    label(img, f"{camera.id}  {timestamp}  signal: {state.value}", (8, 8), WHITE)
    return img
