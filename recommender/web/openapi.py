"""The OpenAPI 3.1 description, generated from the pydantic models that validate requests and shape answers."""

from __future__ import annotations

from functools import lru_cache

from flask import Blueprint, Response, current_app, render_template
from pydantic.json_schema import models_json_schema

from ..domain.profile import RecommendationRequest
from .schemas import Catalogue, Problem, RecommendationAnswer, ServiceOut

REF = "#/components/schemas/{model}"
MODELS = (RecommendationRequest, RecommendationAnswer, Catalogue, ServiceOut, Problem)
EXTRA_MODELS: list[tuple[str, type]] = []  # (path, request model) for endpoints other modules add


def _ref(model: type) -> dict:
    return {"$ref": REF.format(model=model.__name__)}


def _problems(*codes: int) -> dict:
    """Problem answers for the given status codes."""
    reasons = {400: "Malformed JSON", 401: "Wrong partner key: leave Authorization out to call anonymously", 404: "Unknown", 413: "Body too large", 415: "Not JSON", 422: "Invalid fields, each named with what is allowed", 429: "Rate limited (see Retry-After)"}
    return {str(code): {"description": reasons[code], "content": {"application/problem+json": {"schema": _ref(Problem)}}} for code in codes}


LANG_PARAMETER = {"name": "lang", "in": "query", "required": False, "schema": {"type": "string", "enum": ["fr", "en"], "default": "fr"}}
# Partners and caching (recommender/web/access.py): anonymous calls (rate-limited per address) or a partner's key; the
# catalogue carries an ETag and answers 304 when If-None-Match names the current one.
SECURITY = [{}, {"partnerKey": []}]
SECURITY_SCHEMES = {"partnerKey": {"type": "http", "scheme": "bearer", "description": "A partner's API key (`flask --app recommender partners add|rotate-key`), server to server only: never in a web page. Exempts from the anonymous rate limit."}}
IF_NONE_MATCH = {"name": "If-None-Match", "in": "header", "required": False, "schema": {"type": "string"}, "description": "The ETag of a copy you hold."}
CATALOGUE_HEADERS = {"ETag": {"schema": {"type": "string"}}, "Cache-Control": {"schema": {"type": "string"}, "description": "public, max-age=3600 by default"}}
NOT_MODIFIED = {"304": {"description": "Not modified: the copy named by If-None-Match is current"}}


@lru_cache(maxsize=1)
def document(version: str) -> dict:
    """The whole description; built once per process."""
    models = [(m, "validation") for m in MODELS] + [(m, "validation") for _, m in EXTRA_MODELS]
    _, schemas = models_json_schema(models, ref_template=REF)
    paths = {
        "/api/v1/recommendations": {
            "post": {
                "operationId": "recommend",
                "summary": "Ranked, explained guidance services for a profile",
                "requestBody": {"required": True, "content": {"application/json": {"schema": _ref(RecommendationRequest)}}},
                "security": SECURITY,
                "responses": {"200": {"description": "Recommendations (Cache-Control: no-store)", "content": {"application/json": {"schema": _ref(RecommendationAnswer)}}}, **_problems(400, 401, 413, 415, 422, 429)},
            }
        },
        "/api/v1/services": {
            "get": {
                "operationId": "listServices",
                "summary": "The service catalogue",
                "parameters": [LANG_PARAMETER, IF_NONE_MATCH],
                "security": SECURITY,
                "responses": {"200": {"description": "Catalogue", "headers": CATALOGUE_HEADERS, "content": {"application/json": {"schema": _ref(Catalogue)}}}, **NOT_MODIFIED, **_problems(401, 422, 429)},
            }
        },
        "/api/v1/services/{service_id}": {
            "get": {
                "operationId": "getService",
                "summary": "One catalogue entry",
                "parameters": [{"name": "service_id", "in": "path", "required": True, "schema": {"type": "string"}}, LANG_PARAMETER, IF_NONE_MATCH],
                "security": SECURITY,
                "responses": {"200": {"description": "Service", "headers": CATALOGUE_HEADERS, "content": {"application/json": {"schema": _ref(ServiceOut)}}}, **NOT_MODIFIED, **_problems(401, 404, 422, 429)},
            }
        },
    }
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "Pathways guidance recommendations",
            "version": version,
            "description": "Five answers in, the French guidance services that fit out: eligibility (with reasons), what to confirm, next steps, and why not for the others. "
                           "Optional facts (retired, nationality, contract...) settle services left `possible`: each answer's `follow_up_questions` says which ones are worth asking; send them back in the profile.",
        },
        "paths": paths,
        "components": {"schemas": schemas["$defs"], "securitySchemes": SECURITY_SCHEMES},
    }


bp = Blueprint("api_docs", __name__, url_prefix="/api/v1")


@bp.get("/openapi.json")
def openapi_json() -> Response:
    """The machine-readable description."""
    versions = current_app.extensions["pathways"].knowledge.versions
    return current_app.json.response(document(f"1.0.0+rules.{versions['rules']}.catalogue.{versions['catalogue']}"))


@bp.get("/docs")
def docs() -> str:
    """A readable page generated from the same description, served from this host."""
    versions = current_app.extensions["pathways"].knowledge.versions
    spec = document(f"1.0.0+rules.{versions['rules']}.catalogue.{versions['catalogue']}")
    return render_template("api/docs.html", spec=spec, example=EXAMPLE, describe=describe, ref_name=ref_name)


def ref_name(schema: dict) -> str | None:
    """The model a `$ref` points to."""
    ref = schema.get("$ref")
    return ref.rsplit("/", 1)[-1] if ref else None


def describe(prop: dict) -> str:
    """A property's type in a few words, for the docs page."""
    if "enum" in prop:
        return ", ".join(map(str, prop["enum"]))
    if ref_name(prop):
        return ref_name(prop)
    if "anyOf" in prop:
        return " or ".join(describe(alt) for alt in prop["anyOf"])
    kind = prop.get("type", "any")
    if kind == "array" and "items" in prop:
        return f"list of {describe(prop['items'])}"
    if "minimum" in prop or "maximum" in prop:
        return f"{kind} ({prop.get('minimum', '')}–{prop.get('maximum', '')})"
    return kind + (f" ({prop['format']})" if "format" in prop else "")


EXAMPLE = {"age": 19, "status": "job_seeker", "region": "32", "disability": "none", "education_level": "none", "goals": ["find_job"], "lang": "en"}
