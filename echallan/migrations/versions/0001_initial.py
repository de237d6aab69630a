"""Initial schema: owners, events, evidence files, challans, challan series, audit log.

Revision ID: 0001
Revises:
Create Date: 2025-01-01
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0001"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TZ = sa.DateTime(timezone=True)

_PG_APPEND_ONLY = """
CREATE FUNCTION audit_log_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'audit_log is append-only';
END;
$$;
CREATE TRIGGER audit_log_no_update BEFORE UPDATE OR DELETE ON audit_log
    FOR EACH ROW EXECUTE FUNCTION audit_log_append_only();
"""

_SQLITE_APPEND_ONLY = (
    "CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log "
    "BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END",
    "CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log "
    "BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END",
)


def upgrade() -> None:
    op.create_table(
        "owners",
        sa.Column("id", sa.Integer, nullable=False),
        sa.Column("registration", sa.String(16), nullable=False),
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
        sa.PrimaryKeyConstraint("id", name="pk_owners"),
        sa.UniqueConstraint("registration", name="uq_owners_registration"),
    )
    op.create_table(
        "events",
        sa.Column("id", sa.Integer, nullable=False),
        sa.Column("key", sa.Text, nullable=False),
        sa.Column("camera_id", sa.Text, nullable=False),
        sa.Column("location", sa.Text, nullable=False),
        sa.Column("source", sa.Text, nullable=False),
        sa.Column("source_sha256", sa.String(64), nullable=False),
        sa.Column("offence", sa.Text, nullable=False),
        sa.Column("track_id", sa.Integer, nullable=False),
        sa.Column("vehicle_class", sa.Text, nullable=False),
        sa.Column("frame_index", sa.Integer, nullable=False),
        sa.Column("time_s", sa.Float, nullable=False),
        sa.Column("occurred_at", sa.String(40), nullable=False),
        sa.Column("confidence", sa.Float, nullable=False),
        sa.Column("rule_inputs", sa.JSON, nullable=False),
        sa.Column("plate_text", sa.Text),
        sa.Column("plate_confidence", sa.Float),
        sa.Column("plate_valid", sa.Boolean),
        sa.Column("plate_country", sa.String(8)),
        sa.Column("plate_raw", sa.Text),
        sa.Column("plate_box", sa.JSON),
        sa.Column("review_status", sa.String(16), nullable=False),
        sa.Column("created_at", TZ, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_events"),
        sa.UniqueConstraint("key", name="uq_events_key"),
    )
    op.create_index("ix_events_plate_text", "events", ["plate_text"])
    op.create_index("ix_events_review_status", "events", ["review_status"])
    op.create_table(
        "evidence_files",
        sa.Column("id", sa.Integer, nullable=False),
        sa.Column("event_id", sa.Integer, nullable=False),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("path", sa.Text, nullable=False),
        sa.Column("sha256", sa.String(64), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_evidence_files"),
        sa.ForeignKeyConstraint(["event_id"], ["events.id"], name="fk_evidence_files_event_id_events"),
    )
    op.create_index("ix_evidence_files_event_id", "evidence_files", ["event_id"])
    op.create_table(
        "challan_series",
        sa.Column("series", sa.String(32), nullable=False),
        sa.Column("last_number", sa.Integer, nullable=False),
        sa.PrimaryKeyConstraint("series", name="pk_challan_series"),
    )
    op.create_table(
        "challans",
        sa.Column("id", sa.Integer, nullable=False),
        sa.Column("number", sa.String(40), nullable=False),
        sa.Column("event_id", sa.Integer, nullable=False),
        sa.Column("owner_id", sa.Integer, nullable=False),
        sa.Column("offence", sa.Text, nullable=False),
        sa.Column("section", sa.Text, nullable=False),
        sa.Column("amount_inr", sa.Integer, nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("issued_on", sa.Date, nullable=False),
        sa.Column("due_on", sa.Date, nullable=False),
        sa.Column("printed_at", TZ),
        sa.PrimaryKeyConstraint("id", name="pk_challans"),
        sa.UniqueConstraint("number", name="uq_challans_number"),
        sa.UniqueConstraint("event_id", name="uq_challans_event_id"),
        sa.ForeignKeyConstraint(["event_id"], ["events.id"], name="fk_challans_event_id_events"),
        sa.ForeignKeyConstraint(["owner_id"], ["owners.id"], name="fk_challans_owner_id_owners"),
    )
    op.create_index("ix_challans_owner_id", "challans", ["owner_id"])
    op.create_index("ix_challans_status", "challans", ["status"])
    op.create_table(
        "audit_log",
        sa.Column("id", sa.Integer, nullable=False),
        sa.Column("challan_id", sa.Integer, nullable=False),
        sa.Column("actor", sa.Text, nullable=False),
        sa.Column("at", TZ, nullable=False),
        sa.Column("from_status", sa.String(16)),
        sa.Column("to_status", sa.String(16), nullable=False),
        sa.Column("reason", sa.Text),
        sa.PrimaryKeyConstraint("id", name="pk_audit_log"),
        sa.ForeignKeyConstraint(["challan_id"], ["challans.id"], name="fk_audit_log_challan_id_challans"),
    )
    op.create_index("ix_audit_log_challan_id", "audit_log", ["challan_id"])
    dialect = op.get_bind().dialect.name
    if dialect == "postgresql":
        op.execute(_PG_APPEND_ONLY)
    elif dialect == "sqlite":
        for statement in _SQLITE_APPEND_ONLY:
            op.execute(statement)


def downgrade() -> None:
    dialect = op.get_bind().dialect.name
    if dialect == "postgresql":
        op.execute("DROP TRIGGER IF EXISTS audit_log_no_update ON audit_log")
        op.execute("DROP FUNCTION IF EXISTS audit_log_append_only()")
    elif dialect == "sqlite":
        op.execute("DROP TRIGGER IF EXISTS audit_log_no_update")
        op.execute("DROP TRIGGER IF EXISTS audit_log_no_delete")
    for table in ("audit_log", "challans", "challan_series", "evidence_files", "events", "owners"):
        op.drop_table(table)
