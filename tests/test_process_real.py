"""`process` with the real detector on real traffic clips: vehicles are found and nothing crashes."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from echallan.cli import app

pytestmark = pytest.mark.integration

CAMERA = """
id = "REAL-1"
location = "Stock clip"
start_time = "2026-11-01T09:00:00"
frame_stride = {stride}
[stop_line]
a = [0, 200]
b = [2000, 200]
approach = [300, 330]
[signal]
region = [0, 0, 40, 40]
"""


# (clip, frame stride, vehicles that must be tracked). The intel clip looks straight down on a car
# park: the COCO detector seldom fires on roofs, so that clip only has to process cleanly.
CLIPS = [
    ("bench_1080p25_h264.mp4", 8, 3),
    ("echallan_traffic.mp4", 6, 3),
    ("echallan_traffic1.mp4", 4, 3),
    ("echallan_video6.mp4", 3, 3),
    ("intel_car-detection.mp4", 12, 0),
    ("opencv4nodejs_traffic.mp4", 12, 3),
]


def test_every_shared_clip_is_covered(datasets_dir: Path) -> None:
    assert {p.name for p in (datasets_dir / "traffic_clips").glob("*.mp4")} == {c for c, _, _ in CLIPS}


@pytest.mark.parametrize(("clip", "stride", "vehicles"), CLIPS)
def test_process_real_clip(
    tmp_path: Path, model_dir: Path, datasets_dir: Path, clip: str, stride: int, vehicles: int
) -> None:
    video = datasets_dir / "traffic_clips" / clip
    camera = tmp_path / "cam.toml"
    camera.write_text(CAMERA.format(stride=stride), encoding="utf-8")
    args = ["--db", f"sqlite:///{tmp_path / 'e.db'}", "--model-dir", str(model_dir)]
    args += ["--evidence-dir", str(tmp_path / "ev"), "process", str(video), "--camera", str(camera), "--json"]
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 0, result.output
    summary = json.loads(next(line for line in result.output.splitlines() if line.startswith("{")))
    assert summary["frames"] >= 10 and summary["problems"] == []
    assert summary["vehicles"] >= vehicles
