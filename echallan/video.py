"""Video sources: a generator of (frame_index, BGR frame), with clear errors for bad files."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import cv2
import numpy as np

from echallan.errors import InputError


@dataclass(frozen=True)
class VideoInfo:
    path: Path
    fps: float
    frame_count: int
    width: int
    height: int


def probe(path: Path) -> VideoInfo:
    """Open ``path`` and read its first frame; raise ``InputError`` if it is not a readable video."""
    if not path.is_file():
        raise InputError(f"video not found: {path}")
    if path.stat().st_size == 0:
        raise InputError(f"video is empty (0 bytes): {path}")
    cap = cv2.VideoCapture(str(path))
    try:
        ok, frame = cap.read() if cap.isOpened() else (False, None)
        if not ok or frame is None:
            raise InputError(f"cannot decode video: {path} (corrupt or not a video)")
        fps = cap.get(cv2.CAP_PROP_FPS)
        count = int(cap.get(cv2.CAP_PROP_FRAME_COUNT))
    finally:
        cap.release()
    return VideoInfo(
        path, fps if 1.0 <= fps <= 240.0 else 25.0, max(count, 0), frame.shape[1], frame.shape[0]
    )


def frames(
    path: Path, stride: int = 1, wanted: frozenset[int] | None = None
) -> Iterator[tuple[int, np.ndarray]]:
    """Yield every ``stride``-th frame (or only the indices in ``wanted``), decoding sequentially.

    Sequential decoding is exact where seeking is not, and decoding is cheap next to detection.
    A frame that fails to decode ends the stream; what was yielded before stays valid.
    """
    cap = cv2.VideoCapture(str(path))
    if not cap.isOpened():
        raise InputError(f"cannot decode video: {path} (corrupt or not a video)")
    last = max(wanted) if wanted else None
    index = 0
    try:
        while last is None or index <= last:
            if not cap.grab():
                break
            keep = (index in wanted) if wanted is not None else index % stride == 0
            if keep:
                ok, frame = cap.retrieve()
                if not ok:
                    break
                yield index, frame
            index += 1
    finally:
        cap.release()
