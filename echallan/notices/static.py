"""What every notice of a batch shares, drawn once per PDF as form XObjects: the front page's
headings, labels and instructions, and the whole back page. Values are drawn over them by ``pdf``.
"""

from __future__ import annotations

import logging

from reportlab.lib.units import mm
from reportlab.lib.utils import ImageReader

from echallan.notices.config import NoticeConfig
from echallan.notices.pen import ALERT, GREY, LIGHT, PAGE_H_MM, PAGE_W_MM, Pen, form
from echallan.notices.text import bi, t

log = logging.getLogger(__name__)

MARGIN_MM = 15.0
CONTENT_W_MM = PAGE_W_MM - 2 * MARGIN_MM
ADDRESS_SIZES = (10.0, 9.0, 8.0, 7.0)
LOGO_MM = 18.0

# Geometry shared with ``pdf``, mm from the top-left.
REF_X_MM, REF_Y_MM, REF_W_MM = 115.0, 38.0, 80.0
COL_W_MM = 85.0
LEFT_X_MM, RIGHT_X_MM = MARGIN_MM, 110.0
ROWS_MM = (103.0, 113.5, 124.0, 135.0)  # label baselines of the four detail rows
PHOTO = (MARGIN_MM, 151.5, 115.0, 115.0 * 9 / 16)  # x, y, w, h
CROP = (137.0, 156.5, 58.0, 24.0)
HASH_Y_MM = 221.0
QR = (163.0, 226.0, 32.0)  # x, y, size


def place_image(
    pen: Pen, x: float, y: float, w: float, h: float, image: ImageReader | None
) -> tuple[float, float, float]:
    """Draw ``image`` fitted and centred in the box; return its (left, bottom, width) in mm."""
    if image is None:
        pen.box(x, y, w, h, color=ALERT)
        return x, y + h, w
    iw, ih = image.getSize()
    scale = min(w / iw, h / ih)
    dw, dh = iw * scale, ih * scale
    left, top = x + (w - dw) / 2, y + (h - dh) / 2
    pen.c.drawImage(image, left * mm, (PAGE_H_MM - top - dh) * mm, dw * mm, dh * mm)
    return left, top + dh, dw


def _header(pen: Pen, cfg: NoticeConfig) -> None:
    a, hindi = cfg.authority, pen.f.hindi
    x = MARGIN_MM
    if a.logo:
        try:
            place_image(pen, x, 9, LOGO_MM, LOGO_MM, ImageReader(a.logo))
            x += LOGO_MM + 3
        except OSError as err:
            log.warning("cannot read the logo %s: %s", a.logo, err)
    if hindi:
        pen.text(x, 14, a.unit_hi, "bold", 11)
    pen.text(x, 19.5 if hindi else 15, a.unit, "bold", 11)
    sub = t("authority_sub", district=a.district, state=a.state)
    if hindi:
        sub = t("authority_sub", "hi", district=a.district_hi, state=a.state_hi) + " / " + sub
    pen.text(x, 24.5, sub, size=8, color=GREY)
    right = PAGE_W_MM - MARGIN_MM
    if hindi:
        pen.text(right, 14, t("title", "hi"), "bold", 11, "right")
    pen.text(right, 19.5 if hindi else 15, t("title"), "bold", 10, "right")
    pen.rule(MARGIN_MM, 29, right, 1.0)


def _marks(pen: Pen, cfg: NoticeConfig) -> None:
    for y in cfg.envelope.folds:
        pen.rule(3, y, 8, 0.4, GREY)
    pen.rule(3, PAGE_H_MM / 2, 6, 0.4, GREY)
    x, y, w, _ = cfg.envelope.window
    a = cfg.authority
    pen.wrap(x + 2, y + 3, w - 4, t("return_to", unit=a.unit, state=a.state), size=6, max_lines=1, color=GREY)
    pen.rule(x + 2, y + 4.2, x + w - 2, 0.3, GREY)


def _heading(pen: Pen, y: float, key: str) -> None:
    pen.text(MARGIN_MM, y, bi(key, pen.f.hindi), "bold", 10)
    pen.rule(MARGIN_MM, y + 1.5, PAGE_W_MM - MARGIN_MM, 0.5)


