"""Lay out notices on A4, one page each, into one PDF.

Coordinates below are millimetres from the page's TOP-left corner (the way a ruler is laid on a
printed sheet); ``Pen`` converts them to PDF points from the bottom-left.

The addressee block sits in the DIN 5008 form-B address field (20 mm from the left, 45 mm from the
top, 85 x 45 mm). Folded in three at the fold marks (105 mm and 210 mm from the top), the sheet fits
a DL window envelope (110 x 220 mm, window 90 x 45 mm placed 20 mm from the left and 15 mm from the
bottom) with the address showing through the window.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from reportlab.graphics.barcode.code128 import Code128
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.lib.utils import ImageReader
from reportlab.pdfgen.canvas import Canvas

from echallan.errors import InputError
from echallan.notices.fonts import FontSet, fonts
from echallan.notices.pen import ALERT, GREY, PAGE_H_MM, PAGE_W_MM, PT_MM, Pen, draw_image, load_image
from echallan.notices.text import format_amount, format_date, format_datetime, t, vehicle_class
from echallan.types import NoticeData

log = logging.getLogger(__name__)

MARGIN_MM = 15.0
CONTENT_W_MM = PAGE_W_MM - 2 * MARGIN_MM

# DIN 5008 form-B address field = the window of a DL window envelope once folded at FOLD_MARKS_MM.
WINDOW_X_MM, WINDOW_Y_MM, WINDOW_W_MM, WINDOW_H_MM = 20.0, 45.0, 85.0, 45.0
WINDOW_RETURN_H_MM = 5.0  # top strip of the field: return address in small print
FOLD_MARKS_MM = (105.0, 210.0)
PUNCH_MARK_MM = PAGE_H_MM / 2

# Reference block (challan number, barcode, dates) beside the window.
REF_X_MM, REF_Y_MM, REF_W_MM, REF_H_MM = 115.0, 42.0, 80.0, 46.0

# Sections, top to bottom. The evidence photo shrinks if long details push it down.
DETAILS_Y_MM = 102.0
EVIDENCE_Y_MM = 160.0  # at the earliest
INSTRUCTIONS_Y_MM = 248.0
PHOTO_X_MM, PHOTO_W_MM, PHOTO_H_MM = MARGIN_MM, 115.0, 115.0 * 9 / 16
PHOTO_BOTTOM_MM = INSTRUCTIONS_Y_MM - 14  # room for the SHA-256 line and a possible warning line
CROP_X_MM, CROP_W_MM, CROP_H_MM = 137.0, 58.0, 24.0


@dataclass(frozen=True)
class Authority:
    """Who issues the notice; printed in the header, return address and contest text."""

    state: str = "Karnataka"
    district: str = "Bengaluru"
    unit: str = "Traffic Police, Bengaluru City"


def _header(pen: Pen, auth: Authority) -> None:
    pen.text(MARGIN_MM, 16, auth.unit, "bold", 15)
    pen.text(MARGIN_MM, 22, t("authority_sub", district=auth.district, state=auth.state), size=10, color=GREY)
    pen.text(PAGE_W_MM / 2, 32, t("title"), "bold", 14, "center")
    pen.rule(MARGIN_MM, 35, PAGE_W_MM - MARGIN_MM, 1.0)
    for y in FOLD_MARKS_MM:
        pen.rule(3, y, 8, 0.4, GREY)
    pen.rule(3, PUNCH_MARK_MM, 6, 0.4, GREY)


def _address(pen: Pen, n: NoticeData, auth: Authority) -> None:
    """Name and address inside the window; shrink the type before dropping lines, and never drop the PIN."""
    x, w = WINDOW_X_MM + 2, WINDOW_W_MM - 4
    ret = t("return_to", unit=auth.unit, district=auth.district, state=auth.state)
    pen.wrap(x, WINDOW_Y_MM + 3, w, ret, size=6, max_lines=1, color=GREY)
    pen.rule(x, WINDOW_Y_MM + WINDOW_RETURN_H_MM - 0.8, x + w, 0.3, GREY)
    address = n.owner_address
    if n.owner_pin and n.owner_pin not in address:
        address += f"\nPIN {n.owner_pin}"
    room = WINDOW_H_MM - WINDOW_RETURN_H_MM - 2  # from the first cap height to the last descender
    for size in (10.0, 9.0, 8.0, 7.0):
        leading = size * PT_MM * 1.2
        name = pen.split(n.owner_name, "bold", size + 1, w)[:2]
        lines = pen.split(address, "regular", size, w)
        if (len(name) + len(lines)) * leading <= room:
            break
    fit = max(1, int(room // leading) - len(name))
    if len(lines) > fit:  # keep the first lines and the last (town and PIN)
        lines = [*lines[: fit - 1], lines[-1]] if fit > 1 else lines[-1:]
    y = WINDOW_Y_MM + WINDOW_RETURN_H_MM + 1 + leading
    for line in name:
        pen.text(x, y, line, "bold", size + 1)
        y += leading
    for line in lines:
        pen.text(x, y, line, size=size)
        y += leading


def _reference(pen: Pen, n: NoticeData) -> None:
    x, y, w = REF_X_MM, REF_Y_MM, REF_W_MM
    pen.box(x, y, w, REF_H_MM)
    x, w = x + 4, w - 8
    pen.text(x, y + 5.5, t("challan_no"), size=7.5, color=GREY)
    size = 16.0
    while size > 9 and pen.c.stringWidth(n.challan_number, pen.f.bold, size) > w * mm:
        size -= 1
    pen.text(x, y + 12.5, n.challan_number, "bold", size)
    bar_width = 0.33 * mm
    code = Code128(n.challan_number, barHeight=11 * mm, barWidth=bar_width, humanReadable=False, quiet=False)
    if code.width > w * mm:
        code = Code128(
            n.challan_number,
            barHeight=11 * mm,
            barWidth=bar_width * w * mm / code.width,
            humanReadable=False,
            quiet=False,
        )
    code.drawOn(pen.c, x * mm, (PAGE_H_MM - y - 27.5) * mm)
    pen.text(x, y + 35, t("issued_on"), size=7.5, color=GREY)
    pen.text(x, y + 40, format_date(n.issued_on), size=10)
    pen.text(x + w / 2, y + 35, t("due_on"), size=7.5, color=GREY)
    pen.text(x + w / 2, y + 40, format_date(n.due_on), "bold", 10)


def _details(pen: Pen, n: NoticeData, y0: float) -> float:
    pen.text(MARGIN_MM, y0, t("section_offence"), "bold", 11)
    pen.rule(MARGIN_MM, y0 + 1.5, PAGE_W_MM - MARGIN_MM, 0.5)
    col_w = CONTENT_W_MM / 2 - 5
    lx, rx = MARGIN_MM, MARGIN_MM + CONTENT_W_MM / 2 + 5
    ly = pen.field(lx, y0 + 7, col_w, t("vehicle_number"), n.plate, 18, "bold", 1)
    ly = pen.field(lx, ly, col_w, t("vehicle_class"), vehicle_class(n.vehicle_class))
    ly = pen.field(lx, ly, col_w, t("offence"), n.offence_label, role="bold")
    ry = pen.field(rx, y0 + 7, col_w, t("fine"), format_amount(n.amount_inr, pen.f.currency), 18, "bold", 1)
    ry = pen.field(rx, ry, col_w, t("occurred_at"), format_datetime(n.occurred_at))
    ry = pen.field(rx, ry, col_w, t("location"), n.location)
    ry = pen.field(rx, ry, col_w, t("camera"), n.camera_id, max_lines=1)
    ly = pen.field(lx, ly, col_w, t("section"), t("section_value", section=n.section))
    return max(ly, ry)


def _evidence(pen: Pen, n: NoticeData, y0: float) -> None:
    pen.text(MARGIN_MM, y0, t("section_evidence"), "bold", 11)
    pen.rule(MARGIN_MM, y0 + 1.5, PAGE_W_MM - MARGIN_MM, 0.5)
    top = y0 + 5
    photo_h = min(PHOTO_H_MM, PHOTO_BOTTOM_MM - top)
    photo, problem, hash_ok = load_image(n.evidence_path, PHOTO_W_MM, photo_h, n.evidence_sha256)
    if problem:
        log.warning("notice %s: %s (%s)", n.challan_number, t(problem).lower(), n.evidence_path)
    draw_image(pen, PHOTO_X_MM, top, PHOTO_W_MM, photo_h, photo, problem)
    pen.text(CROP_X_MM, top + 2.5, t("plate_crop"), size=7.5, color=GREY)
    crop: ImageReader | None = None
    crop_problem: str | None = "plate_missing"
    if n.plate_crop_path:
        crop, bad, _ = load_image(n.plate_crop_path, CROP_W_MM, CROP_H_MM)
        crop_problem = "plate_missing" if bad else None
    draw_image(pen, CROP_X_MM, top + 4, CROP_W_MM, CROP_H_MM, crop, crop_problem, size=8)
    pen.wrap(CROP_X_MM, top + 4 + CROP_H_MM + 6, CROP_W_MM, t("evidence_note"), size=7, color=GREY)
    hash_y = top + photo_h + 4
    label = t("hash_label")
    pen.text(MARGIN_MM, hash_y, label, size=7, color=GREY)
    label_w = pen.c.stringWidth(label + " ", pen.f.regular, 7) / mm
    pen.text(MARGIN_MM + label_w, hash_y, n.evidence_sha256, "mono", 7)
    if not hash_ok:
        log.warning("notice %s: evidence file does not match its SHA-256", n.challan_number)
        pen.text(MARGIN_MM, hash_y + 3.5, t("hash_mismatch"), "bold", 7, color=ALERT)


def _instructions(pen: Pen, auth: Authority, y0: float) -> None:
    col_w = CONTENT_W_MM / 2 - 5
    for x, title, body in (
        (MARGIN_MM, t("pay_title"), t("pay_body")),
        (MARGIN_MM + CONTENT_W_MM / 2 + 5, t("contest_title"), t("contest_body", unit=auth.unit)),
    ):
        pen.text(x, y0, title, "bold", 10)
        pen.wrap(x, y0 + 4.5, col_w, body, size=8, max_lines=7)


def _footer(pen: Pen, n: NoticeData, auth: Authority) -> None:
    y = PAGE_H_MM - 12
    pen.rule(MARGIN_MM, y - 4, PAGE_W_MM - MARGIN_MM, 0.4, GREY)
    pen.text(MARGIN_MM, y, t("footer"), size=7, color=GREY)
    pen.text(
        PAGE_W_MM - MARGIN_MM, y, t("footer_ref", number=n.challan_number), size=7, align="right", color=GREY
    )
    pen.text(
        MARGIN_MM,
        y + 3.5,
        t("authority_sub", district=auth.district, state=auth.state) + " · " + auth.unit,
        size=7,
        color=GREY,
    )


def draw_notice(canvas: Canvas, notice: NoticeData, authority: Authority, fontset: FontSet) -> None:
    """Draw one notice on the canvas's current page (the caller calls ``showPage``)."""
    pen = Pen(canvas, fontset)
    _header(pen, authority)
    _address(pen, notice, authority)
    _reference(pen, notice)
    y = _details(pen, notice, DETAILS_Y_MM)
    _evidence(pen, notice, max(EVIDENCE_Y_MM, y + 3))
    _instructions(pen, authority, INSTRUCTIONS_Y_MM)
    _footer(pen, notice, authority)


