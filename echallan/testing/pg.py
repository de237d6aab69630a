"""A throwaway PostgreSQL cluster for tests and benchmarks: initdb + pg_ctl, removed afterwards.

with pg_cluster() as url:          # "postgresql+psycopg2://postgres@127.0.0.1:PORT/postgres"
    engine = open_db(url)

The cluster runs with fsync off on 127.0.0.1 at a free port, as the ``postgres`` user when the
caller is root (initdb refuses root). Server binaries are found through ``$ECHALLAN_PG_BINDIR``,
``pg_config``, Debian's ``/usr/lib/postgresql/*/bin`` or ``PATH``.
"""

from __future__ import annotations

import glob
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from echallan.errors import EchallanError

INITDB = ("--no-locale", "--no-sync")
FAST_SETTINGS = "-c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=50"


class PgUnavailable(EchallanError):
    """PostgreSQL server binaries are not installed, or the cluster would not start."""


def pg_bindir() -> Path | None:
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


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _run(argv: list[str], as_user: str | None) -> None:
    if as_user:
        argv = ["runuser", "-u", as_user, "--", *argv]
    result = subprocess.run(argv, capture_output=True, text=True, check=False, timeout=120)
    if result.returncode != 0:
        detail = " ".join((result.stderr or result.stdout).split())
        raise PgUnavailable(f"{' '.join(argv)} failed ({result.returncode}): {detail}")


@contextmanager
def pg_cluster(extra_settings: str = "") -> Iterator[str]:
    """Start a private cluster (superuser ``postgres``, trust auth), yield its URL, then remove it."""
    bindir = pg_bindir()
    if bindir is None:
        raise PgUnavailable("PostgreSQL server binaries (initdb, pg_ctl) not found; set ECHALLAN_PG_BINDIR")
    as_user = "postgres" if os.geteuid() == 0 else None
    # As root, stay out of $TMPDIR: it may sit in a folder the postgres user cannot enter.
    root = tempfile.mkdtemp(prefix="echallan-pg-", dir="/tmp" if as_user else None)
    if as_user:
        entry = pwd.getpwnam(as_user)
        os.chown(root, entry.pw_uid, entry.pw_gid)
    os.chmod(root, 0o700)
    data, log, port = f"{root}/data", f"{root}/server.log", free_port()
    options = (
        f"-c listen_addresses=127.0.0.1 -p {port} -c unix_socket_directories={root} "
        f"{FAST_SETTINGS} {extra_settings}"
    ).strip()
    started = False
    try:
        initdb = [
            str(bindir / "initdb"),
            "-D",
            data,
            "--auth=trust",
            "--username=postgres",
            "--encoding=UTF8",
        ]
        _run([*initdb, *INITDB], as_user)
        try:
            _run(
                [str(bindir / "pg_ctl"), "-D", data, "-l", log, "-w", "-t", "60", "-o", options, "start"],
                as_user,
            )
        except PgUnavailable as err:
            server_log = Path(log).read_text(errors="replace") if Path(log).exists() else ""
            raise PgUnavailable(f"{err}; server log: {' '.join(server_log.split())[-2000:]}") from err
        started = True
        yield f"postgresql+psycopg2://postgres@127.0.0.1:{port}/postgres"
    finally:
        if started:
            _run([str(bindir / "pg_ctl"), "-D", data, "-m", "immediate", "-w", "stop"], as_user)
        shutil.rmtree(root, ignore_errors=True)
