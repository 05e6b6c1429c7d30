"""The database: the one place that builds the engine, checks the schema, and keeps the database off the request path.

`DATABASE_URL` picks the database (`postgresql+psycopg://user@host/db` or `sqlite:///path`); without it, a SQLite
file in the instance folder. Recommendations never wait on the database: usage is counted in memory and a background
writer adds the counts to the database's every few seconds; feedback is queued for the same writer. While the
database is unreachable a circuit breaker keeps the counts in memory, drops feedback at once (with a warning), and
probes every few seconds until it answers again.
"""

from __future__ import annotations

import atexit
import logging
import math
import os
import threading
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from queue import Empty, Full, Queue
from typing import TypeVar

import click
from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from flask import Flask, g, has_request_context
from sqlalchemy import Engine, Table, create_engine, event
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import DataError, DBAPIError, IntegrityError
from sqlalchemy.exc import TimeoutError as PoolTimeout
from sqlalchemy.pool import NullPool, StaticPool
from sqlmodel import Session

from . import models  # noqa: F401  (registers the tables on the metadata the migrations compare with)

log = logging.getLogger(__name__)
T = TypeVar("T")

DEFAULT_FILENAME = "pathways.sqlite3"
UPGRADE_COMMAND = "flask --app recommender db upgrade"
MAX_CONCURRENT_READS = 4
WARNING_INTERVAL = 10.0  # seconds between two "dropped" warnings; drops in between are counted, not lost from view
_STOP = object()


class SchemaBehind(SystemExit):
    """Start-up refused: the database schema is older than this version of the code."""


