"""Every answer any test gets from /api/v1 is checked against the description the app publishes: its status is
declared for its operation, its content type too, and its body validates against the declared schema."""

from __future__ import annotations

import re

import pytest
from flask import Flask, request, signals
from jsonschema import Draft202012Validator

from recommender.web import openapi

NO_BODY = (204, 304)
_validators: dict[tuple, Draft202012Validator] = {}


def declared_path(rule: str) -> str:
    """A Flask URL rule as OpenAPI writes it: <service_id> -> {service_id}."""
    return re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", rule)


def check(spec: dict, path: str | None, method: str, response) -> None:
    """Validate one response against what the description declares for its operation and status; a path or method
    the description does not have (an unknown address, a wrong method) must still answer a problem."""
    operation = spec["paths"].get(path, {}).get(method) if path else None
    if operation is None:
        assert response.mimetype == "application/problem+json", f"{method.upper()} {path} (not described) answered {response.mimetype}"
        return _validate(spec, ("Problem",), {"$ref": "#/components/schemas/Problem"}, response.get_json())
    declared = operation["responses"]
    assert str(response.status_code) in declared, f"{method.upper()} {path} answered {response.status_code}, not declared"
    content = declared[str(response.status_code)].get("content")
    if response.status_code in NO_BODY or method == "head":
        assert not content or method == "head", f"{method.upper()} {path} {response.status_code} is declared with a body"
        return None
    assert content and response.mimetype in content, f"{response.mimetype} not declared for {method.upper()} {path} {response.status_code}"
    schema = content[response.mimetype]["schema"]
    body = response.get_json() if "json" in response.mimetype else response.get_data(as_text=True)
    return _validate(spec, (path, method, response.status_code, response.mimetype), schema, body)


def _validate(spec: dict, key: tuple, schema: dict, body: object) -> None:
    """Validate `body` against `schema`, whose references point into the description's components."""
    key = (spec["info"]["version"], *key)
    if key not in _validators:
        _validators[key] = Draft202012Validator({"components": spec["components"], **schema})
    errors = sorted(_validators[key].iter_errors(body), key=str)
    assert not errors, f"{key}: {errors[0]}"


def _check_answer(app: Flask, response, **_) -> None:
    """request_finished: check an /api/v1 answer against this app's own description."""
    if not request.path.startswith("/api/v1/") or request.method == "OPTIONS":
        return
    rule = request.url_rule.rule if request.url_rule is not None else None
    check(openapi.current(), declared_path(rule) if rule else None, request.method.lower(), response)


@pytest.fixture(scope="session", autouse=True)
def every_api_answer_matches_the_description():
    """Connected for the whole run, for every app the tests build (a failed check fails the request's test)."""
    signals.request_finished.connect(_check_answer)
    yield
    signals.request_finished.disconnect(_check_answer)
