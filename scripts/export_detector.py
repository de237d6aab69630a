"""Make the detector's dynamic-input INT8 IR from the shared YOLO11n (``make setup`` runs this).

    python scripts/export_detector.py [--out var/models/yolo11n_int8_dynamic] [--frames 200]

Why: the shared IR ($ECHALLAN_MODEL_DIR/yolo11n_int8_openvino_model) has a fixed 640x640 input, so a
1080p frame, letterboxed, is 44 % grey padding that the model still has to look at. This script takes
the same COCO weights (dequantised from that IR, ``coco_weights.coco_init``: nothing is downloaded),
exports them with a dynamic input through Ultralytics, and quantises them to INT8 with NNCF,
calibrated on ``--frames`` frames spread over the clips in $ECHALLAN_DATASETS/traffic_clips. The
throughput benchmark's clip (bench_*) is left out of the calibration. The class names are the
shared IR's. ``source.json`` records the SHA-256 of the shared IR's weights: the detector uses this
folder only in place of exactly those weights (``echallan.detection.yolo``).
The work files go under var/detector_export/ (gitignored); the IR is remade, never committed.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import shutil
import sys
import time
from pathlib import Path

import cv2
import yaml

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from coco_weights import COCO_IR, coco_init  # noqa: E402

from echallan.detection.yolo import DYNAMIC_SOURCE, twin_path  # noqa: E402
from echallan.settings import Settings  # noqa: E402

WORK = ROOT / "var" / "detector_export"


def calibration_frames(clips_dir: Path, out: Path, count: int) -> int:
    """Write ``count`` frames, spread evenly over every clip but the benchmark's, as JPEGs."""
    clips = sorted(c for c in clips_dir.glob("*.mp4") if not c.name.startswith("bench_"))
    if not clips:
        raise SystemExit(f"no calibration clips in {clips_dir} (set ECHALLAN_DATASETS)")
    out.mkdir(parents=True, exist_ok=True)
    written = 0
    for n, clip in enumerate(clips):
        cap = cv2.VideoCapture(str(clip))
        total = int(cap.get(cv2.CAP_PROP_FRAME_COUNT))
        want = count // len(clips) + (1 if n < count % len(clips) else 0)
        for i in range(want):
            cap.set(cv2.CAP_PROP_POS_FRAMES, i * max(1, total // max(1, want)))
            ok, frame = cap.read()
            if ok:
                cv2.imwrite(str(out / f"{clip.stem}_{i:04d}.jpg"), frame)
                written += 1
        cap.release()
    return written


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    settings = Settings.from_env()
    ap.add_argument("--out", type=Path, default=twin_path(settings.derived_dir))
    ap.add_argument("--frames", type=int, default=200, help="calibration frames")
    args = ap.parse_args()
    source = settings.model_dir / COCO_IR
    if not source.is_file():
        raise SystemExit(f"shared detector not found: {source} (set ECHALLAN_MODEL_DIR)")
    t0 = time.time()
    if WORK.exists():
        shutil.rmtree(WORK)
    calib = WORK / "calib"
    frames = calibration_frames(settings.datasets_dir / "traffic_clips", calib / "images", args.frames)
    names = yaml.safe_load((source.parent / "metadata.yaml").read_text(encoding="utf-8"))["names"]
    data = calib / "data.yaml"
    data.write_text(yaml.safe_dump({"path": str(calib), "train": "images", "val": "images", "names": names}))

    from ultralytics import YOLO

    init = coco_init(source, WORK / "coco_init.pt")
    model = YOLO(str(init))
    exported = Path(model.export(format="openvino", int8=True, dynamic=True, imgsz=640, data=str(data)))
    if args.out.exists():
        shutil.rmtree(args.out)
    args.out.mkdir(parents=True)
    for f in exported.iterdir():
        shutil.copy(f, args.out / (f"yolo11n{f.suffix}" if f.suffix in (".xml", ".bin") else f.name))
    meta = yaml.safe_load((args.out / "metadata.yaml").read_text(encoding="utf-8"))
    meta["names"] = names
    (args.out / "metadata.yaml").write_text(yaml.safe_dump(meta, sort_keys=False), encoding="utf-8")
    facts = {
        "source": str(source.parent.name),
        "source_bin_sha256": sha256(source.with_suffix(".bin")),
        "calibration_frames": frames,
        "seconds": round(time.time() - t0),
    }
    (args.out / DYNAMIC_SOURCE).write_text(json.dumps(facts, indent=1) + "\n", encoding="utf-8")
    print(f"wrote {args.out} ({facts['seconds']} s)")


if __name__ == "__main__":
    main()
