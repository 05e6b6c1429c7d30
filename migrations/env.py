"""Alembic environment: run by `flask --app recommender db ...`, which hands over its connection.

Batch mode lets the same migrations alter tables on SQLite as on PostgreSQL.
"""

from __future__ import annotations

from alembic import context
from sqlmodel import SQLModel

from recommender.storage import models  # noqa: F401  (the tables autogenerate compares with)

connection = context.config.attributes.get("connection")
if connection is None:
    raise SystemExit("Run migrations through the app, which knows DATABASE_URL: flask --app recommender db upgrade")

context.configure(connection=connection, target_metadata=SQLModel.metadata, render_as_batch=True, compare_type=True)
with context.begin_transaction():
    context.run_migrations()
