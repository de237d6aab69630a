"""Every command explains itself, and bad input gives one line and a non-zero exit, no traceback."""

from __future__ import annotations

import json
import socket
from pathlib import Path

import pytest
from typer.main import get_command
from typer.testing import CliRunner, Result

from echallan.cli import app

runner = CliRunner()
README = (Path(__file__).parents[1] / "README.md").read_text(encoding="utf-8")


def all_commands() -> list[list[str]]:
    root = get_command(app)
    paths = []
    for name, cmd in root.commands.items():  # type: ignore[attr-defined]
        if hasattr(cmd, "commands"):
            paths += [[name, sub] for sub in cmd.commands]
        else:
            paths.append([name])
    return paths


@pytest.mark.parametrize("path", all_commands(), ids=" ".join)
def test_every_command_has_help_and_is_documented(path: list[str]) -> None:
    result = runner.invoke(app, [*path, "--help"])
    assert result.exit_code == 0
    assert "Usage" in result.output and len(result.output) > 200
    assert f"echallan {' '.join(path)}" in README


def one_line_error(result: Result, text: str) -> None:
    assert result.exit_code != 0
    assert "Traceback" not in result.output
    assert text in result.output


def test_camera_check_summarises_a_good_file_and_refuses_a_bad_one(tmp_path: Path, demo_camera: Path) -> None:
    result = runner.invoke(app, ["camera", "check", str(demo_camera), "--json"])
    assert result.exit_code == 0, result.output
    summary = json.loads(result.output)
    assert summary["rules"] and summary["detection_region"] == "frame"
    cam = tmp_path / "c.toml"
    cam.write_text('detection_region = "lanes"\n' + demo_camera.read_text(encoding="utf-8"), encoding="utf-8")
    one_line_error(runner.invoke(app, ["camera", "check", str(cam)]), "detection_region: must be")


def test_missing_camera_key(tmp_path: Path) -> None:
    cam = tmp_path / "c.toml"
    cam.write_text('id = "X"\nlocation = "Y"\n', encoding="utf-8")
    video = tmp_path / "v.mp4"
    video.write_bytes(b"x")
    one_line_error(runner.invoke(app, ["process", str(video), "--camera", str(cam)]), "stop_line: missing")


def test_missing_model_dir_names_file_and_setting(tmp_path: Path, demo_camera: Path) -> None:
    video = tmp_path / "v.mp4"
    video.write_bytes(b"x")
    result = runner.invoke(
        app, ["--model-dir", str(tmp_path / "nowhere"), "process", str(video), "--camera", str(demo_camera)]
    )
    one_line_error(result, "yolo11n_int8_openvino_model")
    assert "ECHALLAN_MODEL_DIR" in result.output


@pytest.mark.integration
@pytest.mark.parametrize(
    ("content", "message"),
    [(None, "video not found"), (b"", "video is empty"), (b"\x00garbage" * 500, "cannot decode video")],
)
def test_bad_video(
    tmp_path: Path, model_dir: Path, demo_camera: Path, content: bytes | None, message: str
) -> None:
    video = tmp_path / "v.mp4"
    if content is not None:
        video.write_bytes(content)
    args = ["--db", f"sqlite:///{tmp_path / 'e.db'}", "--model-dir", str(model_dir)]
    one_line_error(runner.invoke(app, [*args, "process", str(video), "--camera", str(demo_camera)]), message)


@pytest.mark.integration
def test_unreadable_image(tmp_path: Path) -> None:
    bad = tmp_path / "broken.jpg"
    bad.write_bytes(b"not a jpeg")
    one_line_error(runner.invoke(app, ["anpr", str(bad), "--json"]), "cannot read image")


def test_owner_csv_with_bad_row_imports_the_good_ones(tmp_path: Path) -> None:
    csv_file = tmp_path / "owners.csv"
    csv_file.write_text(
        "registration,name,relation_name,address,district,state,pin,mobile,vehicle_class,maker_model,colour\n"
        "KA01AB1234,Ramesh Kumar,,No. 14 Indiranagar,Bengaluru,Karnataka,560038,,car,,\n"
        "KA02CD5678,Sita Rao,,12 Jayanagar,Bengaluru,Karnataka,56A001,,car,,\n"
        "KA03EF9012,Arjun Das,,7 Malleshwaram,Bengaluru,Karnataka,560003,,car,,\n",
        encoding="utf-8",
    )
    db = ["--db", f"sqlite:///{tmp_path / 'e.db'}"]
    result = runner.invoke(app, [*db, "owners", "import", str(csv_file)])
    one_line_error(result, "line 3")
    listed = runner.invoke(app, [*db, "owners", "list", "--json"])
    regs = {json.loads(line)["registration"] for line in listed.output.splitlines() if line.startswith("{")}
    assert regs == {"KA01AB1234", "KA03EF9012"}


def test_owner_csv_missing(tmp_path: Path) -> None:
    result = runner.invoke(app, ["--db", f"sqlite:///{tmp_path / 'e.db'}", "owners", "import", "nope.csv"])
    one_line_error(result, "nope.csv")


def test_review_serve_refuses_an_address_it_cannot_listen_on(tmp_path: Path) -> None:
    db = ["--db", f"sqlite:///{tmp_path / 'r.db'}"]
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = str(taken.getsockname()[1])
        one_line_error(
            runner.invoke(app, [*db, "review", "serve", "--port", port]), f"cannot listen on 127.0.0.1:{port}"
        )
    result = runner.invoke(app, [*db, "review", "serve", "--port", "99999"])
    assert result.exit_code == 2 and "Traceback" not in result.output
