"""Alembic environment, driven from code by ``echallan.records.db.upgrade``.

``open_db`` passes an open connection in ``config.attributes["connection"]``. Run by hand (for
example to autogenerate a revision) it falls back to ``sqlalchemy.url`` or ``ECHALLAN_DB``.
"""

from __future__ import annotations

from alembic import context
from sqlalchemy import create_engine

from echallan.records.models import metadata
from echallan.settings import Settings

config = context.config


def _url() -> str:
    return config.get_main_option("sqlalchemy.url") or Settings.from_env().db_url


def run_migrations_offline() -> None:
    context.configure(url=_url(), target_metadata=metadata, literal_binds=True, render_as_batch=True)
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online() -> None:
    connection = config.attributes.get("connection")
    if connection is not None:
        context.configure(connection=connection, target_metadata=metadata, render_as_batch=True)
        with context.begin_transaction():
            context.run_migrations()
        return
    engine = create_engine(_url())
    try:
        with engine.connect() as conn:
            context.configure(connection=conn, target_metadata=metadata, render_as_batch=True)
            with context.begin_transaction():
                context.run_migrations()
    finally:
        engine.dispose()


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()
