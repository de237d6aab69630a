"""The batch's first sheet: counts and every skipped notice with its reason (office use, English).

No owner's personal data is printed here: a skipped notice is named by challan number and PIN.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

from reportlab.lib.pagesizes import A4
from reportlab.pdfgen.canvas import Canvas

from echallan.notices.config import NoticeConfig
from echallan.notices.fonts import fonts
from echallan.notices.pen import GREY, PAGE_H_MM, Pen
from echallan.notices.text import SKIP_REASONS

if TYPE_CHECKING:
    from echallan.notices.render import Skip


def draw_summary(path: Path, printed: int, skipped: Sequence[Skip], cfg: NoticeConfig) -> int:
    """Write the summary to ``path``, padded to an even page count for duplex; return the pages."""
    canvas = Canvas(str(path), pagesize=A4, pageCompression=1)
    pen = Pen(canvas, fonts())
    pen.text(15, 20, "Notice batch summary", "bold", 16)
    a = cfg.authority
    pen.text(15, 27, f"{a.unit}, {a.district}, {a.state} · printed {datetime.now():%d-%m-%Y %H:%M}", size=9)
    lines = [
        f"Notices printed: {printed} ({2 * printed} pages, duplex, one sheet each)",
        f"Notices skipped: {len(skipped)} (not marked printed; fix the data and print again)",
        f"Envelope: {cfg.envelope.name} window; notices are sorted by PIN code.",
    ]
    y = 38.0
    for line in lines:
        pen.text(15, y, line, size=11)
        y += 6.5
    for reason, count in sorted(Counter(s.reason for s in skipped).items()):
        pen.text(20, y, f"{count} × {SKIP_REASONS.get(reason, reason)}", size=10)
        y += 5.5
    pages = 1
    rows = list(skipped)
    y += 4
    while rows:
        if y > PAGE_H_MM - 25:
            canvas.showPage()
            pages += 1
            y = 20.0
        pen.text(15, y, "Challan", "bold", 9)
        pen.text(75, y, "PIN", "bold", 9)
        pen.text(95, y, "Reason skipped", "bold", 9)
        y += 5.5
        while rows and y <= PAGE_H_MM - 20:
            s = rows.pop(0)
            pen.text(15, y, s.challan_number, "mono", 8.5)
            pen.text(75, y, s.pin, "mono", 8.5)
            pen.text(95, y, SKIP_REASONS.get(s.reason, s.reason), size=8.5, color=GREY)
            y += 5
        y = PAGE_H_MM  # next rows start a new page
    canvas.showPage()
    if pages % 2:
        pen.text(105, PAGE_H_MM / 2, "(intentionally blank)", size=8, align="center", color=GREY)
        canvas.showPage()
        pages += 1
    canvas.save()
    return pages
