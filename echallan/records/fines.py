"""Fine amounts by offence, read from ``echallan/data/fines.toml`` (or a copy passed by the user)."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from echallan.errors import ConfigError, InputError

_KEYS = {"label", "label_hi", "section", "first", "repeat"}


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


DEFAULT_FINES = Path(__file__).resolve().parent.parent / "data" / "fines.toml"


def load_fines(path: Path | None = None) -> dict[str, Fine]:
    """Read and check a fines file; ``None`` reads the packaged central MV Act amounts."""
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
    if not data:
        raise ConfigError(f"{name} defines no offences")
    return {offence: _fine(name, offence, table) for offence, table in data.items()}


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
