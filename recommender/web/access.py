"""Who may use the API, from where, and what caches may keep: partner keys, CORS for partner origins, Cache-Control.

- `Authorization: Bearer <partner key>` (server to server): a valid key is exempt from the anonymous rate limit and
  its calls are counted for that partner; a wrong key is a 401 problem, and wrong keys are limited per address
  (API_KEY_FAILURE_LIMIT). Checking a key is one SHA-256 whatever the slug (storage/partner_keys.py says why that is
  safe for 256-bit keys): wrong keys cost microseconds and the time of the answer does not tell which slugs exist.
  Without the header, the API is anonymous.
- CORS: browsers on a registered partner origin may call the recommend and catalogue endpoints (no credentials, no
  Authorization header: keys never belong in a browser). Other origins get no CORS header, so browsers refuse.
- Cache-Control: recommendations and feedback carry health data: `no-store`. The catalogue is public, with an ETag
  (a matching If-None-Match gets 304). Errors are never stored.

CORS is a small after_request rather than flask-cors because the allowed origins live in the partner registry and
change while the app runs; flask-cors takes a fixed list at start-up.
"""

from __future__ import annotations

from flask import Response, current_app, request

from ..storage.db import Unavailable
from ..storage.partners import PartnerEntry, registry
from .context import NOT_LOOKED_UP, context

CORS_ENDPOINTS = {"recommendations", "services", "service"}
CATALOGUE_ENDPOINTS = {"services", "service"}
CORS_REQUEST_HEADERS = "Content-Type, Accept-Language"
CORS_EXPOSED_HEADERS = "ETag, Retry-After, X-RateLimit-Limit, X-RateLimit-Remaining, X-RateLimit-Reset"
CORS_MAX_AGE = "600"
CHALLENGE = 'Bearer realm="pathways", error="invalid_token"'
UNCHECKED = object()  # a key was sent but the registry could not be read: treated as anonymous, never refused


def caller() -> PartnerEntry | None | object:
    """The partner calling with a valid key; None for a wrong key; UNCHECKED when it cannot be told now."""
    state = context()
    if state.api_caller is NOT_LOOKED_UP:
        scheme, _, key = request.headers.get("Authorization", "").partition(" ")
        try:
            state.api_caller = registry().authenticate(key.strip()) if scheme.lower() == "bearer" and key.strip() else None
        except Unavailable:
            state.api_caller = UNCHECKED
    return state.api_caller


def has_valid_partner_key() -> bool:
    """A valid partner key is not rate-limited as an anonymous address is (checked before the view, by ratelimit)."""
    return "Authorization" in request.headers and isinstance(caller(), PartnerEntry)


def authenticate() -> bool:
    """Before an API view: False for a wrong key (the API answers 401); a valid one names the partner for the records."""
    if "Authorization" not in request.headers or request.method == "OPTIONS":
        return True
    found = caller()
    if isinstance(found, PartnerEntry):
        context().partner_slug = found.slug
    return found is not None


def finish(response: Response) -> Response:
    """After an API view: CORS for partner origins, then caching suited to the endpoint."""
    view = (request.endpoint or "").rpartition(".")[2]
    if view in CORS_ENDPOINTS:
        _cors(response)
    if view in CATALOGUE_ENDPOINTS and request.method in ("GET", "HEAD") and response.status_code == 200:
        response.headers["Cache-Control"] = f"public, max-age={current_app.config['CATALOGUE_MAX_AGE']}"
        response.vary.add("Accept-Language")  # the language may come from it
        response.add_etag()
        return response.make_conditional(request)
    if request.method != "OPTIONS":
        response.headers["Cache-Control"] = "no-store"
    return response


def _cors(response: Response) -> None:
    """Allow a registered partner origin to read the answer (and say what a preflight may send)."""
    response.vary.add("Origin")
    origin = request.headers.get("Origin")
    if not origin or not registry().origin_allowed(origin):
        return
    response.headers["Access-Control-Allow-Origin"] = origin
    response.headers["Access-Control-Expose-Headers"] = CORS_EXPOSED_HEADERS
    if request.method == "OPTIONS":  # a preflight: what the real request may use
        response.headers["Access-Control-Allow-Methods"] = response.headers.get("Allow", "GET, POST")
        response.headers["Access-Control-Allow-Headers"] = CORS_REQUEST_HEADERS
        response.headers["Access-Control-Max-Age"] = CORS_MAX_AGE
