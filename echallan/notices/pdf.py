"""Lay out one notice: the front page (A4) with everything the issue lists, and the back page.

Coordinates are millimetres from the page's TOP-left corner (the way a ruler is laid on a printed
sheet); ``Pen`` converts them to PDF points from the bottom-left.

What is the same on every notice of a batch (headings, labels, Hindi and English instructions,
the whole back page) is drawn once per PDF as a form XObject and placed on each page; only the
values are drawn per notice. That keeps a 10,000-notice batch fast and its PDF small.

The addressee block sits in the DIN 5008 form-B address field (``Envelope.window``), which shows
through the window of a DL (folded in three) or C5 (folded in half) window envelope.
"""

from __future__ import annotations

from dataclasses import dataclass

from reportlab import rl_config
from reportlab.graphics.barcode.code128 import Code128
from reportlab.lib import colors
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas

from echallan.notices.config import NoticeConfig, qr_payload
from echallan.notices.fonts import FontSet
from echallan.notices.pen import ALERT, GREY, PAGE_H_MM, PAGE_W_MM, PT_MM, Pen
from echallan.notices.photo import Photo, evidence_photo, plate_photo
from echallan.notices.qr import qr_matrix, qr_operators
from echallan.notices.static import (
    ADDRESS_SIZES,
    COL_W_MM,
    CROP,
    HASH_Y_MM,
    LEFT_X_MM,
    MARGIN_MM,
    PHOTO,
    QR,
    REF_W_MM,
    REF_X_MM,
    REF_Y_MM,
    RIGHT_X_MM,
    ROWS_MM,
    back_page,
    front_static,
    place_image,
)
from echallan.notices.text import format_amount, format_date, format_datetime, t, vehicle_class
from echallan.types import NoticeData

rl_config.useA85 = 0  # images as binary streams: ASCII85 in pure Python costs ~25 ms an image


@dataclass(frozen=True)
class Pictures:
    photo: Photo
    plate: Photo


def pictures(n: NoticeData) -> Pictures:
    """Read, check and prepare the notice's images; ``photo.problem`` says why it cannot be printed."""
    return Pictures(evidence_photo(n, PHOTO[2], PHOTO[3]), plate_photo(n.plate_crop_path, CROP[2], CROP[3]))