def _labels(pen: Pen, cfg: NoticeConfig) -> None:
    hindi = pen.f.hindi
    x, y, w = REF_X_MM + 4, REF_Y_MM, REF_W_MM - 8
    pen.box(REF_X_MM, REF_Y_MM, REF_W_MM, 42)
    pen.text(x, y + 5, bi("challan_no", hindi), size=7, color=GREY)
    for dx, key in ((0.0, "issued_on"), (w / 2, "due_on")):
        if hindi:
            pen.text(x + dx, y + 28.5, t(key, "hi"), size=6.5, color=GREY)
        pen.text(x + dx, y + 31.8, t(key), size=6.5, color=GREY)
    _heading(pen, 97, "section_offence")
    left = ("vehicle_number", "vehicle", "offence", "section")
    right = ("fine", "occurred_at", "location", "camera")
    for row, (lkey, rkey) in enumerate(zip(left, right, strict=True)):
        pen.text(LEFT_X_MM, ROWS_MM[row], bi(lkey, hindi), size=7, color=GREY)
        pen.text(RIGHT_X_MM, ROWS_MM[row], bi(rkey, hindi), size=7, color=GREY)
    _heading(pen, 147.5, "section_evidence")
    cx, cy, cw, ch = CROP
    pen.text(cx, cy - 1.5, bi("plate_crop", hindi), size=7, color=GREY)
    pen.box(cx, cy, cw, ch)
    note = t("evidence_note") if not hindi else t("evidence_note", "hi") + "\n" + t("evidence_note")
    pen.wrap(cx, cy + ch + 14, cw, note, size=6.3, color=GREY)
    pen.text(MARGIN_MM, HASH_Y_MM, t("hash_label"), size=6.5, color=GREY)
    portal = cfg.authority.portal
    y = 228.5
    for title, body in (("pay_title", "pay_short"), ("contest_title", "contest_short")):
        pen.text(MARGIN_MM, y, bi(title, hindi), "bold", 9)
        text = t(body, portal=portal)
        if hindi:
            text = t(body, "hi", portal=portal) + "\n" + text
        y = pen.wrap(MARGIN_MM, y + 4, 140, text, size=7.8) + 1.5
    qx, qy, qs = QR
    caption = t("qr_caption") if not hindi else t("qr_caption", "hi") + "\n" + t("qr_caption")
    for i, line in enumerate(caption.split("\n")):
        pen.text(qx + qs / 2, qy + qs + 3 + 3 * i, line, size=6.3, align="center")
    pen.text(MARGIN_MM, 274.5, bi("see_back", hindi), "bold", 8)


def front_static(pen: Pen, cfg: NoticeConfig) -> str:
    """The front page's shared layer; returns the form's name."""

    def draw() -> None:
        _header(pen, cfg)
        _marks(pen, cfg)
        _labels(pen, cfg)
        _footer(pen)

    return form(pen.c, "front", draw)


def _footer(pen: Pen) -> None:
    y = PAGE_H_MM - 8.5
    pen.rule(MARGIN_MM, y - 3.5, PAGE_W_MM - MARGIN_MM, 0.4, LIGHT)
    text = t("footer") if not pen.f.hindi else t("footer", "hi") + "  " + t("footer")
    pen.wrap(MARGIN_MM, y, 125, text, size=6.3, color=GREY)


def back_page(pen: Pen, cfg: NoticeConfig) -> str:
    """The back page: how to pay, contest and verify, in Hindi then English. Returns the form's name."""
    return form(pen.c, "back", lambda: _back(pen, cfg))


def _back(pen: Pen, cfg: NoticeConfig) -> None:
    hindi, a = pen.f.hindi, cfg.authority
    values = {"portal": a.portal, "verify": cfg.qr.verify_url.replace("{number}", "<challan no.>")}
    pen.text(PAGE_W_MM / 2, 22, bi("back_title", hindi, sep="\n").split("\n")[0], "bold", 13, "center")
    if hindi:
        pen.text(PAGE_W_MM / 2, 29, t("back_title"), "bold", 12, "center")
    pen.rule(MARGIN_MM, 33, PAGE_W_MM - MARGIN_MM, 1.0)
    y = 42.0
    for key in ("pay", "contest", "after", "verify", "privacy"):
        pen.text(MARGIN_MM, y, bi(f"back_{key}_title", hindi), "bold", 10.5)
        y += 6
        if hindi:
            y = pen.wrap(MARGIN_MM, y, CONTENT_W_MM, t(f"back_{key}", "hi", **values), size=9.5) + 1.5
        y = pen.wrap(MARGIN_MM, y, CONTENT_W_MM, t(f"back_{key}", **values), size=9.5) + 6
    pen.rule(MARGIN_MM, y, PAGE_W_MM - MARGIN_MM, 0.4, LIGHT)
    pen.text(MARGIN_MM, y + 6, f"{a.unit} · {t('authority_sub', district=a.district, state=a.state)}", size=8)
    _footer(pen)
