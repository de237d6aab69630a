"""Events: what lowered a plate read's confidence, for the reviewer (``PlateRead.doubts``).

Revision ID: 0004_plate_doubts
Revises: 0003_review
Create Date: 2026-12-07
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004_plate_doubts"
down_revision: str | None = "0003_review"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column("events", sa.Column("plate_doubts", sa.JSON))


def downgrade() -> None:
    with op.batch_alter_table("events") as batch:
        batch.drop_column("plate_doubts")
