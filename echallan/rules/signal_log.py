"""Signal state from a signal-controller log: a CSV of phase changes (the other source of truth)."""

from __future__ import annotations

import bisect
import csv
from collections.abc import Sequence
from datetime import datetime
from pathlib import Path

from echallan.errors import ConfigError
from echallan.types import SignalState


def load_signal_log(path: Path) -> list[tuple[datetime, SignalState]]:
    """Read ``time,state`` rows (ISO 8601 with offset; red/amber/green), sorted by time."""
    rows: list[tuple[datetime, SignalState]] = []
    try:
        with path.open(newline="", encoding="utf-8") as fh:
            for n, row in enumerate(csv.DictReader(fh), start=2):
                try:
                    at = datetime.fromisoformat(row["time"].strip())
                    state = SignalState(row["state"].strip().lower())
                except (KeyError, ValueError, AttributeError):
                    raise ConfigError(
                        f"signal log {path}: line {n}: need time (ISO 8601) and state (red/amber/green)"
                    ) from None
                if at.tzinfo is None:
                    raise ConfigError(f"signal log {path}: line {n}: time needs a UTC offset")
                rows.append((at, state))
    except OSError as e:
        raise ConfigError(f"signal log {path}: cannot read: {e.strerror}") from None
    return sorted(rows, key=lambda r: r[0])


def states_at(log: Sequence[tuple[datetime, SignalState]], times: Sequence[datetime]) -> list[SignalState]:
    """The phase in force at each time (pure). Before the first change the state is unknown."""
    changes = [t for t, _ in log]
    out = []
    for t in times:
        i = bisect.bisect_right(changes, t) - 1
        out.append(log[i][1] if i >= 0 else SignalState.UNKNOWN)
    return out
