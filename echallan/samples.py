"""The demo sample: a generated junction clip, its camera file and owner records.

Built only from what echallan's dependencies ship: Ultralytics' bundled ``bus.jpg`` (the vehicle
body) and reportlab's bundled Vera Bold font (the plate lettering). No ``../shared`` data.

Scene: a road seen from a pole, a stop line, a signal head (green -> amber -> red), and two buses
driving away from the camera. Bus A crosses the stop line on green (lawful). Bus B crosses it well
after the signal turned red (a red-light jump). The ground truth is written as JSON beside the clip.
"""

from __future__ import annotations

import csv
import json
from dataclasses import dataclass
from pathlib import Path

import cv2
import numpy as np
from PIL import Image, ImageDraw, ImageFont

W, H, FPS, SECONDS = 1280, 720, 15, 6.0
STOP_Y = 420
SIGNAL_BOX = (1160, 40, 1220, 200)
GREEN_UNTIL, AMBER_UNTIL = 1.5, 2.5  # then red

LAWFUL_PLATE = "MH12DE4321"
VIOLATOR_PLATE = "KA01AB1234"


@dataclass(frozen=True)
class DemoSample:
    video: Path
    camera: Path
    owners: Path
    truth: Path
    violator_plate: str


def _asset(name: str) -> Path:
    import ultralytics

    return Path(ultralytics.__file__).parent / "assets" / name


def _font(size: int) -> ImageFont.FreeTypeFont:
    import reportlab

    return ImageFont.truetype(str(Path(reportlab.__file__).parent / "fonts" / "VeraBd.ttf"), size)


def render_plate(text: str, width: int = 260, height: int = 58) -> np.ndarray:
    """A white one-line plate with a black border and black lettering (BGR)."""
    img = Image.new("RGB", (width, height), (245, 245, 245))
    draw = ImageDraw.Draw(img)
    draw.rectangle([1, 1, width - 2, height - 2], outline=(0, 0, 0), width=3)
    spaced = f"{text[:2]} {text[2:4]} {text[4:-4]} {text[-4:]}"
    size = int(height * 0.62)
    while True:
        font = _font(size)
        left, top, right, bottom = draw.textbbox((0, 0), spaced, font=font)
        if right - left <= width - 20 or size <= 8:
            break
        size -= 1
    draw.text(
        ((width - (right - left)) / 2 - left, (height - (bottom - top)) / 2 - top),
        spaced,
        fill=(0, 0, 0),
        font=font,
    )
    return cv2.cvtColor(np.asarray(img), cv2.COLOR_RGB2BGR)


def _vehicle(plate: str, mirror: bool) -> np.ndarray:
    """The clean side of the bus from ``bus.jpg`` with a plate fixed at the bottom centre."""
    bus = cv2.imread(str(_asset("bus.jpg")))
    body = bus[240:690, 350:805].copy()
    if mirror:
        body = body[:, ::-1].copy()
    tag = render_plate(plate)
    y = body.shape[0] - tag.shape[0] - 40
    x = (body.shape[1] - tag.shape[1]) // 2
    body[y : y + tag.shape[0], x : x + tag.shape[1]] = tag
    return body


def _background() -> np.ndarray:
    img = np.full((H, W, 3), (70, 110, 60), np.uint8)  # verge
    cv2.fillPoly(img, [np.array([[380, 0], [900, 0], [1280, H], [0, H]])], (90, 90, 90))  # road
    for y in range(0, H, 60):  # lane divider
        cv2.line(img, (640, y), (640, y + 30), (230, 230, 230), 4)
    cv2.line(img, (0, STOP_Y), (W, STOP_Y), (255, 255, 255), 8)  # stop line
    return img


def signal_at(t: float) -> str:
    return "green" if t < GREEN_UNTIL else "amber" if t < AMBER_UNTIL else "red"


