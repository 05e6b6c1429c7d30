"""Rate limiting of the public API per client address, with the `limits` library (in memory, or Redis to share).

Two limits, both per address and fixed-window:
- API_RATE_LIMIT: every anonymous call (a valid partner key is exempt: access.py);
- API_KEY_FAILURE_LIMIT: wrong partner keys, counted only when the answer is a 401 (each costs a slow scrypt check).
A refused call is a 429 problem with Retry-After; every limited answer carries X-RateLimit-Limit, -Remaining and
-Reset. If the shared storage (Redis) cannot be reached, calls are let through and a warning is logged: a person's
recommendations never depend on the limiter.

Why not Flask-Limiter (which is built on the same `limits` library): resolving its decorators, filters and
conditional limits cost about 190 µs a call here, as much as making the whole answer (bench/README.md).
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass

from flask import Flask, Response, abort, current_app, request
from limits import RateLimitItem, parse
from limits.storage import MemoryStorage, storage_from_string
from limits.strategies import FixedWindowRateLimiter

from . import access
from .context import context

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class ApiLimits:
    """One app's limits and the storage that counts them."""

    enabled: bool
    calls: RateLimitItem
    failures: RateLimitItem
    counter: FixedWindowRateLimiter
    prefix: str

    @classmethod
    def from_config(cls, config: dict) -> ApiLimits:
        return cls(
            enabled=config["RATELIMIT_ENABLED"],
            calls=parse(config["API_RATE_LIMIT"]),
            failures=parse(config["API_KEY_FAILURE_LIMIT"]),
            counter=FixedWindowRateLimiter(_storage(config["RATELIMIT_STORAGE_URI"])),
            prefix=config.get("RATELIMIT_KEY_PREFIX", ""),
        )

    def _ids(self, name: str) -> tuple[str, ...]:
        return (self.prefix, name, request.remote_addr or "unknown")

    def before(self) -> None:
        """Refuse an address over its limit (429); count an anonymous call."""
        if not self.enabled or request.method == "OPTIONS":
            return
        try:
            refused = self._refusal()
        except Exception as error:
            log.warning("rate limit not checked: %s", type(error).__name__)
            return
        if refused is not None:
            context().rate_limited = refused
            abort(429)

    def _refusal(self) -> RateLimitItem | None:
        """The limit this call goes over, if any (only calls that carry a key can go over the wrong-key limit)."""
        if "Authorization" in request.headers:
            if access.has_valid_partner_key():  # a partner is never limited, even from an address that erred before
                return None
            if not self.counter.test(self.failures, *self._ids("failures")):
                return self.failures
        key = self.calls.key_for(*self._ids("calls"))
        count = self.counter.storage.incr(key, self.calls.get_expiry())
        context().rate_limit = (self.calls, key, count)
        return None if count <= self.calls.amount else self.calls

    def after(self, response: Response) -> Response:
        """Count a wrong key; tell the caller where it stands."""
        if not self.enabled:
            return response
        try:
            if response.status_code == 401:
                self.counter.hit(self.failures, *self._ids("failures"))
            state = context()
            if state.rate_limited is self.failures:
                item, key = self.failures, self.failures.key_for(*self._ids("failures"))
                count = self.counter.storage.get(key)
            elif state.rate_limit is not None:
                item, key, count = state.rate_limit
            else:
                return response
            reset = self.counter.storage.get_expiry(key)
        except Exception as error:
            log.warning("rate limit not counted: %s", type(error).__name__)
            return response
        response.headers["X-RateLimit-Limit"] = str(item.amount)
        response.headers["X-RateLimit-Remaining"] = str(max(0, item.amount - count))
        response.headers["X-RateLimit-Reset"] = str(int(reset))
        if response.status_code == 429:
            response.headers["Retry-After"] = str(max(1, int(reset - time.time() + 0.999)))
        return response


class SweptMemoryStorage(MemoryStorage):
    """limits' in-memory storage, with expired counts swept by the calls themselves, every few seconds.

    limits 5.8 sweeps from a timer thread that it starts again every 10 ms while calls arrive: a hundred thread
    starts a second per process, each waiting for the GIL, which left a third of the CPU idle under load (py-spy).
    Counts still expire on time: reading a key drops it once its window is over; the sweep only frees memory.
    """

    SWEEP_EVERY = 5.0  # seconds

    def __init__(self, uri: str | None = None, **options):
        self._next_sweep = 0.0
        self.clock = time.monotonic
        super().__init__(uri, **options)

    def _MemoryStorage__schedule_expiry(self) -> None:  # replaces the timer thread (a name-mangled method of limits)
        now = self.clock()
        if now >= self._next_sweep:
            self._next_sweep = now + self.SWEEP_EVERY
            self._MemoryStorage__expire_events()


def _storage(uri: str):
    """memory:// (one process) or a shared storage (redis://...) as limits knows them."""
    return SweptMemoryStorage() if uri.startswith("memory://") else storage_from_string(uri)


def init_app(app: Flask) -> None:
    """This app's own limits and storage (the API blueprint calls `before` and `after`)."""
    app.extensions["api_limits"] = ApiLimits.from_config(app.config)


def before_api_call() -> None:
    current_app.extensions["api_limits"].before()


def after_api_call(response: Response) -> Response:
    return current_app.extensions["api_limits"].after(response)
