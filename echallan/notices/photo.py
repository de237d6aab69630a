"""The evidence pictures as printed: checked against their SHA-256, privacy-blurred, vehicle boxed.

Everything happens on a copy in memory at print resolution; the stored original is only read.
Blurred on print (as recorded in the event's ``rule_inputs["privacy"]``):

* every other vehicle's lower half, where its number plate is (the offender's own box is kept sharp);
* the head (top 30 %) of every person's box, except the riders of the offending two-wheeler when the
  offence is about them (no helmet, triple riding): their heads are the evidence.
"""

from __future__ import annotations

import hashlib
import io
from collections.abc import Sequence
from dataclasses import dataclass

import cv2
import numpy as np
from reportlab.lib.utils import ImageReader

from echallan.types import NoticeData

IMAGE_DPI = 200  # images are re-encoded at this resolution for their printed size, keeping pages small
HEAD_SHARE = 0.3  # top share of a person box blurred as the head
RIDER_OFFENCES = frozenset({"no_helmet", "triple_riding"})
BOX_BGR = (0, 0, 230)

Rect = Sequence[float]


@dataclass(frozen=True)
class Photo:
    """An image ready to place, or the problem key (see ``text.SKIP_REASONS``) that stopped it."""

    image: ImageReader | None
    problem: str | None = None


def _pixels(mm_size: float) -> int:
    return max(1, round(mm_size / 25.4 * IMAGE_DPI))


def _read(path: str) -> bytes | None:
    try:
        with open(path, "rb") as fh:
            return fh.read()
    except OSError:
        return None


def _fit(img: np.ndarray, box_w_mm: float, box_h_mm: float) -> tuple[np.ndarray, float]:
    h, w = img.shape[:2]
    scale = min(1.0, _pixels(box_w_mm) / w, _pixels(box_h_mm) / h)
    if scale < 1.0:
        # INTER_AREA averages properly but costs ~8x more at a fractional ratio; bilinear is as
        # good down to half size (each output pixel still blends its source neighbours)
        interpolation = cv2.INTER_AREA if scale < 0.5 else cv2.INTER_LINEAR
        img = cv2.resize(
            img, (max(1, round(w * scale)), max(1, round(h * scale))), interpolation=interpolation
        )
    return img, scale


class JpegImage(ImageReader):
    """A JPEG that reportlab embeds as it is (DCTDecode), without ever decoding it.

    ``Canvas.drawImage`` names an image by digesting ``getRGBData()``, which would decode the JPEG
    just to hash its pixels; the compressed bytes identify it as well.
    """

    def __init__(self, data: bytes) -> None:
        super().__init__(io.BytesIO(data))
        self._jpeg = data

    def getRGBData(self) -> bytes:
        self._dataA = None  # no alpha channel
        return self._jpeg


def _jpeg(img: np.ndarray) -> ImageReader:
    ok, buf = cv2.imencode(".jpg", img, [cv2.IMWRITE_JPEG_QUALITY, 85])
    if not ok:
        raise ValueError("JPEG encoding failed")
    return JpegImage(buf.tobytes())


def _clip(rect: Rect, scale: float, shape: tuple[int, ...]) -> tuple[int, int, int, int] | None:
    x1, y1, x2, y2 = (round(v * scale) for v in rect)
    x1, y1, x2, y2 = max(0, x1), max(0, y1), min(shape[1], x2), min(shape[0], y2)
    return (x1, y1, x2, y2) if x2 - x1 >= 2 and y2 - y1 >= 2 else None


def blur_region(img: np.ndarray, rect: tuple[int, int, int, int]) -> None:
    """Pixelate then smooth ``rect`` in place: blocks of a quarter of its short side (>= 4 px)."""
    x1, y1, x2, y2 = rect
    w, h = x2 - x1, y2 - y1
    block = max(4.0, min(w, h) / 4)
    small = cv2.resize(
        img[y1:y2, x1:x2], (max(1, round(w / block)), max(1, round(h / block))), interpolation=cv2.INTER_AREA
    )
    img[y1:y2, x1:x2] = cv2.resize(small, (w, h), interpolation=cv2.INTER_LINEAR)


def _is_rider(person: Rect, offender: Rect) -> bool:
    """The person's centre lies in the offender's box grown upwards by 90 % (riders' heads)."""
    cx, cy = (person[0] + person[2]) / 2, (person[1] + person[3]) / 2
    x1, y1, x2, y2 = offender
    grow = 0.1 * (x2 - x1)
    return x1 - grow <= cx <= x2 + grow and y1 - 0.9 * (y2 - y1) <= cy <= y2


def privacy_regions(n: NoticeData) -> tuple[list[Rect], list[Rect]]:
    """(other vehicles' plate halves, bystanders' heads) in source pixels."""
    plates: list[Rect] = [(x1, (y1 + y2) / 2, x2, y2) for x1, y1, x2, y2 in n.privacy_vehicles]
    keep_riders = n.offence in RIDER_OFFENCES and n.offender_box is not None
    heads: list[Rect] = [
        (x1, y1, x2, y1 + HEAD_SHARE * (y2 - y1))
        for x1, y1, x2, y2 in n.privacy_persons
        if not (keep_riders and n.offender_box is not None and _is_rider((x1, y1, x2, y2), n.offender_box))
    ]
    return plates, heads


def evidence_photo(n: NoticeData, box_w_mm: float, box_h_mm: float) -> Photo:
    """The overview frame, hash-checked, blurred and boxed, at print resolution."""
    data = _read(n.evidence_path)
    if data is None:
        return Photo(None, "evidence_missing")
    if hashlib.sha256(data).hexdigest() != n.evidence_sha256.lower():
        return Photo(None, "hash_mismatch")
    img = cv2.imdecode(np.frombuffer(data, np.uint8), cv2.IMREAD_COLOR)
    if img is None:
        return Photo(None, "evidence_unreadable")
    img, scale = _fit(img, box_w_mm, box_h_mm)
    plates, heads = privacy_regions(n)
    offender = _clip(n.offender_box, scale, img.shape) if n.offender_box else None
    original = img.copy() if offender and plates else None
    for rect in plates:
        if (r := _clip(rect, scale, img.shape)) is not None:
            blur_region(img, r)
    if original is not None and offender is not None:  # another vehicle's half may overlap the offender
        x1, y1, x2, y2 = offender
        img[y1:y2, x1:x2] = original[y1:y2, x1:x2]
    for rect in heads:
        if (r := _clip(rect, scale, img.shape)) is not None:
            blur_region(img, r)
    if offender is not None:
        thickness = max(2, round(img.shape[1] / 300))
        cv2.rectangle(img, offender[:2], offender[2:], BOX_BGR, thickness)
    return Photo(_jpeg(img))


def plate_photo(path: str | None, box_w_mm: float, box_h_mm: float) -> Photo:
    """The plate crop as stored (it shows only the offender's plate), at print resolution."""
    data = _read(path) if path else None
    img = None if data is None else cv2.imdecode(np.frombuffer(data, np.uint8), cv2.IMREAD_COLOR)
    if img is None:
        return Photo(None, "plate_missing")
    return Photo(_jpeg(_fit(img, box_w_mm, box_h_mm)[0]))
