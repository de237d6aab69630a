"""Camera files: valid ones load, bad ones are refused naming the key."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from echallan.annotate import COLOURS, camera_overlay
from echallan.camera import REGION_MARGIN, detection_window, load_camera
from echallan.errors import ConfigError
from echallan.types import Box

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


REGION_CAMERA = (
    GOOD
    + """
[[lanes]]
name = "up"
polygon = [[100, 300], [600, 300], [600, 700], [100, 700]]
direction = [0, -1]
"""
)


def test_detection_region_is_the_whole_frame_unless_asked(tmp_path: Path) -> None:
    cam = load_camera(write(tmp_path, REGION_CAMERA))
    assert cam.detection_region is None and detection_window(cam, 1280, 720) is None
    framed = load_camera(write(tmp_path, 'detection_region = "frame"\n' + REGION_CAMERA))
    assert framed.detection_region is None


def test_auto_detection_region_wraps_the_geometry_with_a_margin(tmp_path: Path) -> None:
    cam = load_camera(write(tmp_path, 'detection_region = "auto"\n' + REGION_CAMERA))
    # stop line (0..1280 at y 400), approach (640, 700) and the lane (y 300..700)
    assert cam.detection_region == Box(0, 300, 1280, 700)
    # widened by REGION_MARGIN of the frame on every side, then clipped to it
    window = detection_window(cam, 1280, 2000)
    assert window == Box(0, 300 - REGION_MARGIN * 2000, 1280, 700 + REGION_MARGIN * 2000)
    assert detection_window(cam, 1280, 720) == Box(0, 300 - REGION_MARGIN * 720, 1280, 720)


def test_explicit_detection_region_is_used_as_given(tmp_path: Path) -> None:
    cam = load_camera(write(tmp_path, "detection_region = [0, 360, 1280, 720]\n" + REGION_CAMERA))
    assert detection_window(cam, 1280, 720) == Box(0, 360, 1280, 720)
    assert detection_window(cam, 640, 480) == Box(0, 360, 640, 480)  # clipped to a smaller frame
    assert detection_window(cam, 640, 300) is None  # nothing of it in view: the whole frame
    # a region that covers (nearly) the whole frame is the whole frame: no crop to gain from
    most = load_camera(write(tmp_path, "detection_region = [0, 20, 1280, 720]\n" + REGION_CAMERA))
    assert detection_window(most, 1280, 720) is None


@pytest.mark.parametrize("value", ['"lanes"', "[0, 360, 1280]", "[0, 720, 1280, 360]", "7"])
def test_bad_detection_region_names_the_key(tmp_path: Path, value: str) -> None:
    with pytest.raises(ConfigError, match="detection_region: must be"):
        load_camera(write(tmp_path, f"detection_region = {value}\n" + REGION_CAMERA))


def test_preview_draws_the_detection_region(tmp_path: Path) -> None:
    black = np.zeros((720, 1280, 3), np.uint8)
    cam = load_camera(write(tmp_path, "detection_region = [0, 360, 1280, 720]\n" + REGION_CAMERA))
    assert tuple(camera_overlay(black, cam)[364, 900]) == COLOURS["detection"]  # its top edge
    whole = camera_overlay(black, load_camera(write(tmp_path, REGION_CAMERA)))
    assert tuple(whole[364, 900]) == (0, 0, 0)
