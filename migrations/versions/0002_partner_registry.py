"""Partner registry: allowed origins, default language, accent colour and the API key's hash.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-23
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Partners registered before this revision keep working: no origin (nobody may frame them yet), no key.
    with op.batch_alter_table("partner") as batch:
        batch.add_column(sa.Column("origins", sa.JSON(), nullable=False, server_default=sa.text("'[]'")))
        batch.add_column(sa.Column("default_lang", sa.String(length=2), nullable=True))
        batch.add_column(sa.Column("accent", sa.String(length=7), nullable=True))
        batch.add_column(sa.Column("key_hash", sa.String(length=200), nullable=True))
    with op.batch_alter_table("partner") as batch:
        batch.alter_column("origins", server_default=None)  # the models give the default from now on


def downgrade() -> None:
    with op.batch_alter_table("partner") as batch:
        batch.drop_column("key_hash")
        batch.drop_column("accent")
        batch.drop_column("default_lang")
        batch.drop_column("origins")
