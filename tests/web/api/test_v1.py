"""The JSON API as partners' software sees it: answers, catalogue, and clear problems for bad input."""

from __future__ import annotations

import pytest

YOUNG = {"age": 19, "status": "job_seeker", "region": "32", "disability": "none", "education_level": "none", "as_of": "2026-11-23"}


def post(client, body, **kwargs):
    return client.post("/api/v1/recommendations", json=body, **kwargs)


def test_answer_carries_profile_date_versions_and_explained_recommendations(client, recommender):
    response = post(client, YOUNG)
    assert response.status_code == 200
    answer = response.get_json()
    assert answer["profile"]["age"] == 19 and answer["as_of"] == "2026-11-23"
    assert answer["versions"] == recommender.knowledge.versions
    recommendations = answer["recommendations"]
    assert [r["rank"] for r in recommendations] == list(range(1, len(recommendations) + 1))
    for item in recommendations:
        assert item["eligibility"] in ("eligible", "possible")
        assert 0 <= item["score"] <= 1
        assert item["next_steps"] and item["operator"]["name"] and item["ranking_reason"] != ""  # a reason, or none
        assert item["why"]  # "possible" ones too
        assert item["legal_basis"] and item["last_verified"]
        assert all(step["url"] is None or step["url"].startswith("https://") for step in item["next_steps"])
        assert (item["eligibility"] == "possible") == bool(item["to_confirm"])
    for item in answer["not_eligible"]:
        assert item["why_not"], f"{item['id']} refused without a reason"
    ids = {r["id"] for r in recommendations}
    assert {"mission-locale", "cej"} <= ids
    assert "transitions-pro" in {n["id"] for n in answer["not_eligible"]}


def test_answer_is_in_the_requested_language(client):
    french = post(client, {**YOUNG, "lang": "fr"}).get_json()
    english = post(client, {**YOUNG, "lang": "en"}).get_json()
    assert [r["id"] for r in french["recommendations"]] == [r["id"] for r in english["recommendations"]]
    assert french["recommendations"][0]["why"] != english["recommendations"][0]["why"]


def test_catalogue_lists_every_service_and_each_one_alone(client, recommender):
    listing = client.get("/api/v1/services?lang=en").get_json()
    assert {s["id"] for s in listing["services"]} == set(recommender.knowledge.catalogue.services)
    one = client.get("/api/v1/services/cep").get_json()
    assert one["id"] == "cep" and one["name"].startswith("Conseil")
    missing = client.get("/api/v1/services/nope")
    assert missing.status_code == 404 and missing.mimetype == "application/problem+json"


BAD_PROFILES = [
    ({**YOUNG, "age": "nineteen"}, "age", "wrong_type"),
    ({**YOUNG, "age": 13}, "age", "out_of_range"),
    ({**YOUNG, "age": 100}, "age", "out_of_range"),
    ({**YOUNG, "age": 19.5}, "age", "wrong_type"),
    ({**YOUNG, "age": True}, "age", "wrong_type"),
    ({**YOUNG, "status": "retired"}, "status", "unknown_value"),
    ({**YOUNG, "region": 32}, "region", "unknown_value"),
    ({**YOUNG, "region": "75"[::-1]}, "region", "unknown_value"),
    ({**YOUNG, "disability": "yes"}, "disability", "unknown_value"),
    ({**YOUNG, "education_level": "bac"}, "education_level", "unknown_value"),
    ({**YOUNG, "executive": "maybe"}, "executive", "wrong_type"),
    ({**YOUNG, "goals": "find_job"}, "goals", "wrong_type"),
    ({**YOUNG, "goals": ["fly"]}, "goals[0]", "unknown_value"),
    ({**YOUNG, "as_of": "2018-12-31"}, "as_of", "out_of_range"),
    ({**YOUNG, "as_of": "yesterday"}, "as_of", "wrong_type"),
    ({**YOUNG, "lang": "de"}, "lang", "unknown_value"),
    ({**YOUNG, "nickname": "FR"}, "nickname", "extra_forbidden"),
    ({**YOUNG, "nationality": "FR"}, "nationality", "unknown_value"),
    ({**YOUNG, "benefits": ["rsa", "housing"]}, "benefits[1]", "unknown_value"),
    ({k: v for k, v in YOUNG.items() if k != "status"}, "status", "missing"),
]


@pytest.mark.parametrize("body, field, code", BAD_PROFILES, ids=[f"{f}-{c}" for _, f, c in BAD_PROFILES])
def test_bad_profile_names_the_field_and_what_is_allowed(client, body, field, code):
    response = post(client, body)
    assert response.status_code == 422
    assert response.mimetype == "application/problem+json"
    problem = response.get_json()
    assert problem["status"] == 422 and problem["type"].endswith("invalid-profile")
    errors = {e["field"]: e for e in problem["errors"]}
    assert errors[field]["code"] == code
    if code != "extra_forbidden":
        assert errors[field]["allowed"]
    assert field in problem["detail"]


