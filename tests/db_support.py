"""Databases for the storage, ops and stats tests: SQLite always, PostgreSQL when TEST_DATABASE_URL is set.

Each PostgreSQL run gets its own schema in that database (dropped afterwards), so tests never touch other data.
A test module imports the fixtures it uses: `from tests.db_support import database_url, db_app, empty_db  # noqa: F401`.
"""

from __future__ import annotations

import os
import selectors
import socket
import threading
import uuid
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.engine import make_url

from recommender import create_app
from recommender.settings import from_environment
from recommender.storage import db

POSTGRES_SKIP = "PostgreSQL tests skipped: set TEST_DATABASE_URL (e.g. postgresql+psycopg://postgres@127.0.0.1:5432/test) to run them"
BACKENDS = ["sqlite", "postgresql"]
MIGRATIONS = from_environment()["MIGRATIONS_DIR"]


def app_config(url: str, **extra) -> dict:
    """An app configuration on `url`, with fresh statistics and quick recovery."""
    return {"TESTING": True, "DATABASE_URL": url, "STATS_CACHE_SECONDS": 0, "RATELIMIT_ENABLED": False, "DB_RETRY_SECONDS": 0.2, **extra}


def postgres_base_url() -> str:
    """TEST_DATABASE_URL, or skip with a message saying how to run these tests."""
    url = os.environ.get("TEST_DATABASE_URL")
    if not url:
        pytest.skip(POSTGRES_SKIP)
    return url


def with_schema(url: str, schema: str) -> str:
    """The same database, with `schema` first on the search path."""
    return make_url(url).update_query_dict({"options": f"-csearch_path={schema}"}).render_as_string(hide_password=False)


class PostgresSchema:
    """A throw-away schema in the TEST_DATABASE_URL database."""

    def __init__(self, base_url: str):
        self.base_url = base_url
        self.name = f"pathways_test_{uuid.uuid4().hex[:12]}"
        self.url = with_schema(base_url, self.name)
        self._admin = db.build_engine(base_url)
        with self._admin.begin() as connection:
            connection.execute(text(f'CREATE SCHEMA "{self.name}"'))

    def drop(self) -> None:
        with self._admin.begin() as connection:
            connection.execute(text(f'DROP SCHEMA IF EXISTS "{self.name}" CASCADE'))
        self._admin.dispose()


def make_database(backend: str, folder: Path, upgrade: bool = True) -> tuple[str, PostgresSchema | None]:
    """A new empty database URL for `backend` (migrated to head unless `upgrade` is False)."""
    if backend == "sqlite":
        return f"sqlite:///{folder / 'pathways.sqlite3'}", None
    schema = PostgresSchema(postgres_base_url())
    if upgrade:
        engine = db.build_engine(schema.url)
        db.upgrade(engine, MIGRATIONS)
        engine.dispose()
    return schema.url, schema


@pytest.fixture(scope="session", params=BACKENDS)
def database_url(request, tmp_path_factory):
    """A migrated database shared by the session's tests on one backend."""
    url, schema = make_database(request.param, tmp_path_factory.mktemp(f"db-{request.param}"))
    yield url
    if schema:
        schema.drop()


@pytest.fixture(scope="session")
def db_app(database_url):
    """An app on that database."""
    app = create_app(app_config(database_url))
    yield app
    app.extensions["pathways_store"].close()


@pytest.fixture()
def empty_db(db_app):
    """The shared database with no usage counts, feedback or partners left by an earlier test."""
    from recommender.storage.models import Feedback, Partner, ServiceCount, UsageCount

    store = db_app.extensions["pathways_store"]
    store.flush()
    with store.session() as session:
        for model in (ServiceCount, UsageCount, Feedback, Partner):
            session.exec(model.__table__.delete())
        session.commit()
    db_app.extensions.pop("pathways_stats_cache", None)
    return db_app


def closed_port() -> int:
    """A local port nobody listens on."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class StallingProxy:
    """A TCP proxy on 127.0.0.1 to a database, that can stop answering (keep connections open, pass nothing on).

    A database that stops answering is worse than a closed port: nothing fails, everything waits. `stall()` makes
    it so, `refuse()` hangs up on new connections, `resume()` lets everything through again. Bounded: it only ever
    talks to the one upstream address given, on this machine.
    """

    def __init__(self, upstream: tuple[str, int]):
        self.upstream = upstream
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.port = self.listener.getsockname()[1]
        self.flowing = threading.Event()
        self.flowing.set()
        self.refusing = False
        self.closed = threading.Event()
        self._sockets: list[socket.socket] = [self.listener]
        threading.Thread(target=self._accept, daemon=True, name="stalling-proxy").start()

    def stall(self) -> None:
        """Keep every connection open and pass nothing on."""
        self.flowing.clear()

    def refuse(self) -> None:
        """Hang up on every new connection at once (a database that is down)."""
        self.refusing = True

    def resume(self) -> None:
        self.refusing = False
        self.flowing.set()

    def close(self) -> None:
        self.closed.set()
        self.flowing.set()
        for sock in self._sockets:
            try:
                sock.close()
            except OSError:
                pass

    def _accept(self) -> None:
        while not self.closed.is_set():
            try:
                client, _ = self.listener.accept()
            except OSError:
                return
            self._sockets.append(client)
            threading.Thread(target=self._pump_pair, args=(client,), daemon=True).start()

    def _pump_pair(self, client: socket.socket) -> None:
        if self.refusing:
            client.close()
            return
        self.flowing.wait()  # a stalled database does not even finish the handshake
        try:
            server = socket.create_connection(self.upstream, timeout=5)
        except OSError:
            client.close()
            return
        self._sockets.append(server)
        selector = selectors.DefaultSelector()
        selector.register(client, selectors.EVENT_READ, server)
        selector.register(server, selectors.EVENT_READ, client)
        try:
            while not self.closed.is_set():
                for key, _ in selector.select(timeout=0.2):
                    self.flowing.wait()
                    data = key.fileobj.recv(65536)
                    if not data:
                        return
                    key.data.sendall(data)
        except OSError:
            return
        finally:
            selector.close()
            client.close()
            server.close()
