"""Helpers for tests and benchmarks (a throwaway PostgreSQL cluster, the bench scripts as modules); not
used by the pipeline."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType

BENCH = Path(__file__).resolve().parents[2] / "bench"


def bench_script(name: str) -> ModuleType:
    """``bench/<name>.py`` of a source checkout, imported as the module ``bench_<name>`` (once), so a test can
    check its scoring; the bench folder joins ``sys.path`` for the scripts' own imports (``report``)."""
    if (loaded := sys.modules.get(f"bench_{name}")) is not None:
        return loaded
    if str(BENCH) not in sys.path:
        sys.path.insert(0, str(BENCH))
    spec = importlib.util.spec_from_file_location(f"bench_{name}", BENCH / f"{name}.py")
    if spec is None or spec.loader is None:
        raise FileNotFoundError(BENCH / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[f"bench_{name}"] = module
    spec.loader.exec_module(module)
    return module
