"""Error reports: a reader says that a service's card is wrong (the service, which part, a comment, the day).

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-01
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"  # 0003_usage_counts.py
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "error_report",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("service_id", sa.String(length=64), nullable=False),
        sa.Column("part", sa.String(length=16), nullable=False),
        sa.Column("comment", sa.String(length=1000), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_error_report")),
    )
    op.create_index(op.f("ix_error_report_day"), "error_report", ["day"])
    op.create_index(op.f("ix_error_report_service_id"), "error_report", ["service_id"])


def downgrade() -> None:
    op.drop_table("error_report")
