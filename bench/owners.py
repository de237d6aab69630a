"""Owner import benchmark: generate a VAHAN-style CSV and time ``import_owners`` on both backends.

    python bench/owners.py [--rows 1000000] [--runs 1] [--no-write]

Each run imports the file into an empty database (insert path) and then again (update path: every
row is an upsert on an existing registration). PostgreSQL is a throwaway cluster started here
(``echallan.testing.pg``, fsync off like the tests); SQLite is a file in a temporary folder.
Writes the ``owners`` section of docs/BENCHMARKS.md (``bench/report.py``) and prints it.
Acceptance: 1,000,000 rows in <= 60 s on PostgreSQL and <= 180 s on SQLite, on 2 cores.
"""

from __future__ import annotations

import argparse
import csv
import os
import random
import signal
import statistics
import sys
import tempfile
import time
from pathlib import Path

import sqlalchemy as sa

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from report import write_section

from echallan.records import import_owners, open_db
from echallan.testing.pg import pg_cluster

ROOT = Path(__file__).resolve().parents[1]
HEADER = (
    "registration", "name", "relation_name", "address", "district", "state", "pin", "mobile",
    "vehicle_class", "maker_model", "colour", "fuel", "registered_on", "fitness_upto",
    "insurance_upto", "puc_upto",
)  # fmt: skip
STATES = ("KA", "MH", "TN", "DL", "KL", "AP", "TS", "GJ")
CLASSES = ("LMV", "MCWG", "Bus", "HGV", "LGV")
MAKERS = ("Maruti Swift", "Honda Activa", "Tata Starbus", "Ashok Leyland 1618", "Hyundai i20")
COLOURS = ("White", "Grey", "Red", "Blue", "Black")
FUELS = ("PETROL", "DIESEL", "CNG", "ELECTRIC")
LIMITS_S = {"postgresql": 60.0, "sqlite": 180.0}


