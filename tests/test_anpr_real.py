"""PlateReader with the real rapidocr backend on real photos (fixed, deterministic subsets).

Floors are the exact-match rates measured on these subsets (india ~94 %, us ~71 %, crops 47 %) minus a
margin; the TOP read must equal the label.
"""

from __future__ import annotations

import csv
from pathlib import Path

import numpy as np
import pytest

from echallan.anpr import AUTO_ACCEPT_THRESHOLD, PlateReader
from echallan.settings import Settings
from echallan.types import Layout

pytestmark = pytest.mark.integration

DATASETS = Settings.from_env().datasets_dir


def _rows(name: str, step: int) -> list[tuple[Path, str]]:
    path = DATASETS / name / "labels.csv"
    if not path.exists():
        pytest.skip(f"dataset {name} not found under {DATASETS}")
    rows: list[tuple[Path, str]] = []
    seen: set[str] = set()
    with open(path, newline="") as f:
        for r in csv.DictReader(f):
            label = r["plate_text"].strip()
            if not label or label == "0" or r.get("certainty", "sure") != "sure" or r["image"] in seen:
                continue
            seen.add(r["image"])
            rows.append((DATASETS / name / "images" / r["image"], label))
    return rows[::step]


@pytest.fixture(scope="module")
def reader() -> PlateReader:
    pytest.importorskip("rapidocr")
    return PlateReader()


def _exact_rate(reader: PlateReader, rows: list[tuple[Path, str]]) -> tuple[float, list[str]]:
    import cv2

    misses = []
    for path, label in rows:
        image = cv2.imread(str(path))
        assert image is not None, path
        reads = reader.read(image)
        top = reads[0].text if reads else ""
        if top != label:
            misses.append(f"{path.name}: {label} -> {top}")
    return 1 - len(misses) / len(rows), misses


@pytest.mark.parametrize(
    ("name", "step", "floor"),
    [
        ("india_plates_dev", 4, 0.85),
        ("openalpr_us", 8, 0.60),
        ("openalpr_us_platecrops", 40, 0.40),
    ],
)
def test_exact_match_rate(reader: PlateReader, name: str, step: int, floor: float) -> None:
    rows = _rows(name, step)
    rate, misses = _exact_rate(reader, rows)
    assert rate >= floor, f"{name}: {rate:.1%} exact over {len(rows)} (floor {floor:.0%}); misses: {misses}"


def _render_plate(lines: list[str]) -> np.ndarray:
    import reportlab
    from PIL import Image, ImageDraw, ImageFont

    font = ImageFont.truetype(str(Path(reportlab.__file__).parent / "fonts" / "VeraBd.ttf"), 64)
    w, h = 520, 30 + 80 * len(lines)
    im = Image.new("RGB", (w, h), "white")
    draw = ImageDraw.Draw(im)
    draw.rectangle([3, 3, w - 4, h - 4], outline="black", width=5)
    for i, text in enumerate(lines):
        tw = draw.textlength(text, font=font)
        draw.text(((w - tw) / 2, 18 + i * 80), text, fill="black", font=font)
    plate = np.array(im)[:, :, ::-1]
    scene = np.random.default_rng(0).integers(60, 120, (600, 900, 3), dtype=np.uint8)
    scene[300 : 300 + h, 200 : 200 + w] = plate
    return scene


@pytest.mark.parametrize(
    ("lines", "expected", "layout"),
    [
        (["MH 12 AB 1234"], "MH12AB1234", Layout.ONE_LINE),
        (["22 BH 1234 AA"], "22BH1234AA", Layout.ONE_LINE),
        (["KA 05", "HS 4495"], "KA05HS4495", Layout.TWO_LINE),
    ],
)
def test_synthetic_plate(reader: PlateReader, lines: list[str], expected: str, layout: Layout) -> None:
    reads = reader.read(_render_plate(lines))
    assert reads, "nothing read"
    top = reads[0]
    assert (top.text, top.valid, top.country, top.layout) == (expected, True, "IN", layout)
    assert top.confidence >= AUTO_ACCEPT_THRESHOLD
    assert top.box is not None
    box = top.box
    assert box.x1 >= 190 and box.x2 <= 730 and box.y1 >= 290 and box.y2 <= 300 + 30 + 80 * len(lines)


def test_blank_image_reads_nothing(reader: PlateReader) -> None:
    assert reader.read(np.full((240, 320, 3), 128, np.uint8)) == []