class Unavailable(Exception):
    """The database cannot answer now; `reason` says why (unreachable, schema_behind, timeout)."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


def database_url(app: Flask) -> str:
    """`DATABASE_URL`, or a SQLite file in the instance folder."""
    return app.config.get("DATABASE_URL") or f"sqlite:///{Path(app.instance_path) / DEFAULT_FILENAME}"


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
    if _sqlite_in_memory(url):
        engine = create_engine(url, poolclass=StaticPool, connect_args={"check_same_thread": False})
    else:
        engine = create_engine(url, poolclass=NullPool, connect_args={"timeout": 5})

    @event.listens_for(engine, "connect")
    def _pragmas(connection, _record) -> None:
        cursor = connection.cursor()
        if not _sqlite_in_memory(url):
            cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.close()

    return engine


def _sqlite_in_memory(url: URL) -> bool:
    return url.database in (None, "", ":memory:")


def _is_new_database(engine: Engine) -> bool:
    """A SQLite database that does not exist yet (a fresh machine): the only kind we create by ourselves."""
    url = engine.url
    if url.get_backend_name() != "sqlite":
        return False
    return _sqlite_in_memory(url) or not Path(url.database).exists()


# --- schema (Alembic) -------------------------------------------------------------------------------------------


def alembic_config(migrations_dir: Path, connection=None) -> Config:
    """An Alembic configuration without alembic.ini: our migrations folder, our connection."""
    config = Config()
    config.set_main_option("script_location", str(migrations_dir))
    config.attributes["connection"] = connection
    return config


def upgrade(engine: Engine, migrations_dir: Path, revision: str = "head") -> None:
    """Apply migrations up to `revision`, the same way on SQLite and PostgreSQL."""
    if engine.url.get_backend_name() == "sqlite" and not _sqlite_in_memory(engine.url):
        Path(engine.url.database).parent.mkdir(parents=True, exist_ok=True)
    with engine.begin() as connection:
        command.upgrade(alembic_config(migrations_dir, connection), revision)


def create_sqlite(engine: Engine, migrations_dir: Path) -> None:
    """Create a new SQLite database at head, atomically: several workers starting at once on a fresh machine all see
    either no file or a complete one."""
    if _sqlite_in_memory(engine.url):
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


# --- the store: writes off the request path, a breaker while the database is down ---------------------------------


# Rows for the writer: (table, rows) pairs, in the order they must be inserted (a parent before its children).
Rows = tuple[tuple[Table, tuple[dict, ...]], ...]
WRITE_BATCH = 500  # queued writes the writer puts in one transaction at most
# Counts for the writer, each one more of (table, key in the order of its primary key, column counted).
Counts = list[tuple[Table, tuple, str]]
# Seconds between two writes of a process's counts. Writing each recommendation (~14 rows) cost a third of the
# throughput on SQLite and most of it on PostgreSQL; every 2 s, the ~4,000 recommendations of a busy process fold into
# one upsert per different key. Statistics lag by that much, and a process that is killed loses at most that much.
FLUSH_SECONDS = 2.0
MAX_COUNTED_KEYS = 100_000  # different keys a process keeps while the database is away (~20 MB); new ones are dropped
_COUNTS = object()  # asks the writer to write the counts now


@dataclass
class _Write:
    rows: Rows
    what: str
    request_id: str | None


class Store:
    """The database as the web process uses it: writes in the background, reads with a deadline, a circuit breaker."""

    def __init__(self, engine: Engine, revisions: Revisions, *, retry_seconds: float = 5.0, read_timeout: float = 3.0, queue_size: int = 1000):
        self.engine = engine
        self.revisions = revisions
        self.retry_seconds = retry_seconds
        self.read_timeout = read_timeout
        self._queue_size = queue_size
        self._lock = threading.Lock()
        self._reads = threading.BoundedSemaphore(MAX_CONCURRENT_READS)
        self._problem: str | None = None
        self._created_in = os.getpid()
        self._pid: int | None = None
        self._queue: Queue | None = None
        self._thread: threading.Thread | None = None
        self._dropped = 0
        self._last_warning = -math.inf
        self._counting = threading.Lock()
        self._counts: Counter[tuple[Table, tuple, str]] = Counter()

    @property
    def backend(self) -> str:
        """sqlite or postgresql."""
        return self.engine.dialect.name

    @property
    def problem(self) -> str | None:
        """None while the database is usable; else why not (unreachable, schema_behind, timeout)."""
        return self._problem

    def session(self) -> Session:
        """A plain session, for commands and tests that may wait on the database."""
        return Session(self.engine)

    def write(self, rows: Rows, what: str) -> bool:
        """Queue rows for the writer; False (and a warning) when they have to be dropped. Never blocks, never raises."""
        queue = self._writer_queue()  # started on first use; it is also what probes a lost database
        if self._problem is not None:
            self._drop(what, self._problem, _request_id())
            return False
        try:
            queue.put_nowait(_Write(rows, what, _request_id()))
        except Full:
            self._drop(what, "write queue full", _request_id())
            return False
        return True

    def add(self, counts: Counts, what: str) -> bool:
        """Add to this process's counts, which the writer adds to the database's every FLUSH_SECONDS (they wait in
        memory while the database is away); False (and a warning) when too many keys are waiting. Never blocks, never raises."""
        self._writer_queue()  # started on first use; it is also what probes a lost database
        with self._counting:
            if len(self._counts) < MAX_COUNTED_KEYS or all(count in self._counts for count in counts):
                self._counts.update(counts)
                return True
        self._drop(what, "too many counts waiting", _request_id())
        return False

    def read(self, work: Callable[[Session], T], timeout: float | None = None) -> T:
        """Run `work` with a deadline; raise Unavailable at once while the database is down."""
        if self._problem is not None:
            self._writer_queue()  # make sure something probes the database until it is back
            raise Unavailable(self._problem)

        def run() -> T:
            with Session(self.engine) as session:
                return work(session)

        try:
            return self._with_deadline(run, self.read_timeout if timeout is None else timeout)
        except Unavailable as error:
            self._set_problem(error.reason, error)
            raise
        except (IntegrityError, DataError):
            raise
        except (DBAPIError, PoolTimeout) as error:  # the database is not answering as it should
            self._set_problem("unreachable", error)
            raise Unavailable("unreachable") from error

    def check(self, timeout: float | None = None) -> str | None:
        """Ask the database now (with a deadline) and update the breaker; None when it is usable."""
        try:
            problem = self._with_deadline(self._probe, self.read_timeout if timeout is None else timeout)
        except Unavailable as error:
            problem = error.reason
        self._set_problem(problem)
        return problem

    def start(self, timeout: float) -> str | None:
        """The first look at the database, at start-up: sets the breaker without logging (the caller says what it means)."""
        try:
            self._problem = self._with_deadline(self._probe, timeout)
        except Unavailable as error:
            self._problem = error.reason
        return self._problem

    def flush(self, timeout: float = 5.0) -> bool:
        """Write the counts now and wait until they and every queued write are done (tests, shutdown); False if the
        deadline passed first. Counts the database cannot take now (it is away) stay in memory for later."""
        queue = self._queue if self._pid == os.getpid() else None
        if queue is None:
            return True
        deadline = time.monotonic() + timeout
        try:
            queue.put(_COUNTS, timeout=timeout)
        except Full:
            return False
        with queue.all_tasks_done:
            while queue.unfinished_tasks:
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    return False
                queue.all_tasks_done.wait(remaining)
        return True

    def close(self, timeout: float = 2.0) -> None:
        """Write the counts and finish queued writes (briefly), stop the writer and release connections."""
        if self._pid == os.getpid() and self._thread is not None and self._thread.is_alive():
            try:
                self._queue.put(_STOP, timeout=timeout)
            except Full:
                pass
            self._thread.join(timeout)
            if self._counts:  # the database is away, or the writer did not finish in time
                log.warning("usage counts of %d keys lost at shutdown (database %s)", len(self._counts), self._problem or "slow to answer")
        self._pid = None
        self.engine.dispose()

    # -- inside --

    def _writer_queue(self) -> Queue:
        """The writer's queue, starting the thread on first use in this process (also after a fork)."""
        if self._pid != os.getpid():
            with self._lock:
                if self._pid != os.getpid():
                    if os.getpid() != self._created_in:
                        self.engine.dispose(close=False)  # connections inherited from a parent process are not ours
                    self._counting, self._counts = threading.Lock(), Counter()  # a parent's counts are the parent's to write
                    self._queue = Queue(self._queue_size)
                    self._thread = threading.Thread(target=self._run_writer, args=(self._queue,), name="pathways-db-writer", daemon=True)
                    self._thread.start()
                    self._pid = os.getpid()
        return self._queue

    def _run_writer(self, queue: Queue) -> None:
        """Write what is queued, as many writes as are waiting in one transaction, and the counts every FLUSH_SECONDS
        (or when asked); while the database is down, probe it every `retry_seconds`."""
        counts_due = time.monotonic() + FLUSH_SECONDS
        while True:
            wait = self.retry_seconds if self._problem is not None else counts_due - time.monotonic()
            batch = _next_batch(queue, max(wait, 0.0))
            if not batch and self._problem is not None:
                self._set_problem(self._safe_probe())
            try:
                self._write_now([item for item in batch if isinstance(item, _Write)])
                if time.monotonic() >= counts_due or any(item is _COUNTS or item is _STOP for item in batch):
                    self._write_counts()
                    counts_due = time.monotonic() + FLUSH_SECONDS
            finally:
                for _ in batch:
                    queue.task_done()
            if batch and batch[-1] is _STOP:
                return

    def _write_now(self, items: list[_Write]) -> None:
        """Writes in one transaction; a failure opens the breaker unless it is the data's fault (then each is retried
        alone, so that only the faulty one is dropped)."""
        if not items:
            return
        if self._problem is not None:
            for item in items:
                self._drop(item.what, self._problem, item.request_id)
            return
        try:
            with self.engine.begin() as connection:
                for table, rows in _by_table(items):
                    connection.execute(table.insert(), rows)
        except (IntegrityError, DataError) as error:
            if len(items) > 1:
                for item in items:
                    self._write_now([item])
                return
            log.warning("%s rejected by the database and dropped: %s", items[0].what, type(error).__name__, extra={"request_id": items[0].request_id})
        except (DBAPIError, PoolTimeout) as error:
            self._set_problem("unreachable", error)
            for item in items:
                self._drop(item.what, "unreachable", item.request_id)
        except Exception:  # a bug, not an outage: say so loudly, keep the writer alive
            log.exception("%d writes (%s) could not be written and were dropped", len(items), items[0].what, extra={"request_id": items[0].request_id})

    def _write_counts(self) -> None:
        """Add this process's counts to the database's, in one transaction of one upsert per table; while the database
        is away, or if it fails now, they stay in memory for the next time."""
        if self._problem is not None:
            return
        with self._counting:
            pending, self._counts = self._counts, Counter()
        if not pending:
            return
        try:
            with self.engine.begin() as connection:
                for table, rows in _count_rows(pending):
                    connection.execute(_adding(table, self.backend), rows)
        except (IntegrityError, DataError) as error:  # the data's fault: retrying would fail the same way, for ever
            log.warning("usage counts of %d keys rejected by the database and dropped: %s", len(pending), type(error).__name__)
        except (DBAPIError, PoolTimeout) as error:
            self._set_problem("unreachable", error)
            self._keep(pending)
        except Exception:  # a bug, not an outage: say so loudly, keep the writer alive
            log.exception("usage counts of %d keys could not be written and were dropped", len(pending))

    def _keep(self, pending: Counter[tuple[Table, tuple, str]]) -> None:
        """Put back counts the database did not take, with those counted since: the next write retries them."""
        with self._counting:
            newer, self._counts = self._counts, pending
            pending.update(newer)

    def _probe(self) -> str | None:
        """Connect and read the schema revision."""
        try:
            current = current_revision(self.engine)
        except Exception:
            return "unreachable"
        return self.revisions.problem(current)

    def _safe_probe(self) -> str | None:
        """The writer's own probe: never lets anything escape the thread."""
        try:
            return self._probe()
        except Exception:
            return "unreachable"

    def _with_deadline(self, work: Callable[[], T], timeout: float) -> T:
        """Run `work` in a helper thread; Unavailable("timeout") if it does not finish in time."""
        if not self._reads.acquire(blocking=False):
            raise Unavailable("timeout")  # every read slot is stuck on a database that does not answer
        outcome: dict = {}
        done = threading.Event()

        def run() -> None:
            try:
                outcome["value"] = work()
            except BaseException as error:
                outcome["error"] = error
            finally:
                self._reads.release()
                done.set()

        threading.Thread(target=run, name="pathways-db-read", daemon=True).start()
        if not done.wait(timeout):
            raise Unavailable("timeout")
        if "error" in outcome:
            raise outcome["error"]
        return outcome["value"]

    def _set_problem(self, problem: str | None, error: BaseException | None = None) -> None:
        """Open or close the breaker, logging each change once."""
        with self._lock:
            before, self._problem = self._problem, problem
        if before == problem:
            return
        if problem is None:
            log.info("database available again (%s); usage counts and feedback are written again", self.backend)
            return
        detail = f": {type(error).__name__}: {str(error).splitlines()[0] if str(error) else ''}" if error else ""
        hint = f"; run `{UPGRADE_COMMAND}`" if problem == "schema_behind" else ""
        log.warning("database %s (%s)%s; recommendations go on, usage counts wait in memory and feedback is dropped until it returns%s", problem, self.backend, detail, hint)

    def _drop(self, what: str, reason: str, request_id: str | None) -> None:
        """Count a dropped write; warn now unless a warning went out in the last few seconds."""
        with self._lock:
            self._dropped += 1
            now = time.monotonic()
            if now - self._last_warning < WARNING_INTERVAL:
                return
            count, self._dropped, self._last_warning = self._dropped, 0, now
        log.warning("%s dropped (%s); %d dropped since the last warning", what, reason, count, extra={"request_id": request_id})


