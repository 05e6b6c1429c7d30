"""Partners, anonymous usage events (with the services they showed) and feedback.

Revision ID: 0001
Revises:
Create Date: 2026-11-23
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def _buckets() -> list[sa.Column]:
    """The coarse description of a person that events and feedback share (models.Buckets)."""
    return [
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("age_band", sa.String(length=5), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("region", sa.String(length=2), nullable=False),
        sa.Column("education_band", sa.String(length=9), nullable=False),
        sa.Column("partner_slug", sa.String(length=64), nullable=True),
    ]


def upgrade() -> None:
    op.create_table(
        "partner",
        sa.Column("slug", sa.String(length=64), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("created_on", sa.Date(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_partner")),
    )
    op.create_index(op.f("ix_partner_slug"), "partner", ["slug"], unique=True)

    op.create_table("usage_event", *_buckets(), sa.Column("id", sa.Uuid(), nullable=False), sa.PrimaryKeyConstraint("id", name=op.f("pk_usage_event")))
    op.create_index(op.f("ix_usage_event_day"), "usage_event", ["day"])
    op.create_index(op.f("ix_usage_event_partner_slug"), "usage_event", ["partner_slug"])

    op.create_table(
        "usage_event_service",
        sa.Column("event_id", sa.Uuid(), nullable=False),
        sa.Column("service_id", sa.String(length=64), nullable=False),
        sa.Column("shown", sa.Boolean(), nullable=False),
        sa.Column("clicked", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(["event_id"], ["usage_event.id"], name=op.f("fk_usage_event_service_event_id_usage_event"), ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("event_id", "service_id", name=op.f("pk_usage_event_service")),
    )
    op.create_index(op.f("ix_usage_event_service_service_id"), "usage_event_service", ["service_id"])

    op.create_table(
        "feedback",
        *_buckets(),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("service_id", sa.String(length=64), nullable=False),
        sa.Column("useful", sa.Boolean(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_feedback")),
    )
    op.create_index(op.f("ix_feedback_day"), "feedback", ["day"])
    op.create_index(op.f("ix_feedback_partner_slug"), "feedback", ["partner_slug"])
    op.create_index(op.f("ix_feedback_service_id"), "feedback", ["service_id"])


def downgrade() -> None:
    op.drop_table("feedback")
    op.drop_table("usage_event_service")
    op.drop_table("usage_event")
    op.drop_table("partner")
