"""Owner import: column mapping, reject file, validity dates, idempotent bulk upsert (COPY on PostgreSQL)."""

from __future__ import annotations

import csv
import time
from pathlib import Path

import pytest
import sqlalchemy as sa
from test_records import write

from echallan.errors import ConfigError, InputError
from echallan.records import import_owners, list_owners, open_db, show_owner
from echallan.records.models import owners
from echallan.records.owners_csv import load_mapping, parse_date

VAHAN = (
    "REGN_NO,OWNER_NAME,FATHER_NAME,ADD1,ADD2,ADD3,DIST,STATE,PINCODE,MOBILE,VH_CLASS,MAKER,COLOR,FUEL,"
    "REGN_DT,FIT_UPTO,INS_UPTO,PUC_UPTO\n"
    "KA01AB1234,Asha Rao,Ramesh Rao,12 3rd Cross,Jayanagar,,Bengaluru Urban,Karnataka,560041,9845012345,"
    "LMV,Maruti Swift,White,PETROL,01-02-2019,31-01-2034,15/06/2025,2025-09-30\n"
    "KA05MN0007,Imran Khan,,45 MG Road,,,Bengaluru Urban,Karnataka,560001,,MCWG,Honda Activa,Grey,PETROL,"
    ",,,\n"
    "KA03CD9999,Lakshmi N,,9 Hill View,,,Mysuru,Karnataka,570001,,LMV,i20,Red,DIESEL,31-02-2020,,,\n"
    "KA 01 AB 1234,Again,,1 Road,,,X,KA,560001,,LMV,,,,,,,\n"
)
MAPPING = """
[columns]
registration = "REGN_NO"
name = "OWNER_NAME"
relation_name = "FATHER_NAME"
address = ["ADD1", "ADD2", "ADD3"]
district = "DIST"
state = "STATE"
pin = "PINCODE"
mobile = "MOBILE"
vehicle_class = "VH_CLASS"
maker_model = "MAKER"
colour = "COLOR"
fuel = "FUEL"
registered_on = "REGN_DT"
fitness_upto = "FIT_UPTO"
insurance_upto = "INS_UPTO"
puc_upto = "PUC_UPTO"
"""


def test_mapping_file_dates_and_rejects_file(db_url: str, tmp_path: Path) -> None:
    engine = open_db(db_url)
    mapping, rejects = write(tmp_path / "vahan.toml", MAPPING), tmp_path / "rejects.csv"
    report = import_owners(engine, write(tmp_path / "vahan.csv", VAHAN), mapping=mapping, rejects=rejects)
    assert (report.inserted, report.updated) == (2, 0)
    assert [(r.row_number, r.reason) for r in report.rejected] == [
        (4, "registered_on is not a date (DD-MM-YYYY or YYYY-MM-DD)"),
        (5, "registration repeats row 2"),
    ]
    with rejects.open(newline="", encoding="utf-8") as fh:
        rows = list(csv.reader(fh))
    assert rows[0][:3] == ["line", "reason", "regn_no"] and [r[0] for r in rows[1:]] == ["4", "5"]
    asha = show_owner(engine, "ka-01-ab-1234")
    assert asha["address"] == "12 3rd Cross\nJayanagar" and asha["relation_name"] == "Ramesh Rao"
    assert (asha["registered_on"], asha["fitness_upto"], asha["insurance_upto"], asha["puc_upto"]) == (
        "2019-02-01",
        "2034-01-31",
        "2025-06-15",
        "2025-09-30",
    )
    assert asha["fuel"] == "PETROL" and asha["challans"] == []
    assert show_owner(engine, "KA05MN0007")["fitness_upto"] is None
    with pytest.raises(InputError, match="no owner is registered for 'KA99ZZ9999'"):
        show_owner(engine, "KA99ZZ9999")


def test_mapping_errors_name_the_problem(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match=r"columns\.owner is not a field"):
        load_mapping(write(tmp_path / "a.toml", '[columns]\nowner = "X"\n'))
    with pytest.raises(ConfigError, match="only address may join"):
        load_mapping(write(tmp_path / "b.toml", '[columns]\nname = ["A", "B"]\n'))
    with pytest.raises(InputError, match="not found"):
        load_mapping(tmp_path / "none.toml")
    assert parse_date("31-Jan-2030") is not None and parse_date("2030/13/01") is None


def test_missing_mapped_column_is_refused(db_url: str, tmp_path: Path) -> None:
    engine = open_db(db_url)
    mapping = write(tmp_path / "m.toml", '[columns]\npin = "PINCODE"\n')
    with pytest.raises(InputError, match="no 'PINCODE' column"):
        import_owners(engine, write(tmp_path / "o.csv", "registration,name,address,pin\n"), mapping=mapping)


def generated(path: Path, count: int, name: str = "Owner") -> Path:
    with path.open("w", newline="", encoding="utf-8") as fh:
        writer = csv.writer(fh)
        writer.writerow(["registration", "name", "address", "pin", "vehicle_class", "fitness_upto"])
        for n in range(count):
            writer.writerow(
                [
                    f"KA{n // 9000 + 1:02d}M{n % 9000 + 1000}",
                    f"{name} {n}",
                    "1 Road",
                    "560001",
                    "LMV",
                    "01-01-2030",
                ]
            )
    return path


def test_bulk_import_is_an_idempotent_upsert(db_url: str, tmp_path: Path) -> None:
    engine = open_db(db_url)
    started = time.perf_counter()
    report = import_owners(engine, generated(tmp_path / "a.csv", 20_000))
    assert (report.inserted, report.updated, report.rejected) == (20_000, 0, ())
    assert time.perf_counter() - started < 30
    again = import_owners(engine, generated(tmp_path / "b.csv", 20_500, name="Renamed"))
    assert (again.inserted, again.updated) == (500, 20_000)
    with engine.connect() as conn:
        assert conn.scalar(sa.select(sa.func.count()).select_from(owners)) == 20_500
        assert (
            conn.scalar(sa.select(owners.c.name).where(owners.c.registration == "KA01M1000")) == "Renamed 0"
        )
    assert list_owners(engine)[0]["fitness_upto"] == "2030-01-01"
