"""Standard junction scenarios with ground truth, built from real photos at test or benchmark time.

Sprites are cut from the shared datasets (never committed): cars from ``india_plates_dev`` (with
their hand-read plates) and riders from ``helmet_riders``: motorcycles with three or more riders from
the photos a person checked (:data:`RIDERS_TRUTH`; the dataset's head labels miss most riders), one
copy of each photo, and single riders where one labelled head is over the motorcycle (for the
no-helmet scenario, that head labelled without a helmet, or with one). The detector is
used only to cut a sprite out of its photo; what each vehicle does, and so the ground truth, comes
from the scenario's key frames.
"""

from __future__ import annotations

import csv
import json
import random
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from echallan.clipgen import Mover, Scene, render
from echallan.detection.base import Detector
from echallan.detection.two_wheelers import largest_motorcycle
from echallan.types import Box

W, H, FPS = 1280, 720, 10.0
STOP_Y = 420
PX_PER_M = 20.0  # the speed trap: lines at y=650 and y=250 are 400 px = 20 m apart
LIMIT_KMH = 50.0
ZONES = (
    ("bus bay", ((40, 520), (420, 520), (420, 719), (0, 719))),
    ("taxi stand", ((860, 520), (1240, 520), (1280, 719), (860, 719))),
)
MAX_DWELL_S = 3.0
GREEN = (("green", 0.0),)
#: Which helmet_riders photos show 3+ persons on their largest motorcycle, by a hand check of every
#: photo with a motorcycle (read by ``bench/riders.py`` too).
RIDERS_TRUTH = Path(__file__).parent / "data" / "riders_truth.json"
#: Two photos closer than this (mean grey-level difference of 24x24 thumbnails) are copies of one photo:
#: helmet_riders holds some photos several times (measured on the 33 hand-checked triples: copies 0.0-1.9,
#: other photos 42.6 and up; 22 distinct).
NEAR_COPY = 5.0
#: Car sprites are checked at these widths (px), the smallest and largest a car has in a clip (260 px at
#: scales 0.7-1.0): shown alone on the road's grey, the vehicle the detector finds there (at the last
#: width) is what the sprite keeps. That trims the ground a photo's box took in under the bumper
#: (KL07BF2007: 60 px, so a car that stopped 50 px behind the stop line was seen stopped on it), and drops
#: close-ups of a part in which no vehicle is found at one of them (a plate, GJ05JD9759; a bonnet and
#: grille, MH20EE7598; a bumper, TN99F2378).
CHECK_WIDTHS = (180, 260)
#: The no-helmet scenario's rider sprites are checked likewise, at the smallest and largest width a rider
#: sprite has in a clip (220 px at scales 0.8-1.1): a motorcycle the detector does not find there gives
#: no track for a head rule to judge (4 of the first 24 bare-headed riders, 2026-12-07).
RIDER_CHECK_WIDTHS = (176, 242)

CAMERA_TOML = f"""\
# Generated junction scenario camera: every rule enabled. See docs/CAMERA.md.
id = "GEN-CAM"
location = "Generated junction"
start_time = "2026-11-01T09:00:00"

[stop_line]
a = [0, {STOP_Y}]
b = [{W}, {STOP_Y}]
approach = [640, 700]

[signal]
region = [1160, 40, 1220, 200]
red_grace_s = 0.5

[[lanes]]
name = "northbound"
polygon = [[384, 0], [896, 0], [1280, 720], [0, 720]]
direction = [0, -1]

{
    "".join(
        f'''[[no_parking]]
name = "{name}"
polygon = {[list(p) for p in poly]}
max_dwell_s = {MAX_DWELL_S}

'''
        for name, poly in ZONES
    )
}[speed]
line1 = {{ a = [0, 650], b = [{W}, 650] }}
line2 = {{ a = [0, 250], b = [{W}, 250] }}
distance_m = {400 / PX_PER_M}
limits_kmh = {{ default = {LIMIT_KMH} }}

[violations]
red_light = true
stop_line = true
wrong_way = true
over_speed = true
no_parking = true
triple_riding = true
"""


@dataclass(frozen=True)
class Sprites:
    cars: list[tuple[np.ndarray, str]]  # (image, plate)
    triples: list[np.ndarray]  # a motorcycle with three or more riders
    singles: list[np.ndarray]  # a motorcycle with one rider
    bare: list[np.ndarray] = field(default_factory=list)  # one rider, labelled without a helmet
    helmeted: list[np.ndarray] = field(default_factory=list)  # one rider, labelled with a helmet


