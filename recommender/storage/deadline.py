"""Reads with a deadline: a database that does not answer costs a request at most `timeout` seconds, never a hang."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import TypeVar

from sqlalchemy import Engine

from .engine import Revisions, Unavailable, current_revision

T = TypeVar("T")
MAX_CONCURRENT_READS = 4  # read threads that may be stuck on a silent database at once; more fail at once


class Deadlines:
    """Runs database work in helper threads, at most MAX_CONCURRENT_READS at a time, each with a deadline."""

    def __init__(self, engine: Engine, revisions: Revisions):
        self.engine = engine
        self.revisions = revisions
        self._slots = threading.BoundedSemaphore(MAX_CONCURRENT_READS)

    def run(self, work: Callable[[], T], timeout: float) -> T:
        """Run `work` in a helper thread; Unavailable("timeout") if it does not finish in time."""
        if not self._slots.acquire(blocking=False):
            raise Unavailable("timeout")  # every read slot is stuck on a database that does not answer
        outcome: dict = {}
        done = threading.Event()

        def run() -> None:
            """The work, its outcome handed back to the waiting caller."""
            try:
                outcome["value"] = work()
            except BaseException as error:
                outcome["error"] = error
            finally:
                self._slots.release()
                done.set()

        threading.Thread(target=run, name="pathways-db-read", daemon=True).start()
        if not done.wait(timeout):
            raise Unavailable("timeout")
        if "error" in outcome:
            raise outcome["error"]
        return outcome["value"]

    def probe(self) -> str | None:
        """Connect and read the schema revision: None when usable, else unreachable or schema_behind. Never raises."""
        try:
            return self.revisions.problem(current_revision(self.engine))
        except Exception:
            return "unreachable"

    def write_probe(self) -> bool:
        """Whether a write could start now: on SQLite, take the write lock and let go (a locked file fails here);
        PostgreSQL takes row locks only, so a read that works is enough there. Never raises."""
        if self.engine.dialect.name != "sqlite":
            return True
        try:
            with self.engine.connect() as connection:
                connection.exec_driver_sql("BEGIN IMMEDIATE")
                connection.exec_driver_sql("ROLLBACK")
            return True
        except Exception:
            return False

    def probe_within(self, timeout: float) -> str | None:
        """`probe`, with a deadline."""
        try:
            return self.run(self.probe, timeout)
        except Unavailable as error:
            return error.reason
