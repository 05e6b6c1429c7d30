"""Commands for the database: `flask --app recommender db upgrade|downgrade|current|revision` and `events purge`."""

from __future__ import annotations

import datetime as dt
import functools

import click
from flask import current_app
from flask.cli import AppGroup
from sqlalchemy.exc import OperationalError

from ..storage import db
from ..storage import retention as storage

db_cli = AppGroup("db", help="Create and migrate the database schema (Alembic).")
events_cli = AppGroup("events", help="Anonymous usage counts and feedback.")


def _where() -> str:
    """The database in use, without its password."""
    return db.store(current_app).engine.url.render_as_string(hide_password=True)


def _plain_errors(command):
    """A database that cannot be reached is a one-line message, not a traceback."""

    @functools.wraps(command)
    def run(*args, **kwargs):
        """The command, its database errors said in one line."""
        try:
            return command(*args, **kwargs)
        except OperationalError as error:
            raise click.ClickException(f"cannot use the database at {_where()}: {str(error.orig).strip().splitlines()[0]}") from None

    return run


@db_cli.command("upgrade")
@click.argument("revision", default="head")
@_plain_errors
def db_upgrade(revision: str) -> None:
    """Bring the database schema to REVISION (default: the newest)."""
    store = db.store(current_app)
    db.upgrade(store.engine, current_app.config["MIGRATIONS_DIR"], revision)
    click.echo(f"{_where()}: schema at {db.current_revision(store.engine)} (newest: {store.revisions.head})")


@db_cli.command("downgrade")
@click.argument("revision")
@_plain_errors
def db_downgrade(revision: str) -> None:
    """Take the database schema back to REVISION (`base`: no tables)."""
    store = db.store(current_app)
    db.downgrade(store.engine, current_app.config["MIGRATIONS_DIR"], revision)
    click.echo(f"{_where()}: schema at {db.current_revision(store.engine) or 'base (no tables)'}")


@db_cli.command("current")
@_plain_errors
def db_current() -> None:
    """Say where the schema is and whether it is behind the code (exit 1 if it is)."""
    store = db.store(current_app)
    current = db.current_revision(store.engine)
    behind = store.revisions.problem(current) is not None
    click.echo(f"{_where()}: schema at {current or 'base (no tables)'} (newest: {store.revisions.head}){'; behind: run ' + db.UPGRADE_COMMAND if behind else ''}")
    if behind:
        raise SystemExit(1)


@db_cli.command("revision")
@click.option("-m", "--message", required=True, help="What the migration does.")
@click.option("--autogenerate/--empty", default=True, help="Compare recommender/storage/models.py with the database (default).")
def db_revision(message: str, autogenerate: bool) -> None:
    """Write a new migration script in migrations/versions (review it before committing)."""
    from alembic import command

    with db.store(current_app).engine.begin() as connection:
        command.revision(db.alembic_config(current_app.config["MIGRATIONS_DIR"], connection), message=message, autogenerate=autogenerate)


@events_cli.command("purge")
@click.option("--today", type=click.DateTime(["%Y-%m-%d"]), default=None, help="Purge as if it were this day (default: today).")
@_plain_errors
def events_purge(today: dt.datetime | None) -> None:
    """Delete usage counts, feedback and error reports older than 13 months."""
    day = today.date() if today else dt.date.today()
    if db.store(current_app).problem == "schema_behind":
        raise click.ClickException(f"the database schema is behind; run: {db.UPGRADE_COMMAND}")
    with db.store(current_app).session() as session:
        recommendations, feedback, reports, cutoff = storage.purge(session, today=day)
    click.echo(f"{_where()}: deleted the counts of {recommendations} recommendations, {feedback} feedback answers and {reports} error reports from before {cutoff.isoformat()} ({storage.RETENTION_MONTHS}-month retention)")
