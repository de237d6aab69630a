"""Where frames come from: a video file, a folder of images, or a live RTSP/HTTP camera stream.

Every source yields ``(frame_index, BGR frame)`` and notes in ``problems`` what it skipped (corrupt
frames, unreadable images, reconnects) for the caller to report. Bad input raises ``InputError``.
"""

from __future__ import annotations

import glob
import hashlib
import os
import re
import threading
import time
from abc import ABC, abstractmethod
from collections.abc import Generator, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from queue import Full, Queue
from typing import TypeVar
from urllib.parse import urlsplit, urlunsplit

import cv2
import numpy as np

from echallan.errors import InputError
from echallan.evidence import sha256_file

T = TypeVar("T")

DEFAULT_FPS = 25.0
IMAGE_SUFFIXES = frozenset({".jpg", ".jpeg", ".png", ".bmp", ".tif", ".tiff", ".webp", ".ppm", ".pgm"})
STREAM_SCHEMES = ("rtsp://", "rtsps://", "http://", "https://")
#: FFmpeg threads per video file. One: decoding runs beside the models (``read_ahead``), and
#: FFmpeg's own threads would only compete with the models' for the same cores.
DECODE_THREADS = 1


@dataclass(frozen=True)
class SourceInfo:
    name: str
    fps: float
    frame_count: int  # 0 when unknown or live
    width: int
    height: int
    identity: str  # sha256 hex: file bytes / sorted image names+hashes / stream URL
    live: bool
    started_at: datetime | None  # aware; file mtime for files, connect time for streams


class Source(ABC):
    """A source of frames. ``problems`` grows while ``frames()`` runs."""

    info: SourceInfo
    problems: list[str]

    @abstractmethod
    def frames(self, stride: int = 1, start: int = 0) -> Iterator[tuple[int, np.ndarray]]:
        """Yield ``(index, frame)`` for every ``stride``-th frame from frame ``start`` on; indices count
        source frames (so a chunk starting at ``start`` keeps the same indices as a whole run)."""

    def close(self) -> None:  # noqa: B027 - only streams hold anything between calls
        """Release what the source holds open."""

    def __enter__(self) -> Source:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def read_ahead(frames: Iterator[T], depth: int = 4, name: str = "decode") -> Generator[T, None, None]:
    """``frames`` (or anything), produced by a background thread up to ``depth`` items ahead of the
    consumer.

    Decoding (OpenCV releases the GIL) then overlaps with the caller's work on the other frames.
    An error in the producer is raised in the consumer, at the point the items ran out.
    """
    queue: Queue[T | BaseException | None] = Queue(maxsize=depth)
    stop = threading.Event()

    def work() -> None:
        try:
            for item in frames:
                while not stop.is_set():
                    try:
                        queue.put(item, timeout=0.1)
                        break
                    except Full:
                        continue
                if stop.is_set():
                    return
            queue.put(None)
        except BaseException as exc:  # handed over to the consumer
            queue.put(exc)

    thread = threading.Thread(target=work, name=name, daemon=True)
    thread.start()
    try:
        while (item := queue.get()) is not None:
            if isinstance(item, BaseException):
                raise item
            yield item
    finally:
        stop.set()
        thread.join(timeout=5)


def open_source(spec: str | Path, fps: float | None = None, *, stream: StreamOptions | None = None) -> Source:
    """Open ``spec``: a stream URL, a folder or glob of images, or a video file.

    ``fps`` overrides the rate the source reports (image sequences have none: default 25).
    """
    text = str(spec)
    if text.lower().startswith(STREAM_SCHEMES):
        return StreamSource(text, fps, stream or StreamOptions())
    path = Path(spec)
    if path.is_dir() or (not path.exists() and any(c in text for c in "*?[")):
        return ImageSequenceSource(text, fps)
    return VideoFileSource(path, fps)


def _check_stride(stride: int) -> None:
    if stride < 1:
        raise ValueError(f"stride must be >= 1, got {stride}")


