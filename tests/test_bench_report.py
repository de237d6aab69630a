"""bench/report.py replaces one benchmark's section of docs/BENCHMARKS.md, keeps the others, and says
which CPU measured it (timings differ about threefold between hosts with and without AVX-512 VNNI)."""

from __future__ import annotations

from pathlib import Path
from types import ModuleType

import pytest

from echallan.testing import bench_script


@pytest.fixture(scope="module")
def report() -> ModuleType:
    return bench_script("report")


def test_a_section_is_replaced_and_the_others_kept(report: ModuleType, tmp_path: Path) -> None:
    doc = tmp_path / "BENCHMARKS.md"
    report.write_section(doc, "anpr", "| old |")
    report.write_section(doc, "throughput", "| fps |")
    report.write_section(doc, "anpr", "| new |")
    text = doc.read_text(encoding="utf-8")
    assert "| new |" in text and "| old |" not in text
    assert "| fps |" in text
    assert text.count("<!-- anpr:start -->") == 1 and text.index("## anpr") < text.index("## throughput")


def test_the_stamp_names_the_cpu(report: ModuleType, tmp_path: Path) -> None:
    doc = tmp_path / "BENCHMARKS.md"
    report.write_section(doc, "anpr", "| table |")
    lines = doc.read_text(encoding="utf-8").splitlines()
    stamp = next(line for line in lines if line.startswith("_Measured"))
    assert report.cpu() in stamp
    assert " cores, " in report.cpu()
