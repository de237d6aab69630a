"""Plate image degradations: dirt, tilt, shadow, glare, night, blur, low resolution, JPEG.

Pure functions of (image, plate quad, rng); each keeps the plate legible to a person. ``degrade_image``
applies a random subset in a fixed, camera-like order and moves the quad with any warp. Used by
``echallan.anpr.synth``; works on real plate crops too (pass the crop's corners as the quad).
"""

from __future__ import annotations

from collections.abc import Callable

import cv2
import numpy as np

Quad = tuple[tuple[float, float], ...]  # corners: top-left, top-right, bottom-right, bottom-left


def _rotation(axis: int, angle: float) -> np.ndarray:
    c, s = np.cos(angle), np.sin(angle)
    i, j = [k for k in range(3) if k != axis]
    r = np.eye(3)
    r[i, i], r[i, j], r[j, i], r[j, j] = c, -s, s, c
    return r


def _homography(w: int, h: int, rng: np.random.Generator) -> np.ndarray:
    """A pinhole camera seeing the image off-axis: yaw up to 18 degrees, pitch 12, roll 10."""
    yaw, pitch, roll = np.radians(rng.uniform(-1, 1, 3) * (18, 12, 10))
    rot = _rotation(2, roll) @ _rotation(0, pitch) @ _rotation(1, yaw)
    f = max(w, h) * rng.uniform(1.2, 3.0)
    src = np.array([[0, 0], [w, 0], [w, h], [0, h]], np.float32)
    pts = (np.c_[src - (w / 2, h / 2), np.zeros(4)] @ rot.T) + (0, 0, f)
    dst = (f * pts[:, :2] / pts[:, 2:3]).astype(np.float32)
    return cv2.getPerspectiveTransform(src, dst - dst.min(axis=0))


def _tilt(img: np.ndarray, quad: Quad, rng: np.random.Generator) -> tuple[np.ndarray, Quad]:
    h, w = img.shape[:2]
    hom = _homography(w, h, rng)
    corners = cv2.perspectiveTransform(np.array([[[0, 0], [w, 0], [w, h], [0, h]]], np.float32), hom)[0]
    size = np.ceil(corners.max(axis=0)).astype(int)
    out = cv2.warpPerspective(img, hom, (int(size[0]), int(size[1])), borderMode=cv2.BORDER_REPLICATE)
    moved = cv2.perspectiveTransform(np.array([quad], np.float32), hom)[0]
    return out, tuple((float(x), float(y)) for x, y in moved)


def _glare(img: np.ndarray, quad: Quad, rng: np.random.Generator) -> np.ndarray:
    h, w = img.shape[:2]
    q = np.array(quad)
    cx, cy = rng.uniform(q.min(0), q.max(0))
    ax, ay = (q.max(0) - q.min(0)) * rng.uniform(0.12, 0.4, 2)
    t = rng.uniform(0, np.pi)
    yy, xx = np.mgrid[0:h, 0:w].astype(np.float32)
    u, v = (xx - cx) * np.cos(t) + (yy - cy) * np.sin(t), -(xx - cx) * np.sin(t) + (yy - cy) * np.cos(t)
    blob = np.exp(-((u / ax) ** 2 + (v / ay) ** 2))[..., None] * rng.uniform(0.4, 0.85)
    return img + (255 - img) * blob


