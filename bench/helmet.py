"""Helmet benchmark: run ``YoloHelmetDetector`` over helmet_riders and score it per head.

    python bench/helmet.py [--limit N] [--imgsz 320,416,640] [--no-write]

Matching rule: per image, predicted and labelled heads are paired greedily by IoU (highest first,
class-agnostic, each used once), a pair counts when IoU >= 0.3. For each class (with / without helmet)
a TP is a pair where both say that class; a prediction of the class that is unpaired or paired with
the other label is a FP; a label of the class that is unpaired or paired with the other prediction
is a FN. Images with a label box outside the image (corrupt source labels) are left out.

Tuning: the model runs once per imgsz at confidence 0.05; thresholds are applied afterwards (same
result as predicting at that threshold). imgsz and threshold are chosen by macro F1 on the even-indexed
images (sorted by number) and reported on the odd-indexed ones. Writes a markdown table into
docs/BENCHMARKS.md between ``<!-- helmet:start -->`` and ``<!-- helmet:end -->``.
"""

from __future__ import annotations

import argparse
import csv
import re
import statistics
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import cv2

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from echallan.detection.helmet import (  # noqa: E402
    HeadResult,
    HelmetDetector,
    OpenVinoHelmetDetector,
    YoloHelmetDetector,
)
from echallan.settings import Settings  # noqa: E402
from echallan.types import Box  # noqa: E402

START, END = "<!-- helmet:start -->", "<!-- helmet:end -->"
IOU_MIN = 0.3
THRESHOLDS = (0.15, 0.2, 0.25, 0.3, 0.35, 0.4, 0.45, 0.5, 0.55, 0.6)


@dataclass(frozen=True)
class LabelledImage:
    path: Path
    heads: tuple[tuple[Box, bool], ...]  # (box, helmet)


def dataset_dir() -> Path:
    """helmet_riders under the configured datasets dir; a relative setting is taken from the repo root."""
    base = Settings.from_env().datasets_dir
    return (base if base.is_absolute() else ROOT / base) / "helmet_riders"


def _number(name: str) -> int:
    found = re.findall(r"\d+", name)
    return int(found[-1]) if found else -1


def load_images(root: Path | None = None) -> list[LabelledImage]:
    """Every image (labelled or not) sorted by number, minus those with a box outside the image."""
    root = root or dataset_dir()
    heads: dict[str, list[tuple[Box, bool]]] = {}
    with open(root / "labels.csv", newline="") as f:
        for r in csv.DictReader(f):
            box = Box(*(float(r[k]) for k in ("x1", "y1", "x2", "y2")))
            heads.setdefault(r["image"], []).append((box, r["label"].strip() == "with_helmet"))
    out: list[LabelledImage] = []
    for path in sorted((root / "images").iterdir(), key=lambda p: (_number(p.name), p.name)):
        labelled = heads.get(path.name, [])
        if labelled:
            image = cv2.imread(str(path))
            if image is None:
                raise OSError(f"cannot read {path}")
            h, w = image.shape[:2]
            if any(b.x2 > w + 2 or b.y2 > h + 2 or b.width <= 0 or b.height <= 0 for b, _ in labelled):
                continue
        out.append(LabelledImage(path, tuple(labelled)))
    return out


def subset(images: Sequence[LabelledImage], n: int) -> list[LabelledImage]:
    """Every k-th image: deterministic and spread over the set."""
    if n >= len(images):
        return list(images)
    step = len(images) / n
    return [images[int(i * step)] for i in range(n)]


@dataclass
class Counts:
    """TP/FP/FN per class (True = with helmet, False = without)."""

    tp: dict[bool, int]
    fp: dict[bool, int]
    fn: dict[bool, int]

    @classmethod
    def empty(cls) -> Counts:
        return cls({True: 0, False: 0}, {True: 0, False: 0}, {True: 0, False: 0})

    def f1(self, helmet: bool) -> float:
        tp, fp, fn = self.tp[helmet], self.fp[helmet], self.fn[helmet]
        return 2 * tp / (2 * tp + fp + fn) if tp else 0.0

    def precision(self, helmet: bool) -> float:
        tp = self.tp[helmet]
        return tp / (tp + self.fp[helmet]) if tp else 0.0

    def recall(self, helmet: bool) -> float:
        tp = self.tp[helmet]
        return tp / (tp + self.fn[helmet]) if tp else 0.0

    @property
    def macro_f1(self) -> float:
        return (self.f1(True) + self.f1(False)) / 2


def score(
    labelled: Sequence[tuple[Box, bool]],
    predicted: Sequence[HeadResult],
    counts: Counts,
    iou_min: float = IOU_MIN,
) -> None:
    """Add one image's matches to ``counts`` (greedy by IoU, class-agnostic, see the module doc)."""
    pairs = sorted(
        ((g[0].iou(p.box), gi, pi) for gi, g in enumerate(labelled) for pi, p in enumerate(predicted)),
        reverse=True,
    )
    used_g: set[int] = set()
    used_p: set[int] = set()
    for value, gi, pi in pairs:
        if value < iou_min:
            break
        if gi in used_g or pi in used_p:
            continue
        used_g.add(gi)
        used_p.add(pi)
        truth, guess = labelled[gi][1], predicted[pi].helmet
        if truth == guess:
            counts.tp[truth] += 1
        else:
            counts.fn[truth] += 1
            counts.fp[guess] += 1
    for gi, (_, truth) in enumerate(labelled):
        if gi not in used_g:
            counts.fn[truth] += 1
    for pi, p in enumerate(predicted):
        if pi not in used_p:
            counts.fp[p.helmet] += 1


