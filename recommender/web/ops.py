"""Operations: /healthz and /readyz for the load balancer, JSON log lines that carry a request id.

Log lines never hold an IP address, a user agent, a cookie or a query string (the questionnaire keeps its
answers in the URL): a request is logged as method, path, status and duration, under its request id.
"""

from __future__ import annotations

import logging
import re
import sys
import time
import uuid

import orjson
from flask import Blueprint, Flask, Response, current_app, jsonify, request
from flask.logging import default_handler

from .context import context, current

bp = Blueprint("ops", __name__)
access_log = logging.getLogger("recommender.access")

REQUEST_ID_HEADER = "X-Request-ID"
# A proxy's id is kept when it looks like one; anything else is replaced, never echoed.
TRUSTED_REQUEST_ID = re.compile(r"^[A-Za-z0-9._-]{8,128}$")
QUIET_PATHS = ("/healthz", "/readyz")  # polled every few seconds: logged at debug level only
READY_CHECK_TIMEOUT = 1.0  # seconds a load balancer's probe may wait on the database


@bp.get("/healthz")
def healthz() -> Response:
    """The process is up and answering; nothing else is checked."""
    return _no_store(jsonify(status="ok"))


@bp.get("/readyz")
def readyz() -> Response:
    """Rules loaded and database reachable: ready; database down: degraded (still serving); no rules: 503."""
    checks = {"rules": _rules_check(), "database": _database_check()}
    if checks["rules"]["status"] != "ok":
        status, code = "not_ready", 503
    elif checks["database"]["status"] != "ok":
        status, code = "degraded", 200
    else:
        status, code = "ready", 200
    response = jsonify(status=status, checks=checks)
    response.status_code = code
    return _no_store(response)


def _rules_check() -> dict:
    """The rules and catalogue are in memory."""
    recommender = current_app.extensions.get("pathways")
    if recommender is None:
        return {"status": "failed"}
    knowledge = recommender.knowledge
    return {"status": "ok", "services": len(knowledge.catalogue.services), "versions": knowledge.versions}


def _database_check() -> dict:
    """Ask the database now (briefly); what is degraded when it does not answer."""
    store = current_app.extensions.get("pathways_store")
    if store is None:
        return {"status": "degraded", "problem": "not_configured", "degraded": ["events", "feedback", "stats"]}
    problem = store.check(timeout=READY_CHECK_TIMEOUT)
    if problem is None:
        return {"status": "ok", "backend": store.backend}
    return {"status": "degraded", "backend": store.backend, "problem": problem, "degraded": ["events", "feedback", "stats"]}


def _no_store(response: Response) -> Response:
    response.headers["Cache-Control"] = "no-store"
    return response


# --- request ids and logs ------------------------------------------------------------------------------------------


def current_request_id() -> str | None:
    """The id of the request being served, if any."""
    state = current()
    return state.request_id if state else None


def _start_request() -> None:
    incoming = request.headers.get(REQUEST_ID_HEADER, "")
    state = context()
    state.request_id = incoming if TRUSTED_REQUEST_ID.match(incoming) else uuid.uuid4().hex
    state.started = time.perf_counter()


def _finish_request(response: Response) -> Response:
    state = context()
    request_id = state.request_id
    response.headers[REQUEST_ID_HEADER] = request_id
    started = state.started
    duration_ms = round((time.perf_counter() - started) * 1000, 1) if started else None
    method, path, status = request.method, request.path, response.status_code
    level = logging.DEBUG if path in QUIET_PATHS else logging.INFO
    if access_log.isEnabledFor(level):
        access_log.log(level, "%s %s %s", method, path, status,
                       extra={"request_id": request_id, "method": method, "path": path, "status": status, "duration_ms": duration_ms})
    return response


class RequestIdFilter(logging.Filter):
    """Give every record a `request_id` (the current request's, or the one the caller passed)."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.request_id = getattr(record, "request_id", None) or current_request_id()
        return True


_STANDARD_FIELDS = frozenset(logging.LogRecord("", 0, "", 0, "", (), None).__dict__) | {"message", "asctime", "request_id"}


class JsonFormatter(logging.Formatter):
    """One JSON object per line: time, level, logger, message, request_id and any `extra` fields."""

    def format(self, record: logging.LogRecord) -> str:
        entry = {
            "time": _utc_time(record.created),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        if getattr(record, "request_id", None):
            entry["request_id"] = record.request_id
        entry.update({key: value for key, value in record.__dict__.items() if key not in _STANDARD_FIELDS and not key.startswith("_")})
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        return orjson.dumps(entry, default=str).decode()


def _utc_time(created: float) -> str:
    """ISO 8601 in UTC to the millisecond, as `datetime.isoformat` writes it (the seconds part made once a second)."""
    global _last_second
    second = int(created)
    known = _last_second  # one read: another thread may replace it meanwhile, never half of it
    if known[0] != second:
        known = _last_second = (second, time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(second)))
    return f"{known[1]}.{int((created - second) * 1000):03d}+00:00"


_last_second: tuple[int, str] = (-1, "")


class _StderrHandler(logging.StreamHandler):
    """Writes to whatever sys.stderr is at the time (test runners swap it)."""

    @property
    def stream(self):
        return sys.stderr

    @stream.setter
    def stream(self, _value) -> None:
        pass


def configure_logging(level: str = "INFO", fmt: str = "json") -> None:
    """Send the package's logs (`recommender.*`, including Flask's app logger) to stderr, as JSON lines by default."""
    logger = logging.getLogger("recommender")
    logger.removeHandler(default_handler)
    for handler in [h for h in logger.handlers if isinstance(h, _StderrHandler)]:
        logger.removeHandler(handler)
    handler = _StderrHandler()
    handler.addFilter(RequestIdFilter())
    handler.setFormatter(JsonFormatter() if fmt == "json" else logging.Formatter("%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s"))
    logger.addHandler(handler)
    logger.setLevel(level.upper())


def init_app(app: Flask) -> None:
    """JSON logs and a request id on every request and response."""
    configure_logging(app.config["LOG_LEVEL"], app.config["LOG_FORMAT"])
    app.before_request(_start_request)
    app.after_request(_finish_request)
