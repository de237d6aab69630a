"""Train the single-class plate detector shipped in models/plate_detector/ (OpenVINO IR + MODEL_CARD.md).

    nice -n 5 python scripts/train_plate_detector.py [--epochs N] [--imgsz 320] [--crops N] [--synth N]
    make plate-detector

Data, built under var/plate_detector/ (gitignored), from the TRAIN half (even rows of labels.csv) of
openalpr_us and india_plates_dev only (``bench/plates.py split_rows``; the odd rows are held out for
every number reported): each photo whole and ``--crops`` random cuts around its plate, 1.15 to 12 plate
widths wide (a close-up, a vehicle crop, a wide view); plus ``--synth`` synthetic Indian plates
(``echallan.anpr.synth``) pasted over a train photo's plate (its text blurred away first) or elsewhere on
it, cut the same way. Everything is drawn from ``--seed``.

Model: YOLO11n built from its yaml, started from COCO weights recovered from the shared int8 OpenVINO
yolo11n ($ECHALLAN_MODEL_DIR/yolo11n_int8_openvino_model, dequantised; nothing is downloaded), trained on
the CPU without plots or per-epoch validation, exported to OpenVINO IR (dynamic input, FP16 weights).
The held-out localisation numbers and the run's facts go into the model card.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import sys
import time
from functools import partial
from pathlib import Path
from typing import Any

import cv2
import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "bench"))
sys.path.insert(0, str(ROOT))

from coco_weights import COCO_IR, coco_init  # noqa: E402
from plates import SETS, Row, Tally, crop_box, split_rows, table  # noqa: E402

from echallan.anpr.localise import MODEL_NAME  # noqa: E402
from echallan.settings import Settings  # noqa: E402
from echallan.types import Box, Layout  # noqa: E402

WORK = ROOT / "var" / "plate_detector"
CUT_WIDTHS = (1.15, 12.0)  # random cuts span this many plate widths (log-uniform): close-up to wide view
BLANKS = 40  # background-only samples: plain, noisy and dark pictures hold no plate
SWAP = 0.6  # share of synthetic plates pasted over the real plate (the rest elsewhere on the photo)


# -------------------------------------------------------------------------------------------- data


def read_image(path: Path) -> np.ndarray:
    """The image at ``path`` (BGR); an error naming it where OpenCV cannot read it."""
    image = cv2.imread(str(path))
    if image is None:
        raise ValueError(f"cannot read image {path}")
    return image


def cut_around(
    image: np.ndarray, boxes: list[Box], target: Box, rng: np.random.Generator, max_side: int
) -> tuple[np.ndarray, list[Box]]:
    """A random cut around ``target`` (it stays whole), shrunk to ``max_side``; boxes mostly inside kept."""
    h, w = image.shape[:2]
    cw = target.width * float(np.exp(rng.uniform(*np.log(CUT_WIDTHS))))
    ch = max(cw * rng.uniform(0.55, 1.0), 1.5 * target.height)
    cx = (target.x1 + target.x2) / 2 + rng.uniform(-0.4, 0.4) * (cw - target.width)
    cy = (target.y1 + target.y2) / 2 + rng.uniform(-0.4, 0.4) * max(0.0, ch - target.height)
    x1 = int(np.clip(min(cx - cw / 2, target.x1), 0, w - 1))
    y1 = int(np.clip(min(cy - ch / 2, target.y1), 0, h - 1))
    x2, y2 = int(min(w, max(cx + cw / 2, target.x2) + 1)), int(min(h, max(cy + ch / 2, target.y2) + 1))
    return shrink(image[y1:y2, x1:x2], [b.offset(-x1, -y1) for b in boxes], max_side)


def shrink(image: np.ndarray, boxes: list[Box], max_side: int) -> tuple[np.ndarray, list[Box]]:
    """``image`` shrunk to ``max_side`` with its boxes; boxes less than half inside are dropped."""
    h, w = image.shape[:2]
    kept = [c for b in boxes if (c := b.clipped(w, h)).width > 1 and c.height > 1 and c.area >= 0.5 * b.area]
    s = min(1.0, max_side / max(h, w))
    if s < 1.0:
        image = cv2.resize(image, None, fx=s, fy=s, interpolation=cv2.INTER_AREA)
    return image, [Box(b.x1 * s, b.y1 * s, b.x2 * s, b.y2 * s) for b in kept]


def synth_composite(
    photo: np.ndarray, real: Box, rng: np.random.Generator
) -> tuple[np.ndarray, list[Box], Box]:
    """A synthetic plate on ``photo``: over its plate (blurred away first) or elsewhere (both labelled)."""
    from echallan.anpr.synth import paste_plate, random_plate_text, render_plate

    h, w = photo.shape[:2]
    if rng.random() < SWAP:
        r = Box(real.x1 - 0.03 * real.width, real.y1 - 0.05 * real.height, real.x2, real.y2).clipped(w, h)
        x1, y1, x2, y2 = int(r.x1), int(r.y1), int(np.ceil(r.x2)), int(np.ceil(r.y2))
        layout = Layout.ONE_LINE if (x2 - x1) >= 2.6 * (y2 - y1) else Layout.TWO_LINE
        plate = render_plate(random_plate_text(rng), rng, layout=layout)
        region = photo[y1:y2, x1:x2]
        k = max(3, (y2 - y1) // 2) | 1
        pasted, box = paste_plate(cv2.GaussianBlur(region, (k, k), 0), plate, rng, width=x2 - x1)
        out = photo.copy()
        out[y1:y2, x1:x2] = pasted
        return out, [box.offset(x1, y1)], box.offset(x1, y1)
    plate = render_plate(random_plate_text(rng), rng)
    out, box = photo, real
    for _ in range(5):  # somewhere that does not hide the real plate
        out, box = paste_plate(photo, plate, rng, width=round(real.width * rng.uniform(0.7, 1.5)))
        if box.x2 <= real.x1 or box.x1 >= real.x2 or box.y2 <= real.y1 or box.y1 >= real.y2:
            return out, [real, box], box
    return photo, [real], real


def _write_sample(
    root: Path, split: str, name: str, image: np.ndarray, boxes: list[Box], quality: int = 92
) -> None:
    h, w = image.shape[:2]
    cv2.imwrite(str(root / "images" / split / f"{name}.jpg"), image, [cv2.IMWRITE_JPEG_QUALITY, quality])
    yolo = [
        f"0 {(b.x1 + b.x2) / 2 / w:.6f} {(b.y1 + b.y2) / 2 / h:.6f} {b.width / w:.6f} {b.height / h:.6f}"
        for b in boxes
    ]
    (root / "labels" / split / f"{name}.txt").write_text("".join(f"{line}\n" for line in yolo))


def build_dataset(
    rows: list[Row], root: Path, crops: int, synth: int, imgsz: int, seed: int, jpeg_quality: int = 92
) -> dict[str, int]:
    """Write the YOLO dataset (train + a small val of train samples) and its data.yaml; counts back."""
    write_sample = partial(_write_sample, quality=jpeg_quality)
    shutil.rmtree(root, ignore_errors=True)
    for split in ("train", "val"):
        (root / "images" / split).mkdir(parents=True)
        (root / "labels" / split).mkdir(parents=True)
    rng = np.random.default_rng(seed)
    photos = [(read_image(r.image), r.box) for r in rows]
    counts = {"photos": len(photos), "whole": 0, "cuts": 0, "synthetic": 0, "blank": BLANKS}
    for k in range(BLANKS):
        size = (int(rng.integers(imgsz // 2, imgsz + 1)), int(rng.integers(imgsz // 2, imgsz + 1)), 3)
        blank = rng.normal(rng.uniform(0, 255, 3), rng.uniform(0, 25), size)
        write_sample(root, "train", f"blank{k:03d}", np.clip(blank, 0, 255).astype(np.uint8), [])
    for i, (photo, box) in enumerate(photos):
        write_sample(root, "train", f"real{i:04d}", *shrink(photo, [box], 2 * imgsz))
        counts["whole"] += 1
        for j in range(crops):
            write_sample(root, "train", f"real{i:04d}_{j}", *cut_around(photo, [box], box, rng, imgsz))
            counts["cuts"] += 1
    for k in range(synth):
        photo, box = photos[int(rng.integers(len(photos)))]
        image, boxes, target = synth_composite(photo, box, rng)
        wide = rng.random() < 0.15
        sample = shrink(image, boxes, 2 * imgsz) if wide else cut_around(image, boxes, target, rng, imgsz)
        write_sample(root, "train", f"synth{k:05d}", *sample)
        counts["synthetic"] += 1
    for p in sorted((root / "images" / "train").glob("*.jpg"))[::50]:  # val: a token, training skips it
        shutil.copy(p, root / "images" / "val" / p.name)
        shutil.copy(root / "labels" / "train" / f"{p.stem}.txt", root / "labels" / "val" / f"{p.stem}.txt")
    (root / "data.yaml").write_text(
        f"path: {root}\ntrain: images/train\nval: images/val\nnames:\n  0: plate\n"
    )
    return counts


# ----------------------------------------------------------------------------------- train + export


def train(data: Path, init: Path, args: argparse.Namespace) -> Path:
    from yolo_train import train as yolo_train

    run = WORK / "run"
    shutil.rmtree(run, ignore_errors=True)
    return yolo_train(
        data, init, run, device=args.device, imgsz=args.imgsz, epochs=args.epochs, batch=args.batch,
        freeze=args.freeze, hours=args.hours, seed=args.seed, fraction=args.fraction,
        warmup_epochs=min(1.0, args.epochs / 4), close_mosaic=max(1, args.epochs // 4),
    )  # fmt: skip


def export(weights: Path, imgsz: int, out: Path) -> Path:
    from ultralytics import YOLO

    exported = Path(YOLO(str(weights)).export(format="openvino", imgsz=imgsz, dynamic=True, quantize=16))
    out.mkdir(parents=True, exist_ok=True)
    for f in exported.iterdir():
        name = f"{MODEL_NAME}{f.suffix}" if f.suffix in (".xml", ".bin") else f.name
        shutil.copy(f, out / name)
    return out


def held_out_localisation(model_dir: Path, datasets: Path) -> list[dict[str, str]]:
    from echallan.anpr.localise import YoloPlateLocaliser

    loc = YoloPlateLocaliser(model_dir)
    rows = []
    for name in SETS:
        image_t, crop_t = Tally(), Tally()
        for row in split_rows(datasets, name, "held"):
            image = read_image(row.image)
            crop, in_crop = crop_box(image, row.box)
            image_t.locate(loc, image, row.box)
            crop_t.locate(loc, crop, in_crop)
        for where, t in (("image", image_t), ("vehicle crop", crop_t)):
            keep = ("recall %", "top-box hit %", "precision %")
            rows.append({"set": name, "picture": where, "n": str(t.plates)} | {k: t.row()[k] for k in keep})
    return rows


CARD = """# plate_detector: single-class number-plate detector

