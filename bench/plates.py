"""Plate localisation benchmark: the text detector vs the trained plate detector, on HELD-OUT photos.

    python bench/plates.py [--limit N] [--no-write]

The plate sets are split by row of their labels.csv: even rows train the plate detector
(``scripts/train_plate_detector.py``), odd rows are held out for every number here. Per approach, on
the held-out half of openalpr_us and india_plates_dev, on whole photos and on vehicle crops (as
``bench/anpr.py`` cuts them): localisation recall and precision at IoU >= 0.5 against the labelled box
(a US photo labels one plate even where more are visible, so precision there is a floor), how often the
most confident box is the plate, and the reader end to end (``PlateReader`` with that localisation):
exact % and character accuracy of the top read (india: ``certainty == sure`` rows only) and the median
ms per image and per vehicle crop. Writes the section ``plates`` of docs/BENCHMARKS.md.
"""

from __future__ import annotations

import argparse
import csv
import os
import statistics
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

import cv2
import numpy as np
from rapidfuzz.distance import Levenshtein

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from anpr import Row, table, vehicle_crop
from report import notes, write_section

from echallan.anpr.localise import PlateLocaliser
from echallan.anpr.reader import PlateReader
from echallan.settings import Settings
from echallan.types import Box

SETS = ("openalpr_us", "india_plates_dev")
NOTES = notes(__file__)
IOU = 0.5
Half = Literal["train", "held"]


def split_rows(datasets: Path, name: str, half: Half) -> list[Row]:
    """The ``half`` of a plate set: even rows of labels.csv train, odd rows are held out.

    Every row keeps its box; ``label`` is empty where the text is unknown or not sure (box only).
    """
    rows = []
    with open(datasets / name / "labels.csv", newline="") as f:
        for i, r in enumerate(csv.DictReader(f)):
            if i % 2 != (0 if half == "train" else 1):
                continue
            text = r["plate_text"].strip()
            sure = text not in ("", "0") and r.get("certainty", "sure") == "sure"
            box = Box(*(float(r[k]) for k in ("x1", "y1", "x2", "y2")))
            rows.append(Row(datasets / name / "images" / r["image"], text if sure else "", box))
    return rows


def crop_box(image: np.ndarray, plate: Box) -> tuple[np.ndarray, Box]:
    """``vehicle_crop`` of ``image`` and where ``plate`` lies in it (the same cut of a mask of the box)."""
    mask = np.zeros(image.shape[:2], np.uint8)
    mask[int(plate.y1) : int(np.ceil(plate.y2)), int(plate.x1) : int(np.ceil(plate.x2))] = 255
    crop, cut = vehicle_crop(image, plate), vehicle_crop(mask, plate)
    ys, xs = np.nonzero(cut >= 128)
    return crop, Box(float(xs.min()), float(ys.min()), float(xs.max() + 1), float(ys.max() + 1))


@dataclass
class Tally:
    """Localisation and reading scores of one approach on one kind of picture (images or crops)."""

    plates: int = 0
    found: int = 0  # labelled plates with a located box at IoU >= 0.5
    top: int = 0  # ... where the most confident box is that one
    boxes: int = 0  # located boxes
    matched: int = 0  # located boxes at IoU >= 0.5 with the labelled plate
    labels: list[str] = field(default_factory=list)
    reads: list[str] = field(default_factory=list)
    ms: list[float] = field(default_factory=list)

    def locate(self, localiser: PlateLocaliser, image: np.ndarray, plate: Box) -> None:
        hits = [p.box.iou(plate) >= IOU for p in localiser.locate(image)]
        self.plates += 1
        self.found += any(hits)
        self.top += bool(hits) and hits[0]
        self.boxes += len(hits)
        self.matched += sum(hits)

    def read(self, reader: PlateReader, image: np.ndarray, label: str) -> None:
        t0 = time.perf_counter()
        reads = reader.read(image)
        self.ms.append((time.perf_counter() - t0) * 1000)
        if label:
            self.labels.append(label)
            self.reads.append(reads[0].text if reads else "")

    def row(self) -> dict[str, str]:
        n = len(self.labels)
        pairs = list(zip(self.reads, self.labels, strict=True))
        chars = sum(Levenshtein.normalized_similarity(r, lab) for r, lab in pairs)
        exact = sum(r == lab for r, lab in pairs)
        return {
            "n": f"{self.plates} / {n}",
            "recall %": pct(self.found, self.plates),
            "top-box hit %": pct(self.top, self.plates),
            "precision %": pct(self.matched, self.boxes),
            "exact %": pct(exact, n),
            "char acc %": f"{100 * chars / n:.1f}" if n else "n/a",
            "median ms": f"{statistics.median(self.ms):.0f}" if self.ms else "n/a",
        }


