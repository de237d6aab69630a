"""Video sources: files (with a damaged frame), image sequences, and a live RTSP stream that drops.

The RTSP tests run ``scripts/rtsp_server.py`` under the system python with GStreamer's RTSP server.
Without it they fail naming the Debian packages to install; ``ECHALLAN_ALLOW_NO_RTSP=1`` skips them.
"""

from __future__ import annotations

import os
import select
import socket
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import cv2
import numpy as np
import pytest

from echallan.errors import InputError
from echallan.evidence import sha256_file
from echallan.sources import (
    ImageSequenceSource,
    Source,
    StreamOptions,
    StreamSource,
    VideoFileSource,
    open_source,
    redact,
)

ROOT = Path(__file__).resolve().parents[1]
SHORT = "echallan_traffic.mp4"  # 90 frames, 640x360, 50 fps
LONG = "opencv4nodejs_traffic.mp4"  # 20 s at ~24 fps: long enough to outlive a reconnect
RTSP_PACKAGES = "python3-gi gir1.2-gst-rtsp-server-1.0 gstreamer1.0-plugins-good gstreamer1.0-plugins-bad"
FAST = StreamOptions(open_timeout_s=3.0, read_timeout_s=3.0, reconnects=6, backoff_s=0.2, max_backoff_s=1.0)


@pytest.fixture(scope="module")
def clips(datasets_dir: Path) -> Path:
    return datasets_dir / "traffic_clips"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _all(source: Source, stride: int = 1) -> list[tuple[int, np.ndarray]]:
    return list(source.frames(stride))


# --------------------------------------------------------------------------- video files


def test_video_file_info_and_frames(clips: Path) -> None:
    source = open_source(clips / SHORT)
    assert isinstance(source, VideoFileSource)
    info = source.info
    assert (info.name, info.frame_count, info.width, info.height, info.live) == (SHORT, 90, 640, 360, False)
    assert info.fps == pytest.approx(50.0)
    assert info.identity == sha256_file(clips / SHORT)
    assert info.started_at is not None and info.started_at.tzinfo is not None
    frames = _all(source)
    assert [i for i, _ in frames] == list(range(90))
    assert frames[0][1].shape == (360, 640, 3)
    assert [i for i, _ in source.frames(stride=7)] == list(range(0, 90, 7))
    assert source.problems == []
    assert open_source(str(clips / SHORT), fps=10).info.fps == 10


@pytest.mark.parametrize("clip", [SHORT, LONG])
def test_a_chunk_starts_at_its_frame_with_the_whole_runs_pixels_and_indices(clips: Path, clip: str) -> None:
    """Chunks seek (OpenCV decodes forward from the key frame before): frame-exact on the real clips."""
    source = VideoFileSource(clips / clip)
    whole = dict(source.frames(stride=3))
    start = source.info.frame_count // 2 + 1
    chunk = list(source.frames(stride=3, start=start))
    assert [i for i, _ in chunk] == [i for i in whole if i >= start]
    assert all(np.array_equal(frame, whole[i]) for i, frame in chunk)


def test_video_errors(tmp_path: Path) -> None:
    missing = tmp_path / "nope.mp4"
    with pytest.raises(InputError, match=r"^video not found: .*nope\.mp4$"):
        open_source(missing)
    empty = tmp_path / "empty.mp4"
    empty.touch()
    with pytest.raises(InputError, match=r"^video is empty \(0 bytes\): .*empty\.mp4$"):
        open_source(empty)
    junk = tmp_path / "junk.mp4"
    junk.write_bytes(b"this is not a video at all\n" * 100)
    with pytest.raises(InputError, match=r"^cannot decode video: .*junk\.mp4 \(corrupt or not a video\)$"):
        open_source(junk)