def _largest(detector: Detector, image: np.ndarray, classes: set[str]) -> tuple[int, int, int, int] | None:
    """The largest box of ``classes`` in ``image``, clipped to the image (a box may reach past its edge)."""
    dets = detector.detect(image)
    h, w = image.shape[:2]
    best = None
    for xyxy, name in zip(dets.xyxy, dets.data.get("class_name", []), strict=False):
        x1, y1, x2, y2 = (int(v) for v in np.clip(xyxy, 0, [w, h, w, h]))
        if str(name) in classes and (
            best is None or (x2 - x1) * (y2 - y1) > (best[2] - best[0]) * (best[3] - best[1])
        ):
            best = (x1, y1, x2, y2)
    return best


def _as_seen(detector: Detector, sprite: np.ndarray) -> np.ndarray | None:
    """``sprite`` cut to the vehicle the detector finds in it on the road's grey, at the clips' scale, and
    brought back to its width; None when it finds none at one of ``CHECK_WIDTHS``."""
    cut = sprite
    for width in CHECK_WIDTHS:
        canvas, (ox, oy, w) = on_road(sprite, width)
        box = _largest(detector, canvas, {"car", "bus", "truck"})
        if box is None:
            return None
        f = sprite.shape[1] / w
        x1, y1 = max(0, round((box[0] - ox) * f)), max(0, round((box[1] - oy) * f))
        cut = sprite[y1 : round((box[3] - oy) * f), x1 : round((box[2] - ox) * f)]
    return _fit(cut, sprite.shape[1]) if min(cut.shape[:2]) > 1 else None


def on_road(sprite: np.ndarray, width: int) -> tuple[np.ndarray, tuple[int, int, int]]:
    """A clip's frame with ``sprite`` shrunk to ``width`` in its middle on the road's grey, and where it
    went (left, top, width): the detector sees the sprite at clip scale."""
    small = _fit(sprite, width)
    h, w = small.shape[:2]
    canvas = np.full((H, W, 3), 90, np.uint8)
    ox, oy = (W - w) // 2, max(0, (H - h) // 2)
    canvas[oy : oy + h, ox : ox + w] = small[: H - oy, :, :3]
    return canvas, (ox, oy, w)


def _fit(image: np.ndarray, width: int) -> np.ndarray:
    import cv2

    scale = width / image.shape[1]
    return cv2.resize(image, None, fx=scale, fy=scale, interpolation=cv2.INTER_AREA)


def load_sprites(
    datasets: Path, detector: Detector, cars: int = 8, riders: int = 6, helmets: int = 0
) -> Sprites:
    """``cars`` car sprites, ``riders`` triple and single riders each, and ``helmets`` bare-headed and
    helmeted single riders each (for the no-helmet scenario; none by default, as they take a while)."""
    import cv2

    car_sprites: list[tuple[np.ndarray, str]] = []
    with (datasets / "india_plates_dev" / "labels.csv").open(encoding="utf-8") as fh:
        rows = [r for r in csv.DictReader(fh) if r.get("certainty") == "sure"]
    for r in rows:
        image = cv2.imread(str(datasets / "india_plates_dev" / "images" / r["image"]))
        if image is None:
            continue
        box = _largest(detector, image, {"car", "bus", "truck"})
        if box is None or (box[2] - box[0]) * (box[3] - box[1]) < 0.35 * image.shape[0] * image.shape[1]:
            continue  # a plate close-up, not a vehicle
        sprite = _as_seen(detector, _fit(image[box[1] : box[3], box[0] : box[2]], 260))
        if sprite is None:
            continue  # a close-up of a part: no vehicle at clip size
        car_sprites.append((sprite, r["plate_text"]))
        if len(car_sprites) == cars:
            break

    triples = _triple_sprites(datasets, detector, riders)
    singles = _single_sprites(datasets, detector, riders)
    bare, helmeted = (_single_sprites(datasets, detector, helmets, label) for label in HELMET_LABELS)
    return Sprites(car_sprites, *([s for _, s in cut] for cut in (triples, singles, bare, helmeted)))