def _plausible_fps(fps: float) -> float | None:
    return fps if 1.0 <= fps <= 240.0 else None


def _mtime(path: Path) -> datetime:
    return datetime.fromtimestamp(path.stat().st_mtime, tz=UTC)


class VideoFileSource(Source):
    """A video file OpenCV can decode. Corrupt frames in the middle are skipped, not fatal."""

    def __init__(self, path: Path, fps: float | None = None, max_skip: int = 25) -> None:
        if not path.is_file():
            raise InputError(f"video not found: {path}")
        if path.stat().st_size == 0:
            raise InputError(f"video is empty (0 bytes): {path}")
        self.path, self.max_skip, self.problems = path, max_skip, []
        cap = cv2.VideoCapture(str(path))
        try:
            ok, frame = cap.read() if cap.isOpened() else (False, None)
            if not ok or frame is None:
                raise InputError(f"cannot decode video: {path} (corrupt or not a video)")
            rate = fps or _plausible_fps(cap.get(cv2.CAP_PROP_FPS)) or DEFAULT_FPS
            count = max(int(cap.get(cv2.CAP_PROP_FRAME_COUNT)), 0)
        finally:
            cap.release()
        h, w = frame.shape[:2]
        self.info = SourceInfo(path.name, rate, count, w, h, sha256_file(path), False, _mtime(path))

    def frames(self, stride: int = 1, start: int = 0) -> Iterator[tuple[int, np.ndarray]]:
        """Decode sequentially from ``start`` (reached by seeking). A frame that fails to decode is
        noted and skipped; the frames after it keep their indices (counted, or from timestamps).
        H.264 errors are often concealed instead."""
        _check_stride(stride)
        cap = cv2.VideoCapture(str(self.path), cv2.CAP_FFMPEG, [cv2.CAP_PROP_N_THREADS, DECODE_THREADS])
        if not cap.isOpened():
            raise InputError(f"cannot decode video: {self.path} (corrupt or not a video)")
        count, index, name = self.info.frame_count, _seek(cap, start), self.path.name
        frame_ms = 1000.0 / (_plausible_fps(cap.get(cv2.CAP_PROP_FPS)) or self.info.fps)
        last: tuple[int, float] | None = None  # index and timestamp (ms) of the last decoded frame
        try:
            while True:
                grabbed, failed = cap.grab(), 0
                while not grabbed and failed < self.max_skip and index + failed < count - 1:
                    failed += 1  # each failed grab has used up one packet: try the next
                    grabbed = cap.grab()
                if not grabbed:
                    if index < count:
                        self.problems.append(
                            f"{name}: frames {index}-{count - 1} of {count} could not be decoded; "
                            "stopped there (truncated or corrupt file)"
                        )
                    return
                at, ms = index + failed, cap.get(cv2.CAP_PROP_POS_MSEC)
                if failed and last is not None:  # where the timestamp is plausible, it knows better
                    stamped = last[0] + round((ms - last[1]) / frame_ms)
                    at = stamped if at < stamped <= min(at + self.max_skip, count - 1) else at
                if at > index:
                    self.problems.append(f"{name}: {_frames(index, at - 1)} corrupt; skipped")
                index, last = at, (at, ms)
                if index % stride == 0:
                    ok, frame = cap.retrieve()
                    if ok and frame is not None:
                        yield index, frame
                    else:
                        self.problems.append(f"{name}: {_frames(index, index)} corrupt; skipped")
                index += 1
        finally:
            cap.release()


def _seek(cap: cv2.VideoCapture, start: int) -> int:
    """Move ``cap`` to frame ``start`` and return it. OpenCV seeks to the key frame before it and
    decodes forward; where the container will not say it arrived, frames are grabbed one by one."""
    if start <= 0:
        return 0
    if cap.set(cv2.CAP_PROP_POS_FRAMES, start) and int(cap.get(cv2.CAP_PROP_POS_FRAMES)) == start:
        return start
    cap.set(cv2.CAP_PROP_POS_FRAMES, 0)
    index = 0
    while index < start and cap.grab():
        index += 1
    return index


