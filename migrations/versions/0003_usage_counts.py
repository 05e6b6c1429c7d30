"""Daily usage counts instead of one row per recommendation: usage_count and service_count replace usage_event and
usage_event_service. The events already stored are added up into counts, then their tables are dropped.

Downgrade recreates the old tables empty and drops the counts: one row per recommendation cannot be recovered from
counts, so what was counted is lost.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-23
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

BUCKETS = ("day", "age_band", "status", "region", "education_band")
KEY = (*BUCKETS, "partner")


def _key() -> list[sa.Column]:
    """What a count is counted by (models.CountKey); the partner is '' for none, as key columns cannot be NULL."""
    return [
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("age_band", sa.String(length=5), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("region", sa.String(length=2), nullable=False),
        sa.Column("education_band", sa.String(length=9), nullable=False),
        sa.Column("partner", sa.String(length=64), nullable=False),
    ]


def _event_buckets() -> list[sa.Column]:
    """The columns of an event as revision 0001 made them."""
    return [*_key()[:5], sa.Column("partner_slug", sa.String(length=64), nullable=True)]


def upgrade() -> None:
    op.create_table(
        "usage_count",
        *_key(),
        sa.Column("recommendations", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint(*KEY, name=op.f("pk_usage_count")),
    )
    op.create_index(op.f("ix_usage_count_partner"), "usage_count", ["partner"])
    op.create_table(
        "service_count",
        *_key(),
        sa.Column("service_id", sa.String(length=64), nullable=False),
        sa.Column("shown", sa.Integer(), nullable=False),
        sa.Column("clicked", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint(*KEY, "service_id", name=op.f("pk_service_count")),
    )
    op.create_index(op.f("ix_service_count_partner"), "service_count", ["partner"])

    buckets, event_buckets = ", ".join(BUCKETS), ", ".join(f"e.{column}" for column in BUCKETS)
    op.execute(f"""
        INSERT INTO usage_count ({buckets}, partner, recommendations)
        SELECT {buckets}, COALESCE(partner_slug, ''), COUNT(*)
        FROM usage_event
        GROUP BY {buckets}, COALESCE(partner_slug, '')
    """)
    op.execute(f"""
        INSERT INTO service_count ({buckets}, partner, service_id, shown, clicked)
        SELECT {event_buckets}, COALESCE(e.partner_slug, ''), s.service_id,
               SUM(CASE WHEN s.shown THEN 1 ELSE 0 END), SUM(CASE WHEN s.clicked THEN 1 ELSE 0 END)
        FROM usage_event_service s JOIN usage_event e ON e.id = s.event_id
        GROUP BY {event_buckets}, COALESCE(e.partner_slug, ''), s.service_id
    """)
    op.drop_table("usage_event_service")
    op.drop_table("usage_event")


def downgrade() -> None:
    op.create_table("usage_event", *_event_buckets(), sa.Column("id", sa.Uuid(), nullable=False), sa.PrimaryKeyConstraint("id", name=op.f("pk_usage_event")))
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
    op.drop_table("service_count")
    op.drop_table("usage_count")
