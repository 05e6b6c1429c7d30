"""Operations: /healthz and /readyz for the load balancer, and a request id on every request and its log lines.

A request is logged as method, path, status and duration, under its request id; never an IP address, a user agent,
a cookie or a query string (logs.py scrubs every line, whoever writes it). An incoming X-Request-ID is kept only from
a trusted proxy (TRUSTED_PROXIES) and only as a UUID; otherwise the request gets a fresh one, so that no caller can
tag a person's requests with an id of their choosing. The id is sent back only on answers no shared cache keeps.
"""

from __future__ import annotations

import logging
import re
import time
import uuid

from flask import Blueprint, Flask, Response, current_app, jsonify, request

from .context import context, current
from .logs import configure_logging

bp = Blueprint("ops", __name__)
access_log = logging.getLogger("recommender.access")

REQUEST_ID_HEADER = "X-Request-ID"
# A trusted proxy's id is kept when it is a UUID (with or without hyphens); anything else is replaced, never echoed.
TRUSTED_REQUEST_ID = re.compile(r"^[0-9a-f]{8}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{12}$")
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
    """Health answers are never cached."""
    response.headers["Cache-Control"] = "no-store"
    return response


# --- request ids and logs ------------------------------------------------------------------------------------------


def current_request_id() -> str | None:
    """The id of the request being served, if any."""
    state = current()
    return state.request_id if state else None


def _start_request() -> None:
    """Give the request its id: a trusted proxy's UUID, or a fresh one."""
    incoming = request.headers.get(REQUEST_ID_HEADER, "").lower()
    from_proxy = request.remote_addr in current_app.config["TRUSTED_PROXIES"]
    state = context()
    state.request_id = incoming.replace("-", "") if from_proxy and TRUSTED_REQUEST_ID.match(incoming) else uuid.uuid4().hex
    state.started = time.perf_counter()


def _finish_request(response: Response) -> Response:
    """Log the request; send its id back unless a shared cache may keep the answer for others."""
    state = context()
    request_id = state.request_id
    if "public" not in (response.headers.get("Cache-Control") or ""):
        response.headers[REQUEST_ID_HEADER] = request_id
    started = state.started
    duration_ms = round((time.perf_counter() - started) * 1000, 1) if started else None
    method, path, status = request.method, request.path, response.status_code
    level = logging.DEBUG if path in QUIET_PATHS else logging.INFO
    if access_log.isEnabledFor(level):
        access_log.log(level, "%s %s %s", method, path, status,
                       extra={"request_id": request_id, "method": method, "path": path, "status": status, "duration_ms": duration_ms})
    return response


def init_app(app: Flask) -> None:
    """JSON logs and a request id on every request and response."""
    configure_logging(app.config["LOG_LEVEL"], app.config["LOG_FORMAT"])
    app.before_request(_start_request)
    app.after_request(_finish_request)
