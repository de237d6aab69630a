"""Fine-tune rapidocr's PP-OCRv6 text recogniser on number plates (issue 3), on the CPU.

    make plate-ocr   # installs onnx and onnx2torch (training only), then:
    python scripts/train_plate_ocr.py [--epochs 6] [--synth 600] [--out models/plate_ocr]

Train data: the TRAIN half (even rows of labels.csv) of openalpr_us, openalpr_us_platecrops and
india_plates_dev (one-line, sure rows), each plate cut as the reader cuts a located plate (around the
project plate detector's box nearest the label; the label's own box where the detector finds none),
plus synthetic one-line Indian plates (``echallan.anpr.synth``). The odd rows stay held out for
``bench/anpr.py``.

The ONNX recogniser shipped in rapidocr's wheel is converted to PyTorch (onnx2torch), fine-tuned with
CTC loss (batch-norm statistics frozen), and the trained weights are written back into a copy of the
original ONNX graph: same input, output and character list, so rapidocr loads it as it loads its own.
Nothing is downloaded.
"""

from __future__ import annotations

import argparse
import csv
import json
import math
import platform
import sys
import time
from pathlib import Path
from typing import Any

import cv2
import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "bench"))

from plates import split_rows  # noqa: E402

from echallan.anpr.synth import random_plate_text, render_plate  # noqa: E402
from echallan.settings import Settings  # noqa: E402
from echallan.types import Box, Layout  # noqa: E402

SETS = ("openalpr_us", "openalpr_us_platecrops", "india_plates_dev")
HEIGHT, MIN_WIDTH, MAX_RATIO = 48, 160, 10.0  # the recogniser's input, as rapidocr feeds it
#: Crop margins drawn at random, in box widths (x) and heights (y) on each side: the reader's whole-plate
#: crops (``variants.WHOLE_MARGINS``: x 0-0.05, y -0.2 to -0.1) and its looser row crops.
MARGIN_X, MARGIN_Y = (-0.02, 0.1), (-0.22, 0.15)
KEEP = 0.45  # margin kept around each sample's box (box widths/heights), for the random crops


def shipped_model() -> Path:
    import rapidocr

    return Path(rapidocr.__file__).parent / "models" / "PP-OCRv6_rec_small.onnx"


def _sample(image: np.ndarray, box: Box, text: str) -> tuple[np.ndarray, Box, str]:
    """A loose region around ``box`` (KEEP on each side) and the box's place in it."""
    h, w = image.shape[:2]
    x1, y1 = max(0, int(box.x1 - KEEP * box.width)), max(0, int(box.y1 - KEEP * box.height))
    x2, y2 = min(w, int(box.x2 + KEEP * box.width) + 1), min(h, int(box.y2 + KEEP * box.height) + 1)
    return image[y1:y2, x1:x2].copy(), box.offset(-x1, -y1), text


def real_samples(datasets: Path) -> list[tuple[np.ndarray, Box, str]]:
    """TRAIN-half plates of the shared sets, boxed as the plate detector boxes them."""
    from echallan.anpr.localise import YoloPlateLocaliser

    localiser = YoloPlateLocaliser()
    out = []
    for name in SETS:
        with open(datasets / name / "labels.csv", newline="") as f:
            two_line = {r["image"] for r in csv.DictReader(f) if r.get("layout") == "two_line"}
        for row in split_rows(datasets, name, "train"):
            if not row.label or row.image.name in two_line:
                continue
            image = cv2.imread(str(row.image))
            if image is None:
                continue
            located = [p.box for p in localiser.locate(image)]
            best = max(located, key=row.box.iou, default=None)
            box = best if best is not None and best.iou(row.box) >= 0.3 else row.box
            out.append(_sample(image, box, row.label))
    return out


def synth_samples(count: int, seed: int) -> list[tuple[np.ndarray, Box, str]]:
    out = []
    for i in range(count):
        rng = np.random.default_rng([seed, i])
        plate = render_plate(random_plate_text(rng), rng, layout=Layout.ONE_LINE)
        out.append((plate.image, plate.box, plate.text))
    return out


