"""Synthetic plates: valid texts, every style and layout, determinism, labels, pasting, the CLI.

The integration test reads clean generated plates with the real rapidocr reader (floor below the
measured rate, see FLOOR).
"""

from __future__ import annotations

import csv
from pathlib import Path

import cv2
import numpy as np
import pytest
from typer.testing import CliRunner

from echallan.anpr.degrade import DEGRADATIONS
from echallan.anpr.grammar import interpret
from echallan.anpr.synth import (
    LABEL_HEADER,
    STYLES,
    SynthPlate,
    generate,
    paste_plate,
    plate_groups,
    plate_lines,
    random_plate_text,
    render_plate,
)
from echallan.cli import app
from echallan.errors import InputError
from echallan.types import Layout


def _rng(seed: int = 0) -> np.random.Generator:
    return np.random.default_rng(seed)


def _inside(plate: SynthPlate) -> bool:
    h, w = plate.image.shape[:2]
    return all(-1 <= x <= w + 1 and -1 <= y <= h + 1 for x, y in plate.quad)


def test_random_texts_are_valid_and_cover_every_kind() -> None:
    rng = _rng()
    texts = [random_plate_text(rng) for _ in range(600)]
    for t in texts:
        parsed = interpret(t)
        assert parsed.valid and parsed.text == t, t
    kinds = {interpret(t).kind for t in texts}
    assert kinds == {"standard", "temporary", "bh"}
    assert any(t.startswith("DL") and t[3].isalpha() for t in texts)  # Delhi: DL3C...
    assert any(t[0] == "T" and t[1].isdigit() for t in texts)  # new temporary T0424KA1234AB
    assert any(t[:2] in {"TG", "CT", "OR", "UA", "UT"} for t in texts)  # legacy codes
    bh = [t for t in texts if interpret(t).kind == "bh"]
    assert bh and not any(c in "IO" for t in bh for c in t[8:])


@pytest.mark.parametrize(
    ("text", "groups", "two_line"),
    [
        ("MH12AB1234", ["MH", "12", "AB", "1234"], [["MH", "12"], ["AB", "1234"]]),
        ("GJ051869", ["GJ", "05", "1869"], [["GJ", "05"], ["1869"]]),
        ("22BH1234AA", ["22", "BH", "1234", "AA"], [["22", "BH"], ["1234", "AA"]]),
        ("DL3CCA1750", ["DL", "3", "CCA", "1750"], [["DL", "3"], ["CCA", "1750"]]),
    ],
)
def test_groups_and_lines(text: str, groups: list[str], two_line: list[list[str]]) -> None:
    assert plate_groups(text) == groups
    assert plate_lines(text, Layout.ONE_LINE) == [groups]
    assert plate_lines(text, Layout.TWO_LINE) == two_line
    assert "".join(g for line in two_line for g in line) == text  # top line then bottom line


@pytest.mark.parametrize("style", list(STYLES))
@pytest.mark.parametrize("layout", list(Layout))
def test_every_style_and_layout_renders(style: str, layout: Layout) -> None:
    for degrade in (False, True):
        plate = render_plate("MH12AB1234", _rng(3), style=style, layout=layout, degrade=degrade)
        assert plate.image.dtype == np.uint8 and plate.image.ndim == 3 and plate.image.shape[2] == 3
        assert (plate.text, plate.style, plate.layout) == ("MH12AB1234", style, layout)
        assert len(plate.quad) == 4 and _inside(plate)
        box = plate.box
        aspect = box.width / box.height
        if not degrade:
            assert (4.0 < aspect < 4.6) if layout == Layout.ONE_LINE else (1.8 < aspect < 2.2)
            assert box.x1 > 0 and box.y1 > 0  # a margin of background around the plate


def test_plate_colours_follow_the_style() -> None:
    for style, (plate_rgb, _) in STYLES.items():
        plate = render_plate("KA01A1234", _rng(), style=style, layout=Layout.ONE_LINE, degrade=False)
        b = plate.box
        # just inside the top border, right of the IND strip: plate colour, BGR
        y, x = int(b.y1 + 0.1 * b.height), int(b.x1 + 0.5 * b.width)
        pixel = plate.image[y, x].astype(int)
        assert np.abs(pixel - plate_rgb[::-1]).max() < 40, (style, pixel)


def test_render_is_deterministic_and_degradations_vary() -> None:
    a, b = render_plate("RJ27TC0530", _rng(7)), render_plate("RJ27TC0530", _rng(7))
    assert np.array_equal(a.image, b.image) and a.quad == b.quad and a.degradations == b.degradations
    seen = {d for s in range(60) for d in render_plate("RJ27TC0530", _rng(s)).degradations}
    assert seen == {name for name, _, _ in DEGRADATIONS} - {"exposure"}


def test_render_rejects_bad_input() -> None:
    with pytest.raises(InputError, match="style"):
        render_plate("MH12AB1234", _rng(), style="purple")
    with pytest.raises(InputError, match="empty"):
        render_plate(" - ", _rng())


def test_paste_box_is_inside_and_covers_the_plate() -> None:
    scene = np.full((360, 640, 3), 90, np.uint8)
    for seed in range(20):
        rng = _rng(seed)
        plate = render_plate(random_plate_text(rng), rng)
        out, box = paste_plate(scene, plate, rng, width=200 if seed % 2 else None)
        assert out.shape == scene.shape and not np.array_equal(out, scene)
        assert np.array_equal(scene, np.full_like(scene, 90))  # the caller's scene is untouched
        assert 0 <= box.x1 < box.x2 <= 640 and 0 <= box.y1 < box.y2 <= 360
        if seed % 2:
            assert 180 <= box.width <= 230
        changed = np.argwhere(np.abs(out.astype(int) - 90).sum(axis=2) > 30)
        (y1, x1), (y2, x2) = changed.min(axis=0), changed.max(axis=0)
        assert box.x1 - 2 <= x1 and x2 <= box.x2 + 2 and box.y1 - 2 <= y1 and y2 <= box.y2 + 2


