"""OCR backends: the factory (no models), and each real backend on real plates (integration).

The integration floors are the counts measured on these fixed rows minus a margin (2026-11-22, plate
boxes of the first 12 sure one-line india_plates_dev rows with a margin of half the plate's height:
rapidocr 10 of 12, easyocr 7 of 12), so a backend that stops reading plates fails here.
"""

from __future__ import annotations

import csv
from pathlib import Path

import numpy as np
import pytest
from typer.testing import CliRunner

from echallan.anpr import BACKENDS, DEFAULT_BACKEND, OcrBackend, Recogniser, make_backend, normalise
from echallan.cli import app
from echallan.errors import ConfigError

ROWS = 12
# O/0 and I/1 count as the same: the plate grammar resolves them by position (KAO31351 -> KA031351)
CONFUSABLE = str.maketrans("OI", "01")
FLOORS = {"rapidocr": 9, "easyocr": 6}  # plates read (up to O/0, I/1) of ROWS


def test_registry_names_both_backends_and_the_default() -> None:
    assert set(BACKENDS) == {"rapidocr", "easyocr"}
    assert DEFAULT_BACKEND in BACKENDS


def test_unknown_backend_is_a_config_error_naming_the_choices() -> None:
    with pytest.raises(ConfigError, match="unknown OCR backend 'tesseract': choose one of easyocr, rapidocr"):
        make_backend("tesseract")


def test_cli_unknown_backend_is_one_line(tmp_path: Path) -> None:
    result = CliRunner().invoke(app, ["anpr", str(tmp_path / "car.jpg"), "--backend", "tesseract"])
    assert result.exit_code == 2
    assert "Traceback" not in result.output
    assert "unknown OCR backend 'tesseract'" in result.output


# --------------------------------------------------------------------------- real weights, real plates


def _plate_crops(datasets: Path) -> list[tuple[str, np.ndarray]]:
    """The first ``ROWS`` sure one-line Indian plates, each cut out with half its height as margin."""
    import cv2

    folder = datasets / "india_plates_dev"
    out: list[tuple[str, np.ndarray]] = []
    with open(folder / "labels.csv", newline="") as f:
        for r in csv.DictReader(f):
            if r["certainty"] != "sure" or r["layout"] != "one_line" or not r["plate_text"]:
                continue
            image = cv2.imread(str(folder / "images" / r["image"]))
            assert image is not None, r["image"]
            x1, y1, x2, y2 = (int(float(r[k])) for k in ("x1", "y1", "x2", "y2"))
            m = (y2 - y1) // 2
            out.append((r["plate_text"], image[max(0, y1 - m) : y2 + m, max(0, x1 - m) : x2 + m]))
            if len(out) == ROWS:
                break
    return out


@pytest.fixture(scope="module", params=sorted(BACKENDS))
def named_backend(request: pytest.FixtureRequest) -> tuple[str, OcrBackend]:
    return request.param, make_backend(request.param)


@pytest.mark.integration
def test_reads_real_plates(named_backend: tuple[str, OcrBackend], datasets_dir: Path) -> None:
    name, backend = named_backend
    misses = []
    crops = _plate_crops(datasets_dir)
    for label, crop in crops:
        lines = sorted(backend.predict(crop), key=lambda ln: ln.box.x1)
        text = "".join(normalise(ln.text) for ln in lines)
        if label.translate(CONFUSABLE) not in text.translate(CONFUSABLE):
            misses.append(f"{label} -> {text}")
    read = len(crops) - len(misses)
    assert read >= FLOORS[name], (
        f"{name}: {read} of {len(crops)} plates read (floor {FLOORS[name]}); {misses}"
    )


@pytest.mark.integration
def test_recognises_a_line_with_per_character_confidences(named_backend: tuple[str, OcrBackend]) -> None:
    from echallan.samples import render_plate

    backend = named_backend[1]
    assert isinstance(backend, Recogniser)
    # inside its printed border: easyocr reads a border at the end of a line as a 7 or 1 (KA01AB12347)
    line = backend.recognise(render_plate("KA01AB1234")[4:-4, 4:-4])
    assert normalise(line.text) == "KA01AB1234"
    assert len(line.char_confidences) == len(line.text)
    assert all(0.0 < c <= 1.0 for c in line.char_confidences)
