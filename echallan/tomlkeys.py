"""Typed reads from parsed TOML that name the offending key in every error."""

from __future__ import annotations

from typing import Any

from echallan.errors import ConfigError
from echallan.types import Box, Line, Point

MISSING: Any = object()


class Keys:
    """A view of one TOML table; ``what`` names the file in messages, ``prefix`` the table."""

    def __init__(self, what: str, data: dict[str, Any], prefix: str = "") -> None:
        self.what = what
        self.data = data
        self.prefix = prefix

    def fail(self, key: str, reason: str) -> ConfigError:
        return ConfigError(f"{self.what}: {self.prefix}{key}: {reason}")

    def get(self, key: str, default: Any = MISSING) -> Any:
        node: Any = self.data
        for part in key.split("."):
            if not isinstance(node, dict) or part not in node:
                if default is MISSING:
                    raise self.fail(key, "missing")
                return default
            node = node[part]
        return node

    def has(self, key: str) -> bool:
        return self.get(key, None) is not None

    def table(self, key: str) -> Keys:
        value = self.get(key)
        if not isinstance(value, dict):
            raise self.fail(key, "must be a table")
        return Keys(self.what, value, f"{self.prefix}{key}.")

    def tables(self, key: str) -> list[Keys]:
        """An array of tables (``[[key]]``); absent means none."""
        value = self.get(key, [])
        if not isinstance(value, list) or not all(isinstance(v, dict) for v in value):
            raise self.fail(key, "must be an array of tables ([[" + key + "]])")
        return [Keys(self.what, v, f"{self.prefix}{key}[{i}].") for i, v in enumerate(value)]

    def string(self, key: str, default: Any = MISSING) -> str:
        value = self.get(key, default)
        if not isinstance(value, str) or not value.strip():
            raise self.fail(key, "must be a non-empty string")
        return value

    def number(self, key: str, default: Any = MISSING, minimum: float = float("-inf")) -> float:
        value = self.get(key, default)
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise self.fail(key, f"must be a number, got {value!r}")
        if value < minimum:
            raise self.fail(key, f"must be at least {minimum}, got {value}")
        return float(value)

    def point(self, key: str, value: Any = MISSING) -> Point:
        value = self.get(key) if value is MISSING else value
        if not (isinstance(value, list) and len(value) == 2 and all(_is_num(v) for v in value)):
            raise self.fail(key, f"must be [x, y], got {value!r}")
        return (float(value[0]), float(value[1]))

    def points(self, key: str, count: int | None = None, minimum: int = 3) -> tuple[Point, ...]:
        value = self.get(key)
        if not isinstance(value, list) or (count is not None and len(value) != count) or len(value) < minimum:
            need = f"exactly {count}" if count is not None else f"at least {minimum}"
            raise self.fail(key, f"must be a list of {need} [x, y] points")
        return tuple(self.point(key, v) for v in value)

    def line(self, key: str) -> Line:
        t = self.table(key)
        line = Line(t.point("a"), t.point("b"))
        if line.a == line.b:
            raise self.fail(key, "a and b must be different points")
        return line

    def box(self, key: str) -> Box:
        value = self.get(key)
        ok = isinstance(value, list) and len(value) == 4 and all(_is_num(v) for v in value)
        if not ok or not (value[2] > value[0] and value[3] > value[1]):
            raise self.fail(key, f"must be [x1, y1, x2, y2] with x2 > x1 and y2 > y1, got {value!r}")
        return Box(*(float(v) for v in value))


def _is_num(v: Any) -> bool:
    return isinstance(v, int | float) and not isinstance(v, bool)