def _labels(path: Path) -> list[dict[str, str]]:
    with open(path, newline="") as f:
        reader = csv.DictReader(f)
        assert tuple(reader.fieldnames or ()) == LABEL_HEADER
        return list(reader)


def test_generate_writes_images_and_labels_deterministically(tmp_path: Path) -> None:
    labels = generate(tmp_path / "a", 6, seed=5)
    again = generate(tmp_path / "b", 6, seed=5)
    other = generate(tmp_path / "c", 6, seed=6)
    rows = _labels(labels)
    assert labels == tmp_path / "a" / "labels.csv" and len(rows) == 6
    assert labels.read_text() == again.read_text() != other.read_text()
    for row in rows:
        img = cv2.imread(str(tmp_path / "a" / "images" / row["image"]))
        assert img is not None
        a, b = img, cv2.imread(str(tmp_path / "b" / "images" / row["image"]))
        assert b is not None
        assert np.array_equal(a, b)
        assert interpret(row["plate_text"]).valid and row["plate_text"].isalnum()
        x1, y1, x2, y2 = (int(row[k]) for k in ("x1", "y1", "x2", "y2"))
        assert 0 <= x1 < x2 <= img.shape[1] and 0 <= y1 < y2 <= img.shape[0]
        assert row["layout"] in {"one_line", "two_line"} and row["style"] in STYLES


def test_generate_on_backgrounds(tmp_path: Path) -> None:
    bg = tmp_path / "scene.jpg"
    cv2.imwrite(str(bg), np.full((300, 500, 3), 128, np.uint8))
    rows = _labels(generate(tmp_path / "out", 3, seed=1, backgrounds=[bg]))
    for row in rows:
        img = cv2.imread(str(tmp_path / "out" / "images" / row["image"]))
        assert img is not None and img.shape == (300, 500, 3)
        assert 0 <= int(row["x1"]) < int(row["x2"]) <= 500
    with pytest.raises(InputError, match="cannot read"):
        generate(tmp_path / "bad", 1, backgrounds=[tmp_path / "missing.png"])


def test_cli_generate(tmp_path: Path) -> None:
    runner = CliRunner()
    result = runner.invoke(app, ["plates", "generate", str(tmp_path / "set"), "--count", "3", "--json"])
    assert result.exit_code == 0, result.output
    assert '"count": 3' in result.stdout
    assert len(_labels(tmp_path / "set" / "labels.csv")) == 3
    empty = tmp_path / "empty"
    empty.mkdir()
    result = runner.invoke(app, ["plates", "generate", str(tmp_path / "x"), "--backgrounds", str(empty)])
    assert result.exit_code == 2 and "no background images" in result.output
    help_text = runner.invoke(app, ["plates", "generate", "--help"]).output
    assert "--backgrounds" in help_text and "labels.csv" in help_text


# Measured 2026-11-22 (rapidocr via PlateReader, seeds [7, 0..19], degrade=False): 19/20 exact; on 100
# clean plates 97 %. The floor leaves room for one or two more misses, not for a broken reader or renderer.
FLOOR = 0.8


@pytest.mark.integration
def test_real_reader_reads_clean_synthetic_plates() -> None:
    from echallan.anpr import PlateReader

    reader = PlateReader()
    exact = 0
    for i in range(20):
        rng = np.random.default_rng([7, i])
        plate = render_plate(random_plate_text(rng), rng, degrade=False)
        reads = reader.read(plate.image)
        exact += bool(reads) and reads[0].text == plate.text
    assert exact / 20 >= FLOOR, f"{exact}/20 clean synthetic plates read exactly"


@pytest.mark.integration
def test_real_reader_never_auto_accepts_a_misread_degraded_plate() -> None:
    """Degraded plates (``bench/stress.py``'s seeds): what is auto-accepted is right. Among them, two-line
    plates whose upright IND strip was read into the number (UP57ANI4783, auto-accepted) or kept the
    rows apart (25BH, TG85)."""
    from echallan.anpr import AUTO_ACCEPT_THRESHOLD, PlateReader

    reader = PlateReader()
    for i in [331, 133, 212, 138, *range(40)]:
        rng = np.random.default_rng([2026, i])
        plate = render_plate(random_plate_text(rng), rng)
        reads = reader.read(plate.image)
        if i in (331, 133, 212, 138):
            assert reads and reads[0].text == plate.text, (i, plate.text, reads[:1])
        if reads and reads[0].auto_accept(AUTO_ACCEPT_THRESHOLD):
            assert reads[0].text == plate.text, (i, plate.text, plate.degradations)


def test_a_synthetic_registration_number_is_never_0000() -> None:
    """``_number`` draws 4 digits again on 0000 (no vehicle carries it), otherwise as ``_digits`` would."""
    from echallan.anpr.synth import _number

    class Zeros:
        """Draws 0000 first, then 1234."""

        def __init__(self) -> None:
            self.draws = [np.zeros(4, int), np.array([1, 2, 3, 4])]

        def integers(self, low: int, high: int, size: int) -> np.ndarray:
            return self.draws.pop(0)

    assert _number(Zeros()) == "1234"  # type: ignore[arg-type]
    assert _number(np.random.default_rng(7)) == "".join(map(str, np.random.default_rng(7).integers(0, 10, 4)))
