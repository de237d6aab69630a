"""Evidence files: written once, never altered, each with its SHA-256."""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

import cv2
import numpy as np

from echallan.errors import InputError
from echallan.types import EvidenceFile


def sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _seal(tmp: Path, path: Path, kind: str) -> EvidenceFile:
    """Make ``tmp`` read-only and move it into place, unless ``path`` already exists."""
    if path.exists():
        tmp.unlink(missing_ok=True)
    else:
        os.chmod(tmp, 0o444)
        os.replace(tmp, path)
    return EvidenceFile(kind=kind, path=str(path), sha256=sha256_file(path))


def write_image(path: Path, image: np.ndarray, kind: str) -> EvidenceFile:
    """Write ``image`` to ``path`` unless it already exists; return its hash.

    ``.png`` is lossless (originals and crops); ``.jpg`` (quality 92) is for derived drawings such
    as the annotated copy.
    An existing file is never overwritten: re-processing a video reuses the evidence it wrote
    before. Files are written to a temporary name, renamed into place and made read-only.
    """
    if path.exists():
        return EvidenceFile(kind=kind, path=str(path), sha256=sha256_file(path))
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_bytes(encode_image(image, path.suffix))
    return _seal(tmp, path, kind)


def encode_image(image: np.ndarray, suffix: str) -> bytes:
    """``.jpg`` (quality 92) or lossless ``.png`` bytes of a BGR uint8 image.

    Colour PNGs go through fpng, a standard-PNG encoder that wrote a 1080p frame in 10 ms against
    88 ms for OpenCV's at its fastest level (the decoded pixels are identical either way).
    """
    if suffix == ".png" and image.ndim == 3 and image.shape[2] == 3 and image.dtype == np.uint8:
        import fpng

        return bytes(fpng.from_cv2(np.ascontiguousarray(image)))
    params = [cv2.IMWRITE_JPEG_QUALITY, 92] if suffix == ".jpg" else [cv2.IMWRITE_PNG_COMPRESSION, 1]
    ok, data = cv2.imencode(".jpg" if suffix == ".jpg" else ".png", image, params)
    if not ok:
        raise InputError(f"could not encode evidence image with suffix {suffix!r}")
    return bytes(data.tobytes())


#: Evidence clips are at most this wide: they show the movement, the stills carry the detail. Encoding
#: (mp4v) cost 1.6 ms a frame at 640 px against 3.4 ms at 960 px here, for every frame of every clip.
CLIP_WIDTH = 640


def clip_frame(frame: np.ndarray, max_width: int = CLIP_WIDTH) -> np.ndarray:
    """``frame`` shrunk to at most ``max_width`` wide for a clip (unchanged when it is narrower)."""
    h, w = frame.shape[:2]
    if w <= max_width:
        return frame
    return cv2.resize(frame, (max_width, round(h * max_width / w)), interpolation=cv2.INTER_AREA)


class ClipWriter:
    """A short evidence clip: frames before the event (from a buffer), then frames after it.

    The clip shows the movement; the untouched full-resolution stills are the exact record, so the
    clip is written at most ``max_width`` pixels wide to keep it cheap.
    """

    def __init__(self, path: Path, fps: float, frames_after: int, max_width: int = CLIP_WIDTH) -> None:
        self.path = path
        self.remaining = frames_after
        self._tmp = path.with_name(path.name + ".tmp.mp4")
        self._fps = fps
        self._writer: cv2.VideoWriter | None = None
        self._skip = path.exists()
        self._max_width = max_width

    def add(self, frame: np.ndarray) -> None:
        if self._skip:
            return
        frame = clip_frame(frame, self._max_width)
        h, w = frame.shape[:2]
        if self._writer is None:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self._writer = cv2.VideoWriter(str(self._tmp), cv2.VideoWriter.fourcc(*"mp4v"), self._fps, (w, h))
        self._writer.write(frame)

    def close(self) -> EvidenceFile | None:
        if self._writer is not None:
            self._writer.release()
            self._writer = None
            return _seal(self._tmp, self.path, "clip")
        if self.path.exists():
            return EvidenceFile(kind="clip", path=str(self.path), sha256=sha256_file(self.path))
        return None