def rider_sprite_photos(datasets: Path, detector: Detector, riders: int = 6, helmets: int = 0) -> list[str]:
    """Names of the helmet_riders photos that ``load_sprites`` cuts rider sprites from.

    Models trained on helmet_riders leave these out, so generated clips test them on unseen riders.
    """
    cuts = [_triple_sprites(datasets, detector, riders), _single_sprites(datasets, detector, riders)]
    cuts += [_single_sprites(datasets, detector, helmets, label) for label in HELMET_LABELS]
    return list(dict.fromkeys(name for cut in cuts for name, _ in cut))


def hand_checked_triples() -> list[str]:
    """helmet_riders photos whose largest motorcycle carries three or more persons (a hand check)."""
    return list(json.loads(RIDERS_TRUTH.read_text(encoding="utf-8"))["triples"])


def _cut(image: np.ndarray, bike: Box, top: float) -> np.ndarray:
    """The bike and its riders from ``top`` down, 220 px wide."""
    x1, y2 = max(0, int(bike.x1) - 10), int(bike.y2)
    return _fit(image[max(0, int(top)) : y2, x1 : int(bike.x2) + 10], 220)


def thumbnail(image: np.ndarray) -> np.ndarray:
    """A photo's 24x24 grey thumbnail, for telling copies of one photo apart (:func:`photo_gap`)."""
    import cv2

    return cv2.resize(cv2.cvtColor(image, cv2.COLOR_BGR2GRAY), (24, 24)).astype(np.float32)


def photo_gap(a: np.ndarray, b: np.ndarray) -> float:
    """Mean grey-level difference of two :func:`thumbnail` s; under ``NEAR_COPY``: one photo."""
    return float(np.abs(a - b).mean())


def _triple_sprites(datasets: Path, detector: Detector, count: int) -> list[tuple[str, np.ndarray]]:
    """Motorcycles with 3+ riders from the hand-checked photos, one copy of each photo, cut from the
    top of the riders the detector finds (one bike height above the bike where it finds none)."""
    import cv2

    out: list[tuple[str, np.ndarray]] = []
    thumbs: list[np.ndarray] = []
    for name in hand_checked_triples():
        image = cv2.imread(str(datasets / "helmet_riders" / "images" / name))
        found = None if image is None else largest_motorcycle(detector, image)
        if image is None or found is None:
            continue
        bike, riders = found
        top = min((p.y1 for p in riders), default=bike.y1 - bike.height) - 0.05 * bike.height
        thumb = thumbnail(image)
        if any(photo_gap(thumb, t) < NEAR_COPY for t in thumbs):
            continue  # the photo, not its cut: copies' cuts differ where the detector's boxes do
        thumbs.append(thumb)
        out.append((name, _cut(image, bike, top)))
        if len(out) == count:
            break
    return out


def _single_sprites(
    datasets: Path, detector: Detector, count: int, label: str | None = None
) -> list[tuple[str, np.ndarray]]:
    """Motorcycles whose one labelled head sits over them (and no hand-checked triple); with ``label``,
    only heads labelled so (``with_helmet`` or ``without_helmet``)."""
    import cv2

    heads = _heads(datasets)
    triples = set(hand_checked_triples())
    out: list[tuple[str, np.ndarray]] = []
    thumbs: list[np.ndarray] = []  # of the helmet sprites' photos taken, for the near-copy check
    wrong_labels = _wrong_helmet_labels() if label is not None else frozenset()
    if count <= 0:
        return out
    for name in sorted(n for n in heads if len(heads[n]) == 1 and n not in triples):
        if label is not None and heads[name][0][3] != label:
            continue
        image = cv2.imread(str(datasets / "helmet_riders" / "images" / name))
        found = None if image is None else largest_motorcycle(detector, image)
        if image is None or found is None:
            continue
        bike, riders = found
        (cx, cy, _, _), h = heads[name][0], bike.height
        if not (bike.x1 <= cx <= bike.x2 and bike.y1 - 1.5 * h <= cy <= bike.y1 + 0.5 * h):
            continue  # the labelled head is elsewhere in the photo: not this bike's rider
        if label is not None and (name in wrong_labels or not _helmet_rider(riders, cx, cy)):
            continue
        sprite = _cut(image, bike, cy - 0.25 * h)
        if label is not None:
            if not all(_largest(detector, on_road(sprite, w)[0], {"motorcycle"}) for w in RIDER_CHECK_WIDTHS):
                continue  # no motorcycle at clip size: no head rule can judge its rider
            thumb = thumbnail(image)
            if any(photo_gap(thumb, t) < NEAR_COPY for t in thumbs):
                continue  # a copy of a photo taken: one clip's rider would be another's
            thumbs.append(thumb)
        out.append((name, sprite))
        if len(out) == count:
            break
    return out


