"""Write one benchmark's section into docs/BENCHMARKS.md between its markers, keeping the others."""

from __future__ import annotations

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


def write_section(path: Path, name: str, body: str) -> None:
    start, end = f"<!-- {name}:start -->", f"<!-- {name}:end -->"
    stamp = (
        f"_Measured {date.today().isoformat()} on {platform.machine()}, Python {platform.python_version()}._"
    )
    block = f"{start}\n{body.rstrip()}\n\n{stamp}\n{end}"
    text = path.read_text(encoding="utf-8") if path.exists() else HEADER
    if start in text and end in text:
        text = text[: text.index(start)] + block + text[text.index(end) + len(end) :]
    else:
        text = text.rstrip() + f"\n\n## {name}\n\n{block}\n"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
