"""ANPR benchmark: run ``PlateReader`` over the plate datasets and report accuracy and speed.

    python bench/anpr.py [--limit N] [--sets india_plates_dev,openalpr_us] [--no-write]

Scores the TOP read only, twice per set: on the whole image and on a *vehicle crop* (the labelled
plate box's centre, 4x the plate's width wide and 3x tall, clipped to the photo and shrunk to at most
640 px like ``echallan.pipeline.read_plate`` does), which is what video processing reads per vehicle.
Writes a markdown section ``anpr`` into docs/BENCHMARKS.md (``bench/report.py``) and prints it, plus
the auto-accept threshold sweep over the Indian reads (how AUTO_ACCEPT_THRESHOLD was chosen).
"""

from __future__ import annotations

import argparse
import csv
import statistics
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import cv2
import numpy as np
from rapidfuzz.distance import Levenshtein

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from report import write_section

from echallan.anpr import AUTO_ACCEPT_THRESHOLD, PlateReader
from echallan.pipeline import OCR_MAX_SIDE
from echallan.settings import Settings
from echallan.types import Box, PlateRead

SETS = ("openalpr_us", "openalpr_us_platecrops", "india_plates_dev")
THRESHOLDS = (0.5, 0.6, 0.7, 0.75, 0.8, 0.85, 0.88, 0.9, 0.92, 0.94, 0.96, 0.98)
CROP_WIDTH, CROP_HEIGHT = 4.0, 3.0  # vehicle crop size in plate widths
NOTES = """Design measurements (2026-11-22, shared 2-core machine under load, same-run comparisons):

* Per vehicle crop, old reader (rapidocr default: detector input scaled up to a 736 px SHORT side, angle
  classifier, second look = detect again) vs now, interleaved on the same 30 crops (openalpr_us +
  india_plates_dev, 15 each): median 2027 -> 388 ms, exact 24 -> 25 of 30.
* Detector input: longest side capped at 960 (`DET_MAX_SIDE`); 1280 read no more whole photos (18 vs 19 of
  30 openalpr_us) and cost 1.2x. Small images are detected upscaled to 640 px only when the native pass is
  not sure: upscaling first read plate crops worse (openalpr_us_platecrops 60 of 60: native 42, 480 px 39,
  640 px 36) and vehicle crops no better than native-then-upscale (india crops 36 / 37 / 38 of 40 for
  native / always 640 / adaptive).
* Recogniser input padded to >= 160 px wide instead of 320: 40 vs 69 ms per plate line, 33 vs 32 of 50 exact.
* Second look = recognise the candidate's rows on their own crops (`Recogniser`), no second detection.
* One ONNX Runtime thread per call (`OCR_THREADS`): 244 vs 354 ms (india crops), 236 vs 261 ms (US crops)
  for 1 thread vs the default, interleaved, on the loaded shared machine."""


@dataclass(frozen=True)
class Row:
    image: Path
    label: str
    box: Box


@dataclass(frozen=True)
class Result:
    label: str
    top: PlateRead | None
    ms: float


def load_rows(datasets: Path, name: str, limit: int | None) -> list[Row]:
    """Scorable rows, first label per image; with ``limit``, every k-th row (deterministic, spread out)."""
    rows: list[Row] = []
    seen: set[str] = set()
    with open(datasets / name / "labels.csv", newline="") as f:
        for r in csv.DictReader(f):
            label = r["plate_text"].strip()
            if not label or label == "0" or r.get("certainty", "sure") != "sure" or r["image"] in seen:
                continue
            seen.add(r["image"])
            box = Box(*(float(r[k]) for k in ("x1", "y1", "x2", "y2")))
            rows.append(Row(datasets / name / "images" / r["image"], label, box))
    if limit and len(rows) > limit:
        step = len(rows) / limit
        rows = [rows[int(i * step)] for i in range(limit)]
    return rows


def vehicle_crop(image: np.ndarray, plate: Box, max_side: int = OCR_MAX_SIDE) -> np.ndarray:
    """A stand-in for a detected vehicle's crop around ``plate``, shrunk as the pipeline shrinks it."""
    cx, cy = (plate.x1 + plate.x2) / 2, (plate.y1 + plate.y2) / 2
    w, h = CROP_WIDTH * plate.width / 2, CROP_HEIGHT * plate.width / 2
    box = Box(cx - w, cy - h, cx + w, cy + h).clipped(image.shape[1], image.shape[0])
    crop = image[int(box.y1) : int(box.y2), int(box.x1) : int(box.x2)]
    scale = min(1.0, max_side / max(crop.shape[:2]))
    if scale < 1.0:
        crop = cv2.resize(crop, None, fx=scale, fy=scale, interpolation=cv2.INTER_AREA)
    return crop


Prepare = Callable[[np.ndarray, Row], np.ndarray]