def augment(sample: tuple[np.ndarray, Box, str], rng: np.random.Generator) -> np.ndarray:
    """A random crop around the sample's box (MARGIN_X, MARGIN_Y), with light photometric noise."""
    image, box, _ = sample
    right, top, bottom, left = (rng.uniform(*m) for m in (MARGIN_X, MARGIN_Y, MARGIN_Y, MARGIN_X))
    h, w = image.shape[:2]
    x1, y1 = max(0, int(box.x1 - left * box.width)), max(0, int(box.y1 - top * box.height))
    x2, y2 = min(w, math.ceil(box.x2 + right * box.width)), min(h, math.ceil(box.y2 + bottom * box.height))
    crop = image[y1:y2, x1:x2] if x2 - x1 >= 8 and y2 - y1 >= 8 else image
    crop = crop.astype(np.float32) * rng.uniform(0.7, 1.3) + rng.uniform(-30, 30)
    crop = np.clip(crop, 0, 255).astype(np.uint8)
    if rng.random() < 0.2:
        crop = cv2.GaussianBlur(crop, (3, 3), 0)
    if rng.random() < 0.3:
        ok, data = cv2.imencode(".jpg", crop, [cv2.IMWRITE_JPEG_QUALITY, int(rng.integers(30, 90))])
        decoded = cv2.imdecode(data, cv2.IMREAD_COLOR) if ok else None
        crop = crop if decoded is None else decoded
    return crop


def normalise(crop: np.ndarray) -> np.ndarray:
    """rapidocr's recogniser input for one crop: 48 px tall, width by aspect, scaled to [-1, 1]."""
    ratio = min(crop.shape[1] / crop.shape[0], MAX_RATIO)
    width = max(1, math.ceil(HEIGHT * ratio))
    resized = cv2.resize(crop, (width, HEIGHT)).astype(np.float32).transpose(2, 0, 1) / 255
    return (resized - 0.5) / 0.5


def batch(crops: list[np.ndarray]) -> np.ndarray:
    arrays = [normalise(c) for c in crops]
    width = max(MIN_WIDTH, *(a.shape[2] for a in arrays))
    out = np.zeros((len(arrays), 3, HEIGHT, width), np.float32)
    for i, a in enumerate(arrays):
        out[i, :, :, : a.shape[2]] = a
    return out


def characters(model: Any) -> list[str]:
    """rapidocr's class list for the recogniser: blank, the model's characters, then a space."""
    meta = {p.key: p.value for p in model.metadata_props}
    return ["blank", *meta["character"].splitlines(), " "]


