"""The OpenAPI description is generated from the models, describes every route served, and every answer the API
gives matches it (tests/contract_support.py checks every answer of the suite; these ask for each kind on purpose)."""

from __future__ import annotations

import datetime as dt
import itertools

import pytest
from jsonschema import Draft202012Validator

from recommender.domain.profile import DISABILITIES, EDUCATION_LEVELS, REGIONS, STATUSES
from tests.contract_support import check, declared_path


@pytest.fixture(scope="module")
def spec(app):
    return app.test_client().get("/api/v1/openapi.json").get_json()


def test_description_is_openapi_3_1_and_describes_the_profile_fields(spec):
    assert spec["openapi"].startswith("3.1")
    request = spec["components"]["schemas"]["RecommendationRequest"]
    assert set(request["required"]) == {"age", "status", "region", "disability", "education_level"}
    assert request["properties"]["region"]["enum"] == list(REGIONS)


PROFILES = [
    {"age": age, "status": status, "region": region, "disability": disability, "education_level": education, "lang": lang}
    for (age, status, region, disability, education, lang) in itertools.islice(
        zip(
            itertools.cycle([14, 16, 19, 25, 26, 29, 30, 45, 67, 99]),
            itertools.cycle(STATUSES),
            itertools.cycle(REGIONS),
            itertools.cycle(DISABILITIES),
            itertools.cycle(EDUCATION_LEVELS),
            itertools.cycle(["fr", "en", "fr"]),
        ),
        60,
    )
]


@pytest.mark.parametrize("body", PROFILES, ids=lambda b: f"{b['age']}-{b['status']}-{b['region']}-{b['disability']}")
def test_recommendation_answers_match_the_description(client, spec, body):
    check(spec, "/api/v1/recommendations", "post", client.post("/api/v1/recommendations", json=body))


@pytest.mark.parametrize(
    "body", [{"age": "x"}, {}, {"age": 30, "status": "employee", "region": "11", "disability": "none", "education_level": "none", "as_of": "1999-01-01"}]
)
def test_problem_answers_match_the_description(client, spec, body):
    check(spec, "/api/v1/recommendations", "post", client.post("/api/v1/recommendations", json=body))
    check(spec, "/api/v1/recommendations", "post", client.post("/api/v1/recommendations", data="{", content_type="application/json"))


def test_catalogue_answers_match_the_description(client, spec, recommender):
    check(spec, "/api/v1/services", "get", client.get("/api/v1/services?lang=en"))
    for service_id in recommender.knowledge.catalogue.services:
        check(spec, "/api/v1/services/{service_id}", "get", client.get(f"/api/v1/services/{service_id}"))
    check(spec, "/api/v1/services/{service_id}", "get", client.get("/api/v1/services/nope"))


def test_documentation_page_is_served_from_this_host(client):
    page = client.get("/api/v1/docs")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "POST /api/v1/recommendations" in html and "RecommendationRequest" in html
    assert "https://cdn" not in html and "<script" not in html


@pytest.mark.parametrize("as_of", ["2000-01-01", "2018-12-31", "2019-01-01", "2024-02-29", "today", "a year ahead", "a year and a week ahead"])
def test_the_description_accepts_exactly_the_dates_the_api_accepts(client, spec, as_of):
    shifts = {"today": 0, "a year ahead": 366, "a year and a week ahead": 373}
    day = (dt.date.today() + dt.timedelta(days=shifts[as_of])).isoformat() if as_of in shifts else as_of
    body = {"age": 30, "status": "employee", "region": "11", "disability": "none", "education_level": "none", "as_of": day}
    declared = Draft202012Validator({**spec, "$ref": "#/components/schemas/RecommendationRequest"}).is_valid(body)
    accepted = client.post("/api/v1/recommendations", json=body).status_code == 200
    assert declared == accepted, f"{day}: the description says {declared}, the API says {accepted}"


def test_every_served_api_route_is_described(app, spec):
    served = {(declared_path(rule.rule), method.lower()) for rule in app.url_map.iter_rules() if rule.rule.startswith("/api/v1/")
              for method in rule.methods - {"HEAD", "OPTIONS"}}
    described = {(path, method) for path, operations in spec["paths"].items() for method in operations}
    assert served - described == set(), "served but not described"
    assert described - served == set(), "described but not served"


def test_feedback_is_described_with_its_answers_and_problems(spec):
    operation = spec["paths"]["/api/v1/feedback"]["post"]
    assert operation["requestBody"]["content"]["application/json"]["schema"]["$ref"].endswith("/FeedbackRequest")
    assert {"202", "400", "401", "413", "415", "422", "429", "500"} == set(operation["responses"])
    problem_types = operation["responses"]["422"]["content"]["application/problem+json"]["schema"]["allOf"][1]["properties"]["type"]["enum"]
    assert problem_types == ["/api/v1/problems/invalid-feedback"]


def test_a_problem_of_a_type_the_status_does_not_declare_fails_the_check(client, spec):
    answer = client.post("/api/v1/recommendations", json={"age": "x"})
    body = answer.get_json()
    assert body["type"].endswith("invalid-profile")
    answer.set_data(answer.get_data().replace(b"invalid-profile", b"invalid-feedback"))
    with pytest.raises(AssertionError, match="invalid-feedback"):
        check(spec, "/api/v1/recommendations", "post", answer)