def evaluate(images: Sequence[LabelledImage], preds: Sequence[list[HeadResult]], threshold: float) -> Counts:
    counts = Counts.empty()
    for image, heads in zip(images, preds, strict=True):
        score(image.heads, [h for h in heads if h.confidence >= threshold], counts)
    return counts


def run(detector: HelmetDetector, images: Sequence[LabelledImage]) -> tuple[list[list[HeadResult]], float]:
    """Predictions per image and the median ms per image (detect() only, image already decoded)."""
    preds: list[list[HeadResult]] = []
    times: list[float] = []
    for image in images:
        frame = cv2.imread(str(image.path))
        if frame is None:
            raise OSError(f"cannot read {image.path}")
        t0 = time.perf_counter()
        preds.append(detector.detect(frame))
        times.append((time.perf_counter() - t0) * 1000)
    return preds, statistics.median(times[1:] or times)


def row(label: str, n: int, counts: Counts, ms: float) -> str:
    cells = [label, str(n)]
    for helmet in (True, False):
        cells += [
            f"{counts.precision(helmet):.3f}",
            f"{counts.recall(helmet):.3f}",
            f"{counts.f1(helmet):.3f}",
        ]
    cells += [f"{counts.macro_f1:.3f}", f"{ms:.0f}"]
    return "| " + " | ".join(cells) + " |"


HEADER = [
    "| setting | images | helmet P | helmet R | helmet F1 | no-helmet P | no-helmet R | no-helmet F1 "
    "| macro F1 | median ms/image |",
    "|---|---|---|---|---|---|---|---|---|---|",
]


def write_section(path: Path, body: str) -> None:
    text = path.read_text() if path.exists() else "# Benchmarks\n"
    block = f"{START}\n{body}\n{END}"
    if START in text and END in text:
        head, rest = text.split(START, 1)
        text = head + block + rest.split(END, 1)[1]
    else:
        text = text.rstrip("\n") + "\n\n" + block + "\n"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--limit", type=int, default=None, help="at most N images (every k-th)")
    parser.add_argument("--imgsz", default="320,416,640")
    parser.add_argument("--no-write", action="store_true", help="print only; leave docs/BENCHMARKS.md")
    parser.add_argument("--out", type=Path, default=ROOT / "docs/BENCHMARKS.md")
    args = parser.parse_args()

    images = load_images()
    if args.limit:
        images = subset(images, args.limit)
    tune, held = images[0::2], images[1::2]
    sweep = [
        "| imgsz | threshold | macro F1 (tune half) | helmet F1 | no-helmet F1 |",
        "|---|---|---|---|---|",
    ]
    best: tuple[float, int, float] = (-1.0, 0, 0.0)
    results: dict[int, tuple[list[list[HeadResult]], float]] = {}
    for size in (int(s) for s in args.imgsz.split(",")):
        detector = YoloHelmetDetector(confidence=0.05, imgsz=size)
        results[size] = run(detector, images)
        print(f"imgsz={size} median ms/image={results[size][1]:.0f}", flush=True)
        for t in THRESHOLDS:
            c = evaluate(tune, results[size][0][0::2], t)
            sweep.append(f"| {size} | {t:.2f} | {c.macro_f1:.3f} | {c.f1(True):.3f} | {c.f1(False):.3f} |")
            best = max(best, (c.macro_f1, size, t))
    _, size, t = best
    preds, ms = results[size]
    lines = [
        f"Helmet detection (`YoloHelmetDetector`: helmet-detector 2.1.0 YOLOv12m, PyTorch CPU, 2 cores, "
        f"class-agnostic NMS). helmet_riders: {len(images)} images scored ({len(held)} held out); images "
        "with a label box outside the image are left out. A predicted head matches a labelled head at "
        f"IoU >= {IOU_MIN} (greedy, class-agnostic); a match with the wrong label is a FN of the true class "
        "and a FP of the predicted one. imgsz and threshold chosen by macro F1 on the even-indexed images, "
        "reported on the odd-indexed ones. Caveat: the checkpoint was trained on a `bike_helmets` set that "
        "is likely this same public photo set, so these scores are probably optimistic for Indian street "
        "footage. Reproduce: `python bench/helmet.py`"
        + (f" --limit {args.limit}" if args.limit else "")
        + ".",
        "",
        *HEADER,
        row(f"held-out half, imgsz {size}, conf {t:.2f}", len(held), evaluate(held, preds[1::2], t), ms),
        row(f"all images, imgsz {size}, conf {t:.2f}", len(images), evaluate(images, preds, t), ms),
    ]
    for other in sorted(results):
        if other != size:
            c = evaluate(held, results[other][0][1::2], t)
            lines.append(row(f"held-out half, imgsz {other}, conf {t:.2f}", len(held), c, results[other][1]))
    int8 = OpenVinoHelmetDetector(confidence=0.05)  # the pipeline's default (see the note below)
    preds8, ms8 = run(int8, images)
    lines.append(
        row(
            f"held-out half, INT8 OpenVINO 416, conf {t:.2f}", len(held), evaluate(held, preds8[1::2], t), ms8
        )
    )
    lines += [
        "",
        "The INT8 row is `OpenVinoHelmetDetector` (models/helmet_int8_openvino_model: the same checkpoint "
        "quantised by NNCF on the even-indexed half, `python scripts/export_helmet_int8.py`; static "
        "416x416 input), measured in the same run as the PyTorch rows above.",
        "",
        "Sweep on the tuning half:",
        "",
        *sweep,
    ]
    text = "\n".join(lines)
    print(text)
    if not args.no_write:
        write_section(args.out, text)


if __name__ == "__main__":
    main()