def with_explicit_pads(model: Any) -> Any:
    """``auto_pad=SAME_UPPER`` (stride 1) written as explicit pads, which onnx2torch converts."""
    from onnx import helper

    for node in model.graph.node:
        attrs = {a.name: a for a in node.attribute}
        if (
            node.op_type in ("Conv", "MaxPool")
            and attrs.get("auto_pad")
            and attrs["auto_pad"].s == b"SAME_UPPER"
        ):
            strides = list(attrs["strides"].ints) if "strides" in attrs else [1, 1]
            if strides != [1, 1]:
                raise ValueError(f"{node.name}: SAME_UPPER with strides {strides} is not handled")
            total = [k - 1 for k in attrs["kernel_shape"].ints]
            node.attribute.remove(attrs["auto_pad"])
            node.attribute.append(
                helper.make_attribute("pads", [t // 2 for t in total] + [t - t // 2 for t in total])
            )
    return model


def initializer_names(model: Any, net: Any) -> dict[str, str]:
    """Which ONNX initializer each float parameter of the converted network came from (equal values)."""
    from onnx import numpy_helper

    inits = [(i.name, numpy_helper.to_array(i)) for i in model.graph.initializer]
    names = {}
    for key, tensor in net.state_dict().items():
        value = tensor.detach().numpy()
        if value.dtype != np.float32:
            continue
        same = [
            n
            for n, a in inits
            if a.shape == value.shape and a.dtype == value.dtype and np.array_equal(a, value)
        ]
        if len(same) == 1:
            names[key] = same[0]
    return names


def trainable(net: Any, names: dict[str, str]) -> None:
    """Make the traced float buffers (onnx2torch keeps MatMul weights and Add biases as buffers) trainable.

    Buffers not traced to exactly one initializer (scalar constants, repeated values) stay frozen, so the
    trained network is exactly what ``write_back`` writes.
    """
    import torch

    for key in [k for k, _ in net.named_buffers() if k in names and k.startswith("initializers.")]:
        owner_name, _, attr = key.rpartition(".")
        owner = net.get_submodule(owner_name) if owner_name else net
        value = owner._buffers.pop(attr)
        if value.dim() == 0:
            owner._buffers[attr] = value
            names.pop(key)
            continue
        owner.register_parameter(attr, torch.nn.Parameter(value.clone()))
    for key, param in net.named_parameters():
        param.requires_grad_(key in names)  # batch-norm statistics stay buffers (frozen)


def train(
    samples: list[tuple[np.ndarray, Box, str]], args: argparse.Namespace
) -> tuple[Any, dict[str, str], Any]:
    import onnx
    import torch
    from onnx2torch import convert

    torch.set_num_threads(args.threads)
    model = onnx.load(str(shipped_model()))
    chars = characters(model)
    index = {c: i for i, c in enumerate(chars)}
    net = convert(with_explicit_pads(onnx.load(str(shipped_model()))))
    names = initializer_names(model, net)
    trainable(net, names)
    counted = sum(p.numel() for p in net.parameters())
    print(f"{len(names)} tensors traced to ONNX initializers; {counted} values trained", flush=True)
    batchnorms = [m for m in net.modules() if isinstance(m, torch.nn.modules.batchnorm._BatchNorm)]
    optimiser = torch.optim.AdamW(net.parameters(), lr=args.lr, weight_decay=1e-4)
    steps = args.epochs * math.ceil(len(samples) / args.batch)
    schedule = torch.optim.lr_scheduler.OneCycleLR(
        optimiser, max_lr=args.lr, total_steps=steps, pct_start=0.1
    )
    rng = np.random.default_rng(args.seed)
    t0 = time.time()
    for epoch in range(args.epochs):
        net.train()
        for m in batchnorms:
            m.eval()  # small batches: keep the pretrained statistics
        order = rng.permutation(len(samples))
        losses = []
        for start in range(0, len(order), args.batch):
            chosen = [samples[i] for i in order[start : start + args.batch]]
            x = torch.from_numpy(batch([augment(s, rng) for s in chosen]))
            probs = net(x)  # (batch, time, classes), softmax
            log_probs = probs.clamp_min(1e-9).log().permute(1, 0, 2)
            targets = [torch.tensor([index[c] for c in s[2]]) for s in chosen]
            loss = torch.nn.functional.ctc_loss(
                log_probs,
                torch.cat(targets),
                torch.full((len(chosen),), log_probs.shape[0], dtype=torch.long),
                torch.tensor([len(t) for t in targets]),
                blank=0,
                zero_infinity=True,
            )
            optimiser.zero_grad()
            loss.backward()
            optimiser.step()
            schedule.step()
            losses.append(float(loss))
        print(
            f"epoch {epoch + 1}/{args.epochs}: loss {np.mean(losses):.3f} ({time.time() - t0:.0f} s)",
            flush=True,
        )
    return net.eval(), names, model


def write_back(net: Any, names: dict[str, str], model: Any, out: Path) -> Path:
    """The original ONNX graph with the trained values in its initializers."""
    from onnx import numpy_helper

    trained = {names[k]: v.detach().numpy() for k, v in net.state_dict().items() if k in names}
    for init in model.graph.initializer:
        if init.name in trained:
            init.CopyFrom(numpy_helper.from_array(trained[init.name].astype(np.float32), init.name))
    out.mkdir(parents=True, exist_ok=True)
    path = out / "rec.onnx"
    import onnx

    onnx.save(model, str(path))
    return path


def check(net: Any, path: Path) -> None:
    """The written ONNX model computes what the trained network does (else the write-back lost a tensor)."""
    import onnxruntime as ort
    import torch

    x = np.random.default_rng(0).uniform(-1, 1, (2, 3, HEIGHT, 200)).astype(np.float32)
    with torch.no_grad():
        want = net(torch.from_numpy(x)).numpy()
    got = ort.InferenceSession(str(path), providers=["CPUExecutionProvider"]).run(None, {"x": x})[0]
    diff = float(np.abs(got - want).max())
    if diff > 1e-3:
        raise RuntimeError(f"written model differs from the trained one by {diff}")
    print(f"written model matches the trained network (max difference {diff:.1e})")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--epochs", type=int, default=6)
    ap.add_argument("--batch", type=int, default=16)
    ap.add_argument("--lr", type=float, default=1e-4)
    ap.add_argument("--synth", type=int, default=600, help="synthetic one-line Indian plates")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--out", type=Path, default=ROOT / "models" / "plate_ocr")
    args = ap.parse_args()
    s = Settings.from_env()
    real = real_samples(s.datasets_dir)
    synth = synth_samples(args.synth, args.seed)
    print(f"samples: {len(real)} real (TRAIN half), {len(synth)} synthetic", flush=True)
    t0 = time.time()
    net, names, model = train(real + synth, args)
    path = write_back(net, names, model, args.out)
    check(net, path)
    facts = {
        "base": "rapidocr PP-OCRv6_rec_small.onnx",
        "real_samples": len(real),
        "synthetic_samples": len(synth),
        "epochs": args.epochs,
        "batch": args.batch,
        "lr": args.lr,
        "seed": args.seed,
        "train_seconds": round(time.time() - t0),
        "machine": f"{platform.machine()}, {args.threads} threads",
    }
    (args.out / "train.json").write_text(json.dumps(facts, indent=2) + "\n", encoding="utf-8")
    print(f"wrote {path}")


if __name__ == "__main__":
    main()
