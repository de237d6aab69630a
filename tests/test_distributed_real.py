"""`process --workers --chunk-seconds` with the real detector and plate reader on a generated clip
(real car photos): chunks on two Ray workers, stitched, give what one whole run gives."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from echallan.cli import app
from echallan.detection import YoloDetector
from echallan.scenarios import build, load_sprites

pytestmark = [pytest.mark.integration, pytest.mark.ray]


def run(tmp_path: Path, model_dir: Path, db: str, *args: str) -> dict[str, object]:
    base = ["--db", f"sqlite:///{tmp_path / db}", "--model-dir", str(model_dir)]
    result = CliRunner().invoke(app, [*base, "--evidence-dir", str(tmp_path / "ev"), *args, "--json"])
    assert result.exit_code == 0, result.output
    line = next(line for line in result.stdout.splitlines() if line.startswith("{"))
    summary: dict[str, object] = json.loads(line)
    return summary


def test_chunks_on_ray_workers_store_what_a_whole_run_stores(
    tmp_path: Path, model_dir: Path, datasets_dir: Path
) -> None:
    """The stop-line offender waits past the line from second 4 to the end: all three 4 s chunks see
    it stopped there, and stitching keeps one event. Running the chunks again (in one process) adds
    nothing: the same chunks give the same keys."""
    sprites = load_sprites(datasets_dir, YoloDetector(model_dir), cars=2, riders=1)
    video, camera, _ = build("stop_line", 0, sprites, tmp_path)
    text = camera.read_text(encoding="utf-8").replace("no_parking = true", "no_parking = false")
    camera.write_text(text.replace("triple_riding = true", "triple_riding = false"), encoding="utf-8")
    clip = ["process", str(video), "--camera", str(camera)]

    whole = run(tmp_path, model_dir, "whole.db", *clip)
    chunks = ["--chunk-seconds", "4", "--overlap-seconds", "3"]
    spread = run(tmp_path, model_dir, "spread.db", *clip, *chunks, "--workers", "2")
    assert whole["offences"] == spread["offences"] == ["stop_line"]
    assert whole["plates"] == spread["plates"] and whole["vehicles"] == spread["vehicles"]
    assert spread["new_events"] == 1

    again = run(tmp_path, model_dir, "spread.db", *clip, *chunks)
    assert again["offences"] == ["stop_line"] and again["new_events"] == 0
    verified = CliRunner().invoke(app, ["--db", f"sqlite:///{tmp_path / 'spread.db'}", "verify", "--json"])
    assert verified.exit_code == 0 and json.loads(verified.stdout)["problems"] == []
