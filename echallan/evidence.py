"""Evidence files: written once, never altered, each with its SHA-256."""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

import cv2
import numpy as np

from echallan.errors import InputError
from echallan.types import EvidenceFile


def sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def write_image(path: Path, image: np.ndarray, kind: str) -> EvidenceFile:
    """Write ``image`` losslessly (PNG) to ``path`` unless it already exists; return its hash.

    An existing file is never overwritten: re-processing a video reuses the evidence it wrote
    before. Files are written to a temporary name, renamed into place and made read-only.
    """
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        ok, data = cv2.imencode(".png", image)
        if not ok:
            raise InputError(f"could not encode evidence image {path}")
        tmp = path.with_suffix(".tmp")
        tmp.write_bytes(data.tobytes())
        os.chmod(tmp, 0o444)
        os.replace(tmp, path)
    return EvidenceFile(kind=kind, path=str(path), sha256=sha256_file(path))
