"""Train YOLO11n from its COCO start on a YOLO-format dataset, on the CPU or a GPU.

    python scripts/yolo_train.py DATA_YAML INIT_PT RUN_DIR [--device 0] [--imgsz 320]
                                 [--epochs N | --hours H] [--batch 16] [--freeze 0] [--set KEY=VALUE]

The training step shared by ``train_plate_detector.py`` and ``train_helmet.py``. It imports nothing
from echallan, only Ultralytics, so it also runs on a bare GPU machine that has the dataset folder and
the COCO start (``coco_weights.py``) copied to it. No per-epoch validation and no plots: the last
epoch's weights, ``RUN_DIR/weights/last.pt``, are the result (no model selection on held-out data).
"""

from __future__ import annotations

import argparse
import os
from pathlib import Path
from typing import Any


def train(
    data: Path,
    init: Path,
    run: Path,
    *,
    device: str = "cpu",
    imgsz: int = 320,
    epochs: int = 8,
    batch: int = 16,
    freeze: int = 0,
    hours: float | None = None,
    seed: int = 0,
    **overrides: Any,
) -> Path:
    """Train and return the last epoch's weights. ``hours``, when given, overrides ``epochs``."""
    os.environ.setdefault("YOLO_OFFLINE", "1")
    from ultralytics import YOLO
    from ultralytics.engine.trainer import BaseTrainer

    # The results table is read back only for the checkpoint's metadata, through polars, which a bare
    # GPU machine may lack; the CSV itself is still written.
    BaseTrainer.read_results_csv = lambda self: {}  # type: ignore[method-assign]
    lines = data.read_text(encoding="utf-8").splitlines()
    here = data.with_name(f"{data.stem}_here.yaml")  # the dataset may have moved (to a GPU machine)
    here.write_text(
        "\n".join(f"path: {data.parent.resolve()}" if ln.startswith("path:") else ln for ln in lines) + "\n",
        encoding="utf-8",
    )
    gpu = device != "cpu"
    YOLO("yolo11n.yaml").train(
        data=str(here), pretrained=str(init), epochs=epochs, imgsz=imgsz, batch=batch, device=device,
        workers=8 if gpu else 0, cache="ram", plots=False, val=False, amp=gpu, seed=seed,
        deterministic=not gpu, freeze=freeze, project=str(run.parent.resolve()), name=run.name,
        exist_ok=True, verbose=False, **({} if hours is None else {"time": hours}), **overrides,
    )  # fmt: skip
    return run / "weights" / "last.pt"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("data", type=Path)
    ap.add_argument("init", type=Path)
    ap.add_argument("run", type=Path)
    ap.add_argument("--device", default="cpu")
    ap.add_argument("--imgsz", type=int, default=320)
    ap.add_argument("--epochs", type=int, default=8)
    ap.add_argument("--hours", type=float)
    ap.add_argument("--batch", type=int, default=16)
    ap.add_argument("--freeze", type=int, default=0)
    ap.add_argument("--set", action="append", default=[], metavar="KEY=VALUE", help="another train argument")
    a = ap.parse_args()
    import yaml

    extra = {k: yaml.safe_load(v) for k, _, v in (item.partition("=") for item in a.set)}
    print(
        train(
            a.data, a.init, a.run, device=a.device, imgsz=a.imgsz, epochs=a.epochs,
            batch=a.batch, freeze=a.freeze, hours=a.hours, **extra,
        )
    )  # fmt: skip


if __name__ == "__main__":
    main()