@pytest.fixture(scope="module")
def mjpeg(clips: Path, tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, list[np.ndarray]]:
    """The short clip re-encoded as MJPEG AVI (one JPEG per '00dc' chunk) and its decoded frames."""
    cap = cv2.VideoCapture(str(clips / SHORT))
    originals = []
    while (got := cap.read())[0]:
        originals.append(got[1])
    cap.release()
    path = tmp_path_factory.mktemp("mjpeg") / "clip.avi"
    writer = cv2.VideoWriter(str(path), cv2.VideoWriter.fourcc(*"MJPG"), 50.0, (640, 360))
    for frame in originals:
        writer.write(frame)
    writer.release()
    decoded = [frame for _, frame in VideoFileSource(path).frames()]
    assert len(decoded) == len(originals) == 90
    return path, decoded


def _damage(avi: Path, out: Path, frames: range) -> None:
    """Zero the JPEG data of the given frames, leaving the AVI chunk headers and index intact."""
    data = bytearray(avi.read_bytes())
    chunks, at = [], data.find(b"movi")
    while (at := data.find(b"00dc", at + 1)) != -1:
        size = int.from_bytes(data[at + 4 : at + 8], "little")
        if data[at + 8 : at + 10] == b"\xff\xd8":
            chunks.append((at + 8, size))
    assert len(chunks) == 90
    for k in frames:
        start, size = chunks[k]
        data[start : start + size] = bytes(size)
    out.write_bytes(bytes(data))


def _same(a: np.ndarray, b: np.ndarray) -> bool:
    return float(np.abs(a.astype(np.int16) - b.astype(np.int16)).mean()) < 0.5


@pytest.mark.parametrize("damaged", [range(40, 41), range(40, 43)])
def test_corrupt_frames_mid_video_are_skipped(
    mjpeg: tuple[Path, list[np.ndarray]], tmp_path: Path, damaged: range
) -> None:
    path, good = mjpeg
    bad = tmp_path / "damaged.avi"
    _damage(path, bad, damaged)
    source = open_source(bad)
    frames = dict(_all(source))
    assert sorted(frames) == [i for i in range(90) if i not in damaged]
    for index, frame in frames.items():  # indices stay true to the source after the gap
        assert _same(frame, good[index]), index
    label = f"frame {damaged[0]}" if len(damaged) == 1 else f"frames {damaged[0]}-{damaged[-1]}"
    assert source.problems == [f"damaged.avi: {label} corrupt; skipped"]
    kept = [i for i, _ in source.frames(stride=4)]
    assert kept == [i for i in range(0, 90, 4) if i not in damaged]


def test_truncated_video_stops_with_a_note(mjpeg: tuple[Path, list[np.ndarray]], tmp_path: Path) -> None:
    path, _ = mjpeg
    bad = tmp_path / "tail.avi"
    _damage(path, bad, range(60, 90))  # everything after frame 59 is gone
    source = open_source(bad)
    assert [i for i, _ in source.frames()] == list(range(60))
    assert len(source.problems) == 1
    assert source.problems[0].startswith("tail.avi: frames 60-89 of 90 could not be decoded; stopped")


# --------------------------------------------------------------------------- image sequences


@pytest.fixture
def stills(clips: Path, tmp_path: Path) -> Path:
    folder = tmp_path / "frames"
    folder.mkdir()
    for index, frame in VideoFileSource(clips / SHORT).frames(stride=8):  # 12 images
        cv2.imwrite(str(folder / f"img_{index // 8 + 1}.png"), frame)
    (folder / "notes.txt").write_text("not an image")
    return folder


def test_image_sequence_natural_order_and_fps(stills: Path) -> None:
    source = open_source(stills)
    assert isinstance(source, ImageSequenceSource)
    assert [p.name for p in source.paths][:3] == ["img_1.png", "img_2.png", "img_3.png"]
    assert source.paths[-1].name == "img_12.png"
    info = source.info
    assert (info.frame_count, info.width, info.height, info.fps, info.live) == (12, 640, 360, 25.0, False)
    assert [i for i, _ in source.frames()] == list(range(12))
    assert [i for i, _ in source.frames(stride=5)] == [0, 5, 10]
    assert [i for i, _ in source.frames(stride=5, start=3)] == [5, 10]  # a chunk keeps the stride's grid
    assert source.problems == []
    by_glob = open_source(str(stills / "img_*.png"), fps=12.5)
    assert by_glob.info.fps == 12.5 and by_glob.info.identity == info.identity