def test_every_offending_field_is_named_at_once(client):
    problem = post(client, {"age": 5, "status": "x", "region": "99"}).get_json()
    assert {e["field"] for e in problem["errors"]} == {"age", "status", "region", "disability", "education_level"}


def test_errors_speak_the_language_asked_for(client):
    french = post(client, {**YOUNG, "age": 5}).get_json()
    english = post(client, {**YOUNG, "age": 5, "lang": "en"}).get_json()
    assert "entier" in french["errors"][0]["detail"] and "integer" in english["errors"][0]["detail"]


@pytest.mark.parametrize(
    "data, content_type, status",
    [
        ("{bad json", "application/json", 400),
        ('{"age": 19,}', "application/json", 400),
        ("[" * 5_000, "application/json", 400),
        ("[" * 100_000, "application/json", 413),
        ("x" * 10_000_000, "application/json", 413),
        ('"just a string"', "application/json", 422),
        ("[]", "application/json", 422),
        ("age=19", "application/x-www-form-urlencoded", 415),
    ],
    ids=["malformed", "trailing-comma", "deeply-nested", "nested-100000", "10MB", "string", "array", "form"],
)
def test_unreadable_bodies_get_a_problem_and_the_server_keeps_serving(client, data, content_type, status):
    response = client.post("/api/v1/recommendations", data=data, content_type=content_type)
    assert response.status_code == status
    assert response.mimetype == "application/problem+json"
    assert "Traceback" not in response.get_data(as_text=True)
    assert post(client, YOUNG).status_code == 200


def test_wrong_method_and_unknown_path_are_problems_too(client):
    wrong = client.get("/api/v1/recommendations")
    assert wrong.status_code == 405 and "POST" in wrong.headers["Allow"]
    assert client.get("/api/v1/nothing-here").mimetype == "application/problem+json"


@pytest.mark.parametrize("path", ["/api/v1/services", "/api/v1/services/cep"])
def test_an_unknown_language_on_the_catalogue_is_refused_with_what_is_allowed(client, path):
    refused = client.get(f"{path}?lang=de", headers={"Accept-Language": "en"})
    assert refused.status_code == 422 and refused.mimetype == "application/problem+json"
    [error] = refused.get_json()["errors"]
    assert (error["field"], error["allowed"], error["received"]) == ("lang", ["fr", "en"], "de")
    assert "allowed: one of: fr, en" in error["detail"]
    assert client.get(f"{path}?lang=en").status_code == 200


def test_a_limit_keeps_the_best_places_and_counts_say_what_was_left_out(client):
    full = client.post("/api/v1/recommendations", json=YOUNG).get_json()
    short = client.post("/api/v1/recommendations", json={**YOUNG, "limit": 2}).get_json()
    assert [r["id"] for r in short["recommendations"]] == [r["id"] for r in full["recommendations"]][:2]
    assert [r["id"] for r in short["not_eligible"]] == [r["id"] for r in full["not_eligible"]][:2]
    assert short["counts"] == full["counts"] == {"recommendations": len(full["recommendations"]), "not_eligible": len(full["not_eligible"]),
                                                 "near_misses": sum(r["near_miss"] for r in full["not_eligible"])}


def test_whole_numbers_written_with_a_decimal_point_are_whole_numbers(client):
    # JSON Schema (and so the published description) counts 67.0 as an integer; "67" and 67.5 stay refused.
    assert post(client, {**YOUNG, "age": 67.0, "limit": 3.0}).get_json()["profile"]["age"] == 67
    assert post(client, {**YOUNG, "age": 67.5}).status_code == 422


@pytest.mark.parametrize("limit", [0, 201, "5", 2.5])
def test_a_limit_out_of_range_is_refused_with_what_is_allowed(client, limit):
    refused = client.post("/api/v1/recommendations", json={**YOUNG, "limit": limit}, headers={"Accept-Language": "en"})
    assert refused.status_code == 422
    [error] = refused.get_json()["errors"]
    assert error["field"] == "limit" and error["allowed"] == {"minimum": 1, "maximum": 200}
    assert "integer from 1 to 200" in error["detail"]


def test_the_answer_starts_with_a_pathway_of_at_most_three_steps_from_the_recommendations(client):
    answer = post(client, {**YOUNG, "lang": "en"}).get_json()
    pathway = answer["pathway"]
    assert [step["id"] for step in pathway][:2] == ["mission-locale", "cej"]  # the catalogue: the CEJ through the Mission locale
    assert pathway[1]["after"] == "mission-locale" and "step 1" in pathway[1]["reason"]
    ids = [item["id"] for item in answer["recommendations"]]
    assert len(pathway) <= 3 and all(step["id"] in ids for step in pathway)
    assert pathway[0]["action"]["url"].startswith("https://") and pathway[0]["bring"]
