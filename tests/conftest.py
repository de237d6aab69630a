"""Database fixtures: a throwaway PostgreSQL cluster for the session and a fresh database per test.

``pg_url`` starts a private cluster (initdb + pg_ctl, fsync off, 127.0.0.1 on a free port, run as
the ``postgres`` user when the tests run as root) and removes it afterwards. Without PostgreSQL
server binaries the postgres tests are skipped, or fail when ``ECHALLAN_REQUIRE_PG=1``.
``db_url`` runs a test once on SQLite and once on PostgreSQL, each time on an empty database.
"""

from __future__ import annotations

import glob
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa

INITDB = ("--no-locale", "--no-sync")


def _pg_bindir() -> Path | None:
    """A folder holding initdb and pg_ctl: $ECHALLAN_PG_BINDIR, pg_config, Debian's layout, PATH."""
    candidates: list[str] = []
    if os.environ.get("ECHALLAN_PG_BINDIR"):
        candidates.append(os.environ["ECHALLAN_PG_BINDIR"])
    pg_config = shutil.which("pg_config")
    if pg_config:
        result = subprocess.run([pg_config, "--bindir"], capture_output=True, text=True, check=False)
        candidates.append(result.stdout.strip())
    debian = glob.glob("/usr/lib/postgresql/*/bin")
    candidates += sorted(
        debian, key=lambda p: int(Path(p).parent.name) if Path(p).parent.name.isdigit() else 0
    )[::-1]
    initdb = shutil.which("initdb")
    if initdb:
        candidates.append(str(Path(initdb).resolve().parent))
    for folder in candidates:
        if folder and (Path(folder) / "initdb").is_file() and (Path(folder) / "pg_ctl").is_file():
            return Path(folder)
    return None


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _run(argv: list[str], as_user: str | None) -> None:
    if as_user:
        argv = ["runuser", "-u", as_user, "--", *argv]
    result = subprocess.run(argv, capture_output=True, text=True, check=False, timeout=120)
    if result.returncode != 0:
        raise RuntimeError(f"{' '.join(argv)} failed ({result.returncode}): {result.stderr or result.stdout}")


@pytest.fixture(scope="session")
def pg_url() -> Iterator[str]:
    """``postgresql+psycopg2://`` URL of the session's throwaway cluster (superuser, trust auth)."""
    bindir = _pg_bindir()
    if bindir is None:
        message = "PostgreSQL server binaries (initdb, pg_ctl) not found"
        if os.environ.get("ECHALLAN_REQUIRE_PG") == "1":
            pytest.fail(f"{message} and ECHALLAN_REQUIRE_PG=1")
        pytest.skip(message)
    as_user = "postgres" if os.geteuid() == 0 else None  # initdb refuses to run as root
    # As root, stay out of $TMPDIR: it may sit in a folder the postgres user cannot enter.
    root = tempfile.mkdtemp(prefix="echallan-pg-", dir="/tmp" if as_user else None)
    if as_user:
        entry = pwd.getpwnam(as_user)
        os.chown(root, entry.pw_uid, entry.pw_gid)
    os.chmod(root, 0o700)
    data, log, port = f"{root}/data", f"{root}/server.log", _free_port()
    options = (
        f"-c listen_addresses=127.0.0.1 -p {port} -c unix_socket_directories={root} "
        "-c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=50"
    )
    started = False
    try:
        _run(
            [
                str(bindir / "initdb"),
                "-D",
                data,
                "--auth=trust",
                "--username=postgres",
                "--encoding=UTF8",
                *INITDB,
            ],
            as_user,
        )
        _run(
            [str(bindir / "pg_ctl"), "-D", data, "-l", log, "-w", "-t", "60", "-o", options, "start"], as_user
        )
        started = True
        yield f"postgresql+psycopg2://postgres@127.0.0.1:{port}/postgres"
    except RuntimeError as err:
        server_log = Path(log).read_text(errors="replace") if Path(log).exists() else ""
        pytest.fail(f"could not start PostgreSQL: {err}\n{server_log}")
    finally:
        if started:
            _run([str(bindir / "pg_ctl"), "-D", data, "-m", "immediate", "-w", "stop"], as_user)
        shutil.rmtree(root, ignore_errors=True)


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """URL of an empty database: a SQLite file in ``tmp_path``, or a new database on the cluster."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'echallan.db'}"
        return
    admin_url: str = request.getfixturevalue("pg_url")
    name = f"test_{uuid.uuid4().hex[:16]}"
    admin = sa.create_engine(admin_url, isolation_level="AUTOCOMMIT", poolclass=sa.pool.NullPool)
    try:
        with admin.connect() as conn:
            conn.exec_driver_sql(f'CREATE DATABASE "{name}"')
        yield admin_url.rsplit("/", 1)[0] + f"/{name}"
        with admin.connect() as conn:
            conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    finally:
        admin.dispose()


# --------------------------------------------------------------------------- models, data, samples

ROOT = Path(__file__).resolve().parents[1]


def _configured(env: str, default: Path, what: str) -> Path:
    path = Path(os.environ.get(env, str(default)))
    if not path.exists():
        pytest.fail(f"{what} not found at {path}: set {env}", pytrace=False)
    return path


@pytest.fixture(scope="session")
def model_dir() -> Path:
    """Real weights (CI: ../shared/models), from ECHALLAN_MODEL_DIR."""
    return _configured("ECHALLAN_MODEL_DIR", ROOT.parent / "shared" / "models", "model directory")


@pytest.fixture(scope="session")
def datasets_dir() -> Path:
    """Real labelled data (CI: ../shared/datasets), from ECHALLAN_DATASETS."""
    return _configured("ECHALLAN_DATASETS", ROOT.parent / "shared" / "datasets", "datasets directory")


@pytest.fixture(scope="session")
def demo_sample(tmp_path_factory: pytest.TempPathFactory):  # type: ignore[no-untyped-def]
    from echallan.samples import make_demo

    return make_demo(tmp_path_factory.mktemp("sample"))


@pytest.fixture(scope="session")
def demo_camera(demo_sample) -> Path:  # type: ignore[no-untyped-def]
    return Path(demo_sample.camera)
