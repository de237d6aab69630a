"""Print a batch: notices checked and drawn in worker processes, a part file per chunk, merged in order.

Memory stays flat whatever the batch size: a worker holds one chunk's pages (``chunk_notices``), the
parent copies each finished part into the output (one part in memory at a time) while the workers
draw the next ones, and otherwise only holds the notices' data and the results.
A notice that cannot be printed (no address, a name too long for the envelope window, a missing or
altered evidence file) is skipped with its reason, listed on the summary page, and the batch goes on.
"""

from __future__ import annotations

import csv
import logging
import multiprocessing
import os
import tempfile
from collections.abc import Iterable, Iterator, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass, field
from itertools import islice
from pathlib import Path

import cv2
from reportlab.lib.pagesizes import A4
from reportlab.pdfgen.canvas import Canvas

from echallan.errors import InputError
from echallan.notices.config import NoticeConfig
from echallan.notices.fonts import fonts
from echallan.notices.merge import StreamingMerge
from echallan.notices.pdf import address_lines, draw_notice, pictures
from echallan.notices.pen import Pen
from echallan.notices.summary import draw_summary
from echallan.notices.text import t
from echallan.types import NoticeData

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Skip:
    """A notice left out of the batch; ``reason`` is a key of ``text.SKIP_REASONS``."""

    challan_number: str
    pin: str
    reason: str


@dataclass
class BatchReport:
    printed: list[str] = field(default_factory=list)  # challan numbers, in PDF order
    skipped: list[Skip] = field(default_factory=list)
    pages: int = 0

    @property
    def count(self) -> int:
        return len(self.printed)


def check_text(pen: Pen, n: NoticeData, cfg: NoticeConfig) -> str | None:
    """Why the notice's addressee cannot be printed in the window, or None."""
    if not n.owner_address.strip() or not n.owner_name.strip():
        return "no_address"
    _, _, width, height = cfg.envelope.window
    size, _, lines = address_lines(pen, n, width - 4, height - 8)
    if size == 0:
        return "name_too_long"
    return None if lines else "address_too_long"


def _chunk(notices: Sequence[NoticeData], part: Path, cfg: NoticeConfig) -> tuple[list[str], list[Skip]]:
    """Draw one chunk into ``part`` (not written when every notice was skipped)."""
    fontset = fonts()
    canvas = Canvas(str(part), pagesize=A4, pageCompression=1)
    canvas.setTitle(t("title"))
    canvas.setAuthor(cfg.authority.unit)
    pen = Pen(canvas, fontset)
    printed: list[str] = []
    skipped: list[Skip] = []
    for n in notices:
        problem = check_text(pen, n, cfg)
        pics = pictures(n) if problem is None else None
        problem = problem or (pics.photo.problem if pics else None)
        if problem is not None or pics is None:
            log.warning("notice %s skipped: %s", n.challan_number, problem)  # no personal data in logs
            skipped.append(Skip(n.challan_number, n.owner_pin, problem or "evidence_missing"))
            continue
        draw_notice(canvas, n, cfg, fontset, pics)
        printed.append(n.challan_number)
    if printed:
        canvas.save()
    return printed, skipped


def _batches(notices: Iterable[NoticeData], size: int) -> Iterator[list[NoticeData]]:
    it = iter(notices)
    while batch := list(islice(it, size)):
        yield batch


def _one_thread() -> None:
    """Worker set-up: the workers already use every core, so OpenCV's own threads would only contend."""
    cv2.setNumThreads(1)


def _render_parts(
    notices: Iterable[NoticeData], folder: Path, cfg: NoticeConfig, jobs: int
) -> Iterator[tuple[Path, list[str], list[Skip]]]:
    """(part file, printed, skipped) per chunk, in input order; at most 2 x jobs chunks in flight."""
    batches = enumerate(_batches(notices, cfg.chunk_notices))
    if jobs <= 1:
        for i, batch in batches:
            part = folder / f"part{i:05d}.pdf"
            yield part, *_chunk(batch, part, cfg)
        return
    context = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(max_workers=jobs, mp_context=context, initializer=_one_thread) as pool:
        pending: list[tuple[Path, Future[tuple[list[str], list[Skip]]]]] = []
        for i, batch in batches:
            part = folder / f"part{i:05d}.pdf"
            pending.append((part, pool.submit(_chunk, batch, part, cfg)))
            while len(pending) >= 2 * jobs:
                done, future = pending.pop(0)
                yield done, *future.result()
        for done, future in pending:
            yield done, *future.result()


def render_notices(
    notices: Iterable[NoticeData], out: Path, config: NoticeConfig | None = None, jobs: int | None = None
) -> BatchReport:
    """Write a summary page and every printable notice (two pages each) into the PDF ``out``.

    Notices are printed in the order given (the records stage sorts them by PIN). The file is
    written under a temporary name and renamed at the end, so ``out`` is never left half-written.
    With no notices at all, nothing is written.
    """
    cfg = config or NoticeConfig()
    out = Path(out)
    try:
        out.parent.mkdir(parents=True, exist_ok=True)
    except OSError as err:
        raise InputError(f"cannot create the output directory {out.parent}: {err.strerror or err}") from err
    report = BatchReport()
    tmp = out.with_name(out.name + ".part")
    try:
        with tempfile.TemporaryDirectory(prefix="notices-", dir=out.parent) as folder, open(tmp, "wb") as fh:
            merge = StreamingMerge(fh)
            for part, printed, skipped in _render_parts(notices, Path(folder), cfg, jobs or cfg.jobs):
                report.printed += printed
                report.skipped += skipped
                if printed:  # copied while the workers draw the next parts, then deleted
                    merge.add(part)
                    part.unlink()
            if not report.printed and not report.skipped:
                fh.close()
                tmp.unlink()
                return report
            summary = Path(folder) / "summary.pdf"
            draw_summary(summary, report.count, report.skipped, cfg)
            merge.add(summary, front=True)
            report.pages = merge.finish()
        os.replace(tmp, out)
    except OSError as err:
        tmp.unlink(missing_ok=True)
        raise InputError(f"cannot write the notices PDF {out}: {err.strerror or err}") from err
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    return report


def write_manifest(path: Path, notices: Iterable[NoticeData], printed: Sequence[str]) -> int:
    """The mailing list for the post office, in PDF order: serial, challan, name, address, PIN."""
    order = {number: i for i, number in enumerate(printed)}
    rows = sorted((n for n in notices if n.challan_number in order), key=lambda n: order[n.challan_number])
    with open(path, "w", newline="", encoding="utf-8") as fh:
        writer = csv.writer(fh)
        writer.writerow(["serial", "challan_number", "name", "address", "pin"])
        for serial, n in enumerate(rows, 1):
            address = ", ".join(line.strip() for line in n.owner_address.split("\n") if line.strip())
            writer.writerow([serial, n.challan_number, n.owner_name, address, n.owner_pin])
    return len(rows)