def _helmet_rider(riders: list[Box], cx: float, cy: float) -> bool:
    """Whether a photo's one labelled head, at (``cx``, ``cy``), is a lone rider's: one person rides the
    bike and the head is in the top of their box (not a passer-by's over a parked bike). A second,
    unlabelled rider (a pillion) could wear a helmet or not, so the truth would not be known."""
    if len(riders) != 1:
        return False
    r = riders[0]
    return r.x1 <= cx <= r.x2 and r.y1 <= cy <= r.y1 + 0.4 * r.height


def _wrong_helmet_labels() -> frozenset[str]:
    """Photos whose helmet label a person found wrong (:data:`RIDERS_TRUTH` ``helmet_label_wrong``)."""
    return frozenset(json.loads(RIDERS_TRUTH.read_text(encoding="utf-8")).get("helmet_label_wrong", []))


def _heads(datasets: Path) -> dict[str, list[tuple[float, float, float, str]]]:
    """helmet_riders' labelled heads by photo: centre x, centre y, width and label."""
    heads: dict[str, list[tuple[float, float, float, str]]] = defaultdict(list)
    with (datasets / "helmet_riders" / "labels.csv").open(encoding="utf-8") as fh:
        for r in csv.DictReader(fh):
            x1, y1, x2, y2 = (float(r[k]) for k in ("x1", "y1", "x2", "y2"))
            heads[r["image"]].append(((x1 + x2) / 2, (y1 + y2) / 2, x2 - x1, r["label"]))
    return heads


def _signal(*phases: tuple[str, float]) -> tuple[tuple[float, str], ...]:
    return tuple((t, s) for s, t in phases)