def pct(k: float, n: int) -> str:
    return f"{100 * k / n:.1f}" if n else "n/a"


@dataclass(frozen=True)
class Approach:
    name: str
    localiser: PlateLocaliser
    reader: PlateReader


def run(approaches: list[Approach], rows: list[Row], read: bool = True) -> dict[tuple[str, str], Tally]:
    """Every approach on every row's image and vehicle crop, the approaches' order alternating per row."""
    out = {(a.name, where): Tally() for a in approaches for where in ("image", "crop")}
    for i, row in enumerate(rows):
        image = cv2.imread(str(row.image))
        if image is None:
            raise FileNotFoundError(row.image)
        crop, in_crop = crop_box(image, row.box)
        for a in approaches if i % 2 == 0 else approaches[::-1]:
            for where, picture, plate in (("image", image, row.box), ("crop", crop, in_crop)):
                tally = out[(a.name, where)]
                tally.locate(a.localiser, picture, plate)
                if read:
                    tally.read(a.reader, picture, row.label)
    return out


def approaches() -> list[Approach]:
    from echallan.anpr.localise import TextDetLocaliser, YoloPlateLocaliser
    from echallan.anpr.ocr import RapidOcrBackend

    backend = RapidOcrBackend()
    yolo = YoloPlateLocaliser()
    return [
        Approach(
            "text detector (rapidocr det on the picture)",
            TextDetLocaliser(backend),
            PlateReader(backend, None),
        ),
        Approach("plate detector (trained YOLO, OpenVINO)", yolo, PlateReader(backend, yolo)),
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--limit", type=int, default=None, help="at most N held-out rows per set")
    parser.add_argument("--no-write", action="store_true", help="print only; leave docs/BENCHMARKS.md")
    repo = Path(__file__).resolve().parents[1]
    parser.add_argument("--out", type=Path, default=repo / "docs" / "BENCHMARKS.md")
    args = parser.parse_args()

    datasets = Settings.from_env().datasets_dir
    methods = approaches()
    load = os.getloadavg()[1]
    lines: list[dict[str, str]] = []
    for name in SETS:
        rows = split_rows(datasets, name, "held")[: args.limit]
        for (approach, where), tally in run(methods, rows).items():
            lines.append({"set": name, "picture": where, "approach": approach, **tally.row()})
            print(" ".join(f"{k}={v}" for k, v in lines[-1].items()), flush=True)
    body = [
        "Plate localisation, held-out half (odd rows of labels.csv; the even rows train the plate detector, "
        "`make plate-detector`). n = plates located / reads scored (india: `certainty == sure`). Recall, "
        f"top-box hit and precision at IoU >= {IOU} with the labelled box. Exact % and char acc % of the "
        "top read of `PlateReader` with that localisation (the text detector's row is the reader's text "
        "path, `localiser=None`). Vehicle crop as in bench/anpr.py. Median ms of `read` on a shared "
        f"2-core machine (5-minute load average {load:.1f} at the start, {os.getloadavg()[1]:.1f} at the "
        "end), approaches interleaved. Reproduce: `python bench/plates.py"
        + (f" --limit {args.limit}" if args.limit else "")
        + "`.",
        "",
        *table(lines),
        "",
        NOTES,
    ]
    text = "\n".join(body)
    print(text)
    if not args.no_write:
        write_section(args.out, "plates", text)


if __name__ == "__main__":
    main()
