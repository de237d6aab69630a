"""Alembic migrations for the records database. Run them with ``echallan.records.open_db``."""
