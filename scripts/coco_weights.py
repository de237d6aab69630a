"""YOLO11n's COCO weights recovered from the shared int8 OpenVINO IR, as an Ultralytics checkpoint.

Used by ``train_plate_detector.py`` (the plate detector starts from COCO) and ``export_detector.py``
(the dynamic-input detector). Nothing is downloaded: the weights come from $ECHALLAN_MODEL_DIR.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

COCO_IR = "yolo11n_int8_openvino_model/yolo11n.xml"


def _const(node: object) -> np.ndarray:
    """The value of a constant weight subgraph (Constant, Convert, Multiply, Subtract) of the IR."""
    kind, args = node.get_type_name(), [i.get_source_output().get_node() for i in node.inputs()]  # type: ignore[attr-defined]
    if kind == "Constant":
        return np.asarray(node.get_data(), np.float32)  # type: ignore[attr-defined]
    if kind == "Convert":
        return _const(args[0])
    if kind in ("Multiply", "Subtract"):
        a, b = _const(args[0]), _const(args[1])
        return a * b if kind == "Multiply" else a - b
    raise ValueError(f"unexpected weight node {kind}")


def coco_init(ir_xml: Path, out: Path) -> Path:
    """Save an Ultralytics checkpoint of YOLO11n whose weights are the IR's, dequantised.

    Batch norm is folded into the IR's convolutions, so each conv gets the folded weight and its
    batch norm the folded bias (mean 0, variance 1 - eps, scale 1): the same function as the IR.
    """
    import openvino as ov
    import torch
    from ultralytics.nn.tasks import DetectionModel

    model = DetectionModel("yolo11n.yaml", nc=80, verbose=False)
    state = model.state_dict()
    new: dict[str, torch.Tensor] = {}
    for op in ov.Core().read_model(ir_xml).get_ordered_ops():
        if op.get_type_name() not in ("Convolution", "GroupConvolution"):
            continue
        name = op.get_friendly_name().split("/")[0].removeprefix("__module.")
        if name.endswith(".dfl.conv"):
            continue  # fixed, not learnt
        w = _const(op.input(1).get_source_output().get_node())
        w = w.reshape(-1, *w.shape[2:]) if op.get_type_name() == "GroupConvolution" else w
        add = next(
            t.get_node() for t in op.output(0).get_target_inputs() if t.get_node().get_type_name() == "Add"
        )
        b = torch.from_numpy(_const(add.input(1).get_source_output().get_node()).reshape(-1))
        new[f"{name}.weight"] = torch.from_numpy(w)
        if name.endswith(".conv"):  # Conv + BatchNorm
            bn = name.removesuffix(".conv") + ".bn"
            norm = model.get_submodule(bn)
            if not isinstance(norm, torch.nn.BatchNorm2d):
                raise ValueError(f"{bn} is a {type(norm).__name__}, not the batch norm of a Conv")
            eps = norm.eps
            new |= {f"{bn}.weight": torch.ones_like(b), f"{bn}.bias": b}
            new |= {
                f"{bn}.running_mean": torch.zeros_like(b),
                f"{bn}.running_var": torch.full_like(b, 1 - eps),
            }
        else:  # the head's last convolutions carry their own bias
            new[f"{name}.bias"] = b
    bad = [k for k, v in new.items() if k not in state or state[k].shape != v.shape]
    if bad:
        raise ValueError(f"weights that do not fit yolo11n.yaml: {bad[:5]}")
    model.load_state_dict(new, strict=False)
    out.parent.mkdir(parents=True, exist_ok=True)
    torch.save({"model": model, "train_args": {}, "date": None, "version": None}, out)
    return out
