"""Fine amounts by offence, read from ``echallan/data/fines.toml`` (or a copy passed by the user).

The file holds the central MV Act amounts, one table per offence, a top-level
``repeat_window_days``, and per-state overrides under ``[states.XX.<offence>]`` that replace
only the keys they name. ``load_fines(state="KA")`` applies Karnataka's overrides.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from echallan.errors import ConfigError, InputError

_KEYS = {"label", "label_hi", "section", "first", "repeat"}
_RESERVED = {"states", "repeat_window_days"}
REPEAT_WINDOW_DAYS = 3 * 365  # MV Act: a "second or subsequent offence" within three years


@dataclass(frozen=True)
class Fine:
    """What one offence costs and where the MV Act says so."""

    offence: str
    label: str
    section: str
    first: int
    repeat: int
    label_hi: str | None = None

    def amount(self, repeat: bool) -> int:
        return self.repeat if repeat else self.first


@dataclass(frozen=True)
class FineSchedule:
    """The fines in force for one state, and how far back a previous offence makes this a repeat."""

    state: str | None
    fines: dict[str, Fine]
    repeat_window_days: int


DEFAULT_FINES = Path(__file__).resolve().parent.parent / "data" / "fines.toml"


def load_fines(path: Path | None = None, state: str | None = None) -> dict[str, Fine]:
    """Read and check a fines file; ``None`` reads the packaged central MV Act amounts."""
    return load_fine_schedule(path, state).fines


def load_fine_schedule(path: Path | None = None, state: str | None = None) -> FineSchedule:
    """The fines for ``state`` (central amounts with that state's overrides) and the repeat window."""
    name = str(path) if path is not None else "fines.toml (packaged)"
    try:
        text = Path(path or DEFAULT_FINES).read_text(encoding="utf-8")
    except FileNotFoundError as err:
        raise InputError(f"fines file not found: {path or DEFAULT_FINES}") from err
    except (OSError, UnicodeDecodeError) as err:
        raise InputError(f"cannot read fines file {path or DEFAULT_FINES}: {err}") from err
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as err:
        raise ConfigError(f"{name} is not valid TOML: {err}") from err
    central = {k: v for k, v in data.items() if k not in _RESERVED}
    if not central:
        raise ConfigError(f"{name} defines no offences")
    window = data.get("repeat_window_days", REPEAT_WINDOW_DAYS)
    if isinstance(window, bool) or not isinstance(window, int) or window < 0:
        raise ConfigError(f"{name}: repeat_window_days must be a whole number of days, 0 or more")
    states = data.get("states", {})
    if not isinstance(states, dict):
        raise ConfigError(f"{name}: states must be tables such as [states.KA.no_helmet]")
    code = state.strip().upper() if state else None
    overrides = states.get(code, {}) if code else {}
    for offence, table in overrides.items():
        if offence not in central:
            raise ConfigError(f"{name}: states.{code}.{offence} overrides an offence with no central entry")
        if not isinstance(table, dict):
            raise ConfigError(f"{name}: states.{code}.{offence} must be a table")
    fines = {
        offence: _fine(name, offence, {**table, **overrides.get(offence, {})})
        if isinstance(table, dict)
        else _fine(name, offence, table)
        for offence, table in central.items()
    }
    return FineSchedule(code, fines, window)


def _fine(name: str, offence: str, table: Any) -> Fine:
    if not isinstance(table, dict):
        raise ConfigError(f"{name}: {offence} must be a table with label, section, first and repeat")
    unknown = sorted(set(table) - _KEYS)
    if unknown:
        raise ConfigError(f"{name}: {offence}.{unknown[0]} is not a known key (expected {sorted(_KEYS)})")
    for key in ("label", "section"):
        value = table.get(key)
        if isinstance(value, int) and not isinstance(value, bool) and key == "section":
            table = {**table, key: str(value)}
        elif not isinstance(value, str) or not value.strip():
            raise ConfigError(f"{name}: {offence}.{key} is missing or empty")
    label_hi = table.get("label_hi")
    if label_hi is not None and (not isinstance(label_hi, str) or not label_hi.strip()):
        raise ConfigError(f"{name}: {offence}.label_hi must be non-empty text when given")
    amounts = {}
    for key in ("first", "repeat"):
        value = table.get(key)
        if value is None:
            raise ConfigError(f"{name}: {offence}.{key} is missing")
        if isinstance(value, bool) or not isinstance(value, int) or value <= 0:
            raise ConfigError(f"{name}: {offence}.{key} must be a whole number of rupees above 0")
        amounts[key] = value
    return Fine(
        offence=offence,
        label=table["label"].strip(),
        section=table["section"].strip(),
        first=amounts["first"],
        repeat=amounts["repeat"],
        label_hi=label_hi.strip() if label_hi else None,
    )
