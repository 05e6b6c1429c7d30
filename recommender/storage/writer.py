"""The store: the database as web processes use it, kept off the request path by a background writer.

Recommendations never wait on the database: usage is counted in memory and the writer adds the counts to the
database's every FLUSH_SECONDS. Feedback is queued for the same writer, and its sender may wait (briefly) for the
commit, so that "recorded" is only ever said of what was written. Reads run with a deadline. While the database is
unreachable the breaker (breaker.py) keeps the counts in memory, refuses feedback at once, and the writer probes the
database every few seconds until it answers again.
"""

from __future__ import annotations

import logging
import os
import threading
import time
from collections.abc import Callable
from queue import Full, Queue
from typing import TypeVar

from sqlalchemy import Engine
from sqlalchemy.exc import DataError, DBAPIError, IntegrityError
from sqlalchemy.exc import TimeoutError as PoolTimeout
from sqlmodel import Session

from .batches import COUNTS, STOP, Rows, Write, by_table, next_batch
from .breaker import Breaker
from .counting import Counts, PendingCounts, adding, count_rows
from .deadline import Deadlines
from .engine import Revisions, Unavailable

log = logging.getLogger("recommender.storage.db")
T = TypeVar("T")

# Seconds between two writes of a process's counts. Writing each recommendation (~14 rows) cost a third of the
# throughput on SQLite and most of it on PostgreSQL; every 2 s, the ~4,000 recommendations of a busy process fold into
# one upsert per different key. Statistics lag by that much, and a process that is killed loses at most that much.
FLUSH_SECONDS = 2.0


