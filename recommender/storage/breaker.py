"""The circuit breaker in front of the database: whether it can be used now, whether writes succeed, and warnings
about what had to be dropped, rate-limited so that an outage logs a few lines, not one per request."""

from __future__ import annotations

import logging
import math
import threading
import time

from .engine import UPGRADE_COMMAND

log = logging.getLogger("recommender.storage.db")

WARNING_INTERVAL = 10.0  # seconds between two "dropped" warnings; drops in between are counted, not lost from view


class Breaker:
    """Open while the database is unreachable or behind; `write_problem` stays set while writes fail (a locked file)."""

    def __init__(self, backend: str):
        self.backend = backend
        self.problem: str | None = None
        self.write_problem: str | None = None
        self._lock = threading.Lock()
        self._dropped = 0
        self._last_warning = -math.inf

    def set_problem(self, problem: str | None, error: BaseException | None = None) -> None:
        """Open or close the breaker, logging each change once."""
        with self._lock:
            before, self.problem = self.problem, problem
        if before == problem:
            return
        if problem is None:
            log.info("database available again (%s); usage counts and feedback are written again", self.backend)
            return
        detail = f": {type(error).__name__}: {str(error).splitlines()[0] if str(error) else ''}" if error else ""
        hint = f"; run `{UPGRADE_COMMAND}`" if problem == "schema_behind" else ""
        log.warning("database %s (%s)%s; recommendations go on, usage counts wait in memory and feedback is not recorded until it returns%s",
                    problem, self.backend, detail, hint)

    def written(self, ok: bool, error: BaseException | None = None) -> None:
        """A write succeeded (writes are healthy again) or failed (reported by /readyz until one succeeds)."""
        self.write_problem = None if ok else "writes_failing"
        if not ok:
            self.set_problem("unreachable", error)

    def drop(self, what: str, reason: str, request_id: str | None) -> None:
        """Count a dropped write; warn now unless a warning went out in the last few seconds."""
        with self._lock:
            self._dropped += 1
            now = time.monotonic()
            if now - self._last_warning < WARNING_INTERVAL:
                return
            count, self._dropped, self._last_warning = self._dropped, 0, now
        log.warning("%s not recorded (%s); %d not recorded since the last warning", what, reason, count, extra={"request_id": request_id})
