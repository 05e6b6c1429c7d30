"""The OpenAPI 3.1 description, generated from the endpoint declarations (web/endpoints.py) and the models that
validate requests and encode answers (web/schemas.py), and a page to read it."""

from __future__ import annotations

from functools import lru_cache

from flask import Blueprint, current_app, render_template
from pydantic import TypeAdapter

from .endpoints import DESCRIPTION, DOCS, ENDPOINTS, HEADERS, Endpoint, Reply, serve
from .problems import KINDS, PROBLEM_PATH
from .schemas import Problem, adapter

REF = "#/components/schemas/{model}"
# Partners and caching (recommender/web/access.py): anonymous calls (rate-limited per address) or a partner's key; the
# catalogue carries an ETag and answers 304 when If-None-Match names the current one.
SECURITY = [{}, {"partnerKey": []}]
SECURITY_SCHEMES = {"partnerKey": {"type": "http", "scheme": "bearer", "description": "A partner's API key (`flask --app recommender partners add|rotate-key`), server to server only: never in a web page. Exempts from the anonymous rate limit."}}
IF_NONE_MATCH = {"name": "If-None-Match", "in": "header", "required": False, "schema": {"type": "string"}, "description": "The ETag of a copy you hold."}
PLAIN_SCHEMAS = {dict: {"type": "object"}, None: {"type": "string"}}  # the description itself; the docs page


def _ref(model: type) -> dict:
    return {"$ref": REF.format(model=model.__name__)}


def _models() -> list[type]:
    """Every model a request or answer is described by, each once, in the order the endpoints name them."""
    found: dict[type, None] = {}
    for endpoint in ENDPOINTS:
        if endpoint.body is not None:
            found[endpoint.body] = None
        found.update({reply.model: None for reply in endpoint.replies.values() if reply.model not in PLAIN_SCHEMAS})
    return list(found)


def _body_schema(reply: Reply, status: int) -> dict:
    """The schema of one answer's body; a problem's says which types it can be."""
    if reply.model is not Problem:
        return PLAIN_SCHEMAS[reply.model] if reply.model in PLAIN_SCHEMAS else _ref(reply.model)
    types = [PROBLEM_PATH + kind for kind in reply.problems] or ["about:blank"]
    return {"allOf": [_ref(Problem), {"properties": {"type": {"enum": types}, "status": {"const": status}}}]}


def _response(reply: Reply, status: int) -> dict:
    """One status of an operation: what it means, its headers, its body."""
    kinds = "".join(f" `{PROBLEM_PATH}{kind}`: {KINDS[kind][0]}" for kind in reply.problems)
    described = {"description": reply.description + (f". Problem type{kinds}" if kinds else "")}
    if reply.headers:
        described["headers"] = {name: {"schema": {"type": "string"}, "description": HEADERS[name]} for name in reply.headers}
    if reply.model is not None or reply.media_type != "application/json":
        described["content"] = {reply.media_type: {"schema": _body_schema(reply, status)}}
    return described


def _parameters(endpoint: Endpoint) -> list[dict]:
    """Path parameters, then the query model's fields, then If-None-Match where answers are conditional."""
    found = [{"name": name, "in": "path", "required": True, "schema": {"type": "string"}, "description": text} for name, text in endpoint.path_parameters.items()]
    if endpoint.query is not None:
        schema = endpoint.query.model_json_schema()
        for name, prop in schema["properties"].items():
            described = {key: value for key, value in prop.items() if key not in ("title", "description")}
            found.append({"name": name, "in": "query", "required": name in schema.get("required", ()), "schema": described, "description": prop.get("description", "")})
    return found + ([IF_NONE_MATCH] if endpoint.conditional else [])


def _operation(endpoint: Endpoint) -> dict:
    """One endpoint as an OpenAPI operation."""
    operation: dict = {"operationId": endpoint.operation_id, "summary": endpoint.summary}
    if parameters := _parameters(endpoint):
        operation["parameters"] = parameters
    if endpoint.body is not None:
        operation["requestBody"] = {"required": True, "content": {"application/json": {"schema": _ref(endpoint.body)}}}
    if endpoint.rate_limited:
        operation["security"] = SECURITY
    operation["responses"] = {str(status): _response(reply, status) for status, reply in sorted(endpoint.replies.items())}
    return operation


@lru_cache(maxsize=1)
def document(version: str) -> dict:
    """The whole description, from the endpoint declarations and their models; built once per process."""
    inputs = [(model, "validation", adapter(model)) for model in _models()]
    _, schemas = TypeAdapter.json_schemas(inputs, ref_template=REF)
    paths: dict[str, dict] = {}
    for endpoint in ENDPOINTS:
        paths.setdefault(endpoint.path, {})[endpoint.method] = _operation(endpoint)
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "Pathways guidance recommendations",
            "version": version,
            "description": "Five answers in, the French guidance services that fit out: eligibility (with reasons), what to confirm, next steps, and why not for the others.",
        },
        "paths": paths,
        "components": {"schemas": schemas["$defs"], "securitySchemes": SECURITY_SCHEMES},
    }


bp = Blueprint("api_docs", __name__, url_prefix="/api/v1")


def current() -> dict:
    """The description of this app's rules and catalogue."""
    versions = current_app.extensions["pathways"].knowledge.versions
    return document(f"1.0.0+rules.{versions['rules']}.catalogue.{versions['catalogue']}")


@serve(bp, DESCRIPTION)
def openapi_json() -> tuple[int, dict]:
    """The machine-readable description."""
    return 200, current()


@serve(bp, DOCS)
def docs() -> tuple[int, str]:
    """A readable page generated from the same description, served from this host."""
    return 200, render_template("api/docs.html", spec=current(), example=EXAMPLE, describe=describe, ref_name=ref_name)


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
