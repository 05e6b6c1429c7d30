"""The API's `follow_up_questions`: the same as the domain's, in the answer's language, and answering one settles
the services it names."""

from __future__ import annotations

import itertools

import pytest

BASE = {"region": "11", "as_of": "2026-11-23", "limit": 200}
PEOPLE = [
    {"age": 45, "status": "employee", "disability": "none", "education_level": "level4", "goals": ["change_career"]},
    {"age": 64, "status": "employee", "disability": "none", "education_level": "level3"},
    {"age": 35, "status": "job_seeker", "disability": "none", "education_level": "level7"},
    {"age": 27, "status": "job_seeker", "disability": "recognised", "education_level": "none"},
    {"age": 20, "status": "inactive", "disability": "none", "education_level": "level3"},
]


def answer(client, body: dict) -> dict:
    response = client.post("/api/v1/recommendations", json=body)
    assert response.status_code == 200, response.get_data(as_text=True)
    return response.get_json()


def verdicts(found: dict) -> dict[str, str]:
    return {r["id"]: r["eligibility"] for r in found["recommendations"]} | {r["id"]: "ineligible" for r in found["not_eligible"]}


def values(question: dict) -> list:
    listed = [v["value"] for v in question["values"]]
    if not question["multiple"]:
        return listed
    return [list(c) for n in range(len(listed) + 1) for c in itertools.combinations(listed, n)]


def settled(client, body: dict, before: dict[str, str], answers: dict[str, list]) -> set[str]:
    """The possible services that some combination of these answers, sent back, settles."""
    found = set()
    for combination in itertools.product(*answers.values()):
        after = verdicts(answer(client, {**body, **dict(zip(answers, combination))}))
        found |= {s for s, v in before.items() if v == "possible" and after[s] != "possible"}
    return found


@pytest.mark.parametrize("person", PEOPLE, ids=lambda p: f"{p['age']}-{p['status']}")
def test_sending_a_fact_back_settles_exactly_the_services_its_question_named(client, recommender, person):
    body = {**BASE, **person, "lang": "en"}
    first = answer(client, body)
    before = verdicts(first)
    by_field = {q["field"]: q for q in first["follow_up_questions"]}
    for question in first["follow_up_questions"]:
        assert question["services"] and all(before[s] == "possible" for s in question["services"])
        expected = settled(client, body, before, {question["field"]: values(question)})
        for partner in question["together_with"]:  # services that need both answers, beyond what the partner settles alone
            partner_values = values(by_field[partner])
            expected |= settled(client, body, before, {question["field"]: values(question), partner: partner_values}) - \
                settled(client, body, before, {partner: partner_values})
        assert expected == set(question["services"]), question["field"]


def test_the_questions_are_those_of_the_domain_in_the_answers_language(client, recommender):
    from recommender.domain.profile import Profile
    from tests.conftest import TODAY

    body = {**BASE, **PEOPLE[2]}
    french, english = answer(client, {**body, "lang": "fr"}), answer(client, {**body, "lang": "en"})
    profile = Profile.model_validate({k: v for k, v in body.items() if k not in ("as_of", "limit")})
    assert english["follow_up_questions"] == recommender.follow_up_questions(profile, TODAY, "en") != []
    assert [q["field"] for q in french["follow_up_questions"]] == [q["field"] for q in english["follow_up_questions"]]
    assert french["follow_up_questions"][0]["question"] != english["follow_up_questions"][0]["question"]


def test_an_answered_fact_is_not_asked_again_and_is_echoed_in_the_profile(client):
    body = {**BASE, **PEOPLE[2], "lang": "en"}
    question = answer(client, body)["follow_up_questions"][0]
    value = question["values"][0]["value"]
    again = answer(client, {**body, question["field"]: value})
    assert question["field"] not in {q["field"] for q in again["follow_up_questions"]}
    assert again["profile"][question["field"]] == value


def test_a_fact_that_means_nothing_for_the_person_is_dropped_not_refused(client):
    pupil = answer(client, {**BASE, "age": 15, "status": "pupil", "disability": "none", "education_level": "none", "contract": "cdi", "executive": True})
    assert pupil["profile"]["contract"] is None and pupil["profile"]["executive"] is None
