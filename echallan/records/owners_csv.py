"""Read and check a VAHAN-style owners CSV: column mapping, row validation, reject reasons.

Pure of the database. Reject reasons name the column, never the value: they reach logs and
terminals, and owners' personal data must not. A mapping file (TOML) names the CSV's headers:

    [columns]
    registration = "REGN_NO"
    name = "OWNER_NAME"
    address = ["ADDRESS1", "ADDRESS2", "ADDRESS3"]   # several columns become address lines

Fields it leaves out are looked up under their own names (``registration``, ``name`` ...).
"""

from __future__ import annotations

import csv
import io
import re
import tomllib
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any

from echallan.errors import ConfigError, InputError

TEXT_FIELDS = (
    "registration", "name", "relation_name", "address", "district", "state",
    "pin", "mobile", "vehicle_class", "maker_model", "colour", "fuel",
)  # fmt: skip
DATE_FIELDS = ("registered_on", "fitness_upto", "insurance_upto", "puc_upto")
FIELDS = TEXT_FIELDS + DATE_FIELDS
REQUIRED = ("registration", "name", "address", "pin")
DATE_FORMATS = ("%d-%b-%Y", "%d %b %Y", "%d/%b/%Y")  # besides DD-MM-YYYY and ISO, read fast

_BAD_BYTE = re.compile(r"[\udc80-\udcff]")  # undecodable bytes, kept by "surrogateescape"
_REGISTRATION = re.compile(r"^(?=.*[A-Z])(?=.*[0-9])[A-Z0-9]{4,11}$")
_NOT_ALNUM = re.compile(r"[^A-Z0-9]")
_PIN = re.compile(r"^[1-9][0-9]{5}$")
_MOBILE = re.compile(r"^[6-9][0-9]{9}$")
_MOBILE_NOISE = re.compile(r"[\s()-]")
_NUMERIC_DATE = re.compile(r"^([0-9]{1,2})[-/.]([0-9]{1,2})[-/.]([0-9]{4})$")
_ISO_DATE = re.compile(r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$")
_MOBILE_PREFIX = re.compile(r"^(\+91|0091|91(?=\d{10}$)|0(?=\d{10}$))")


@dataclass(frozen=True)
class Reject:
    """A row left out: ``row_number`` counts lines in the file as a person does (header = 1)."""

    row_number: int
    reason: str
    fields: tuple[str, ...] = field(default=(), repr=False, compare=False)


@dataclass(frozen=True)
class OwnersCsv:
    """An opened owners file: which CSV columns feed which field, and the data rows."""

    header: list[str]
    columns: dict[str, tuple[int, ...]]  # field -> column indexes (several only for address)
    rows: Iterator[tuple[int, list[str]]]

    @property
    def fields(self) -> list[str]:
        return [f for f in FIELDS if f in self.columns]


def normalise_registration(text: str) -> str:
    """``"ka-01 ab 1234"`` -> ``"KA01AB1234"``."""
    return _NOT_ALNUM.sub("", text.upper())


def load_mapping(path: Path | None) -> dict[str, tuple[str, ...]]:
    """Field -> CSV header names, from a TOML mapping file (``None``: every field under its own name)."""
    mapping: dict[str, tuple[str, ...]] = {f: (f,) for f in FIELDS}
    if path is None:
        return mapping
    try:
        data = tomllib.loads(Path(path).read_text(encoding="utf-8"))
    except FileNotFoundError as err:
        raise InputError(f"mapping file not found: {path}") from err
    except (OSError, UnicodeDecodeError) as err:
        raise InputError(f"cannot read mapping file {path}: {err}") from err
    except tomllib.TOMLDecodeError as err:
        raise ConfigError(f"mapping file {path} is not valid TOML: {err}") from err
    columns = data.get("columns")
    if not isinstance(columns, dict) or set(data) - {"columns"}:
        raise ConfigError(f"mapping file {path} must hold one [columns] table and nothing else")
    for name, value in columns.items():
        if name not in FIELDS:
            raise ConfigError(
                f"mapping file {path}: columns.{name} is not a field; use one of {', '.join(FIELDS)}"
            )
        names = (value,) if isinstance(value, str) else value
        if (
            not isinstance(names, list | tuple)
            or not names
            or not all(isinstance(n, str) and n for n in names)
        ):
            raise ConfigError(f"mapping file {path}: columns.{name} must be a header name or a list of them")
        if len(names) > 1 and name != "address":
            raise ConfigError(f"mapping file {path}: only address may join several columns, not {name}")
        mapping[name] = tuple(names)
    return mapping


def open_owners_csv(path: Path, mapping: dict[str, tuple[str, ...]] | None = None) -> OwnersCsv:
    """Read the header, resolve the mapping against it and return the rows still to check."""
    try:
        raw = path.read_bytes()
    except FileNotFoundError as err:
        raise InputError(f"owners file not found: {path}") from err
    except IsADirectoryError as err:
        raise InputError(f"owners file is a folder, not a CSV file: {path}") from err
    except OSError as err:
        raise InputError(f"cannot read owners file {path}: {err.strerror}") from err
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise InputError(f"owners file {path} is UTF-16; save it as 'CSV UTF-8' and import again")
    text = raw.decode("utf-8", errors="surrogateescape").removeprefix("\ufeff")
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        header_row = next(reader, None)
    except csv.Error as err:
        raise InputError(f"owners file {path}: line 1: {err}") from err
    if not header_row or not any(cell.strip() for cell in header_row):
        raise InputError(f"owners file {path} is empty; the first line must be the column header")
    header = [_BAD_BYTE.sub("?", cell).strip().lower() for cell in header_row]
    repeated = sorted({c for c in header if c and header.count(c) > 1})
    if repeated:
        raise InputError(f"owners file {path} has the column '{repeated[0]}' more than once")
    columns: dict[str, tuple[int, ...]] = {}
    for name, names in (mapping or load_mapping(None)).items():
        found = [header.index(n.strip().lower()) for n in names if n.strip().lower() in header]
        if found:
            columns[name] = tuple(found)
        elif name in REQUIRED:
            wanted = "', '".join(names)
            raise InputError(
                f"owners file {path} has no '{wanted}' column; the header must include "
                f"{', '.join(REQUIRED)} (or map them with --mapping)"
            )
    return OwnersCsv(header, columns, _rows(path, reader))


def _rows(path: Path, reader: Any) -> Iterator[tuple[int, list[str]]]:
    line = reader.line_num
    while True:
        start = line + 1
        try:
            fields = next(reader)
        except StopIteration:
            return
        except csv.Error as err:
            raise InputError(f"owners file {path}: line {start}: {err}") from err
        line = reader.line_num
        if any(cell.strip() for cell in fields):
            yield start, fields


def check_row(source: OwnersCsv, fields: list[str]) -> tuple[dict[str, Any] | None, str]:
    """The row's cleaned values, or ``None`` and the reason it is rejected."""
    if len(fields) != len(source.header):
        return None, f"has {len(fields)} fields, the header has {len(source.header)}"
    if _BAD_BYTE.search("".join(fields)):
        for name, indexes in source.columns.items():
            if any(_BAD_BYTE.search(fields[i]) for i in indexes):
                return None, f"{name} is not valid UTF-8 text; save the file as 'CSV UTF-8'"
    values: dict[str, Any] = {}
    for name, indexes in source.columns.items():
        if len(indexes) == 1 and name != "address":
            value = fields[indexes[0]]
            if value:
                value = " ".join(value.split())
        else:
            value = "\n".join(line for i in indexes for line in _lines(fields[i]))
        values[name] = value or None
    for name in REQUIRED:
        if not values[name]:
            return None, f"{name} is empty"
    values["registration"] = registration = normalise_registration(values["registration"])
    if not _REGISTRATION.match(registration):
        return None, "registration is not a vehicle registration number"
    values["pin"] = values["pin"].replace(" ", "")
    if not _PIN.match(values["pin"]):
        return None, "pin must be 6 digits, not starting with 0"
    if values.get("mobile"):
        mobile = _MOBILE_PREFIX.sub("", _MOBILE_NOISE.sub("", values["mobile"]))
        if not _MOBILE.match(mobile):
            return None, "mobile must be a 10-digit Indian mobile number"
        values["mobile"] = mobile
    for name in DATE_FIELDS:
        text = values.get(name)
        if text:
            iso = _iso_date(text)
            if iso is None:
                return None, f"{name} is not a date (DD-MM-YYYY or YYYY-MM-DD)"
            values[name] = iso
    return values, ""


def _iso_date(text: str) -> str | None:
    numeric = _NUMERIC_DATE.match(text)
    if numeric:  # the common case, without building a date twice
        day, month, year = numeric.groups()
        try:
            date(int(year), int(month), int(day))
        except ValueError:
            return None
        return f"{year}-{month:0>2}-{day:0>2}"
    parsed = parse_date(text)
    return parsed.isoformat() if parsed else None


def parse_date(text: str) -> date | None:
    """``"31-01-2030"``, ``"31/01/2030"``, ``"2030-01-31"``, ``"31-Jan-2030"`` -> a date; else ``None``."""
    numeric = _NUMERIC_DATE.match(text)
    try:
        if numeric:
            day, month, year = numeric.groups()
            return date(int(year), int(month), int(day))
        if _ISO_DATE.match(text):
            return date.fromisoformat(text)
    except ValueError:
        return None
    for fmt in DATE_FORMATS:
        try:
            return datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    return None


def _lines(text: str) -> Iterator[str]:
    for line in text.replace("\r", "\n").split("\n"):
        line = " ".join(line.split())
        if line:
            yield line


def write_rejects(path: Path, header: list[str], rejected: list[Reject]) -> None:
    """``line,reason`` then the row as it was read, so it can be fixed and imported again."""
    try:
        with Path(path).open("w", newline="", encoding="utf-8", errors="surrogateescape") as fh:
            writer = csv.writer(fh)
            writer.writerow(["line", "reason", *header])
            writer.writerows([r.row_number, r.reason, *r.fields] for r in rejected)
    except OSError as err:
        raise InputError(f"cannot write rejects file {path}: {err.strerror}") from err