def generate(path: Path, rows: int, seed: int = 7) -> None:
    """``rows`` distinct registrations with every column filled, a few hundred bytes a row."""
    rng = random.Random(seed)
    with path.open("w", newline="", encoding="utf-8") as fh:
        writer = csv.writer(fh)
        writer.writerow(HEADER)
        for n in range(rows):
            state = STATES[n % len(STATES)]
            series = chr(65 + (n // 10000) % 26) + chr(65 + (n // 260000) % 26)
            day, month, year = rng.randint(1, 28), rng.randint(1, 12), rng.randint(2005, 2024)
            writer.writerow(
                (
                    f"{state}{n % 99 + 1:02d}{series}{n % 10000:04d}",
                    f"Owner {n}",
                    f"S/O Parent {n}",
                    f"{n % 500 + 1}, {n % 20 + 1}th Cross\nWard {n % 200}",
                    "Bengaluru Urban",
                    "Karnataka",
                    f"{560001 + n % 100}",
                    f"9{n % 1_000_000_000:09d}",
                    CLASSES[n % len(CLASSES)],
                    MAKERS[n % len(MAKERS)],
                    COLOURS[n % len(COLOURS)],
                    FUELS[n % len(FUELS)],
                    f"{day:02d}-{month:02d}-{year}",
                    f"{day:02d}-{month:02d}-{year + 15}",
                    f"{day:02d}/{month:02d}/2026",
                    f"{year + 1}-{month:02d}-{day:02d}",
                )
            )


def timed_imports(url: str, csv_path: Path) -> tuple[float, float, int]:
    """Seconds for the first import (inserts) and the second (updates), and the owner count."""
    engine = open_db(url)
    try:
        started = time.perf_counter()
        first = import_owners(engine, csv_path)
        insert_s = time.perf_counter() - started
        started = time.perf_counter()
        second = import_owners(engine, csv_path)
        update_s = time.perf_counter() - started
        if first.rejected or second.inserted or second.updated != first.inserted:
            raise SystemExit(f"unexpected import result: {first.inserted=} {second=}")
        with engine.connect() as conn:
            count = int(conn.scalar(sa.text("SELECT count(*) FROM owners")) or 0)
    finally:
        engine.dispose()
    return insert_s, update_s, count


def fresh_pg_database(admin_url: str, name: str) -> str:
    admin = sa.create_engine(admin_url, isolation_level="AUTOCOMMIT", poolclass=sa.pool.NullPool)
    with admin.connect() as conn:
        conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}"')
        conn.exec_driver_sql(f'CREATE DATABASE "{name}"')
    admin.dispose()
    return admin_url.rsplit("/", 1)[0] + f"/{name}"


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--runs", type=int, default=1, help="imports per backend; the median is reported")
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "BENCHMARKS.md")
    parser.add_argument("--no-write", action="store_true")
    args = parser.parse_args()
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))  # unwind: stop the cluster, remove files
    results: dict[str, list[tuple[float, float]]] = {"postgresql": [], "sqlite": []}
    load_before = os.getloadavg()[0]
    with tempfile.TemporaryDirectory(prefix="echallan-bench-") as tmp:
        csv_path = Path(tmp) / "owners.csv"
        started = time.perf_counter()
        generate(csv_path, args.rows)
        size_mb = csv_path.stat().st_size / 1e6
        print(f"generated {args.rows:,} rows ({size_mb:.0f} MB) in {time.perf_counter() - started:.1f} s")
        with pg_cluster() as admin_url:
            for run in range(args.runs):
                url = fresh_pg_database(admin_url, f"bench_{run}")
                insert_s, update_s, count = timed_imports(url, csv_path)
                assert count == args.rows
                results["postgresql"].append((insert_s, update_s))
                print(f"postgresql run {run + 1}: insert {insert_s:.1f} s, update {update_s:.1f} s")
        for run in range(args.runs):
            db = Path(tmp) / f"bench_{run}.db"
            insert_s, update_s, count = timed_imports(f"sqlite:///{db}", csv_path)
            assert count == args.rows
            db.unlink()
            results["sqlite"].append((insert_s, update_s))
            print(f"sqlite run {run + 1}: insert {insert_s:.1f} s, update {update_s:.1f} s")
    load = f"{load_before:.1f} at the start, {os.getloadavg()[0]:.1f} at the end"
    body = report(args.rows, size_mb, args.runs, results) + f"\n\n1-minute load average: {load}."
    print(body)
    if not args.no_write:
        write_section(args.out, "owners", body)


def report(rows: int, size_mb: float, runs: int, results: dict[str, list[tuple[float, float]]]) -> str:
    lines = [
        f"Owner register import (`import_owners`), {rows:,} generated VAHAN-style rows ({size_mb:.0f} MB, "
        f"all 16 columns), {os.cpu_count()} CPU cores, median of {runs} run(s). First import into an "
        "empty table, then the same file again (every row an update). PostgreSQL 15: throwaway cluster "
        "with fsync off (as in the tests), staging through `COPY`; SQLite: file database, staging "
        "through `executemany`. Both then merge with one `INSERT ... ON CONFLICT DO UPDATE`. "
        "Reproduce: `python bench/owners.py`.",
        "",
        "| backend | first import (s) | rows/s | re-import (s) | limit (s) | within limit |",
        "|---|---|---|---|---|---|",
    ]
    for backend, timings in results.items():
        insert_s = statistics.median(t[0] for t in timings)
        update_s = statistics.median(t[1] for t in timings)
        ok = "yes" if max(insert_s, update_s) <= LIMITS_S[backend] else "NO"
        lines.append(
            f"| {backend} | {insert_s:.1f} | {rows / insert_s:,.0f} | {update_s:.1f} | "
            f"{LIMITS_S[backend]:.0f} | {ok} |"
        )
    return "\n".join(lines)


if __name__ == "__main__":
    main()