def test_image_sequence_skips_unreadable_and_tracks_identity(stills: Path) -> None:
    before = open_source(stills).info.identity
    (stills / "img_5.png").write_bytes(b"\x89PNG broken")
    cv2.imwrite(str(stills / "img_9.png"), np.zeros((10, 20, 3), np.uint8))
    source = open_source(stills)
    assert source.info.identity != before
    assert [i for i, _ in source.frames()] == [i for i in range(12) if i not in (4, 8)]
    assert source.problems == [
        "frame 4 (img_5.png): unreadable image; skipped",
        "frame 8 (img_9.png): size 20x10 differs; skipped",
    ]


def test_image_sequence_errors(tmp_path: Path) -> None:
    (tmp_path / "empty").mkdir()
    with pytest.raises(InputError, match=r"^no images found: .*empty$"):
        open_source(tmp_path / "empty")
    with pytest.raises(InputError, match=r"^no images found: .*\*\.jpg$"):
        open_source(str(tmp_path / "nothing" / "*.jpg"))
    (tmp_path / "bad").mkdir()
    (tmp_path / "bad" / "1.jpg").write_bytes(b"garbage")
    with pytest.raises(InputError, match=r"^cannot read images: "):
        open_source(tmp_path / "bad")


# --------------------------------------------------------------------------- streams


def test_url_nobody_answers_fails_fast() -> None:
    refused = f"rtsp://127.0.0.1:{_free_port()}/cam"
    started = time.monotonic()
    with pytest.raises(InputError, match=r"^stream did not answer: rtsp://127\.0\.0\.1:\d+/cam \("):
        open_source(refused)
    with pytest.raises(InputError, match=r"^stream did not answer: http://127\.0\.0\.1:\d+/video\.mjpg \("):
        open_source(f"http://127.0.0.1:{_free_port()}/video.mjpg")
    assert time.monotonic() - started < 5
    with socket.socket() as silent:  # accepts the connection, never says a word
        silent.bind(("127.0.0.1", 0))
        silent.listen()
        url = f"rtsp://admin:secret@127.0.0.1:{silent.getsockname()[1]}/cam"
        started = time.monotonic()
        with pytest.raises(InputError, match=r"^stream did not answer: rtsp://admin:\*\*\*@") as err:
            open_source(url, stream=StreamOptions(open_timeout_s=1.0, read_timeout_s=1.0))
        assert time.monotonic() - started < 6
        assert "secret" not in str(err.value) and "\n" not in str(err.value)


def test_redact() -> None:
    assert redact("rtsp://u:p@10.0.0.5:554/s1") == "rtsp://u:***@10.0.0.5:554/s1"
    assert redact("http://cam.local/video.mjpg") == "http://cam.local/video.mjpg"


def _rtsp_available() -> str | None:
    """None when the server can run here, else why not."""
    check = (
        "import gi; gi.require_version('Gst', '1.0'); gi.require_version('GstRtspServer', '1.0');"
        "from gi.repository import Gst, GstRtspServer; Gst.init(None);"
        "missing = [e for e in ('qtdemux', 'h264parse', 'rtph264pay') if not Gst.ElementFactory.find(e)];"
        "assert not missing, missing"
    )
    if not Path("/usr/bin/python3").exists():
        return "/usr/bin/python3 not found"
    result = subprocess.run(["/usr/bin/python3", "-c", check], capture_output=True, text=True, timeout=60)
    return None if result.returncode == 0 else (result.stderr.strip().splitlines() or ["?"])[-1]


