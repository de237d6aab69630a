"""The demo end to end on SQLite with the real detector and OCR: a PDF notice with the right facts."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from pypdf import PdfReader
from typer.testing import CliRunner

from echallan.cli import app
from echallan.samples import OWNERS, VIOLATOR_PLATE

pytestmark = pytest.mark.integration


@pytest.fixture(scope="module")
def demo_run(tmp_path_factory: pytest.TempPathFactory, model_dir: Path) -> tuple[Path, str]:
    out = tmp_path_factory.mktemp("demo")
    result = CliRunner().invoke(app, ["--model-dir", str(model_dir), "demo", "--out-dir", str(out)])
    assert result.exit_code == 0, result.output
    return out, result.output


def test_demo_prints_a_notice_for_the_violator(demo_run: tuple[Path, str]) -> None:
    out, output = demo_run
    pdf = out / "notices.pdf"
    assert "Notice PDF" in output and pdf.exists()
    pages = PdfReader(pdf).pages
    # summary sheet (2 pages for duplex), then one notice (front, back): the lawful bus gets nothing
    assert len(pages) == 4
    text = pages[2].extract_text()
    owner = OWNERS[1]
    assert VIOLATOR_PLATE in text.replace(" ", "")
    assert owner[1] in text  # name
    assert "Indiranagar" in text and owner[6] in text  # address and PIN
    assert "184" in text and "5,000" in text  # section and fine
    assert "red light" in text.lower()


def test_demo_stores_one_event_with_hashed_evidence(demo_run: tuple[Path, str], model_dir: Path) -> None:
    out, _ = demo_run
    db = f"sqlite:///{out / 'echallan.db'}"
    runner = CliRunner()
    listed = runner.invoke(app, ["--db", db, "challans", "list", "--json"])
    assert listed.exit_code == 0, listed.output
    rows = [json.loads(line) for line in listed.output.splitlines() if line.startswith("{")]
    assert len(rows) == 1 and rows[0]["status"] == "printed" and rows[0]["plate"] == VIOLATOR_PLATE
    from echallan.records import list_events, open_db

    (stored,) = list_events(open_db(db))
    chars = stored["rule_inputs"]["plate_char_confidences"]  # shown to the reviewer
    assert "".join(c for c, _ in chars) == VIOLATOR_PLATE
    assert stored["rule_inputs"]["privacy"]["offender"]  # the notice boxes this vehicle

    # Processing the same video again adds no event and no challan.
    again = runner.invoke(
        app,
        [
            "--db",
            db,
            "--model-dir",
            str(model_dir),
            "--evidence-dir",
            str(out / "evidence"),
            "process",
            str(out / "demo_junction.mp4"),
            "--camera",
            str(out / "demo_camera.toml"),
            "--json",
        ],
    )
    assert again.exit_code == 0, again.output
    summary = json.loads(next(line for line in again.output.splitlines() if line.startswith("{")))
    assert summary["events"] == 1 and summary["new_events"] == 0
    assert summary["plates"] == [VIOLATOR_PLATE]
    issued = runner.invoke(app, ["--db", db, "challans", "issue", "--json"])
    assert json.loads(issued.output.strip().splitlines()[-1]) == {"issued": []}


def test_verify_reports_a_changed_byte_and_a_missing_file(demo_run: tuple[Path, str]) -> None:
    out, _ = demo_run
    db = ["--db", f"sqlite:///{out / 'echallan.db'}"]
    runner = CliRunner()
    clean = runner.invoke(app, [*db, "verify", "--json"])
    report = json.loads(clean.output.strip().splitlines()[-1])
    assert clean.exit_code == 0 and report["checked"] >= 5 and report["problems"] == []

    files = sorted((out / "evidence").rglob("*.png"))
    altered, missing = files[0], files[1]
    altered.chmod(0o644)  # evidence is written read-only
    data = bytearray(altered.read_bytes())
    data[len(data) // 2] ^= 0x01
    altered.write_bytes(bytes(data))
    missing.unlink()
    broken = runner.invoke(app, [*db, "verify", "--json"])
    problems = {
        p["path"]: p["problem"] for p in json.loads(broken.output.strip().splitlines()[-1])["problems"]
    }
    assert broken.exit_code == 1
    assert problems == {str(altered): "altered", str(missing): "missing"}
