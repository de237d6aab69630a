"""Table definitions (SQLAlchemy Core). The schema itself is created by the Alembic migrations.

Keep this file and ``echallan/migrations/versions`` in step: ``tests/test_records.py`` compares
them after ``open_db`` and fails on any difference.
"""

from __future__ import annotations

import sqlalchemy as sa

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

metadata = sa.MetaData(naming_convention=NAMING_CONVENTION)

TZ = sa.DateTime(timezone=True)

owners = sa.Table(
    "owners",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("registration", sa.String(16), nullable=False, unique=True),
    sa.Column("name", sa.Text, nullable=False),
    sa.Column("relation_name", sa.Text),
    sa.Column("address", sa.Text, nullable=False),
    sa.Column("district", sa.Text),
    sa.Column("state", sa.Text),
    sa.Column("pin", sa.String(6), nullable=False),
    sa.Column("mobile", sa.String(10)),
    sa.Column("vehicle_class", sa.Text),
    sa.Column("maker_model", sa.Text),
    sa.Column("colour", sa.Text),
    sa.Column("created_at", TZ, nullable=False),
    sa.Column("updated_at", TZ, nullable=False),
    # 0002_ledger
    sa.Column("fuel", sa.Text),
    sa.Column("registered_on", sa.Date),
    sa.Column("fitness_upto", sa.Date),
    sa.Column("insurance_upto", sa.Date),
    sa.Column("puc_upto", sa.Date),
)

events = sa.Table(
    "events",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("key", sa.Text, nullable=False, unique=True),
    sa.Column("camera_id", sa.Text, nullable=False),
    sa.Column("location", sa.Text, nullable=False),
    sa.Column("source", sa.Text, nullable=False),
    sa.Column("source_sha256", sa.String(64), nullable=False),
    sa.Column("offence", sa.Text, nullable=False),
    sa.Column("track_id", sa.Integer, nullable=False),
    sa.Column("vehicle_class", sa.Text, nullable=False),
    sa.Column("frame_index", sa.Integer, nullable=False),
    sa.Column("time_s", sa.Float, nullable=False),
    sa.Column("occurred_at", sa.String(40), nullable=False),  # ISO 8601 with offset, as recorded
    sa.Column("confidence", sa.Float, nullable=False),
    sa.Column("rule_inputs", sa.JSON, nullable=False),
    sa.Column("plate_text", sa.Text, index=True),
    sa.Column("plate_confidence", sa.Float),
    sa.Column("plate_valid", sa.Boolean),
    sa.Column("plate_country", sa.String(8)),
    sa.Column("plate_raw", sa.Text),
    sa.Column("plate_box", sa.JSON),
    sa.Column("plate_doubts", sa.JSON),  # PlateRead.doubts: what lowered the read's confidence
    sa.Column("review_status", sa.String(16), nullable=False, index=True),
    sa.Column("created_at", TZ, nullable=False),
)

evidence_files = sa.Table(
    "evidence_files",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("event_id", sa.Integer, sa.ForeignKey("events.id"), nullable=False, index=True),
    sa.Column("kind", sa.String(16), nullable=False),
    sa.Column("path", sa.Text, nullable=False),
    sa.Column("sha256", sa.String(64), nullable=False),
)

challan_series = sa.Table(
    "challan_series",
    metadata,
    sa.Column("series", sa.String(32), primary_key=True),  # e.g. "KA-BLR-2025"
    sa.Column("last_number", sa.Integer, nullable=False),
)

challans = sa.Table(
    "challans",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("number", sa.String(40), nullable=False, unique=True),
    sa.Column("event_id", sa.Integer, sa.ForeignKey("events.id"), nullable=False, unique=True),
    sa.Column("owner_id", sa.Integer, sa.ForeignKey("owners.id"), nullable=False, index=True),
    sa.Column("offence", sa.Text, nullable=False),
    sa.Column("section", sa.Text, nullable=False),
    sa.Column("amount_inr", sa.Integer, nullable=False),
    sa.Column("status", sa.String(16), nullable=False, index=True),
    sa.Column("issued_on", sa.Date, nullable=False),
    sa.Column("due_on", sa.Date, nullable=False),
    sa.Column("printed_at", TZ),
    # 0002_ledger. ``issued_on`` holds the booking date until the challan is issued, then the issue date.
    sa.Column("registration", sa.String(16), index=True),  # the vehicle booked (repeat offences)
    sa.Column("series", sa.String(32)),
    sa.Column("match_kind", sa.String(16)),  # "exact" or "fuzzy"
    sa.Column("match_cost", sa.Float),
    sa.Column("candidates", sa.JSON),  # [{"registration", "cost", "vehicle_class"}], best first
    sa.Column("review_reasons", sa.JSON),  # why a person must look, [] when auto-accepted
    sa.Column("created_at", TZ),
    sa.Column("updated_at", TZ),
)

payments = sa.Table(
    "payments",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("challan_id", sa.Integer, sa.ForeignKey("challans.id"), nullable=False, index=True),
    sa.Column("reference", sa.Text, nullable=False, unique=True),
    sa.Column("amount_inr", sa.Integer, nullable=False),
    sa.Column("paid_on", sa.Date, nullable=False),
    sa.Column("recorded_at", TZ, nullable=False),
)

# Append-only: the migration adds triggers that refuse UPDATE and DELETE on both backends.
audit_log = sa.Table(
    "audit_log",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("challan_id", sa.Integer, sa.ForeignKey("challans.id"), nullable=False, index=True),
    sa.Column("actor", sa.Text, nullable=False),
    sa.Column("at", TZ, nullable=False),
    sa.Column("from_status", sa.String(16)),
    sa.Column("to_status", sa.String(16), nullable=False),
    sa.Column("reason", sa.Text),
)


# Review desk tables (users, sessions, claims, escalations), created by migration 0003_review.
import echallan.review.models  # noqa: E402, F401