def _by_table(items: list[_Write]) -> list[tuple[Table, list[dict]]]:
    """All the rows of some writes, one list per table, tables in the order they first appear (parents first)."""
    grouped: dict[Table, list[dict]] = {}
    for item in items:
        for table, rows in item.rows:
            grouped.setdefault(table, []).extend(rows)
    return list(grouped.items())


def _next_batch(queue: Queue, timeout: float) -> list:
    """The next item (waiting up to `timeout` seconds) and those already waiting behind it; [] if nothing came."""
    try:
        batch = [queue.get(timeout=timeout)]
    except Empty:
        return []
    while len(batch) < WRITE_BATCH and batch[-1] is not _STOP:
        try:
            batch.append(queue.get_nowait())
        except Empty:
            break
    return batch


def _count_rows(counts: Counter[tuple[Table, tuple, str]]) -> list[tuple[Table, list[dict]]]:
    """Counts as rows, one list per table; tables and rows in key order, so that two processes adding to the same
    counts lock them in the same order (on PostgreSQL, different orders could deadlock)."""
    by_table: dict[Table, dict[tuple, dict[str, int]]] = {}
    for (table, key, column), amount in counts.items():
        by_table.setdefault(table, {}).setdefault(key, {})[column] = amount
    grouped = []
    for table in sorted(by_table, key=lambda table: table.name):
        keys = [column.name for column in table.primary_key]
        nothing = {column.name: 0 for column in table.columns if not column.primary_key}
        grouped.append((table, [dict(zip(keys, key)) | nothing | amounts for key, amounts in sorted(by_table[table].items())]))
    return grouped


