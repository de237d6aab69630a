"""Database fixtures: a throwaway PostgreSQL cluster for the session and a fresh database per test.

``pg_url`` starts a private cluster (initdb + pg_ctl, fsync off, 127.0.0.1 on a free port, run as
the ``postgres`` user when the tests run as root) and removes it afterwards. Without PostgreSQL
server binaries the postgres tests are skipped, or fail when ``ECHALLAN_REQUIRE_PG=1``.
``db_url`` runs a test once on SQLite and once on PostgreSQL, each time on an empty database.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
import sqlalchemy as sa

from echallan.testing.pg import PgUnavailable, pg_bindir, pg_cluster

if TYPE_CHECKING:
    from echallan.samples import DemoSample


@pytest.fixture(scope="session")
def pg_url() -> Iterator[str]:
    """``postgresql+psycopg2://`` URL of the session's throwaway cluster (superuser, trust auth)."""
    if pg_bindir() is None:
        message = "PostgreSQL server binaries (initdb, pg_ctl) not found"
        if os.environ.get("ECHALLAN_REQUIRE_PG") == "1":
            pytest.fail(f"{message} and ECHALLAN_REQUIRE_PG=1")
        pytest.skip(message)
    try:
        cluster = pg_cluster()
        url = cluster.__enter__()
    except PgUnavailable as err:
        pytest.fail(f"could not start PostgreSQL: {err}")
    try:
        yield url
    finally:
        cluster.__exit__(None, None, None)


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
def demo_sample(tmp_path_factory: pytest.TempPathFactory) -> DemoSample:
    from echallan.samples import make_demo

    return make_demo(tmp_path_factory.mktemp("sample"))


@pytest.fixture(scope="session")
def demo_camera(demo_sample: DemoSample) -> Path:
    return Path(demo_sample.camera)
