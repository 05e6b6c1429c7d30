"""RFC 9457 problem details: the API's one error format, in the caller's language (gettext catalogues)."""

from __future__ import annotations

from flask import Response
from pydantic import BaseModel, ValidationError

from ..domain.i18n import N_, translate
from ..domain.profile import DISABILITIES, EDUCATION_LEVELS, GOALS, LANGS, MAX_AGE, MAX_LIMIT, MIN_AGE, REGIONS, STATUSES, RecommendationRequest
from .schemas import Problem, encode

PROBLEM_TYPE = "application/problem+json"
PROBLEM_PATH = "/api/v1/problems/"

# Our problem types (`type` is /api/v1/problems/<kind>): what each means, for the description, and its title.
KINDS: dict[str, tuple[str, str]] = {
    "invalid-api-key": ("The Authorization header is not `Bearer <current partner key>`.", N_("Invalid API key")),
    "invalid-profile": ("Fields of the profile to correct, each named with what is allowed.", N_("Invalid profile")),
    "invalid-feedback": ("Fields of the feedback to correct, each named with what is allowed.", N_("Invalid feedback")),
    "invalid-parameter": ("Query parameters to correct, each named with what is allowed.", N_("Invalid parameter")),
    "unknown-service": ("No service has this id.", N_("Unknown service")),
    "unsupported-media-type": ("The body is not sent as JSON.", N_("Unsupported media type")),
    "malformed-json": ("The body is not valid JSON, or is nested too deeply.", N_("Malformed JSON")),
}
# Titles of plain HTTP errors (`type` about:blank).
HTTP_TITLES = {
    400: N_("Bad request"),
    404: N_("Not found"),
    405: N_("Method not allowed"),
    413: N_("Content too large"),
    429: N_("Too many requests"),
    500: N_("Internal error"),
}
HTTP_DETAILS = {
    404: N_("This address does not exist in the API; see /api/v1/services and POST /api/v1/recommendations."),
    405: N_("This method is not accepted at this address."),
    429: N_("Too many requests from your address; try again after the delay given in the Retry-After header."),
    500: N_("An unexpected error happened; it has been logged."),
}

UNANSWERED = N_("The request cannot be answered (HTTP status %(status)d).")  # any other HTTP error
REFUSED = N_("Request refused")

ONE_OF = N_("one of: %(values)s")
# What each request field accepts, as the error messages say it: (text, its parameters, the machine-readable form).
ALLOWED: dict[str, tuple[str, dict, object]] = {
    "age": (N_("an integer from %(low)d to %(high)d"), {"low": MIN_AGE, "high": MAX_AGE}, {"minimum": MIN_AGE, "maximum": MAX_AGE}),
    "status": (ONE_OF, {"values": ", ".join(STATUSES)}, list(STATUSES)),
    "region": (N_("a quoted INSEE region code: %(values)s"), {"values": ", ".join(REGIONS)}, list(REGIONS)),
    "disability": (ONE_OF, {"values": ", ".join(DISABILITIES)}, list(DISABILITIES)),
    "education_level": (ONE_OF, {"values": ", ".join(EDUCATION_LEVELS)}, list(EDUCATION_LEVELS)),
    "executive": (N_("true or false (or leave it out)"), {}, [True, False]),
    "goals": (N_("a list of any of: %(values)s"), {"values": ", ".join(GOALS)}, list(GOALS)),
    "as_of": (N_("a date YYYY-MM-DD between 2019-01-01 and one year from now"), {}, {"format": "date"}),
    "lang": (ONE_OF, {"values": ", ".join(LANGS)}, list(LANGS)),
    "limit": (N_("an integer from %(low)d to %(high)d"), {"low": 1, "high": MAX_LIMIT}, {"minimum": 1, "maximum": MAX_LIMIT}),
    "service_id": (N_("a service id from /api/v1/services"), {}, None),
    "useful": (N_("true or false"), {}, [True, False]),
}

PROBLEMS = {
    "missing": N_("this field is required"),
    "extra_forbidden": N_("unknown field; accepted fields: %(fields)s"),
    "out_of_range": N_("value out of range"),
    "wrong_type": N_("wrong type of value"),
    "unknown_value": N_("unknown value"),
    "invalid": N_("invalid value"),
}
# Our own validators raise value errors only for ranges (as_of).
RANGE_ERRORS = {"greater_than_equal", "less_than_equal", "greater_than", "less_than", "value_error"}
VALUE_ERRORS = {"literal_error", "enum"}


def problem(lang: str, status: int, detail: str, kind: str | None = None, title: str | None = None, **extra) -> Response:
    """A problem+json response in `lang`: `kind` names one of KINDS (whose title it takes unless `title` is given);
    `detail` is already in `lang`; `title` is a source text."""
    title = title or (KINDS[kind][1] if kind else HTTP_TITLES.get(status, N_("Bad request")))
    body = Problem(type=PROBLEM_PATH + kind if kind else "about:blank", title=translate(lang, title), status=status, detail=detail, **extra)
    return Response(encode(body), status=status, mimetype=PROBLEM_TYPE)


def invalid_fields(lang: str, kind: str, errors: list[dict], text: str = N_("Fields to correct: %(fields)s.")) -> Response:
    """The 422 problem that names every offending field."""
    detail = translate(lang, text, fields=", ".join(e["field"] for e in errors))
    return problem(lang, 422, detail, kind, errors=errors)


def field_errors(error: ValidationError, lang: str, model: type[BaseModel] = RecommendationRequest) -> list[dict]:
    """One entry per offending field of `model`: the field, what is wrong, what is allowed."""
    entries: dict[str, dict] = {}
    for item in error.errors():
        loc = item["loc"]
        name = str(loc[0]) if loc else "body"
        path = name + "".join(f"[{part}]" for part in loc[1:])
        entries.setdefault(path, _entry(item, name, path, lang, model))
    return list(entries.values())


def _entry(item: dict, name: str, path: str, lang: str, model: type[BaseModel]) -> dict:
    """What is wrong with one field, and what it accepts."""
    code = _code(item)
    detail = translate(lang, PROBLEMS[code], fields=", ".join(model.model_fields))
    text, params, allowed = ALLOWED.get(name, (None, {}, None))
    entry = {"field": path, "code": code, "detail": detail}
    if text is not None and code != "extra_forbidden":
        entry["detail"] = translate(lang, N_("%(problem)s; allowed: %(allowed)s"), problem=detail, allowed=translate(lang, text, **params))
        if allowed is not None:
            entry["allowed"] = allowed
    if "input" in item and code != "missing" and _is_plain(item["input"]):
        entry["received"] = item["input"]
    return entry


def _code(item: dict) -> str:
    """A stable, documented error code from pydantic's error type."""
    kind = item["type"]
    if kind in ("missing", "extra_forbidden"):
        return kind
    if kind in RANGE_ERRORS:
        return "out_of_range"
    if kind in VALUE_ERRORS:
        return "unknown_value"
    if kind.endswith(("_type", "_parsing")) or kind in ("bool_parsing", "int_from_float"):
        return "wrong_type"
    return "invalid"


def _is_plain(value: object) -> bool:
    """Echo back only short scalar inputs, never whole structures."""
    return isinstance(value, (str, int, float, bool)) and len(str(value)) <= 100