def _adding(table: Table, backend: str):
    """INSERT ... ON CONFLICT (primary key) DO UPDATE SET n = table.n + excluded.n: rows add to the counts already stored."""
    insert = {"sqlite": sqlite.insert, "postgresql": postgresql.insert}[backend](table)
    counted = [column for column in table.columns if not column.primary_key]
    return insert.on_conflict_do_update(index_elements=list(table.primary_key), set_={column.name: column + insert.excluded[column.name] for column in counted})


def _request_id() -> str | None:
    """The current request's id, for log lines written later by the writer thread (web/context.py keeps it in g)."""
    state = g.get("pathways") if has_request_context() else None
    return getattr(state, "request_id", None) or None


# --- wiring -------------------------------------------------------------------------------------------------------


def init_app(app: Flask) -> None:
    """Build the store from the settings, create a fresh SQLite schema, refuse a schema that is behind."""
    migrations = Path(app.config["MIGRATIONS_DIR"])
    engine = build_engine(database_url(app), connect_timeout=int(app.config["DB_CONNECT_TIMEOUT"]))
    store = Store(engine, Revisions.load(migrations), retry_seconds=float(app.config["DB_RETRY_SECONDS"]), read_timeout=float(app.config["DB_READ_TIMEOUT"]))
    app.extensions["pathways_store"] = store
    atexit.register(store.close)
    if _is_new_database(engine):
        create_sqlite(engine, migrations)
    problem = store.start(timeout=float(app.config["DB_CONNECT_TIMEOUT"]) + store.read_timeout)
    engine.dispose()  # no connection open when a server forks its workers
    where = engine.url.render_as_string(hide_password=True)
    if problem == "schema_behind":
        behind = f"database schema at {where} is behind this version of Pathways (needs revision {store.revisions.head}). Run: {UPGRADE_COMMAND}"
        if _serving():  # a server must not run on an old schema; a command (such as `db upgrade`, which fixes it) may
            store.close()
            raise SchemaBehind(f"Start-up refused: the {behind}")
        log.warning("The %s", behind)
    elif problem is not None:
        log.warning("database %s at start-up (%s): recommendations work; usage counts wait in memory and feedback is dropped until it answers", problem, where)


def _serving() -> bool:
    """True unless a Flask command other than `run` is loading the app."""
    context = click.get_current_context(silent=True)
    return context is None or context.info_name == "run"


def store(app: Flask) -> Store:
    """The app's store."""
    return app.extensions["pathways_store"]
