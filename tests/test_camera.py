"""Camera files: valid ones load, bad ones are refused naming the key."""

from __future__ import annotations

from pathlib import Path

import pytest

from echallan.camera import load_camera
from echallan.errors import ConfigError

GOOD = """
id = "CAM-1"
location = "MG Road x Brigade Road"
start_time = "2026-11-01T09:00:00"
[stop_line]
a = [0, 400]
b = [1280, 400]
approach = [640, 700]
[signal]
region = [1100, 20, 1160, 180]
"""


def write(tmp_path: Path, text: str) -> Path:
    p = tmp_path / "cam.toml"
    p.write_text(text, encoding="utf-8")
    return p


def test_good_file_loads_with_defaults(tmp_path: Path) -> None:
    cam = load_camera(write(tmp_path, GOOD))
    assert cam.id == "CAM-1"
    assert cam.frame_stride == 1 and cam.timezone == "Asia/Kolkata"
    assert cam.start_time is not None and cam.start_time.utcoffset() is not None
    assert cam.violations == {"red_light"}


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        ('id = "CAM-1"\n', "", "id: missing"),
        ("a = [0, 400]\n", "", "stop_line.a: missing"),
        ("a = [0, 400]", 'a = "left"', "stop_line.a: must be [x, y]"),
        ("region = [1100, 20, 1160, 180]", "region = [1160, 20, 1100, 180]", "signal.region: must be"),
        ("approach = [640, 700]", "approach = [640, 400]", "stop_line.approach: must not lie"),
        ('start_time = "2026-11-01T09:00:00"', 'start_time = "yesterday"', "start_time: not an ISO"),
    ],
)
def test_bad_file_names_the_key(tmp_path: Path, old: str, new: str, message: str) -> None:
    with pytest.raises(ConfigError, match=message.replace("[", r"\[")):
        load_camera(write(tmp_path, GOOD.replace(old, new)))


def test_not_toml_and_missing_file(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="not valid TOML"):
        load_camera(write(tmp_path, "id = "))
    with pytest.raises(ConfigError, match="not found"):
        load_camera(tmp_path / "nope.toml")


def test_the_documented_example_is_a_valid_camera_file(tmp_path: Path) -> None:
    """docs/CAMERA.md's example, every key in it, loads as written (the docs match the code)."""
    import re

    doc = (Path(__file__).resolve().parents[1] / "docs" / "CAMERA.md").read_text(encoding="utf-8")
    example = re.search(r"```toml\n(.*?)```", doc, re.S)
    assert example is not None
    (tmp_path / "signals").mkdir()
    (tmp_path / "signals" / "j1.csv").write_text("time,state\n2026-11-01T09:00:00+05:30,red\n")
    (tmp_path / "cam.toml").write_text(example.group(1), encoding="utf-8")
    cam = load_camera(tmp_path / "cam.toml")
    assert cam.gps == (12.9756, 77.6066) and cam.signal.log == tmp_path / "signals" / "j1.csv"
    assert len(cam.lanes) == 1 and len(cam.no_parking) == 1 and cam.speed_trap is not None
    assert cam.limits == {"default": 50.0, "motorcycle": 40.0, "bus": 40.0}
    assert {v.value for v in cam.violations} == {
        "red_light",
        "stop_line",
        "wrong_way",
        "over_speed",
        "no_parking",
        "triple_riding",
        "no_helmet",
    }