def run_set(reader: PlateReader, rows: list[Row], prepare: Prepare | None = None) -> list[Result]:
    out = []
    for row in rows:
        image = cv2.imread(str(row.image))
        if image is None:
            raise FileNotFoundError(row.image)
        if prepare is not None:
            image = prepare(image, row)
        t0 = time.perf_counter()
        reads = reader.read(image)
        out.append(Result(row.label, reads[0] if reads else None, (time.perf_counter() - t0) * 1000))
    return out


def accepted(r: Result, threshold: float) -> bool:
    return r.top is not None and r.top.valid and r.top.country == "IN" and r.top.confidence >= threshold


def exact(r: Result) -> bool:
    return r.top is not None and r.top.text == r.label


def summarise(name: str, results: list[Result], crops: list[Result], threshold: float) -> dict[str, str]:
    n = len(results)
    chars = sum(Levenshtein.normalized_similarity(r.top.text if r.top else "", r.label) for r in results)
    acc = [r for r in results if accepted(r, threshold)]
    return {
        "set": name,
        "n": str(n),
        "exact %": f"{100 * sum(map(exact, results)) / n:.1f}",
        "char acc %": f"{100 * chars / n:.1f}",
        "auto-accept cov %": f"{100 * len(acc) / n:.1f}",
        "auto-accept prec %": f"{100 * sum(map(exact, acc)) / len(acc):.1f}" if acc else "n/a",
        "median ms/image": f"{statistics.median(r.ms for r in results):.0f}",
        "vehicle-crop exact %": f"{100 * sum(map(exact, crops)) / len(crops):.1f}",
        "median ms/vehicle crop": f"{statistics.median(r.ms for r in crops):.0f}",
    }


def sweep(results: list[Result]) -> list[str]:
    lines = ["| threshold | coverage % | precision % |", "|---|---|---|"]
    for t in THRESHOLDS:
        acc = [r for r in results if accepted(r, t)]
        prec = f"{100 * sum(map(exact, acc)) / len(acc):.1f}" if acc else "n/a"
        lines.append(f"| {t:.2f} | {100 * len(acc) / len(results):.1f} | {prec} |")
    return lines


def table(rows: list[dict[str, str]]) -> list[str]:
    keys = list(rows[0])
    return ["| " + " | ".join(keys) + " |", "|" + "---|" * len(keys)] + [
        "| " + " | ".join(r[k] for k in keys) + " |" for r in rows
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--limit", type=int, default=None, help="at most N images per set (every k-th)")
    parser.add_argument("--sets", default=",".join(SETS))
    parser.add_argument("--no-write", action="store_true", help="print only; leave docs/BENCHMARKS.md")
    parser.add_argument("--misses", action="store_true", help="print every miss")
    repo = Path(__file__).resolve().parents[1]
    parser.add_argument("--out", type=Path, default=repo / "docs" / "BENCHMARKS.md")
    args = parser.parse_args()

    datasets = Settings.from_env().datasets_dir
    reader = PlateReader()
    summaries: list[dict[str, str]] = []
    indian: list[Result] = []
    for name in args.sets.split(","):
        rows = load_rows(datasets, name, args.limit)
        results = run_set(reader, rows)
        crops = run_set(reader, rows, lambda image, row: vehicle_crop(image, row.box))
        summaries.append(summarise(name, results, crops, AUTO_ACCEPT_THRESHOLD))
        print(" ".join(f"{k}={v}" for k, v in summaries[-1].items()), flush=True)
        if name.startswith("india"):
            indian += results + crops
        if args.misses:
            for where, res in (("image", results), ("crop", crops)):
                for r in res:
                    if not exact(r):
                        got = f"{r.top.text} {r.top.confidence:.2f} {r.top.raw!r}" if r.top else "-"
                        print(f"  miss ({where}): {r.label} -> {got}")
    body = [
        f"ANPR (`PlateReader`, rapidocr PP-OCRv6 small, CPU; top read only; AUTO_ACCEPT_THRESHOLD = "
        f"{AUTO_ACCEPT_THRESHOLD}). india_plates_dev: `certainty == sure` rows; "
        "openalpr_us_platecrops: labels `0` skipped. Auto-accept = valid Indian read with confidence at or "
        "above the threshold (US plates are never auto-accepted). Vehicle crop = the labelled plate's "
        f"centre, {CROP_WIDTH:g}x the plate width wide and {CROP_HEIGHT:g}x tall, clipped, shrunk to at most "
        f"{OCR_MAX_SIDE} px as the video pipeline does. Timings are wall-clock medians of `read` on a shared "
        "2-core machine. Reproduce: `python bench/anpr.py"
        + (f" --limit {args.limit}" if args.limit else "")
        + "`.",
        "",
        *table(summaries),
        "",
        NOTES,
    ]
    if indian:
        body += [
            "",
            "Auto-accept threshold sweep, Indian reads (whole images and vehicle crops, top read):",
            "",
            *sweep(indian),
        ]
    text = "\n".join(body)
    print(text)
    if not args.no_write:
        write_section(args.out, "anpr", text)


if __name__ == "__main__":
    main()
