"""Counts that no unkept answer can change: service_count loses `clicked` (never filled), and the rows stored so far
are deleted, with every feedback answer stored so far.

Why delete: until now service_count recorded the services shown to each person, and in most groups of a day one
person: the services that depend on disability (Cap emploi, RQTH...) told that person's answer (issue 11). Those rows
cannot be told apart from harmless ones without the rules, so they all go; from this revision on, only services
offered to everyone of a group are counted (recommender/storage/usage.py). Feedback stored so far was accepted
without proof that the service had been recommended (anyone could post any number) and may concern such services:
it goes too, so that neither statistics nor `ranker train` keep it. usage_count (recommendations per day and group)
is kept as it is: it holds no answer that is not kept.

Downgrade brings the `clicked` column back (zeros); what was deleted stays deleted.

Revision ID: 0005
Revises: 0004 (0004_error_reports.py; it followed 0003 until the error reports came first)
Create Date: 2026-12-01
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Delete what could tell an unkept answer; drop the unused column."""
    op.execute("DELETE FROM service_count")
    op.execute("DELETE FROM feedback")
    with op.batch_alter_table("service_count") as batch:
        batch.drop_column("clicked")


def downgrade() -> None:
    """Bring the column back (zeros); deleted rows stay deleted."""
    with op.batch_alter_table("service_count") as batch:
        batch.add_column(sa.Column("clicked", sa.Integer(), nullable=False, server_default="0"))
