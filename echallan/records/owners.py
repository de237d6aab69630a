"""The owner register: import from the RTO's CSV export, upserted on registration number.

Rows are checked in Python (``owners_csv``), written to a staging table (PostgreSQL: ``COPY``
through ``copy_expert``; SQLite: ``executemany``), then merged with one
``INSERT ... SELECT ... ON CONFLICT (registration) DO UPDATE``, all in one transaction: an import
either lands whole or not at all. Owners' personal data never goes to logs.
"""

from __future__ import annotations

import csv
import io
import logging
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine

from echallan.errors import InputError
from echallan.records.db import iso, utcnow
from echallan.records.models import TZ, challans, owners
from echallan.records.owners_csv import (
    DATE_FIELDS,
    Reject,
    check_row,
    load_mapping,
    normalise_registration,
    open_owners_csv,
    write_rejects,
)

log = logging.getLogger(__name__)

__all__ = ["ImportReport", "Reject", "import_owners", "list_owners", "normalise_registration", "show_owner"]

_STAGING = "owners_staging"


@dataclass(frozen=True)
class ImportReport:
    inserted: int
    updated: int
    rejected: tuple[Reject, ...]


def import_owners(
    engine: Engine, csv_path: Path, mapping: Path | None = None, rejects: Path | None = None
) -> ImportReport:
    """Upsert the owners in ``csv_path``; bad rows are reported (and written to ``rejects``).

    ``mapping`` is a TOML file naming the CSV's columns (see ``owners_csv``). Importing the same
    file again updates the rows, never duplicates them. A registration repeated in the file keeps
    its first row; the later ones are rejected.
    """
    source = open_owners_csv(Path(csv_path), load_mapping(mapping))
    rejected: list[Reject] = []
    first_row: dict[str, int] = {}
    fields = source.fields

    def good_rows() -> Iterator[list[str | None]]:
        for row_number, cells in source.rows:
            values, reason = check_row(source, cells)
            if values is not None:
                seen = first_row.setdefault(values["registration"], row_number)
                if seen != row_number:
                    values, reason = None, f"registration repeats row {seen}"
            if values is None:
                rejected.append(Reject(row_number, reason, tuple(cells)))
                continue
            yield [values.get(f) for f in fields]

    updated = _load(engine, fields, good_rows())
    inserted = len(first_row) - updated
    if rejects is not None:
        write_rejects(rejects, source.header, rejected)
    log.info("owners import: %d inserted, %d updated, %d rejected", inserted, updated, len(rejected))
    return ImportReport(inserted=inserted, updated=updated, rejected=tuple(rejected))


def _load(engine: Engine, fields: list[str], rows: Iterator[list[str | None]]) -> int:
    """Stage ``rows`` (validated as they are read) and merge them; returns how many were updates."""
    kinds = ", ".join(f"{f} {'date' if f in DATE_FIELDS else 'text'}" for f in fields)
    with engine.begin() as conn:
        pg = conn.dialect.name == "postgresql"
        if not pg:
            conn.exec_driver_sql(f"DROP TABLE IF EXISTS temp.{_STAGING}")
        conn.exec_driver_sql(f"CREATE TEMP TABLE {_STAGING} ({kinds})" + (" ON COMMIT DROP" if pg else ""))
        cursor = conn.connection.cursor()
        try:
            if pg:
                copy = f"COPY {_STAGING} ({', '.join(fields)}) FROM STDIN WITH (FORMAT csv)"
                stream = _CsvStream(rows)
                try:
                    cursor.copy_expert(copy, stream)
                except Exception:
                    if stream.error is not None:  # raised while reading the CSV: report that, not COPY's
                        raise stream.error from None
                    raise
            else:
                placeholders = ", ".join("?" * len(fields))
                cursor.executemany(f"INSERT INTO {_STAGING} VALUES ({placeholders})", rows)  # type: ignore[arg-type]
        finally:
            cursor.close()
        updated = conn.scalar(
            sa.text(f"SELECT count(*) FROM {_STAGING} s JOIN owners o ON o.registration = s.registration")
        )
        _merge(conn, fields)
        if not pg:
            conn.exec_driver_sql(f"DROP TABLE temp.{_STAGING}")
    return int(updated or 0)


class _CsvStream:
    """A read-only file over CSV lines made from ``rows`` on demand, for ``copy_expert``.

    PostgreSQL parses each chunk while Python checks the next rows: the two overlap on two cores.
    """

    def __init__(self, rows: Iterator[list[str | None]]) -> None:
        self._rows = rows
        self._buffer = io.StringIO()
        self._writer = csv.writer(self._buffer)
        self.error: Exception | None = None

    def read(self, size: int = -1) -> str:
        size = size if size and size > 0 else 1 << 16
        self._buffer.seek(0)
        self._buffer.truncate()
        try:
            for row in self._rows:
                self._writer.writerow(row)
                if self._buffer.tell() >= size:
                    break
        except Exception as err:
            self.error = err
            raise
        return self._buffer.getvalue()

    def readline(self, size: int = -1) -> str:
        return self.read(size)


def _merge(conn: Connection, fields: list[str]) -> None:
    names = ", ".join(fields)
    updates = ", ".join(f"{f} = excluded.{f}" for f in [*fields, "updated_at"] if f != "registration")
    statement = sa.text(
        f"INSERT INTO owners ({names}, created_at, updated_at) "
        f"SELECT {names}, :now, :now FROM {_STAGING} WHERE true "
        f"ON CONFLICT (registration) DO UPDATE SET {updates}"
    ).bindparams(sa.bindparam("now", type_=TZ))
    conn.execute(statement, {"now": utcnow()})


def _plain(row: Any) -> dict[str, Any]:
    dated = ("created_at", "updated_at", *DATE_FIELDS)
    return {k: iso(v) if k in dated else v for k, v in row.items()}


def list_owners(engine: Engine) -> list[dict[str, Any]]:
    """Every owner, sorted by registration, as JSON-serialisable dicts."""
    with engine.connect() as conn:
        rows = conn.execute(sa.select(owners).order_by(owners.c.registration)).mappings().all()
    return [_plain(row) for row in rows]


def show_owner(engine: Engine, registration: str) -> dict[str, Any]:
    """One owner by registration (any spacing or case), with the vehicle's challans."""
    reg = normalise_registration(registration)
    with engine.connect() as conn:
        row = conn.execute(sa.select(owners).where(owners.c.registration == reg)).mappings().first()
        if row is None:
            raise InputError(f"no owner is registered for {reg or registration!r}")
        booked = conn.execute(
            sa.select(challans.c.number, challans.c.status, challans.c.offence, challans.c.amount_inr)
            .where(challans.c.registration == reg)
            .order_by(challans.c.number)
        ).mappings()
        return {**_plain(row), "challans": [dict(c) for c in booked]}
