"""schemathesis generates requests from /api/v1/openapi.json and checks every answer against it: no server error,
no status, content type, header or body that the description does not declare. Bounded, so it stays quick."""

from __future__ import annotations

import atexit
import shutil
import tempfile
from pathlib import Path

import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.checks import (
    content_type_conformance,
    not_a_server_error,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from recommender import create_app

CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_headers_conformance, response_schema_conformance]
EXAMPLES_PER_OPERATION = 40

# schemathesis needs the description when tests are collected: an app of its own, whose limiter is on (its headers are
# part of every answer in production) but far from the few hundred requests made here.
_folder = tempfile.mkdtemp(prefix="pathways-schemathesis-")
atexit.register(shutil.rmtree, _folder, True)
app = create_app({"TESTING": True, "DATABASE_URL": f"sqlite:///{Path(_folder) / 'pathways.sqlite3'}", "API_RATE_LIMIT": "100000 per minute"})
schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app)


@schema.parametrize()
@settings(max_examples=EXAMPLES_PER_OPERATION, deadline=None, suppress_health_check=list(HealthCheck), derandomize=True)
def test_every_generated_request_gets_an_answer_the_description_declares(case):
    case.call_and_validate(checks=CHECKS)
