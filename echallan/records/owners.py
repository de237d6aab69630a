"""The owner register: import from the RTO's CSV export, upserted on registration number.

Owners' personal data never goes to logs, and reject reasons name the column, never the value.
"""

from __future__ import annotations

import csv
import io
import logging
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine

from echallan.errors import InputError
from echallan.records.db import insert_for, iso, utcnow
from echallan.records.models import owners

log = logging.getLogger(__name__)

COLUMNS = (
    "registration", "name", "relation_name", "address", "district", "state",
    "pin", "mobile", "vehicle_class", "maker_model", "colour",
)  # fmt: skip
REQUIRED = ("registration", "name", "address", "pin")
_BAD_BYTE = re.compile(r"[\udc80-\udcff]")  # undecodable bytes, kept by "surrogateescape"
_REGISTRATION = re.compile(r"^(?=.*[A-Z])(?=.*[0-9])[A-Z0-9]{4,11}$")
_PIN = re.compile(r"^[1-9][0-9]{5}$")
_MOBILE = re.compile(r"^[6-9][0-9]{9}$")
_CHUNK = 500


@dataclass(frozen=True)
class Reject:
    """A row left out: ``row_number`` counts lines in the file as a person does (header = 1)."""

    row_number: int
    reason: str


@dataclass(frozen=True)
class ImportReport:
    inserted: int
    updated: int
    rejected: tuple[Reject, ...]


def normalise_registration(text: str) -> str:
    """``"ka-01 ab 1234"`` -> ``"KA01AB1234"``."""
    return re.sub(r"[^A-Z0-9]", "", text.upper())


def import_owners(engine: Engine, csv_path: Path) -> ImportReport:
    """Upsert the owners in ``csv_path``; bad rows are reported, good rows still imported."""
    header, records = _read(Path(csv_path))
    good: dict[str, dict[str, Any]] = {}
    first_row: dict[str, int] = {}
    rejected: list[Reject] = []
    for row_number, fields in records:
        values, reason = _check_row(header, fields)
        if values is not None and values["registration"] in first_row:
            reason = f"registration repeats row {first_row[values['registration']]}"
        if values is None or reason:
            rejected.append(Reject(row_number, reason))
            continue
        first_row[values["registration"]] = row_number
        good[values["registration"]] = values
    inserted, updated = _upsert(engine, [c for c in COLUMNS if c in header], list(good.values()))
    log.info("owners import: %d inserted, %d updated, %d rejected", inserted, updated, len(rejected))
    return ImportReport(inserted=inserted, updated=updated, rejected=tuple(rejected))


def list_owners(engine: Engine) -> list[dict[str, Any]]:
    """Every owner, sorted by registration, as JSON-serialisable dicts."""
    with engine.connect() as conn:
        rows = conn.execute(sa.select(owners).order_by(owners.c.registration)).mappings().all()
    out = []
    for row in rows:
        item = dict(row)
        item["created_at"] = iso(item["created_at"])
        item["updated_at"] = iso(item["updated_at"])
        out.append(item)
    return out


def _read(path: Path) -> tuple[list[str], Iterator[tuple[int, list[str]]]]:
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
    for column in REQUIRED:
        if column not in header:
            raise InputError(
                f"owners file {path} has no '{column}' column; the header must include {', '.join(REQUIRED)}"
            )
    repeated = sorted({c for c in header if c and header.count(c) > 1})
    if repeated:
        raise InputError(f"owners file {path} has the column '{repeated[0]}' more than once")
    return header, _rows(path, reader)


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


def _check_row(header: list[str], fields: list[str]) -> tuple[dict[str, Any] | None, str]:
    if len(fields) != len(header):
        return None, f"has {len(fields)} fields, the header has {len(header)}"
    cells = dict(zip(header, fields, strict=True))
    for column in COLUMNS:
        if column in cells and _BAD_BYTE.search(cells[column]):
            return None, f"{column} is not valid UTF-8 text; save the file as 'CSV UTF-8'"
    values: dict[str, Any] = {}
    for column in COLUMNS:
        if column in cells:
            value = " ".join(cells[column].split()) if column != "address" else _address(cells[column])
            values[column] = value or None
    for column in REQUIRED:
        if not values.get(column):
            return None, f"{column} is empty"
    values["registration"] = normalise_registration(values["registration"])
    if not _REGISTRATION.match(values["registration"]):
        return None, "registration is not a vehicle registration number"
    values["pin"] = values["pin"].replace(" ", "")
    if not _PIN.match(values["pin"]):
        return None, "pin must be 6 digits, not starting with 0"
    if values.get("mobile"):
        mobile = re.sub(r"[\s()-]", "", values["mobile"])
        mobile = re.sub(r"^(\+91|0091|91(?=\d{10}$)|0(?=\d{10}$))", "", mobile)
        if not _MOBILE.match(mobile):
            return None, "mobile must be a 10-digit Indian mobile number"
        values["mobile"] = mobile
    return values, ""


def _address(text: str) -> str:
    lines = (" ".join(line.split()) for line in text.replace("\r", "\n").split("\n"))
    return "\n".join(line for line in lines if line)


def _upsert(engine: Engine, columns: list[str], rows: list[dict[str, Any]]) -> tuple[int, int]:
    if not rows:
        return 0, 0
    now = utcnow()
    with engine.begin() as conn:
        existing = _existing(conn, [r["registration"] for r in rows])
        stmt = insert_for(conn, owners)
        stmt = stmt.on_conflict_do_update(
            index_elements=[owners.c.registration],
            set_={**{c: stmt.excluded[c] for c in columns if c != "registration"}, "updated_at": now},
        )
        params = [{**{c: r.get(c) for c in columns}, "created_at": now, "updated_at": now} for r in rows]
        for i in range(0, len(params), _CHUNK):
            conn.execute(stmt, params[i : i + _CHUNK])
    return len(rows) - len(existing), len(existing)


def _existing(conn: Connection, registrations: list[str]) -> set[str]:
    found: set[str] = set()
    for i in range(0, len(registrations), _CHUNK):
        chunk = registrations[i : i + _CHUNK]
        found.update(conn.scalars(sa.select(owners.c.registration).where(owners.c.registration.in_(chunk))))
    return found
