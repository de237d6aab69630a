"""Write one benchmark's section into docs/BENCHMARKS.md between its markers, keeping the others."""

from __future__ import annotations

import os
import platform
from datetime import date
from pathlib import Path

HEADER = (
    "# Benchmarks\n\nWritten by the scripts in `bench/`; each section is replaced when its script runs. The "
    "notes under a section's table (what was tried and measured, what was kept or dropped, with dates) come "
    "from `bench/<name>_notes.md` beside its script.\n"
)


def notes(script: str) -> str:
    """The measurement notes printed under a benchmark's table: ``<script>_notes.md`` beside the script
    (what was tried, measured and kept or dropped, with dates; prose, not code)."""
    path = Path(script).with_name(Path(script).stem + "_notes.md")
    return path.read_text(encoding="utf-8").rstrip("\n")


# The widest vector instructions first: the flag in /proc/cpuinfo, and how the stamp names it.
VECTOR_LEVELS = (("avx512_vnni", "AVX-512 with VNNI"), ("avx512f", "AVX-512"), ("avx2", "AVX2"))


def cpu() -> str:
    """The CPU the numbers came from: its model name, the cores this process may use, and its widest vector
    instructions (this project's timings differ about threefold between a host with AVX-512 VNNI and one
    with AVX2 alone: docs/BENCHMARKS.md, `throughput`)."""
    info = Path("/proc/cpuinfo")
    text = info.read_text(encoding="utf-8", errors="replace") if info.exists() else ""
    fields = dict(
        (key.strip(), value.strip()) for key, _, value in (line.partition(":") for line in text.splitlines())
    )
    flags = set(fields.get("flags", "").split())
    vector = next((name for flag, name in VECTOR_LEVELS if flag in flags), "vector instructions unknown")
    model = fields.get("model name") or platform.processor() or platform.machine()
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    return f"{model}, {cores} cores, {vector}"


def write_section(path: Path, name: str, body: str) -> None:
    start, end = f"<!-- {name}:start -->", f"<!-- {name}:end -->"
    stamp = (
        f"_Measured {date.today().isoformat()} on {platform.machine()} ({cpu()}), "
        f"Python {platform.python_version()}._"
    )
    block = f"{start}\n{body.rstrip()}\n\n{stamp}\n{end}"
    text = path.read_text(encoding="utf-8") if path.exists() else HEADER
    if start in text and end in text:
        text = text[: text.index(start)] + block + text[text.index(end) + len(end) :]
    else:
        text = text.rstrip() + f"\n\n## {name}\n\n{block}\n"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