def address_lines(pen: Pen, n: NoticeData, width: float, room: float) -> tuple[float, list[str], list[str]]:
    """(size, name lines, address lines) fitting the window, or a problem key in place of the lines.

    Type shrinks before lines are dropped; the name must fit on one line and the last address line
    (town and PIN) is always kept. Returns size 0 when it cannot fit.
    """
    for size in ADDRESS_SIZES:
        name = pen.split(n.owner_name, "bold", size + 1, width)
        lines = pen.split(n.owner_address, "regular", size, width)
        if (len(name) + len(lines)) * size * PT_MM * 1.2 <= room:
            break
    if len(name) > 1:
        return 0.0, [], []
    fit = int(room // (size * PT_MM * 1.2)) - 1
    if len(lines) > fit:  # keep the first lines and the last (town and PIN)
        lines = [*lines[: fit - 1], lines[-1]]
    return size, name, lines


def _address(pen: Pen, n: NoticeData, cfg: NoticeConfig) -> None:
    x, y, w, h = cfg.envelope.window
    size, name, lines = address_lines(pen, n, w - 4, h - 8)
    leading = size * PT_MM * 1.2
    y += 6 + leading
    for line in name:
        pen.text(x + 2, y, line, "bold", size + 1)
        y += leading
    for line in lines:
        pen.text(x + 2, y, line, size=size)
        y += leading


class _Barcode(Code128):
    """Code 128 with its bars written directly, in bar-width units under one scaling matrix: reportlab
    formats four coordinates per bar through slow number formatting. Each bar stays a fill of its own
    (renderers snap a lone rectangle to device pixels, which keeps thin bars crisp on screen).
    Needs ``quiet=False``: bars then start at whole multiples of the bar width."""

    def draw(self) -> None:
        self._bars: list[str] = []
        super().draw()  # calls rect() for each bar
        self.canv.setFillColor(colors.black)
        scale = f"q {self.barWidth:.5f} 0 0 {self.barHeight:.5f} 0 0 cm"
        self.canv.addLiteral("\n".join([scale, *self._bars, "Q"]))

    def rect(self, x: float, y: float, w: float, h: float) -> None:
        self._bars.append(f"{round(x / self.barWidth)} 0 {round(w / self.barWidth)} 1 re f")


def _reference(pen: Pen, n: NoticeData) -> None:
    x, y, w = REF_X_MM + 4, REF_Y_MM, REF_W_MM - 8
    size = 15.0
    while size > 9 and pen.width(n.challan_number, "bold", size) > w:
        size -= 1
    pen.text(x, y + 12, n.challan_number, "bold", size)
    code = _Barcode(n.challan_number, barHeight=10 * mm, barWidth=0.33 * mm, humanReadable=False, quiet=False)
    if code.width > w * mm:
        bar = 0.33 * mm * w * mm / code.width
        code = _Barcode(n.challan_number, barHeight=10 * mm, barWidth=bar, humanReadable=False, quiet=False)
    code.drawOn(pen.c, x * mm, (PAGE_H_MM - y - 25) * mm)
    pen.text(x, y + 36.5, format_date(n.issued_on), size=10)
    pen.text(x + w / 2, y + 36.5, format_date(n.due_on), "bold", 10)


def _details(pen: Pen, n: NoticeData, currency: str, hindi: bool) -> None:
    def value(
        x: float,
        row: int,
        s: str,
        size: float = 9.5,
        role: str = "regular",
        lines: int = 1,
        shared: bool = False,
    ) -> None:
        pen.wrap(
            x, ROWS_MM[row] + 1.2 + size * PT_MM, COL_W_MM, s, role, size, max_lines=lines, shared=shared
        )

    vehicle = [vehicle_class(n.vehicle_class), n.vehicle_model, n.vehicle_colour]
    value(LEFT_X_MM, 0, n.plate, 15, "bold")
    value(LEFT_X_MM, 1, ", ".join(part for part in vehicle if part))
    offence = (
        n.offence_label if not (hindi and n.offence_label_hi) else f"{n.offence_label_hi} / {n.offence_label}"
    )
    value(LEFT_X_MM, 2, offence, 9.5, "bold", 2, shared=True)  # a few offences, shaped once
    value(LEFT_X_MM, 3, t("section_value", section=n.section))
    value(RIGHT_X_MM, 0, format_amount(n.amount_inr, currency), 15, "bold")
    value(RIGHT_X_MM, 1, format_datetime(n.occurred_at))
    value(RIGHT_X_MM, 2, n.location, lines=2)
    value(RIGHT_X_MM, 3, n.camera_id)


def _evidence(pen: Pen, n: NoticeData, pics: Pictures) -> None:
    x, y, w, h = PHOTO
    left, bottom, width = place_image(pen, x, y, w, h, pics.photo.image)
    band = 5.0
    pen.c.saveState()
    pen.c.setFillColor(colors.black, alpha=0.55)
    pen.c.rect(left * mm, (PAGE_H_MM - bottom) * mm, width * mm, band * mm, stroke=0, fill=1)
    pen.c.restoreState()
    stamp = f"{format_datetime(n.occurred_at)}  ·  {n.camera_id}"
    pen.text(left + 2, bottom - 1.6, stamp, "bold", 8, color=colors.white)
    cx, cy, cw, ch = CROP
    if pics.plate.image is not None:
        place_image(pen, cx, cy, cw, ch, pics.plate.image)
    else:
        pen.text(cx + cw / 2, cy + ch / 2 + 1, t("plate_missing"), size=8, align="center", color=GREY)
    pen.wrap(
        cx,
        cy + ch + 4.5,
        cw,
        t("recorded", moment=format_datetime(n.occurred_at), camera=n.camera_id),
        size=7,
    )
    label_w = pen.width(t("hash_label") + " ", size=6.5)
    pen.text(MARGIN_MM + label_w, HASH_Y_MM, n.evidence_sha256, "mono", 6.5)


def _qr(pen: Pen, n: NoticeData, cfg: NoticeConfig) -> None:
    x, y, size = QR
    matrix = qr_matrix(qr_payload(cfg.qr, n.challan_number, n.amount_inr))
    pen.c.setFillColor(colors.black)
    pen.c.addLiteral(qr_operators(matrix, x * mm, (PAGE_H_MM - y) * mm, size * mm))


def draw_notice(canvas: Canvas, n: NoticeData, cfg: NoticeConfig, fontset: FontSet, pics: Pictures) -> None:
    """Draw the notice's two pages (front, back) on the canvas, ending each with ``showPage``."""
    pen = Pen(canvas, fontset)
    canvas.doForm(front_static(pen, cfg))
    _address(pen, n, cfg)
    _reference(pen, n)
    _details(pen, n, fontset.currency, fontset.hindi)
    _evidence(pen, n, pics)
    _qr(pen, n, cfg)
    due = format_date(n.due_on)
    after = t("after_due", due=due)
    if fontset.hindi:
        after = t("after_due", "hi", due=due) + "\n" + after
    pen.wrap(MARGIN_MM, 262.0, 140.0, after, "bold", 8, color=ALERT, shared=True)  # one due date a batch
    ref = t("footer_ref", number=n.challan_number, page="{page}")
    pen.text(PAGE_W_MM - MARGIN_MM, PAGE_H_MM - 8.5, ref.format(page=1), size=7, align="right", color=GREY)
    canvas.showPage()
    canvas.doForm(back_page(pen, cfg))
    pen.text(PAGE_W_MM - MARGIN_MM, PAGE_H_MM - 8.5, ref.format(page=2), size=7, align="right", color=GREY)
    canvas.showPage()
