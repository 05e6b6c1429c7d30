"""The database as the rest of the app sees it: the store built from the settings, checked at start-up.

What lives where: engine.py builds the engine and runs the migrations; writer.py is the store (background writer,
reads with a deadline) and breaker.py its circuit breaker; counting.py the usage counts waiting in memory.
"""

from __future__ import annotations

import atexit
import logging
from pathlib import Path

import click
from flask import Flask

from .engine import (  # noqa: F401  (the names other layers use, in one place)
    UPGRADE_COMMAND,
    Revisions,
    SchemaBehind,
    Unavailable,
    alembic_config,
    build_engine,
    create_sqlite,
    current_revision,
    downgrade,
    is_new_database,
    upgrade,
)
from .writer import Store

log = logging.getLogger(__name__)


def database_url(app: Flask) -> str:
    """`DATABASE_URL`, or a SQLite file in the instance folder."""
    from .engine import database_url as url_for_settings

    return url_for_settings(app.config.get("DATABASE_URL"), app.instance_path)


def init_app(app: Flask) -> None:
    """Build the store from the settings, create a fresh SQLite schema, refuse a schema that is behind."""
    migrations = Path(app.config["MIGRATIONS_DIR"])
    engine = build_engine(database_url(app), connect_timeout=int(app.config["DB_CONNECT_TIMEOUT"]))
    store = Store(engine, Revisions.load(migrations), retry_seconds=float(app.config["DB_RETRY_SECONDS"]), read_timeout=float(app.config["DB_READ_TIMEOUT"]))
    app.extensions["pathways_store"] = store
    atexit.register(store.close)
    if is_new_database(engine):
        create_sqlite(engine, migrations)
    problem = store.start(timeout=float(app.config["DB_CONNECT_TIMEOUT"]) + store.read_timeout)
    engine.dispose()  # no connection open when a server forks its workers
    _say_what_it_means(store, problem)


def _say_what_it_means(store: Store, problem: str | None) -> None:
    """A schema behind stops a server (not a command, which may be the fix); an absent database is only a warning."""
    where = store.engine.url.render_as_string(hide_password=True)
    if problem == "schema_behind":
        behind = f"database schema at {where} is behind this version of Pathways (needs revision {store.revisions.head}). Run: {UPGRADE_COMMAND}"
        if _serving():
            store.close()
            raise SchemaBehind(f"Start-up refused: the {behind}")
        log.warning("The %s", behind)
    elif problem is not None:
        log.warning("database %s at start-up (%s): recommendations work; usage counts wait in memory and feedback is not recorded until it answers", problem, where)


def _serving() -> bool:
    """True unless a Flask command other than `run` is loading the app."""
    context = click.get_current_context(silent=True)
    return context is None or context.info_name == "run"


def store(app: Flask) -> Store:
    """The app's store."""
    return app.extensions["pathways_store"]
