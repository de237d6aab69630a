#!/usr/bin/python3
"""A tiny RTSP server for tests: serves one H.264 MP4 (or a generated pattern) on 127.0.0.1.

Run it with the SYSTEM python (the venv has no PyGObject):

    /usr/bin/python3 scripts/rtsp_server.py --port 8554 --mount /cam --file clip.mp4

It prints ``READY rtsp://127.0.0.1:PORT/MOUNT`` on stdout once it listens, and serves until killed.
Every client gets its own pipeline, so a reconnecting client starts the clip again from the top.
Debian packages: python3-gi gir1.2-gst-rtsp-server-1.0 gstreamer1.0-plugins-good
gstreamer1.0-plugins-bad (qtdemux, h264parse, rtph264pay, jpegenc, rtpjpegpay).
"""

from __future__ import annotations

import argparse
import signal
import sys

import gi

gi.require_version("Gst", "1.0")
gi.require_version("GstRtspServer", "1.0")
from gi.repository import GLib, Gst, GstRtspServer  # noqa: E402


def launch_line(file: str | None, width: int, height: int, fps: int) -> str:
    if file:
        # Paced by the RTSP sink clock, i.e. real time, like a camera.
        escaped = file.replace("\\", "\\\\").replace('"', '\\"')
        return (
            f'( filesrc location="{escaped}" ! qtdemux ! h264parse config-interval=-1 '
            "! rtph264pay name=pay0 pt=96 )"
        )
    return (
        f"( videotestsrc is-live=true pattern=ball ! video/x-raw,width={width},height={height},"
        f"framerate={fps}/1 ! jpegenc ! rtpjpegpay name=pay0 pt=26 )"
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--mount", default="/cam")
    parser.add_argument("--file", help="an H.264 MP4 to serve; without it, a generated MJPEG pattern")
    parser.add_argument("--width", type=int, default=320)
    parser.add_argument("--height", type=int, default=240)
    parser.add_argument("--fps", type=int, default=25)
    args = parser.parse_args(argv)

    Gst.init(None)
    server = GstRtspServer.RTSPServer()
    server.set_address(args.host)
    server.set_service(str(args.port))
    factory = GstRtspServer.RTSPMediaFactory()
    factory.set_launch(launch_line(args.file, args.width, args.height, args.fps))
    factory.set_shared(False)
    server.get_mount_points().add_factory(args.mount, factory)
    if server.attach(None) == 0:
        print(f"ERROR cannot listen on {args.host}:{args.port}", flush=True)
        return 1

    loop = GLib.MainLoop()
    signal.signal(signal.SIGTERM, lambda *_: loop.quit())
    signal.signal(signal.SIGINT, lambda *_: loop.quit())
    GLib.timeout_add(200, lambda: True)  # wakes the loop so Python signal handlers run
    print(f"READY rtsp://{args.host}:{args.port}{args.mount}", flush=True)
    loop.run()
    return 0


if __name__ == "__main__":
    sys.exit(main())