YOLO11n (Ultralytics {ultralytics}), one class `plate`, exported to OpenVINO IR (`{xml}`, FP16 weights,
dynamic input; {size_mb:.1f} MB). Loaded by `echallan.anpr.localise.YoloPlateLocaliser` (OpenVINO on CPU,
320 px input for vehicle crops, 640 px for whole photos); the default localiser of `PlateReader`.

## Data
The TRAIN half (even rows of labels.csv) of the shared sets openalpr_us and india_plates_dev ({photos}
photos; `bench/plates.py split_rows`), never the odd rows (held out below): each photo whole ({whole})
and {cuts} random cuts around its plate, 1.15 to 12 plate widths wide (close-ups to wide views);
plus {synthetic} synthetic Indian plates (`echallan.anpr.synth`: HSRP styles, one- and two-line,
degraded) pasted over a train photo's plate (its text blurred away first) or elsewhere on it, cut the
same way; and {blank} blank pictures (plain, noisy, dark: no plate). Built under
var/plate_detector/data (gitignored); the shared photos are evaluation-licensed and not redistributed.

## Training
    {command}

Started from COCO-trained YOLO11n weights recovered from the shared int8 OpenVINO model
($ECHALLAN_MODEL_DIR/{coco}, dequantised; nothing downloaded). {epochs} epochs at imgsz {imgsz},
batch {batch}, first {freeze} layers frozen, seed {seed}, on {cpu}: {train_min:.0f} min training,
{total_min:.0f} min in all (shared machine, `nice -n 5`), no per-epoch validation (last epoch kept).