def scenario(kind: str, variant: int, sprites: Sprites) -> tuple[Scene, list[Mover]]:
    """One clip's scene and vehicles. ``variant`` picks sprites and jitters positions and speeds."""
    rnd = random.Random(f"{kind}:{variant}")
    car = sprites.cars
    a, b = car[(2 * variant) % len(car)], car[(2 * variant + 1) % len(car)]
    dx = rnd.uniform(-30, 30)
    scene = Scene(W, H, FPS, 9.0, STOP_Y, signal=_signal(*GREEN), zones=ZONES)
    if kind == "red_light":
        scene = Scene(
            W, H, FPS, 9.0, STOP_Y, signal=_signal(("green", 0), ("amber", 2), ("red", 3)), zones=ZONES
        )
        end = rnd.uniform(7.5, 8.5)
        return scene, [
            Mover(
                "jumper", a[0], ((1.0, 660 + dx, 760, 1.0), (end, 660 + dx, 250, 0.7)), a[1], ("red_light",)
            ),
            Mover("green crosser", b[0], ((0.0, 330 + dx, 600, 0.9), (1.8, 330 + dx, 280, 0.7)), b[1]),
            Mover(
                "stopper",
                car[(2 * variant + 2) % len(car)][0],
                ((2.5, 1010, 760, 0.85), (5.0, 1010, 470, 0.8), (9.0, 1010, 470, 0.8)),
            ),
        ]
    if kind == "stop_line":
        scene = Scene(W, H, FPS, 8.0, STOP_Y, signal=_signal(("red", 0)), zones=ZONES)
        stop = rnd.uniform(428, 436)
        return scene, [
            Mover(
                "over the line",
                a[0],
                ((0.0, 660 + dx, 760, 1.0), (3.0, 660 + dx, stop, 0.85), (8.0, 660 + dx, stop, 0.85)),
                a[1],
                ("stop_line",),
            ),
            Mover(
                "behind the line",
                b[0],
                ((0.5, 1010, 760, 0.85), (3.5, 1010, 480, 0.8), (8.0, 1010, 480, 0.8)),
                b[1],
            ),
        ]
    if kind == "wrong_way":
        return scene, [
            Mover(
                "wrong way",
                a[0],
                ((0.0, 430 + dx, 300, 0.7), (4.0, 430 + dx, 800, 1.0)),
                a[1],
                ("wrong_way",),
            ),
            Mover("right way", b[0], ((0.0, 900, 760, 1.0), (4.0, 900, 300, 0.7)), b[1]),
        ]
    if kind == "over_speed":
        fast, slow = rnd.uniform(65, 95), rnd.uniform(25, 42)

        def run(kmh: float) -> float:  # seconds to cover y 760 -> 200 (560 px)
            return 560 / (kmh / 3.6 * PX_PER_M)

        return scene, [
            Mover(
                "speeder",
                a[0],
                ((0.5, 420 + dx, 760, 0.8), (0.5 + run(fast), 420 + dx, 200, 0.8)),
                a[1],
                ("over_speed",),
                {"speed_kmh": round(fast, 2)},
            ),
            Mover(
                "within limit",
                b[0],
                ((0.5, 900, 760, 0.8), (0.5 + run(slow), 900, 200, 0.8)),
                b[1],
                (),
                {"speed_kmh": round(slow, 2)},
            ),
        ]
    if kind == "no_parking":
        wait = rnd.uniform(5.0, 6.5)
        return scene, [
            Mover(
                "parked",
                a[0],
                ((0.0, 230, 800, 0.9), (1.5, 230 + dx / 3, 640, 0.85), (1.5 + wait, 230 + dx / 3, 640, 0.85)),
                a[1],
                ("no_parking",),
            ),
            Mover(
                "brief stop",
                b[0],
                (
                    (0.0, 1060, 800, 0.9),
                    (1.5, 1060, 640, 0.85),
                    (2.8, 1060, 640, 0.85),
                    (5.0, 1060, 300, 0.7),
                ),
                b[1],
            ),
        ]
    if kind == "triple_riding":
        return scene, _two_riders(("triple", sprites.triples), ("single", sprites.singles), kind, variant, dx)
    if kind == "no_helmet":
        if not sprites.bare or not sprites.helmeted:
            raise ValueError("the no_helmet scenario needs helmet sprites: load_sprites(..., helmets=N)")
        return scene, _two_riders(
            ("bare head", sprites.bare), ("helmet", sprites.helmeted), kind, variant, dx
        )
    raise ValueError(f"unknown scenario {kind!r}")


def _two_riders(
    offender: tuple[str, list[np.ndarray]],
    lawful: tuple[str, list[np.ndarray]],
    offence: str,
    variant: int,
    dx: float,
) -> list[Mover]:
    """Two motorcycles riding up the junction side by side: the offender on the left, the lawful one on
    the right; ``variant`` picks each one's photo."""
    (bad, bads), (good, goods) = offender, lawful
    return [
        Mover(
            bad,
            bads[variant % len(bads)],
            ((0.0, 420 + dx, 760, 1.1), (6.0, 420 + dx, 330, 0.8)),
            "",
            (offence,),
        ),
        Mover(good, goods[variant % len(goods)], ((0.0, 900, 760, 1.1), (6.0, 900, 330, 0.8))),
    ]


#: The scenarios, each with its offender and a lawful vehicle. ``HEAD_KINDS`` need the helmet model and
#: helmet sprites (``load_sprites(helmets=N)``); their camera also enables the no-helmet rule.
KINDS = ("red_light", "stop_line", "wrong_way", "over_speed", "no_parking", "triple_riding")
HEAD_KINDS = ("no_helmet",)
#: The labels of helmet_riders' heads: the no-helmet scenario's offenders, then its lawful riders.
HELMET_LABELS = ("without_helmet", "with_helmet")


def build(kind: str, variant: int, sprites: Sprites, out_dir: Path) -> tuple[Path, Path, Path]:
    """Render one scenario: (clip, camera file, ground truth JSON)."""
    scene, movers = scenario(kind, variant, sprites)
    stem = out_dir / f"{kind}_{variant}"
    video = render(scene, movers, stem.with_suffix(".mp4"), stem.with_suffix(".json"))
    camera = out_dir / f"camera_{kind}.toml" if kind in HEAD_KINDS else out_dir / "camera.toml"
    extra = "".join(f"{k} = true\n" for k in HEAD_KINDS if k == kind)
    camera.write_text(CAMERA_TOML + extra, encoding="utf-8")
    return video, camera, stem.with_suffix(".json")