def _night(img: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    cast = rng.choice([(0.7, 0.9, 1.15), (1.15, 0.95, 0.8), (1.0, 1.0, 1.0)])  # sodium, LED-blue, neutral
    dark = 255 * (np.clip(img, 0, 255) / 255) ** rng.uniform(1.2, 2.0) * rng.uniform(0.2, 0.5) * cast
    return dark + rng.normal(0, rng.uniform(3, 10), img.shape)


def _shadow(img: np.ndarray, quad: Quad, rng: np.random.Generator) -> np.ndarray:
    """A hard-edged shadow (bumper, pole, another vehicle) across part of the plate."""
    q = np.array(quad)
    lo, hi = q.min(0), q.max(0)
    x_top, x_bottom = rng.uniform(lo[0], hi[0], 2)
    far = lo[0] - (hi[0] - lo[0]) if rng.random() < 0.5 else hi[0] + (hi[0] - lo[0])
    poly = np.array([[x_top, lo[1] - 50], [x_bottom, hi[1] + 50], [far, hi[1] + 50], [far, lo[1] - 50]])
    mask = np.zeros(img.shape[:2], np.float32)
    cv2.fillPoly(mask, [np.round(poly).astype(np.int32)], 1.0)
    soft = cv2.GaussianBlur(mask, (0, 0), max(0.8, float(hi[1] - lo[1]) * 0.02))[..., None]
    return img * (1 - soft * rng.uniform(0.35, 0.6))


def _blur(img: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    if rng.random() < 0.5:
        return cv2.GaussianBlur(img, (0, 0), rng.uniform(0.6, 2.0))
    n = int(rng.integers(3, 10))
    line = np.zeros((n, n), np.float32)
    line[n // 2] = 1.0
    rot = cv2.getRotationMatrix2D((n / 2 - 0.5, n / 2 - 0.5), rng.uniform(0, 180), 1.0)
    kernel = np.asarray(cv2.warpAffine(line, rot, (n, n)), np.float32)
    return np.asarray(cv2.filter2D(img, -1, kernel / max(float(kernel.sum()), 1e-6)))


def _low_res(img: np.ndarray, char_h: float, rng: np.random.Generator) -> np.ndarray:
    f = min(1.0, rng.uniform(9, 18) / max(char_h, 1.0))
    h, w = img.shape[:2]
    small = cv2.resize(img, (max(1, round(w * f)), max(1, round(h * f))), interpolation=cv2.INTER_AREA)
    return cv2.resize(small, (w, h), interpolation=cv2.INTER_LINEAR)


def _jpeg(img: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    ok, buf = cv2.imencode(".jpg", img, [cv2.IMWRITE_JPEG_QUALITY, int(rng.integers(10, 55))])
    out = cv2.imdecode(buf, cv2.IMREAD_COLOR) if ok else None
    return img if out is None else np.asarray(out)


def _dirt(img: np.ndarray, quad: Quad, rng: np.random.Generator) -> np.ndarray:
    q = np.array(quad)
    lo, hi = q.min(0), q.max(0)
    stain = np.zeros(img.shape[:2], np.float32)
    for _ in range(int(rng.integers(3, 14))):
        cx, cy = rng.uniform(lo, hi)
        ax, ay = (hi - lo) * rng.uniform(0.04, 0.3, 2)
        cv2.ellipse(stain, ((cx, cy), (ax, ay), rng.uniform(0, 180)), rng.uniform(0.15, 0.45), -1)
    blurred = cv2.GaussianBlur(stain, (0, 0), max(1.0, float(hi[1] - lo[1]) * 0.03))[..., None]
    mud = np.array(rng.uniform((60, 80, 90), (110, 130, 150)), np.float32)  # BGR brown-grey
    return img * (1 - blurred) + mud * blurred


Step = Callable[[np.ndarray, Quad, float, np.random.Generator], tuple[np.ndarray, Quad]]
# name, probability, step (float image, quad, character height) -> (image, quad); applied in this order
DEGRADATIONS: tuple[tuple[str, float, Step], ...] = (
    ("dirt", 0.3, lambda f, q, ch, rng: (_dirt(f, q, rng), q)),
    ("tilt", 0.7, lambda f, q, ch, rng: _tilt(f, q, rng)),
    ("shadow", 0.15, lambda f, q, ch, rng: (_shadow(f, q, rng), q)),
    ("glare", 0.25, lambda f, q, ch, rng: (_glare(f, q, rng), q)),
    ("night", 0.2, lambda f, q, ch, rng: (_night(f, rng), q)),
    ("exposure", 1.0, lambda f, q, ch, rng: (f * rng.uniform(0.85, 1.15) + rng.uniform(-15, 15), q)),
    ("blur", 0.5, lambda f, q, ch, rng: (_blur(np.clip(f, 0, 255), rng), q)),
    ("low_res", 0.3, lambda f, q, ch, rng: (_low_res(f, ch, rng), q)),
    ("jpeg", 0.4, lambda f, q, ch, rng: (_jpeg(np.clip(f, 0, 255).astype(np.uint8), rng), q)),
)


def degrade_image(
    img: np.ndarray, quad: Quad, char_h: float, rng: np.random.Generator
) -> tuple[np.ndarray, Quad, tuple[str, ...]]:
    """Apply each of DEGRADATIONS with its probability; return the image, the moved quad and the names."""
    f, done = img.astype(np.float32), []
    for name, p, step in DEGRADATIONS:
        if rng.random() < p:
            f, quad = step(f.astype(np.float32), quad, char_h, rng)
            done.append(name)
    return np.clip(f, 0, 255).astype(np.uint8), quad, tuple(n for n in done if n != "exposure")