def render_notices(notices: Iterable[NoticeData], out: Path, authority: Authority | None = None) -> int:
    """Write every notice, one A4 page each, into the PDF ``out``; return how many were written.

    Notices are drawn as the iterable yields them. The file is written under a temporary name and
    renamed at the end, so ``out`` is never left half-written. With no notices, nothing is written.
    """
    out = Path(out)
    auth = authority or Authority()
    try:
        out.parent.mkdir(parents=True, exist_ok=True)
    except OSError as err:
        raise InputError(f"cannot create the output directory {out.parent}: {err.strerror or err}") from err
    part = out.with_name(out.name + ".part")
    fontset = fonts()
    canvas: Canvas | None = None
    count = 0
    try:
        for notice in notices:
            if canvas is None:
                canvas = Canvas(str(part), pagesize=A4, pageCompression=1)
                canvas.setTitle(t("title"))
                canvas.setAuthor(auth.unit)
            draw_notice(canvas, notice, auth, fontset)
            canvas.showPage()
            count += 1
        if canvas is None:
            return 0
        canvas.save()
        os.replace(part, out)
    except OSError as err:
        part.unlink(missing_ok=True)
        raise InputError(f"cannot write the notices PDF {out}: {err.strerror or err}") from err
    except BaseException:
        part.unlink(missing_ok=True)
        raise
    return count
