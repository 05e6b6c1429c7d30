"""Every endpoint of the JSON API declared once: method, path, what it takes and what it answers with each status.

A view registered with `serve` returns `(status, data)`, data of the model declared for that status
(web/schemas.py), or a finished Response (a problem). The OpenAPI description (web/openapi.py) is generated from the
same declarations, and tests/web/api/test_openapi.py fails when a served /api/v1 route has none.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import wraps

from flask import Blueprint, Response
from pydantic import BaseModel

from ..domain.profile import RecommendationRequest
from .problems import KINDS, PROBLEM_TYPE
from .schemas import Catalogue, CatalogueQuery, FeedbackAnswer, FeedbackRequest, Problem, RecommendationAnswer, ServiceOut, encode

JSON = "application/json"
# Headers answers may carry (recommender/web/access.py, ratelimit.py): name -> description.
HEADERS = {
    "X-RateLimit-Limit": "Calls allowed per window to this address (anonymous calls; wrong keys have their own limit).",
    "X-RateLimit-Remaining": "Calls left in the current window.",
    "X-RateLimit-Reset": "When the window ends (Unix time, seconds).",
    "Retry-After": "Seconds to wait before calling again.",
    "ETag": "The version of this copy; send it back in If-None-Match.",
    "Cache-Control": "no-store for answers about a person; public, max-age=3600 by default for the catalogue.",
    "WWW-Authenticate": "The authentication the API accepts (Bearer).",
}
LIMITED = ("X-RateLimit-Limit", "X-RateLimit-Remaining", "X-RateLimit-Reset", "Cache-Control")


@dataclass(frozen=True)
class Reply:
    """One answer an endpoint can give: what it means, the model of its body (None: no body), the problem types
    it can carry (for problem answers; empty: about:blank) and the headers that may come with it."""

    description: str
    model: type | None = None
    problems: tuple[str, ...] = ()
    headers: tuple[str, ...] = LIMITED
    media_type: str = JSON


def problems(description: str, *kinds: str, headers: tuple[str, ...] = LIMITED) -> Reply:
    """A problem answer of the given kinds (none: about:blank)."""
    unknown = set(kinds) - set(KINDS)
    assert not unknown, f"undeclared problem kinds {unknown}"
    return Reply(description, Problem, kinds, headers, PROBLEM_TYPE)


# Every /api/v1 call may meet these (the partner key is checked, then the rate limit, before any view).
CALLED = {
    401: problems("Wrong partner key: leave Authorization out to call anonymously", "invalid-api-key", headers=(*LIMITED, "WWW-Authenticate")),
    429: problems("Rate limited (see Retry-After)", headers=(*LIMITED, "Retry-After")),
    500: problems("Unexpected failure (logged); nothing internal is shown"),
}
# Calls with a JSON body may also meet these.
WITH_BODY = {
    400: problems("Malformed or too deeply nested JSON", "malformed-json"),
    413: problems("Body too large"),
    415: problems("Not sent as JSON", "unsupported-media-type"),
}
CACHED = (*LIMITED, "ETag")


@dataclass(frozen=True)
class Endpoint:
    """One operation of the API, as served and as described."""

    method: str
    path: str  # as OpenAPI writes it: /api/v1/services/{service_id}
    operation_id: str
    summary: str
    replies: dict[int, Reply]
    body: type[BaseModel] | None = None
    query: type[BaseModel] | None = None
    path_parameters: dict[str, str] = field(default_factory=dict)  # name -> description
    conditional: bool = False  # answers 304 to If-None-Match
    rate_limited: bool = True  # behind the partner key and rate limit (the /api/v1 blueprint)

    @property
    def rule(self) -> str:
        """The path as a Flask URL rule."""
        return re.sub(r"\{(\w+)\}", r"<\1>", self.path)


RECOMMEND = Endpoint(
    "post", "/api/v1/recommendations", "recommend", "Ranked, explained guidance services for a profile",
    {200: Reply("Recommendations (Cache-Control: no-store)", RecommendationAnswer), **WITH_BODY,
     422: problems("Invalid fields, each named with what is allowed", "invalid-profile"), **CALLED},
    body=RecommendationRequest,
)
FEEDBACK = Endpoint(
    "post", "/api/v1/feedback", "giveFeedback",
    "Say whether a recommended service was useful (stored anonymously: the service, yes or no, coarse buckets)",
    {202: Reply("Accepted; `recorded` says whether it could be kept", FeedbackAnswer), **WITH_BODY,
     422: problems("Invalid fields, or a service that does not exist, each named with what is allowed", "invalid-feedback"), **CALLED},
    body=FeedbackRequest,
)
LIST_SERVICES = Endpoint(
    "get", "/api/v1/services", "listServices", "The service catalogue",
    {200: Reply("Catalogue", Catalogue, headers=CACHED), 304: Reply("Not modified: the copy named by If-None-Match is current", None, headers=CACHED),
     422: problems("An unknown language, with the languages allowed", "invalid-parameter"), **CALLED},
    query=CatalogueQuery, conditional=True,
)
GET_SERVICE = Endpoint(
    "get", "/api/v1/services/{service_id}", "getService", "One catalogue entry",
    {200: Reply("Service", ServiceOut, headers=CACHED), 304: Reply("Not modified: the copy named by If-None-Match is current", None, headers=CACHED),
     404: problems("No service with this id (the known ones are listed)", "unknown-service"),
     422: problems("An unknown language, with the languages allowed", "invalid-parameter"), **CALLED},
    query=CatalogueQuery, path_parameters={"service_id": "A service `id`, as /api/v1/services lists them."}, conditional=True,
)
DESCRIPTION = Endpoint(
    "get", "/api/v1/openapi.json", "describe", "This description (OpenAPI 3.1)",
    {200: Reply("The description", dict, headers=()), 500: problems("Unexpected failure (logged)", headers=())}, rate_limited=False,
)
DOCS = Endpoint(
    "get", "/api/v1/docs", "readDocs", "This description as a page to read",
    {200: Reply("An HTML page", None, headers=(), media_type="text/html"), 500: problems("Unexpected failure (logged)", headers=())},
    rate_limited=False,
)
ENDPOINTS = (RECOMMEND, FEEDBACK, LIST_SERVICES, GET_SERVICE, DESCRIPTION, DOCS)


def serve(bp: Blueprint, endpoint: Endpoint) -> Callable:
    """Register a view for `endpoint`; the `(status, data)` it returns is sent as that status's reply declares."""
    def register(view: Callable) -> Callable:
        @wraps(view)
        def answer(*args, **kwargs) -> Response:
            result = view(*args, **kwargs)
            if isinstance(result, Response):
                return result
            status, data = result
            reply = endpoint.replies[status]
            body = data if reply.model is None else encode(data)
            return Response(body, status=status, mimetype=reply.media_type)

        bp.add_url_rule(endpoint.rule.removeprefix(bp.url_prefix or ""), view_func=answer, methods=[endpoint.method.upper()])
        return view

    return register
