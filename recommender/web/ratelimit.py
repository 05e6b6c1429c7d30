"""Rate limiting per client address, with the `limits` library: the API, and the pages that serve the same answers.

Two limits, both per address and fixed-window:
- API_RATE_LIMIT: every anonymous API call (a valid partner key is exempt: access.py), and every results page,
  counsellor page and feedback of the site and of the widgets: they serve the same recommendations, so they share
  the same count (pages: a 429 page in the person's language; API: a 429 problem);
- API_KEY_FAILURE_LIMIT: wrong partner keys, counted only when the answer is a 401 (they are cheap to check now,
  but a key guessed by brute force must still be slowed down).
Every limited answer carries X-RateLimit-Limit, -Remaining and -Reset, and a 429 carries Retry-After.

The client's address is the connection's, unless the connection comes from one of TRUSTED_PROXIES: then it is the
last address of X-Forwarded-For that is not one of those proxies. Nobody else can choose their address by a header.
Counts are shared by the workers of one machine by default (limitstore.py), or by several machines through Redis.

Why not Flask-Limiter (which is built on the same `limits` library): resolving its decorators, filters and
conditional limits cost about 190 µs a call here, as much as making the whole answer (bench/README.md).
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass

from flask import Flask, Response, abort, current_app, request
from flask_babel import gettext as _
from limits import RateLimitItem, parse
from limits.strategies import FixedWindowRateLimiter

from . import access
from .context import context
from .limitstore import storage_for
from .questionnaire import render

log = logging.getLogger(__name__)
# Page views that compute recommendations or take feedback (on the site and inside widgets).
LIMITED_PAGES = frozenset({"results", "counsellor", "feedback", "send_report"})  # send_report: POST /report


def client_address() -> str:
    """The caller's address: the connection's, or what a trusted reverse proxy says it forwarded for."""
    state = context()
    if state.client_address is None:
        remote = request.remote_addr or "unknown"
        trusted = current_app.config["TRUSTED_PROXIES"]
        if remote in trusted:
            forwarded = [part.strip() for part in request.headers.get("X-Forwarded-For", "").split(",") if part.strip()]
            untrusted = [address for address in forwarded if address not in trusted]
            remote = untrusted[-1][:64] if untrusted else remote
        state.client_address = remote
    return state.client_address


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
        """The limits the settings ask for."""
        return cls(
            enabled=config["RATELIMIT_ENABLED"],
            calls=parse(config["API_RATE_LIMIT"]),
            failures=parse(config["API_KEY_FAILURE_LIMIT"]),
            counter=FixedWindowRateLimiter(storage_for(config["RATELIMIT_STORAGE_URI"], config["RATELIMIT_TIMEOUT_MS"])),
            prefix=config.get("RATELIMIT_KEY_PREFIX", ""),
        )

    def _ids(self, name: str) -> tuple[str, ...]:
        """What a count is kept under: the app's prefix, the limit's name, the client's address."""
        return (self.prefix, name, client_address())

    def over(self) -> RateLimitItem | None:
        """The limit this call goes over (then remembered for the answer's headers), or None; never raises."""
        if not self.enabled or request.method == "OPTIONS":
            return None
        try:
            refused = self._refusal()
        except Exception as error:
            log.warning("rate limit not checked: %s", type(error).__name__)
            return None
        context().rate_limited = refused
        return refused

    def _refusal(self) -> RateLimitItem | None:
        """The limit this call goes over, if any (only calls that carry a key can go over the wrong-key limit)."""
        if "Authorization" in request.headers and request.blueprint == "api":
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
            where = self._standing()
            if where is None:
                return response
            item, key, count = where
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

    def _standing(self) -> tuple[RateLimitItem, str, int] | None:
        """(limit, key, count) of the limit this call was counted against."""
        state = context()
        if state.rate_limited is self.failures:
            key = self.failures.key_for(*self._ids("failures"))
            return self.failures, key, self.counter.storage.get(key)
        return state.rate_limit


def limits() -> ApiLimits:
    """The app's limits."""
    return current_app.extensions["api_limits"]


def before_api_call() -> None:
    """Before an API view: a 429 problem over the limit."""
    if limits().over() is not None:
        abort(429)


def after_api_call(response: Response) -> Response:
    """After an API view: the limit headers."""
    return limits().after(response)


def _before_page() -> Response | None:
    """Before a page that serves recommendations or takes feedback: a 429 page over the limit."""
    if (request.endpoint or "").rpartition(".")[2] not in LIMITED_PAGES or request.blueprint == "api":
        return None
    if limits().over() is None:
        return None
    message = _("You have asked for many results in a short time. Wait a minute, then reload this page: your answers are kept in its address.")
    return render("errors/error.html", status=429, code=429, title=_("Too many requests"), message=message, back=None)


def _after_page(response: Response) -> Response:
    """After a limited page: the limit headers."""
    if (request.endpoint or "").rpartition(".")[2] in LIMITED_PAGES and request.blueprint != "api":
        return limits().after(response)
    return response


def init_app(app: Flask) -> None:
    """This app's own limits and storage; the API blueprint calls `before_api_call`, pages are limited from here."""
    app.extensions["api_limits"] = ApiLimits.from_config(app.config)
    app.before_request(_before_page)
    app.after_request(_after_page)
