"""Quantise the packaged helmet model (YOLOv12m) to an INT8 OpenVINO IR, calibrated on helmet_riders.

    pip install -e ".[train]"   # NNCF
    python scripts/export_helmet_int8.py [--imgsz 416] [--out models/helmet_int8_openvino_model]

Calibration uses the even-indexed images of ../shared/datasets/helmet_riders (the half the helmet
benchmark tunes on); the odd half stays held out for ``bench/helmet.py``. The float model is loaded
through the project's attention adapter (``echallan.detection.helmet``), exported by Ultralytics
with NNCF post-training quantisation, and the IR folder is written to ``--out``.
"""

from __future__ import annotations

import argparse
import shutil
import sys
from collections.abc import Sequence
from pathlib import Path

import cv2

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "bench"))

from helmet import LabelledImage, load_images  # noqa: E402

from echallan.detection.helmet import YoloHelmetDetector  # noqa: E402


def build_dataset(work: Path, images: Sequence[LabelledImage] | None = None) -> Path:
    """A YOLO-format copy of ``images`` (default: the calibration half) under ``work`` (never committed);
    returns its yaml. ``scripts/train_helmet.py`` trains on such a copy too."""
    images = load_images()[::2] if images is None else images
    for split in ("images", "labels"):
        shutil.rmtree(work / split, ignore_errors=True)
        (work / split).mkdir(parents=True)
    for item in images:
        image = cv2.imread(str(item.path))
        if image is None:
            raise ValueError(f"cannot read image {item.path}")
        h, w = image.shape[:2]
        shutil.copy(item.path, work / "images" / item.path.name)
        lines = [
            f"{0 if helmet else 1} {(b.x1 + b.x2) / 2 / w:.6f} {(b.y1 + b.y2) / 2 / h:.6f} "
            f"{b.width / w:.6f} {b.height / h:.6f}"
            for b, helmet in item.heads
        ]
        (work / "labels" / f"{item.path.stem}.txt").write_text("\n".join(lines), encoding="utf-8")
    yaml = work / "data.yaml"
    names = "names:\n  0: With Helmet\n  1: Without Helmet\n"
    yaml.write_text(f"path: {work.resolve()}\ntrain: images\nval: images\n{names}", encoding="utf-8")
    return yaml


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--imgsz", type=int, default=416)
    ap.add_argument("--out", type=Path, default=ROOT / "models" / "helmet_int8_openvino_model")
    ap.add_argument("--work", type=Path, default=ROOT / "var" / "helmet_calibration")
    args = ap.parse_args()
    yaml = build_dataset(args.work)
    detector = YoloHelmetDetector()
    model = detector._model  # the adapted Ultralytics model
    exported = Path(
        model.export(format="openvino", int8=True, data=str(yaml), imgsz=args.imgsz, dynamic=False)
    )
    if args.out.exists():
        shutil.rmtree(args.out)
    shutil.copytree(exported, args.out)
    print(f"wrote {args.out}")


if __name__ == "__main__":
    main()