class RtspServer:
    def __init__(self, clip: Path) -> None:
        self.clip, self.port = clip, _free_port()
        self.proc: subprocess.Popen[str] | None = None
        self.url = f"rtsp://127.0.0.1:{self.port}/cam"

    def start(self) -> None:
        argv = ["/usr/bin/python3", str(ROOT / "scripts" / "rtsp_server.py"), "--port", str(self.port)]
        proc = subprocess.Popen([*argv, "--file", str(self.clip)], stdout=subprocess.PIPE, text=True)
        self.proc = proc
        assert proc.stdout is not None
        ready, _, _ = select.select([proc.stdout], [], [], 20)
        line = proc.stdout.readline() if ready else ""
        assert line.startswith("READY"), f"RTSP server did not start: {line!r}"

    def kill(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait(10)
        self.proc = None


@pytest.fixture
def rtsp(clips: Path) -> Iterator[RtspServer]:
    why = _rtsp_available()
    if why is not None:
        message = f"GStreamer RTSP server unavailable ({why}): apt-get install {RTSP_PACKAGES}"
        if os.environ.get("ECHALLAN_ALLOW_NO_RTSP") == "1":
            pytest.skip(message)
        pytest.fail(message, pytrace=False)
    server = RtspServer(clips / LONG)
    server.start()
    try:
        yield server
    finally:
        server.kill()


def test_rtsp_reconnects_after_server_restart(rtsp: RtspServer) -> None:
    source = open_source(rtsp.url, stream=FAST)
    assert isinstance(source, StreamSource)
    info = source.info
    assert (info.frame_count, info.live, info.width, info.height) == (0, True, 640, 360)
    assert info.fps == pytest.approx(23.976, abs=0.1)
    assert info.started_at is not None and info.started_at.tzinfo is not None
    indices: list[int] = []
    restarted_at = None
    for index, frame in source.frames():
        assert frame.shape == (360, 640, 3)
        indices.append(index)
        if index == 20:
            rtsp.kill()  # the camera drops off the network...
            rtsp.start()  # ...and comes back on the same address
            restarted_at = index
        if index == 60:
            break
    assert restarted_at == 20
    assert indices == list(range(61))  # monotonic, no gap, across the reconnect
    assert any("dropped at frame" in p and "reconnected on attempt" in p for p in source.problems)
    assert not any("gave up" in p for p in source.problems)


def test_rtsp_server_stays_down_ends_cleanly(rtsp: RtspServer) -> None:
    options = StreamOptions(open_timeout_s=1.0, read_timeout_s=1.0, reconnects=2, backoff_s=0.1)
    source = open_source(rtsp.url, fps=25, stream=options)
    assert source.info.fps == 25
    indices = []
    started = None
    for index, _ in source.frames(stride=2):
        indices.append(index)
        if index == 10:
            rtsp.kill()
            started = time.monotonic()
    assert started is not None and time.monotonic() - started < 15
    assert indices[:6] == [0, 2, 4, 6, 8, 10] and all(i % 2 == 0 for i in indices)
    failed = [p for p in source.problems if "failed" in p]
    assert len(failed) == 2 and "reconnect 1/2 failed" in failed[0] and "reconnect 2/2 failed" in failed[1]
    assert "gave up after 2 reconnect attempts" in source.problems[-1]


def test_read_ahead_yields_everything_in_order_and_raises_the_decoders_error() -> None:
    from echallan.sources import read_ahead

    frames = [(i, np.full((2, 2, 3), i, dtype=np.uint8)) for i in range(10)]
    assert [i for i, _ in read_ahead(iter(frames), depth=2)] == list(range(10))

    def broken() -> Iterator[tuple[int, np.ndarray]]:
        yield frames[0]
        raise InputError("cannot decode")

    got = []
    with pytest.raises(InputError, match="cannot decode"):
        for i, _ in read_ahead(broken()):
            got.append(i)
    assert got == [0]


def test_read_ahead_stops_its_thread_when_the_consumer_stops() -> None:
    import threading

    from echallan.sources import read_ahead

    def endless() -> Iterator[tuple[int, np.ndarray]]:
        i = 0
        while True:
            yield i, np.zeros((1, 1, 3), dtype=np.uint8)
            i += 1

    it = read_ahead(endless(), depth=2)
    assert next(it)[0] == 0
    it.close()
    assert not any(t.name == "decode" and t.is_alive() for t in threading.enumerate())