def _draw_signal(img: np.ndarray, state: str) -> None:
    x1, y1, x2, y2 = SIGNAL_BOX
    cv2.rectangle(img, (x1, y1), (x2, y2), (20, 20, 20), -1)
    lamps = {"red": (0, 0, 255), "amber": (0, 190, 255), "green": (0, 220, 0)}
    cx = (x1 + x2) // 2
    for i, (name, colour) in enumerate(lamps.items()):
        cy = y1 + 27 + i * 53
        lit = name == state
        cv2.circle(img, (cx, cy), 22, colour if lit else tuple(c // 5 for c in colour), -1)


@dataclass(frozen=True)
class _Mover:
    sprite: np.ndarray
    x_center: int
    t0: float
    t1: float
    y0: float  # bottom edge at t0
    y1: float  # bottom edge at t1
    s0: float
    s1: float

    def place(self, img: np.ndarray, t: float) -> None:
        if not self.t0 <= t <= self.t1:
            return
        a = (t - self.t0) / (self.t1 - self.t0)
        scale = self.s0 + a * (self.s1 - self.s0)
        bottom = int(self.y0 + a * (self.y1 - self.y0))
        sprite = cv2.resize(self.sprite, None, fx=scale, fy=scale, interpolation=cv2.INTER_AREA)
        h, w = sprite.shape[:2]
        top, left = bottom - h, self.x_center - w // 2
        ys, xs = max(0, top), max(0, left)
        ye, xe = min(H, bottom), min(W, left + w)
        if ye > ys and xe > xs:
            img[ys:ye, xs:xe] = sprite[ys - top : ye - top, xs - left : xe - left]

    def crossing_time(self, line_y: float) -> float:
        return self.t0 + (self.y0 - line_y) / (self.y0 - self.y1) * (self.t1 - self.t0)


def _movers() -> tuple[_Mover, _Mover]:
    lawful = _Mover(_vehicle(LAWFUL_PLATE, mirror=True), 380, 0.0, 2.2, 560, 300, 0.9, 0.65)
    violator = _Mover(_vehicle(VIOLATOR_PLATE, mirror=False), 880, 0.4, 6.0, 715, 330, 1.05, 0.75)
    return lawful, violator


CAMERA_TOML = """\
# Demo camera: generated by `echallan demo`. See docs/CAMERA.md for every key.
id = "DEMO-CAM-01"
location = "Demo Junction, MG Road, Bengaluru"
police_station = "Cubbon Park Traffic PS"
timezone = "Asia/Kolkata"
start_time = "2026-11-01T09:00:00"
clock_offset_s = 0.0
frame_stride = 1

[stop_line]
a = [0, {stop_y}]
b = [{w}, {stop_y}]
approach = [640, 700]   # vehicles come from the bottom of the picture

[signal]
region = [{sx1}, {sy1}, {sx2}, {sy2}]
red_grace_s = 0.5
smoothing_frames = 3

[violations]
red_light = true
"""

OWNERS = [
    [
        "registration",
        "name",
        "relation_name",
        "address",
        "district",
        "state",
        "pin",
        "mobile",
        "vehicle_class",
        "maker_model",
        "colour",
    ],
    [
        VIOLATOR_PLATE,
        "Ramesh Kumar",
        "S/O Suresh Kumar",
        "No. 14, 2nd Cross, Indiranagar",
        "Bengaluru Urban",
        "Karnataka",
        "560038",
        "9800000001",
        "bus",
        "Tata Starbus",
        "Blue",
    ],
    [
        LAWFUL_PLATE,
        "Anita Deshpande",
        "W/O Vikram Deshpande",
        "Flat 3B, Shivaji Nagar",
        "Pune",
        "Maharashtra",
        "411005",
        "9800000002",
        "bus",
        "Ashok Leyland Viking",
        "Blue",
    ],
]


def make_demo(out_dir: Path) -> DemoSample:
    """Write the clip, camera file, owners CSV and ground truth into ``out_dir``."""
    out_dir.mkdir(parents=True, exist_ok=True)
    video_path = out_dir / "demo_junction.mp4"
    movers = _movers()
    background = _background()
    writer = cv2.VideoWriter(str(video_path), cv2.VideoWriter.fourcc(*"mp4v"), FPS, (W, H))
    try:
        for i in range(int(FPS * SECONDS)):
            t = i / FPS
            img = background.copy()
            _draw_signal(img, signal_at(t))
            for m in movers:
                m.place(img, t)
            writer.write(img)
    finally:
        writer.release()

    camera = out_dir / "demo_camera.toml"
    x1, y1, x2, y2 = SIGNAL_BOX
    camera.write_text(
        CAMERA_TOML.format(stop_y=STOP_Y, w=W, sx1=x1, sy1=y1, sx2=x2, sy2=y2), encoding="utf-8"
    )
    owners = out_dir / "demo_owners.csv"
    with owners.open("w", newline="", encoding="utf-8") as fh:
        csv.writer(fh).writerows(OWNERS)
    truth = out_dir / "demo_truth.json"
    truth.write_text(
        json.dumps(
            {
                "violations": [
                    {
                        "offence": "red_light",
                        "plate": VIOLATOR_PLATE,
                        "crossing_s": round(movers[1].crossing_time(STOP_Y), 2),
                    }
                ],
                "lawful": [{"plate": LAWFUL_PLATE, "crossing_s": round(movers[0].crossing_time(STOP_Y), 2)}],
                "signal": {"green_until_s": GREEN_UNTIL, "amber_until_s": AMBER_UNTIL},
            },
            indent=2,
        ),
        encoding="utf-8",
    )
    return DemoSample(video_path, camera, owners, truth, VIOLATOR_PLATE)
