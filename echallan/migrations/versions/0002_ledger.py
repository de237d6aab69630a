"""Ledger: owner validity dates and fuel, challan match details and series, payments.

Only nullable columns are added, so existing databases (with audit rows) migrate in place on
SQLite without rebuilding the challans table.

Revision ID: 0002_ledger
Revises: 0001
Create Date: 2026-11-22
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa
from alembic import op

revision: str = "0002_ledger"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TZ = sa.DateTime(timezone=True)

OWNER_COLUMNS: tuple[tuple[str, Any], ...] = (
    ("fuel", sa.Text),
    ("registered_on", sa.Date),
    ("fitness_upto", sa.Date),
    ("insurance_upto", sa.Date),
    ("puc_upto", sa.Date),
)
CHALLAN_COLUMNS: tuple[tuple[str, Any], ...] = (
    ("registration", sa.String(16)),
    ("series", sa.String(32)),
    ("match_kind", sa.String(16)),
    ("match_cost", sa.Float),
    ("candidates", sa.JSON),
    ("review_reasons", sa.JSON),
    ("created_at", TZ),
    ("updated_at", TZ),
)


def upgrade() -> None:
    for name, kind in OWNER_COLUMNS:
        op.add_column("owners", sa.Column(name, kind))
    for name, kind in CHALLAN_COLUMNS:
        op.add_column("challans", sa.Column(name, kind))
    op.execute(
        "UPDATE challans SET registration = "
        "(SELECT owners.registration FROM owners WHERE owners.id = challans.owner_id)"
    )
    op.create_index("ix_challans_registration", "challans", ["registration"])
    op.create_table(
        "payments",
        sa.Column("id", sa.Integer, nullable=False),
        sa.Column("challan_id", sa.Integer, nullable=False),
        sa.Column("reference", sa.Text, nullable=False),
        sa.Column("amount_inr", sa.Integer, nullable=False),
        sa.Column("paid_on", sa.Date, nullable=False),
        sa.Column("recorded_at", TZ, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_payments"),
        sa.UniqueConstraint("reference", name="uq_payments_reference"),
        sa.ForeignKeyConstraint(["challan_id"], ["challans.id"], name="fk_payments_challan_id_challans"),
    )
    op.create_index("ix_payments_challan_id", "payments", ["challan_id"])


def downgrade() -> None:
    op.drop_index("ix_payments_challan_id", "payments")
    op.drop_table("payments")
    op.drop_index("ix_challans_registration", "challans")
    with op.batch_alter_table("challans") as batch:
        for name, _ in CHALLAN_COLUMNS:
            batch.drop_column(name)
    with op.batch_alter_table("owners") as batch:
        for name, _ in OWNER_COLUMNS:
            batch.drop_column(name)
