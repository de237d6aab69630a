"""Review desk tables (accounts, sessions, claims, escalations) on the records ``metadata``.

Created by migration ``0003_review``; ``echallan.records.models`` imports this module at its end so
``tests/test_records.py`` compares these tables with the migrated schema too.
"""

from __future__ import annotations

import sqlalchemy as sa

from echallan.records.models import TZ, challans, metadata

REVIEWER = "reviewer"
SUPERVISOR = "supervisor"
ADMIN = "admin"
ROLES = (REVIEWER, SUPERVISOR, ADMIN)

users = sa.Table(
    "users",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("username", sa.String(64), nullable=False, unique=True),
    sa.Column("password_hash", sa.Text, nullable=False),
    sa.Column("role", sa.String(16), nullable=False),
    sa.Column("active", sa.Boolean, nullable=False),
    sa.Column("created_at", TZ, nullable=False),
)

# One row per login; ``id`` is the SHA-256 of the cookie's token, so a leaked table opens nothing.
sessions = sa.Table(
    "sessions",
    metadata,
    sa.Column("id", sa.String(64), primary_key=True),
    sa.Column("user_id", sa.Integer, sa.ForeignKey("users.id"), nullable=False, index=True),
    sa.Column("csrf_token", sa.String(64), nullable=False),
    sa.Column("created_at", TZ, nullable=False),
    sa.Column("expires_at", TZ, nullable=False),
)

# A reviewer's lock on one challan under review; a row past ``expires_at`` is free to take.
claims = sa.Table(
    "claims",
    metadata,
    sa.Column("challan_id", sa.Integer, sa.ForeignKey(challans.c.id), primary_key=True),
    sa.Column("user_id", sa.Integer, sa.ForeignKey("users.id"), nullable=False),
    sa.Column("claimed_at", TZ, nullable=False),
    sa.Column("expires_at", TZ, nullable=False),
)

# Challans a reviewer passed up to a supervisor; only supervisors see them in the queue.
escalations = sa.Table(
    "escalations",
    metadata,
    sa.Column("challan_id", sa.Integer, sa.ForeignKey(challans.c.id), primary_key=True),
    sa.Column("user_id", sa.Integer, sa.ForeignKey("users.id"), nullable=False),
    sa.Column("reason", sa.Text, nullable=False),
    sa.Column("at", TZ, nullable=False),
)
