"""Notice printing throughput and memory: N synthetic notices through ``render_notices``.

Usage: ``python bench/notices.py [N] [--jobs 2]``. Writes its table into docs/BENCHMARKS.md
(section "notices"). Peak RSS is of this process and of its worker processes (getrusage). The CPU
time of all processes per notice is reported too: on shared cores the wall-clock rate depends on
the other load (the 1-minute load average is shown), while CPU time per notice does not.
"""

from __future__ import annotations

import argparse
import hashlib
import os
import resource
import sys
import tempfile
import time
from pathlib import Path

import cv2
import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
from report import write_section

from echallan.notices import NoticeConfig, render_notices
from echallan.types import NoticeData

FRAMES = 50  # distinct 1280x720 evidence frames, reused round-robin


def _frames(folder: Path) -> list[tuple[str, str, str]]:
    rng = np.random.default_rng(7)
    out = []
    for i in range(FRAMES):
        img = (rng.random((720, 1280, 3)) * 60 + 80).astype(np.uint8)
        cv2.rectangle(img, (400 + i, 300), (760 + i, 600), (30, 30, 200), -1)
        cv2.rectangle(img, (900, 350), (1180, 560), (200, 120, 30), -1)
        frame, plate = folder / f"f{i}.png", folder / f"p{i}.png"
        cv2.imwrite(str(frame), img)
        cv2.imwrite(str(plate), img[540:590, 450:700])
        out.append((str(frame), hashlib.sha256(frame.read_bytes()).hexdigest(), str(plate)))
    return out


def notices(count: int, frames: list[tuple[str, str, str]]) -> list[NoticeData]:
    result = []
    for i in range(count):
        frame, sha, plate = frames[i % len(frames)]
        result.append(
            NoticeData(
                challan_number=f"KA-BLR-2025-{i:06d}",
                issued_on="2025-03-14",
                due_on="2025-05-13",
                offence="red_light",
                offence_label="Jumping a red light",
                section="184",
                amount_inr=5000,
                occurred_at="2025-03-12T14:32:05+05:30",
                camera_id="CAM-BLR-011",
                location="MG Road / Brigade Road junction, Bengaluru",
                plate=f"KA01AB{i % 10000:04d}",
                vehicle_class="car",
                owner_name=f"Owner {i} Gowda",
                owner_address=f"No. {i}, 3rd Cross\nIndiranagar\nBengaluru, Karnataka - {560001 + i % 90}",
                owner_pin=str(560001 + i % 90),
                evidence_path=frame,
                evidence_sha256=sha,
                plate_crop_path=plate,
                offence_label_hi="लाल बत्ती का उल्लंघन",
                vehicle_model="Maruti Suzuki Swift",
                vehicle_colour="White",
                offender_box=(400, 300, 760, 600),
                privacy_vehicles=((900, 350, 1180, 560),),
                privacy_persons=((200, 300, 260, 500),),
            )
        )
    return result


def _cpu_seconds() -> float:
    """User + system time of this process and of its finished (waited-for) children."""
    own, children = (resource.getrusage(who) for who in (resource.RUSAGE_SELF, resource.RUSAGE_CHILDREN))
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("count", nargs="?", type=int, default=10_000)
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--chunk", type=int, default=250)
    parser.add_argument("--no-write", action="store_true")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        batch = notices(args.count, _frames(folder))
        out = folder / "notices.pdf"
        load_start, cpu_start = os.getloadavg()[0], _cpu_seconds()
        start = time.perf_counter()
        report = render_notices(batch, out, NoticeConfig(chunk_notices=args.chunk), jobs=args.jobs)
        seconds = time.perf_counter() - start
        cpu_ms = (_cpu_seconds() - cpu_start) / args.count * 1000
        load_end = os.getloadavg()[0]
        size_mb = out.stat().st_size / 1e6
    rss_self = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    rss_workers = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    row = (
        f"| {args.count} | {args.jobs} | {args.chunk} | {report.pages} | {seconds:.0f} | "
        f"{args.count / seconds:.1f} | {cpu_ms:.1f} | {load_start:.1f} / {load_end:.1f} | {os.cpu_count()} | "
        f"{rss_self:.0f} | {rss_workers:.0f} | {size_mb:.0f} |"
    )
    print(row)
    if args.no_write:
        return
    body = (
        "Notice printing (`render_notices`): synthetic notices, 1280x720 PNG evidence (hash-checked, "
        "privacy-blurred, boxed, re-encoded at 200 dpi), bilingual text shaped by HarfBuzz, QR + Code128; "
        "part files of `chunk` notices merged by the streaming merger. Peak RSS from getrusage: the parent "
        "(merge) and the largest worker. CPU ms/notice: user + system time of all processes over the "
        "notices; with `jobs` cores to itself the rate approaches jobs x 1000 / that. The cores may be "
        "shared: load is the 1-minute load average at the start and end of the run. "
        "Reproduce: `python bench/notices.py 10000 --jobs 2`.\n\n"
        "| notices | jobs | chunk | pages | seconds | notices/s | CPU ms/notice | load | cores "
        "| peak RSS parent MB | peak RSS worker MB | PDF MB |\n"
        "|---|---|---|---|---|---|---|---|---|---|---|---|\n" + row
    )
    write_section(Path(__file__).resolve().parent.parent / "docs" / "BENCHMARKS.md", "notices", body)


if __name__ == "__main__":
    main()