## Held-out localisation (odd rows, IoU >= 0.5 with the labelled box)
{metrics}

Precision on openalpr_us is a floor: those photos label one plate even where more are visible; several
india misses are labels looser than the plate (IoU 0.43-0.49 with a box on the plate) or photos with no
readable plate. An earlier run cut no closer than 2.5 plate widths and had no blank pictures: it found
no plate filling the picture (close-ups, ready-cut plates) and fired on black frames.
End-to-end reading (exact %, ms per vehicle crop) with this detector: docs/BENCHMARKS.md, section
`plates` (`python bench/plates.py`).

## Licence
AGPL-3.0: Ultralytics YOLO11 (code and the COCO weights it started from) is AGPL-3.0, as is echallan.
The training photos (openalpr_us: AGPL-3.0; india_plates_dev: evaluation only) are not included.
"""


def write_card(out: Path, facts: dict[str, Any], command: str) -> None:
    import ultralytics

    xml = next(out.glob("*.xml"))
    a = facts["args"]
    fields = dict(facts["counts"], **{k: a[k] for k in ("epochs", "imgsz", "batch", "freeze", "seed")})
    card = CARD.format(
        **fields,
        ultralytics=ultralytics.__version__,
        xml=xml.name,
        size_mb=(xml.stat().st_size + xml.with_suffix(".bin").stat().st_size) / 1e6,
        command=command,
        coco=COCO_IR.split("/")[0],
        cpu=f"{os.cpu_count()} CPU cores ({platform.machine()})",
        train_min=facts["train_s"] / 60,
        total_min=facts["total_s"] / 60,
        metrics="\n".join(table(facts["held_out"])),
    )
    (out / "MODEL_CARD.md").write_text(card)


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--epochs", type=int, default=8)
    parser.add_argument("--imgsz", type=int, default=320)
    parser.add_argument("--batch", type=int, default=16)
    parser.add_argument("--crops", type=int, default=2, help="random cuts per train photo")
    parser.add_argument("--synth", type=int, default=700, help="synthetic composites")
    parser.add_argument("--fraction", type=float, default=1.0, help="share of the dataset trained on")
    parser.add_argument("--freeze", type=int, default=10, help="freeze the first N layers (10: backbone)")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--out", type=Path, default=ROOT / "models" / MODEL_NAME)
    parser.add_argument("--device", default="cpu", help="cpu, or a CUDA device such as 0")
    parser.add_argument("--hours", type=float, help="train for this long instead of --epochs")
    parser.add_argument(
        "--stage",
        choices=("all", "data", "finish"),
        default="all",
        help="data: build var/plate_detector/data and the COCO start only (then train elsewhere, e.g. "
        "on a GPU machine, with scripts/yolo_train.py); finish: export --weights, measure, write the card",
    )
    parser.add_argument("--weights", type=Path, help="with --stage finish: the trained last.pt")
    parser.add_argument("--train-seconds", type=float, default=0.0, help="with --stage finish: for the card")
    parser.add_argument("--jpeg-quality", type=int, default=92, help="of the dataset's pictures")
    args = parser.parse_args()

    t0 = time.time()
    data, init = WORK / "data" / "data.yaml", WORK / "coco_init.pt"
    settings = Settings.from_env()
    counts_file = WORK / "counts.json"
    if args.stage in ("all", "data"):
        rows = [r for name in SETS for r in split_rows(settings.datasets_dir, name, "train")]
        counts = build_dataset(
            rows, WORK / "data", args.crops, args.synth, args.imgsz, args.seed, args.jpeg_quality
        )
        counts_file.write_text(json.dumps(counts))
        print(f"dataset {counts} in {time.time() - t0:.0f} s", flush=True)
        coco_init(settings.model_dir / COCO_IR, init)
        if args.stage == "data":
            return
    counts = json.loads(counts_file.read_text())
    t1 = time.time()
    if args.stage == "finish":
        if args.weights is None:
            parser.error("--stage finish needs --weights")
        weights, train_s = args.weights, args.train_seconds
    else:
        weights = train(data, init, args)
        train_s = time.time() - t1
    out = export(weights, args.imgsz, args.out)
    metrics = held_out_localisation(out, settings.datasets_dir)
    facts = {"args": {k: str(v) for k, v in vars(args).items()}, "counts": counts, "train_s": round(train_s)}
    facts |= {"total_s": round(time.time() - t0), "held_out": metrics}
    (WORK / "facts.json").write_text(json.dumps(facts, indent=1))
    write_card(
        out,
        facts,
        "make plate-detector  # = nice -n 5 python "
        + " ".join([Path(sys.argv[0]).as_posix(), *sys.argv[1:]]),
    )
    print(json.dumps(facts, indent=1))


if __name__ == "__main__":
    main()
