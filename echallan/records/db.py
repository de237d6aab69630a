"""Open the records database and bring its schema up to date (Alembic, driven from code)."""

from __future__ import annotations

import logging
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from alembic import command
from alembic.config import Config
from sqlalchemy.engine import Connection, Engine, make_url
from sqlalchemy.exc import ArgumentError, DBAPIError, NoSuchModuleError
from sqlalchemy.pool import StaticPool

from echallan.errors import ConfigError, LedgerError

log = logging.getLogger(__name__)

MIGRATIONS_DIR = Path(__file__).resolve().parent.parent / "migrations"
SUPPORTED_BACKENDS = ("sqlite", "postgresql")
_PG_MIGRATION_LOCK = 7_301_245_001  # pg_advisory_xact_lock key: one migrator at a time
SQLITE_BUSY_TIMEOUT_S = 30.0


def alembic_config(url: str | None = None) -> Config:
    """An Alembic ``Config`` built in code, pointing at the packaged migrations."""
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS_DIR).replace("%", "%%"))
    cfg.set_main_option("path_separator", "os")
    if url:
        cfg.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return cfg


def _sqlite_on_connect(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys = ON")
    cursor.close()


def create_db_engine(url: str) -> Engine:
    """An engine for ``url`` (SQLite or PostgreSQL), without touching the schema."""
    try:
        parsed = make_url(url)
    except ArgumentError as err:
        raise ConfigError(f"database URL is not valid: {url!r}") from err
    backend = parsed.get_backend_name()
    if backend not in SUPPORTED_BACKENDS:
        raise ConfigError(f"database URL uses {backend!r}; only sqlite and postgresql are supported")
    kwargs: dict[str, Any] = {}
    if backend == "sqlite":
        database = parsed.database or ""
        memory = database in ("", ":memory:") or parsed.query.get("mode") == "memory"
        if memory:
            kwargs.update(poolclass=StaticPool, connect_args={"check_same_thread": False})
        else:
            try:
                Path(database).expanduser().parent.mkdir(parents=True, exist_ok=True)
            except OSError as err:
                raise ConfigError(f"cannot create the folder for database {database}: {err}") from err
            kwargs["connect_args"] = {"timeout": SQLITE_BUSY_TIMEOUT_S}
    try:
        engine = sa.create_engine(parsed, **kwargs)
    except (NoSuchModuleError, ImportError) as err:
        raise ConfigError(f"database driver for {parsed.drivername!r} is not installed: {err}") from err
    if backend == "sqlite":
        sa.event.listen(engine, "connect", _sqlite_on_connect)
    return engine


def upgrade(engine: Engine, revision: str = "head") -> None:
    """Run the migrations up to ``revision`` in one transaction."""
    cfg = alembic_config()
    try:
        with engine.begin() as conn:
            if conn.dialect.name == "postgresql":
                conn.execute(sa.text("SELECT pg_advisory_xact_lock(:k)"), {"k": _PG_MIGRATION_LOCK})
            cfg.attributes["connection"] = conn
            command.upgrade(cfg, revision)
    except DBAPIError as err:
        where = engine.url.render_as_string(hide_password=True)
        raise ConfigError(f"cannot open or migrate database {where}: {_one_line(err.orig)}") from err


def open_db(url: str) -> Engine:
    """Open (creating if needed) the database at ``url``, migrate it to the latest schema, return it."""
    engine = create_db_engine(url)
    try:
        upgrade(engine)
    except Exception:
        engine.dispose()
        raise
    log.info("database ready: %s", engine.url.render_as_string(hide_password=True))
    return engine


def utcnow() -> datetime:
    return datetime.now(UTC)


def as_utc(value: datetime | None) -> datetime | None:
    """SQLite hands back naive datetimes; everything is stored in UTC, so label them as such."""
    if value is None:
        return None
    return value if value.tzinfo else value.replace(tzinfo=UTC)


def iso(value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, datetime):
        return as_utc(value).isoformat()  # type: ignore[union-attr]
    return str(value.isoformat())


def insert_for(conn: Connection, table: sa.Table) -> Any:
    """A dialect ``insert`` (with ``on_conflict_*``) for the connection's backend."""
    name = conn.dialect.name
    if name == "postgresql":
        from sqlalchemy.dialects.postgresql import insert as pg_insert

        return pg_insert(table)
    if name == "sqlite":
        from sqlalchemy.dialects.sqlite import insert as sqlite_insert

        return sqlite_insert(table)
    raise LedgerError(f"database backend {name!r} is not supported; use sqlite or postgresql")


def _one_line(err: object) -> str:
    return " ".join(str(err).split())