def _frames(first: int, last: int) -> str:
    return f"frame {first}" if first == last else f"frames {first}-{last}"


def _natural_key(path: Path) -> list[int | str]:
    return [int(part) if part.isdigit() else part.casefold() for part in re.split(r"(\d+)", str(path))]


class ImageSequenceSource(Source):
    """Numbered still images (``frames/`` or ``frames/*.jpg``) in natural order: 2 before 10."""

    def __init__(self, spec: str, fps: float | None = None) -> None:
        folder = Path(spec)
        if folder.is_dir():
            found = [p for p in folder.iterdir() if p.is_file() and p.suffix.lower() in IMAGE_SUFFIXES]
        else:
            found = [Path(p) for p in glob.glob(spec) if Path(p).is_file()]
        if not found:
            raise InputError(f"no images found: {spec}")
        self.paths = sorted(found, key=_natural_key)
        self.problems = []
        first = next((im for im in (cv2.imread(str(p)) for p in self.paths[:50]) if im is not None), None)
        if first is None:
            raise InputError(f"cannot read images: {spec} (none of the first 50 decodes)")
        digest = hashlib.sha256()
        for p in self.paths:
            digest.update(f"{p.name}\0{sha256_file(p)}\n".encode())
        h, w = first.shape[:2]
        started, count = _mtime(self.paths[0]), len(self.paths)
        self.info = SourceInfo(spec, fps or DEFAULT_FPS, count, w, h, digest.hexdigest(), False, started)

    def frames(self, stride: int = 1, start: int = 0) -> Iterator[tuple[int, np.ndarray]]:
        _check_stride(stride)
        size = (self.info.height, self.info.width)
        for index in range(-(-max(start, 0) // stride) * stride, len(self.paths), stride):
            path = self.paths[index]
            image = cv2.imread(str(path))
            if image is not None and image.shape[:2] == size:
                yield index, image
                continue
            why = "unreadable image" if image is None else f"size {image.shape[1]}x{image.shape[0]} differs"
            self.problems.append(f"frame {index} ({path.name}): {why}; skipped")


@dataclass(frozen=True)
class StreamOptions:
    open_timeout_s: float = 5.0  # connecting and the first frame, each
    read_timeout_s: float = 5.0  # a frame that does not come in this time counts as a drop
    reconnects: int = 5  # attempts after each drop, before giving up
    backoff_s: float = 0.5  # wait before the first attempt; doubles each attempt
    max_backoff_s: float = 8.0
    rtsp_transport: str = "tcp"  # FFmpeg's rtsp_transport; "" keeps FFmpeg's default (UDP first)


_ENV_LOCK = threading.Lock()
_OPTIONS_ENV = "OPENCV_FFMPEG_CAPTURE_OPTIONS"
Connected = tuple[cv2.VideoCapture, np.ndarray, float]  # capture, its first frame, its fps


def redact(url: str) -> str:
    """``url`` without its password, for messages and names."""
    parts = urlsplit(url)
    if parts.password is None:
        return url
    netloc = f"{parts.username}:***@{parts.hostname or ''}" + (f":{parts.port}" if parts.port else "")
    return urlunsplit(parts._replace(netloc=netloc))


def _connect(url: str, opts: StreamOptions) -> Connected | str:
    """Open ``url`` and read one frame, under FFmpeg's timeouts and a watchdog; or say why not."""
    params = [cv2.CAP_PROP_OPEN_TIMEOUT_MSEC, int(opts.open_timeout_s * 1000)]
    params += [cv2.CAP_PROP_READ_TIMEOUT_MSEC, int(opts.read_timeout_s * 1000)]
    result: list[Connected | str] = []
    lock, abandoned = threading.Lock(), threading.Event()

    def attempt() -> None:
        with _ENV_LOCK:  # OpenCV takes FFmpeg options only from the environment
            saved = os.environ.get(_OPTIONS_ENV)
            if saved is None and opts.rtsp_transport and url.lower().startswith(("rtsp://", "rtsps://")):
                os.environ[_OPTIONS_ENV] = f"rtsp_transport;{opts.rtsp_transport}"
            try:
                cap = cv2.VideoCapture(url, cv2.CAP_FFMPEG, params)
            finally:
                if saved is None:
                    os.environ.pop(_OPTIONS_ENV, None)
        outcome: Connected | str = f"refused, or no answer within {opts.open_timeout_s:g} s"
        if cap.isOpened():
            ok, frame = cap.read()
            fps = _plausible_fps(cap.get(cv2.CAP_PROP_FPS)) or DEFAULT_FPS
            outcome = (cap, frame, fps) if ok and frame is not None else "connected but sent no frame"
        with lock:
            if abandoned.is_set() or isinstance(outcome, str):
                cap.release()
            if not abandoned.is_set():
                result.append(outcome)

    worker = threading.Thread(target=attempt, name="echallan-stream-connect", daemon=True)
    worker.start()
    limit = opts.open_timeout_s + opts.read_timeout_s + 2.0
    worker.join(limit)
    with lock:
        if not result:
            abandoned.set()
            return f"no answer within {limit:g} s"
        return result[0]


class StreamSource(Source):
    """A live camera over RTSP or HTTP, read with OpenCV's FFmpeg backend; reconnects when it drops.

    OpenCV cannot tell a camera's end of stream from a drop: both are followed by reconnecting.
    """

    def __init__(self, url: str, fps: float | None = None, options: StreamOptions | None = None) -> None:
        self.url, self.options, self.problems = url, options or StreamOptions(), []
        self.shown = redact(url)
        self._next_index = 0
        self._cap: cv2.VideoCapture | None = None
        self._pending: np.ndarray | None = None
        connected = _connect(url, self.options)
        if isinstance(connected, str):
            raise InputError(f"stream did not answer: {self.shown} ({connected})")
        self._cap, first, rate = connected
        self._pending = first
        identity = hashlib.sha256(url.encode()).hexdigest()
        h, w = first.shape[:2]
        self.info = SourceInfo(self.shown, fps or rate, 0, w, h, identity, True, datetime.now(UTC))

    def _reconnect(self, why: str) -> bool:
        """Try again with backoff, noting each attempt in ``problems``; False once all have failed."""
        self.close()
        opts = self.options
        note = f"stream {self.shown} {why} at frame {self._next_index}:"
        for attempt in range(1, opts.reconnects + 1):
            time.sleep(min(opts.backoff_s * 2 ** (attempt - 1), opts.max_backoff_s))
            connected = _connect(self.url, opts)
            if isinstance(connected, str):
                self.problems.append(f"{note} reconnect {attempt}/{opts.reconnects} failed ({connected})")
                continue
            self._cap, self._pending, _ = connected
            self.problems.append(f"{note} reconnected on attempt {attempt}/{opts.reconnects}")
            return True
        self.problems.append(f"{note} gave up after {opts.reconnects} reconnect attempts")
        return False

    def frames(self, stride: int = 1, start: int = 0) -> Iterator[tuple[int, np.ndarray]]:
        """Frames until the stream ends and cannot be reopened. Indices go on across reconnects."""
        _check_stride(stride)
        if start:
            raise InputError(f"a live stream cannot start at frame {start}: {self.info.name}")
        if self._cap is None and not self._reconnect("was closed"):
            return
        try:
            while True:
                index, keep = self._next_index, self._next_index % stride == 0
                frame, self._pending = self._pending, None
                if frame is None and self._cap is not None:
                    ok = self._cap.grab()
                    if ok and keep:
                        ok, frame = self._cap.retrieve()
                    if not ok or (keep and frame is None):
                        if not self._reconnect("dropped"):
                            return
                        continue
                self._next_index += 1
                if keep and frame is not None:
                    yield index, frame
        finally:
            self.close()

    def close(self) -> None:
        cap, self._cap, self._pending = self._cap, None, None
        if cap is not None:
            cap.release()
