"""Train a YOLO11n helmet model (heads with / without a helmet) on helmet_riders, then quantise it.

    python scripts/train_helmet.py data   [--work var/helmet_train]          # dataset + COCO start
    python scripts/train_helmet.py train  [--work ...] [--device 0] [--epochs 200] [--imgsz 416]
    python scripts/train_helmet.py export --weights RUN/weights/last.pt [--out models/...]

Data (``data``, written under ``--work``, never committed): the even-indexed images of
../shared/datasets/helmet_riders (the half ``bench/helmet.py`` tunes on; the odd half stays held out),
minus every photo the junction-clip generator cuts rider sprites from (``rider_sprite_photos``) and
any near-copy of one (difference hash within ``NEAR_COPY`` bits), so generated triple-riding clips
test the model on riders it never saw. Labels keep the package's two classes.

Model (``train``): YOLO11n built from its yaml and started from COCO weights recovered from the shared
int8 IR (``coco_weights.py``; nothing is downloaded). ``train`` imports nothing from echallan, so it
runs on a bare GPU machine with Ultralytics alone; the last epoch's weights are kept (no model
selection on held-out data). ``export`` writes an INT8 OpenVINO IR (NNCF, calibrated on the training
images) that ``OpenVinoHelmetDetector`` loads.
"""

from __future__ import annotations

import argparse
import shutil
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
NEAR_COPY = 10  # bits of a 64-bit difference hash


def dhash(path: Path) -> int:
    import cv2

    image = cv2.imread(str(path), cv2.IMREAD_GRAYSCALE)
    if image is None:
        raise ValueError(f"cannot read image {path}")
    grey = cv2.resize(image, (9, 8), interpolation=cv2.INTER_AREA)
    bits = (grey[:, 1:] > grey[:, :-1]).flatten()
    return int(sum(1 << i for i, b in enumerate(bits) if b))


def build_data(work: Path) -> None:
    sys.path.insert(0, str(ROOT / "bench"))
    sys.path.insert(0, str(ROOT / "scripts"))
    sys.path.insert(0, str(ROOT))
    from coco_weights import COCO_IR, coco_init
    from export_helmet_int8 import build_dataset
    from helmet import LabelledImage, dataset_dir, load_images

    from echallan.detection.yolo import YoloDetector
    from echallan.scenarios import rider_sprite_photos
    from echallan.settings import Settings

    settings = Settings.from_env()
    # as many rider photos as `bench/violations.py --variants 24` uses (a photo a clip)
    sprites = rider_sprite_photos(settings.datasets_dir, YoloDetector(settings.model_dir), riders=24)
    sprite_hashes = [dhash(dataset_dir() / "images" / n) for n in sprites]
    kept: list[LabelledImage] = []
    dropped: list[LabelledImage] = []
    for item in load_images()[::2]:
        h = dhash(item.path)
        near = any(bin(h ^ s).count("1") <= NEAR_COPY for s in sprite_hashes)
        (dropped if item.path.name in sprites or near else kept).append(item)
    build_dataset(work, kept)
    coco_init(settings.model_dir / COCO_IR, work / "coco_init.pt")
    print(f"sprite photos: {sorted(sprites)}")
    left_out = sorted(i.path.name for i in dropped)
    print(f"kept {len(kept)} training images; left out {len(left_out)}: {left_out}")


def train(
    work: Path, device: str, epochs: int, imgsz: int, name: str, project: Path, hours: float | None
) -> Path:
    sys.path.insert(0, str(ROOT / "scripts"))
    from yolo_train import train as yolo_train

    return yolo_train(
        work / "data.yaml", work / "coco_init.pt", project / name, device=device, imgsz=imgsz,
        epochs=epochs, batch=32, hours=hours, close_mosaic=15, degrees=5.0, mixup=0.1,
    )  # fmt: skip


def export(weights: Path, work: Path, imgsz: int, out: Path) -> None:
    from ultralytics import YOLO

    exported = Path(
        YOLO(str(weights), task="detect").export(
            format="openvino", int8=True, data=str(work / "data.yaml"), imgsz=imgsz, dynamic=False
        )
    )
    if out.exists():
        shutil.rmtree(out)
    shutil.copytree(exported, out)
    print(f"wrote {out}")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("step", choices=("data", "train", "export"))
    ap.add_argument("--work", type=Path, default=ROOT / "var" / "helmet_train")
    ap.add_argument("--device", default="cpu")
    ap.add_argument("--epochs", type=int, default=200)
    ap.add_argument("--imgsz", type=int, default=416)
    ap.add_argument("--hours", type=float, help="train for this long instead of --epochs")
    ap.add_argument("--name", default="yolo11n_helmet")
    ap.add_argument("--project", type=Path, default=ROOT / "var" / "helmet_runs")
    ap.add_argument("--weights", type=Path)
    ap.add_argument("--out", type=Path, default=ROOT / "models" / "helmet_yolo11n_int8_openvino_model")
    args = ap.parse_args()
    if args.step == "data":
        build_data(args.work)
    elif args.step == "train":
        print(train(args.work, args.device, args.epochs, args.imgsz, args.name, args.project, args.hours))
    else:
        if args.weights is None:
            ap.error("export needs --weights")
        export(args.weights, args.work, args.imgsz, args.out)


if __name__ == "__main__":
    main()
