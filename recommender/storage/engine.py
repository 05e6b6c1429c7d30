"""The database engine and its schema: the one place that builds an engine, and Alembic's migrations without alembic.ini.

`DATABASE_URL` picks the database (`postgresql+psycopg://user@host/db` or `sqlite:///path`); without it, a SQLite
file in the instance folder. Engines are tuned so that a dead database fails fast instead of hanging.
"""

from __future__ import annotations

import logging
import os
from dataclasses import dataclass
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import URL, make_url
from sqlalchemy.pool import NullPool, StaticPool

from . import models  # noqa: F401  (registers the tables on the metadata the migrations compare with)

log = logging.getLogger(__name__)

DEFAULT_FILENAME = "pathways.sqlite3"
UPGRADE_COMMAND = "flask --app recommender db upgrade"
# Seconds a SQLite write waits for another process's lock before it fails (and the writer's breaker opens).
SQLITE_BUSY_SECONDS = 2.0


class SchemaBehind(SystemExit):
    """Start-up refused: the database schema is older than this version of the code."""


class Unavailable(Exception):
    """The database cannot answer now; `reason` says why (unreachable, schema_behind, timeout)."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


def database_url(configured: str | None, instance_path: str) -> str:
    """`DATABASE_URL`, or a SQLite file in the instance folder."""
    return configured or f"sqlite:///{Path(instance_path) / DEFAULT_FILENAME}"


def build_engine(url: str, *, connect_timeout: int = 2) -> Engine:
    """The engine for `url`, tuned so that a dead database fails fast instead of hanging."""
    parsed = make_url(url)
    if parsed.drivername in ("postgres", "postgresql"):
        parsed = parsed.set(drivername="postgresql+psycopg")  # psycopg 3 is the driver we ship
    if parsed.get_backend_name() == "sqlite":
        return _sqlite_engine(parsed)
    connect_args = {"connect_timeout": connect_timeout} if parsed.get_backend_name() == "postgresql" else {}
    return create_engine(parsed, pool_pre_ping=True, pool_size=2, max_overflow=3, pool_timeout=1, pool_recycle=1800, connect_args=connect_args)


def _sqlite_engine(url: URL) -> Engine:
    """SQLite: a fresh connection per unit of work (nothing stale survives the file going away); WAL for several workers."""
    if sqlite_in_memory(url):
        engine = create_engine(url, poolclass=StaticPool, connect_args={"check_same_thread": False})
    else:
        engine = create_engine(url, poolclass=NullPool, connect_args={"timeout": SQLITE_BUSY_SECONDS})

    @event.listens_for(engine, "connect")
    def _pragmas(connection, _record) -> None:
        """WAL (several workers write) and foreign keys, on every new connection."""
        cursor = connection.cursor()
        if not sqlite_in_memory(url):
            cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.close()

    return engine


def sqlite_in_memory(url: URL) -> bool:
    """A SQLite database that lives in memory only."""
    return url.database in (None, "", ":memory:")


def is_new_database(engine: Engine) -> bool:
    """A SQLite database that does not exist yet (a fresh machine): the only kind we create by ourselves."""
    url = engine.url
    if url.get_backend_name() != "sqlite":
        return False
    return sqlite_in_memory(url) or not Path(url.database).exists()


# --- schema (Alembic) -------------------------------------------------------------------------------------------


def alembic_config(migrations_dir: Path, connection=None) -> Config:
    """An Alembic configuration without alembic.ini: our migrations folder, our connection."""
    config = Config()
    config.set_main_option("script_location", str(migrations_dir))
    config.attributes["connection"] = connection
    return config


def upgrade(engine: Engine, migrations_dir: Path, revision: str = "head") -> None:
    """Apply migrations up to `revision`, the same way on SQLite and PostgreSQL."""
    if engine.url.get_backend_name() == "sqlite" and not sqlite_in_memory(engine.url):
        Path(engine.url.database).parent.mkdir(parents=True, exist_ok=True)
    with engine.begin() as connection:
        command.upgrade(alembic_config(migrations_dir, connection), revision)


def create_sqlite(engine: Engine, migrations_dir: Path) -> None:
    """Create a new SQLite database at head, atomically: several workers starting at once on a fresh machine all see
    either no file or a complete one."""
    if sqlite_in_memory(engine.url):
        upgrade(engine, migrations_dir)
        return
    target = Path(engine.url.database)
    target.parent.mkdir(parents=True, exist_ok=True)
    scratch_path = target.with_name(f".{target.name}.{os.getpid()}.new")
    scratch = create_engine(engine.url.set(database=str(scratch_path)), poolclass=NullPool)
    try:
        upgrade(scratch, migrations_dir)
        scratch.dispose()
        os.link(scratch_path, target)  # fails if another process got there first: theirs is as good as ours
        log.info("created the database schema in %s", engine.url.render_as_string(hide_password=True))
    except FileExistsError:
        pass
    finally:
        scratch.dispose()
        scratch_path.unlink(missing_ok=True)


def downgrade(engine: Engine, migrations_dir: Path, revision: str) -> None:
    """Undo migrations down to `revision` (`base` removes every table)."""
    with engine.begin() as connection:
        command.downgrade(alembic_config(migrations_dir, connection), revision)


def current_revision(engine: Engine) -> str | None:
    """The revision the database is at (None: no schema yet)."""
    with engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()


@dataclass(frozen=True)
class Revisions:
    """The migrations this code knows: the newest, and all of them."""

    head: str
    known: frozenset[str]

    @classmethod
    def load(cls, migrations_dir: Path) -> Revisions:
        """Read the migrations folder."""
        script = ScriptDirectory.from_config(alembic_config(migrations_dir))
        return cls(head=script.get_current_head(), known=frozenset(r.revision for r in script.walk_revisions()))

    def problem(self, current: str | None) -> str | None:
        """None when the schema is usable: at head, or newer than this code (a rolling deploy)."""
        if current == self.head or (current is not None and current not in self.known):
            return None
        return "schema_behind"
