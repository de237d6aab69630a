"""ANPR benchmark: run ``PlateReader`` over the plate datasets and report accuracy and speed.

    python bench/anpr.py [--limit N] [--sets india_plates_dev,openalpr_us] [--no-write]

Scores the TOP read only. Writes a markdown table into docs/BENCHMARKS.md between
``<!-- anpr:start -->`` and ``<!-- anpr:end -->`` and prints it, plus a threshold sweep for
india_plates_dev (how AUTO_ACCEPT_THRESHOLD was chosen).
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
from rapidfuzz.distance import Levenshtein

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from echallan.anpr import AUTO_ACCEPT_THRESHOLD, PlateReader
from echallan.settings import Settings
from echallan.types import PlateRead

SETS = ("openalpr_us", "openalpr_us_platecrops", "india_plates_dev")
START, END = "<!-- anpr:start -->", "<!-- anpr:end -->"


@dataclass(frozen=True)
class Row:
    image: Path
    label: str


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
            rows.append(Row(datasets / name / "images" / r["image"], label))
    if limit and len(rows) > limit:
        step = len(rows) / limit
        rows = [rows[int(i * step)] for i in range(limit)]
    return rows


def run_set(reader: PlateReader, rows: list[Row]) -> list[Result]:
    out = []
    for row in rows:
        image = cv2.imread(str(row.image))
        if image is None:
            raise FileNotFoundError(row.image)
        t0 = time.perf_counter()
        reads = reader.read(image)
        out.append(Result(row.label, reads[0] if reads else None, (time.perf_counter() - t0) * 1000))
    return out


def accepted(r: Result, threshold: float) -> bool:
    return r.top is not None and r.top.valid and r.top.country == "IN" and r.top.confidence >= threshold


def summarise(name: str, results: list[Result], threshold: float) -> dict[str, str]:
    n = len(results)
    exact = sum(r.top is not None and r.top.text == r.label for r in results)
    chars = sum(Levenshtein.normalized_similarity(r.top.text if r.top else "", r.label) for r in results)
    acc = [r for r in results if accepted(r, threshold)]
    acc_ok = sum(r.top is not None and r.top.text == r.label for r in acc)
    return {
        "set": name,
        "n": str(n),
        "exact %": f"{100 * exact / n:.1f}",
        "char acc %": f"{100 * chars / n:.1f}",
        "auto-accept cov %": f"{100 * len(acc) / n:.1f}",
        "auto-accept prec %": f"{100 * acc_ok / len(acc):.1f}" if acc else "n/a",
        "median ms/image": f"{statistics.median(r.ms for r in results):.0f}",
    }


def sweep(results: list[Result]) -> list[str]:
    lines = ["| threshold | coverage % | precision % |", "|---|---|---|"]
    for t in (0.5, 0.6, 0.7, 0.75, 0.8, 0.85, 0.88, 0.9, 0.92, 0.94, 0.96, 0.98):
        acc = [r for r in results if accepted(r, t)]
        ok = sum(r.top is not None and r.top.text == r.label for r in acc)
        prec = f"{100 * ok / len(acc):.1f}" if acc else "n/a"
        lines.append(f"| {t:.2f} | {100 * len(acc) / len(results):.1f} | {prec} |")
    return lines


def table(rows: list[dict[str, str]]) -> list[str]:
    keys = list(rows[0])
    return ["| " + " | ".join(keys) + " |", "|" + "---|" * len(keys)] + [
        "| " + " | ".join(r[k] for k in keys) + " |" for r in rows
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
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--limit", type=int, default=None, help="at most N images per set (every k-th)")
    parser.add_argument("--sets", default=",".join(SETS))
    parser.add_argument("--no-write", action="store_true", help="print only; leave docs/BENCHMARKS.md")
    repo = Path(__file__).resolve().parents[1]
    parser.add_argument("--out", type=Path, default=repo / "docs" / "BENCHMARKS.md")
    args = parser.parse_args()

    datasets = Settings.from_env().datasets_dir
    reader = PlateReader()
    summaries: list[dict[str, str]] = []
    sweep_lines: list[str] = []
    for name in args.sets.split(","):
        rows = load_rows(datasets, name, args.limit)
        results = run_set(reader, rows)
        summaries.append(summarise(name, results, AUTO_ACCEPT_THRESHOLD))
        print(" ".join(f"{k}={v}" for k, v in summaries[-1].items()), flush=True)
        if name == "india_plates_dev":
            sweep_lines = sweep(results)
            for r in results:
                if r.top is None or r.top.text != r.label:
                    got = f"{r.top.text} {r.top.confidence:.2f} valid={r.top.valid}" if r.top else "-"
                    print(f"  miss: {r.label} -> {got}")
    body = [
        f"ANPR (`PlateReader`, rapidocr PP-OCRv6, CPU; top read only; AUTO_ACCEPT_THRESHOLD = "
        f"{AUTO_ACCEPT_THRESHOLD}). india_plates_dev: `certainty == sure` rows; "
        "openalpr_us_platecrops: labels `0` skipped. Auto-accept = valid Indian read with confidence at or "
        "above the threshold (US plates are never auto-accepted). Reproduce: `python bench/anpr.py"
        + (f" --limit {args.limit}" if args.limit else "")
        + "`.",
        "",
        *table(summaries),
    ]
    if sweep_lines:
        body += ["", "Auto-accept threshold sweep, india_plates_dev (top read):", "", *sweep_lines]
    text = "\n".join(body)
    print(text)
    if not args.no_write:
        write_section(args.out, text)


if __name__ == "__main__":
    main()
