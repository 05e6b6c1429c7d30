"""Properties that must hold for any input (hypothesis): the API never fails, the rules never contradict their
worked examples, ranking only re-orders what the rules let through, and the same question gets the same answer."""

from __future__ import annotations

import datetime as dt
import json

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from recommender.domain.eligibility import decide, decide_all, verdict
from recommender.domain.profile import DISABILITIES, EARLIEST_AS_OF, EDUCATION_LEVELS, GOALS, LANGS, MAX_AGE, MAX_LIMIT, MIN_AGE, REGIONS, STATUSES, Profile

from .conftest import TODAY

FAST = settings(max_examples=150, deadline=None, database=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
ANSWERS = {
    "age": st.integers(MIN_AGE, MAX_AGE),
    "status": st.sampled_from(STATUSES),
    "region": st.sampled_from(REGIONS),
    "disability": st.sampled_from(DISABILITIES),
    "education_level": st.sampled_from(EDUCATION_LEVELS),
    "executive": st.none() | st.booleans(),
    "goals": st.lists(st.sampled_from(GOALS), max_size=3).map(tuple),
}
profiles = st.builds(Profile, **ANSWERS)
days = st.dates(EARLIEST_AS_OF, TODAY)
langs = st.sampled_from(LANGS)

# Anything JSON can say, NaN and infinities included (Python's parser accepts them).
json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=20),
    lambda children: st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=10), children, max_size=4),
    max_leaves=12,
)
# Mostly-right profiles reach deeper into validation than random documents: each field is right, wrong or absent.
near_profiles = st.fixed_dictionaries(
    {},
    optional={
        **{name: strategy.map(lambda v: list(v) if isinstance(v, tuple) else v) | json_values for name, strategy in ANSWERS.items()},
        "region": st.sampled_from(REGIONS) | st.integers(0, 99) | json_values,
        "as_of": st.dates(dt.date(1900, 1, 1), dt.date(2200, 1, 1)).map(str) | json_values,
        "lang": langs | json_values,
    },
).flatmap(lambda body: st.dictionaries(st.text(max_size=8), json_values, max_size=2).map(lambda extra: {**extra, **body}))
bodies = near_profiles.map(lambda body: json.dumps(body).encode()) | json_values.map(lambda v: json.dumps(v).encode()) | st.binary(max_size=64)


@FAST
@given(body=bodies, content_type=st.sampled_from(["application/json", "application/problem+json", "text/plain", "application/x-www-form-urlencoded"]))
def test_any_body_gets_an_answer_or_a_problem_never_a_server_error(client, body, content_type):
    response = client.post("/api/v1/recommendations", data=body, headers={"Content-Type": content_type, "Accept-Language": "en"})
    assert response.status_code == 200 or 400 <= response.status_code < 500, response.get_data(as_text=True)[:500]
    if response.status_code == 200:
        assert isinstance(response.get_json()["recommendations"], list)
    else:
        problem = response.get_json()
        assert response.mimetype == "application/problem+json"
        assert problem["status"] == response.status_code and problem["title"] and problem["detail"]


def _examples(recommender):
    """Every worked example of every rule file, with the fields its rule actually reads."""
    found = []
    for rules in recommender.knowledge.rules.services.values():
        read = {leaf.field for version in rules.versions for leaf in version.eligible_when.leaves()}
        found += [(rules, example, read) for example in rules.examples]
    return found


@FAST
@given(data=st.data())
def test_answers_a_rule_does_not_read_never_change_its_worked_examples(recommender, data):
    rules, example, read = data.draw(st.sampled_from(_examples(recommender)), label="example")
    unread = {name: data.draw(strategy, label=name) for name, strategy in ANSWERS.items() if name not in read}
    profile = Profile.model_validate({**example.profile.model_dump(), **unread})
    day = example.as_of or dt.date.today()
    lang = data.draw(langs, label="lang")
    answer = recommender.recommend(profile, day, lang, limit=MAX_LIMIT)  # every service, whatever the catalogue's size
    shown = {r["id"]: r["eligibility"] for r in answer["recommendations"]} | {r["id"]: "ineligible" for r in answer["not_eligible"]}
    assert shown[rules.service] == example.expect, f"{rules.service}: {profile} on {day}"


@FAST
@given(profile=profiles, day=days, lang=langs)
def test_ranking_is_a_permutation_of_what_the_rules_let_through(recommender, profile, day, lang):
    book = recommender.knowledge.rules
    expected = {sid: verdict(rules, profile, day) for sid, rules in book.services.items()}  # no explanations, no memo
    answer = recommender.recommend(profile, day, lang, limit=MAX_LIMIT)  # every service, whatever the catalogue's size
    ranked = answer["recommendations"]
    assert sorted(r["id"] for r in ranked) == sorted(sid for sid, v in expected.items() if v != "ineligible")
    assert sorted(r["id"] for r in answer["not_eligible"]) == sorted(sid for sid, v in expected.items() if v == "ineligible")
    assert [r["rank"] for r in ranked] == list(range(1, len(ranked) + 1))
    assert all(r["eligibility"] == expected[r["id"]] for r in ranked)
    scores = [r["score"] for r in ranked]
    assert scores == sorted(scores, reverse=True)


@FAST
@given(profile=profiles, day=days, lang=langs)
def test_the_same_question_gets_the_same_answer(client, recommender, profile, day, lang):
    assert recommender.recommend(profile, day, lang) == recommender.recommend(profile, day, lang)
    # Decisions are remembered per rule: a remembered one must say exactly what a fresh evaluation says.
    assert decide_all(recommender.knowledge.rules, profile, day) == [decide(r, profile, day) for r in recommender.knowledge.rules.services.values()]
    body = {**profile.model_dump(mode="json", exclude_none=True), "as_of": day.isoformat(), "lang": lang}
    first, second = (client.post("/api/v1/recommendations", json=body) for _ in range(2))
    assert first.status_code == second.status_code == 200
    assert first.get_data() == second.get_data()