class Store:
    """The database as the web process uses it: writes in the background, reads with a deadline, a circuit breaker."""

    def __init__(self, engine: Engine, revisions: Revisions, *, retry_seconds: float = 5.0, read_timeout: float = 3.0, queue_size: int = 1000):
        self.engine = engine
        self.revisions = revisions
        self.retry_seconds = retry_seconds
        self.read_timeout = read_timeout
        self.breaker = Breaker(engine.dialect.name)
        self.deadlines = Deadlines(engine, revisions)
        self._queue_size = queue_size
        self._lock = threading.Lock()
        self._created_in = os.getpid()
        self._pid: int | None = None
        self._queue: Queue | None = None
        self._thread: threading.Thread | None = None
        self._counts = PendingCounts()

    @property
    def backend(self) -> str:
        """sqlite or postgresql."""
        return self.engine.dialect.name

    @property
    def problem(self) -> str | None:
        """None while the database is usable; else why not (unreachable, schema_behind, timeout)."""
        return self.breaker.problem

    def session(self) -> Session:
        """A plain session, for commands and tests that may wait on the database."""
        return Session(self.engine)

    def write(self, rows: Rows, what: str, *, request_id: str | None = None, wait: float = 0.0) -> bool:
        """Queue rows for the writer. With `wait`, True only once they are committed (False after `wait` seconds: then
        they are never written); without, True once queued. Never raises; False comes with a warning."""
        queue = self._writer_queue()  # started on first use; it is also what probes a lost database
        if self.problem is not None:
            self.breaker.drop(what, self.problem, request_id)
            return False
        item = Write(rows, what, request_id)
        try:
            queue.put_nowait(item)
        except Full:
            self.breaker.drop(what, "write queue full", request_id)
            return False
        if wait <= 0:
            return True
        if not item.done.wait(wait):
            item.abandoned = True
            self.breaker.drop(what, "database too slow to answer", request_id)
        return item.ok

    def add(self, counts: Counts, what: str, *, request_id: str | None = None) -> bool:
        """Add to this process's counts, which the writer adds to the database's every FLUSH_SECONDS (they wait in
        memory while the database is away); False (and a warning) when too many keys are waiting. Never blocks, never raises."""
        self._writer_queue()
        if self._counts.add(counts):
            return True
        self.breaker.drop(what, "too many counts waiting", request_id)
        return False

    def read(self, work: Callable[[Session], T], timeout: float | None = None) -> T:
        """Run `work` with a deadline; raise Unavailable at once while the database is down."""
        if self.problem is not None:
            self._writer_queue()  # make sure something probes the database until it is back
            raise Unavailable(self.problem)

        def run() -> T:
            """The work in a session of its own."""
            with Session(self.engine) as session:
                return work(session)

        try:
            return self.deadlines.run(run, self.read_timeout if timeout is None else timeout)
        except Unavailable as error:
            self.breaker.set_problem(error.reason, error)
            raise
        except (IntegrityError, DataError):
            raise
        except (DBAPIError, PoolTimeout) as error:  # the database is not answering as it should
            self.breaker.set_problem("unreachable", error)
            raise Unavailable("unreachable") from error

    def check(self, timeout: float | None = None) -> str | None:
        """Ask the database now (with a deadline) and update the breaker; None when it is usable. A database that
        answers reads while its writes fail (a locked SQLite file) is reported as `writes_failing`."""
        problem = self.deadlines.probe_within(self.read_timeout if timeout is None else timeout)
        if problem is None and self.breaker.write_problem is None:
            self.breaker.set_problem(None)
        return problem or self.breaker.write_problem

    def start(self, timeout: float) -> str | None:
        """The first look at the database, at start-up: sets the breaker without logging (the caller says what it means)."""
        self.breaker.problem = self.deadlines.probe_within(timeout)
        return self.breaker.problem

    def flush(self, timeout: float = 5.0) -> bool:
        """Write the counts now and wait until they and every queued write are done (tests, shutdown); False if the
        deadline passed first. Counts the database cannot take now (it is away) stay in memory for later."""
        queue = self._queue if self._pid == os.getpid() else None
        if queue is None:
            return True
        deadline = time.monotonic() + timeout
        try:
            queue.put(COUNTS, timeout=timeout)
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
                self._queue.put(STOP, timeout=timeout)
            except Full:
                pass
            self._thread.join(timeout)
            if self._counts:  # the database is away, or the writer did not finish in time
                log.warning("usage counts of %d keys lost at shutdown (database %s)", len(self._counts), self.problem or "slow to answer")
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
                    self._counts = PendingCounts()  # a parent's counts are the parent's to write
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
            wait = self.retry_seconds if self.problem is not None else counts_due - time.monotonic()
            batch = next_batch(queue, max(wait, 0.0))
            if not batch and self.problem is not None:
                self._recover()
            try:
                self._write_now([item for item in batch if isinstance(item, Write)])
                if time.monotonic() >= counts_due or any(item is COUNTS or item is STOP for item in batch):
                    self._write_counts()
                    counts_due = time.monotonic() + FLUSH_SECONDS
            finally:
                for _ in batch:
                    queue.task_done()
            if batch and batch[-1] is STOP:
                return

    def _recover(self) -> None:
        """Probe a lost database: readable again closes the breaker; writable again (a lock gone) clears the write problem."""
        problem = self.deadlines.probe()
        if problem is None and self.breaker.write_problem is not None:
            if not self.deadlines.write_probe():
                return
            self.breaker.write_problem = None
        self.breaker.set_problem(problem)

    def _write_now(self, items: list[Write]) -> None:
        """Writes in one transaction; a failure opens the breaker unless it is the data's fault (then each is retried
        alone, so that only the faulty one is lost). Every item's sender learns the outcome."""
        items = [item for item in items if not item.abandoned]
        try:
            if items and self.problem is None:
                self._insert(items)
            elif items:
                for item in items:
                    self.breaker.drop(item.what, self.problem, item.request_id)
        finally:
            for item in items:
                item.done.set()

    def _insert(self, items: list[Write]) -> None:
        """Insert the rows of `items` in one transaction; mark them written."""
        try:
            with self.engine.begin() as connection:
                for table, rows in by_table(items):
                    connection.execute(table.insert(), rows)
        except (IntegrityError, DataError) as error:
            if len(items) > 1:
                for item in items:
                    self._insert([item])
                return
            log.warning("%s rejected by the database and not recorded: %s", items[0].what, type(error).__name__, extra={"request_id": items[0].request_id})
            return
        except (DBAPIError, PoolTimeout) as error:
            self.breaker.written(False, error)
            for item in items:
                self.breaker.drop(item.what, "unreachable", item.request_id)
            return
        except Exception:  # a bug, not an outage: say so loudly, keep the writer alive
            log.exception("%d writes (%s) could not be written", len(items), items[0].what, extra={"request_id": items[0].request_id})
            return
        self.breaker.written(True)
        for item in items:
            item.ok = True

    def _write_counts(self) -> None:
        """Add this process's counts to the database's, in one transaction of one upsert per table; while the database
        is away, or if it fails now, they stay in memory for the next time."""
        if self.problem is not None:
            return
        pending = self._counts.take()
        if not pending:
            return
        try:
            with self.engine.begin() as connection:
                for table, rows in count_rows(pending):
                    connection.execute(adding(table, self.backend), rows)
            self.breaker.written(True)
        except (IntegrityError, DataError) as error:  # the data's fault: retrying would fail the same way, for ever
            log.warning("usage counts of %d keys rejected by the database and dropped: %s", len(pending), type(error).__name__)
        except (DBAPIError, PoolTimeout) as error:
            self.breaker.written(False, error)
            self._counts.keep(pending)
        except Exception:  # a bug, not an outage: say so loudly, keep the writer alive
            log.exception("usage counts of %d keys could not be written and were dropped", len(pending))
