"""Follow-up questions: asked only when an answer would settle a "possible" service, and the answer settles it."""

from __future__ import annotations

import itertools
import shutil

import pytest

from recommender import create_app
from recommender.domain.facts import QUESTIONS, question_problems
from recommender.domain.profile import DISABILITIES, EDUCATION_LEVELS, OPTIONAL_FIELDS, STATUSES, Profile
from recommender.settings import ROOT
from tests.conftest import TODAY, person


def verdicts(recommender, profile: Profile) -> dict[str, str]:
    """Every service's verdict for a profile today, as the answer shows it."""
    answer = recommender.recommend(profile, TODAY, "en", limit=200)
    return {r["id"]: r["eligibility"] for r in answer["recommendations"]} | {r["id"]: "ineligible" for r in answer["not_eligible"]}


def answered(profile: Profile, field: str, value: object) -> Profile:
    """The same person, having answered `field`."""
    return Profile.model_validate({**profile.model_dump(), field: value})


def sent_back(question: dict) -> list[object]:
    """Every answer a person may send back to a question (for a several-choice one, every list of choices)."""
    values = [v["value"] for v in question["values"]]
    if not question["multiple"]:
        return values
    return [list(chosen) for size in range(len(values) + 1) for chosen in itertools.combinations(values, size)]


def settled_by(recommender, profile: Profile, before: dict[str, str], answers: dict[str, list]) -> set[str]:
    """The possible services that some combination of these answers settles."""
    found: set[str] = set()
    for values in itertools.product(*answers.values()):
        changed = profile
        for field, value in zip(answers, values):
            changed = answered(changed, field, value)
        after = verdicts(recommender, changed)
        assert all(after[s] == before[s] for s in before if before[s] != "possible"), "an answer only settles what was possible"
        found |= {s for s in before if before[s] == "possible" and after[s] != "possible"}
    return found


def assert_each_question_settles_what_it_names(recommender, profile: Profile) -> list[dict]:
    """Each question's answer settles exactly the services it names: alone, or with the questions it names in
    `together_with` (those they settle alone aside)."""
    before = verdicts(recommender, profile)
    questions = recommender.follow_up_questions(profile, TODAY, "en")
    by_field = {q["field"]: q for q in questions}
    settled_alone = []
    for question in questions:
        field = question["field"]
        expected = settled_by(recommender, profile, before, {field: sent_back(question)})
        settled_alone.append(len(expected))
        for partner in question["together_with"]:
            assert field in by_field[partner]["together_with"], "joint questions name each other"
            jointly = settled_by(recommender, profile, before, {field: sent_back(question), partner: sent_back(by_field[partner])})
            expected |= jointly - settled_by(recommender, profile, before, {partner: sent_back(by_field[partner])})
        assert expected == set(question["services"]), field
    assert settled_alone == sorted(settled_alone, reverse=True), "most decisive first"
    return questions


PROFILES = [
    person(age=45, status="employee", education_level="level4", goals=("change_career",)),
    person(age=19, status="job_seeker", education_level="none"),
    person(age=64, status="employee", education_level="level3"),
    person(age=63, status="inactive", education_level="level5"),
    person(age=27, status="job_seeker", disability="recognised", education_level="none"),
    person(age=28, status="job_seeker", region="01", education_level="level4"),
    person(age=20, status="inactive", education_level="level3"),
    person(age=35, status="job_seeker", education_level="level7"),
]


@pytest.mark.parametrize("profile", PROFILES, ids=lambda p: f"{p.age}-{p.status}-{p.disability}")
def test_each_question_settles_exactly_the_services_it_names(recommender, profile):
    assert_each_question_settles_what_it_names(recommender, profile)


def test_some_people_are_asked_something(recommender):
    assert any(recommender.follow_up_questions(profile, TODAY, "en") for profile in PROFILES)


def test_a_person_whose_answers_already_decide_is_asked_nothing(recommender):
    profile = person(age=45, status="employee", education_level="level4")
    for _ in range(len(OPTIONAL_FIELDS)):  # answer whatever is asked, until nothing is
        questions = recommender.follow_up_questions(profile, TODAY, "en")
        if not questions:
            break
        profile = answered(profile, questions[0]["field"], sent_back(questions[0])[0])
    assert recommender.follow_up_questions(profile, TODAY, "en") == []
    assert recommender.recommend(profile, TODAY, "en")["follow_up_questions"] == []


def test_a_fact_is_never_asked_where_it_means_nothing(recommender):
    for status, disability in itertools.product(STATUSES, DISABILITIES):
        for age, level in ((17, "none"), (30, "level4"), (50, "level7")):
            fields = {q["field"] for q in recommender.follow_up_questions(person(age=age, status=status, disability=disability, education_level=level), TODAY, "en")}
            if status not in ("employee", "job_seeker"):
                assert "executive" not in fields
            if disability != "recognised":
                assert "recognition" not in fields
            if status != "employee":
                assert not {"contract", "seniority"} & fields


def test_questions_come_in_the_answers_language_with_every_value_labelled(recommender):
    profile = person(age=35, status="job_seeker", education_level="level7")
    french, english = (recommender.follow_up_questions(profile, TODAY, lang) for lang in ("fr", "en"))
    assert [q["field"] for q in french] == [q["field"] for q in english] and french
    for fr, en in zip(french, english):
        assert fr["question"] != en["question"] and fr["question"].endswith("\u00a0?")
        assert [v["value"] for v in fr["values"]] == [v["value"] for v in en["values"]]
        assert all(v["label"] for v in fr["values"])


def test_every_optional_fact_has_a_question_labelling_each_of_its_values():
    assert question_problems() == []
    assert set(QUESTIONS) == set(OPTIONAL_FIELDS)


FACT_RULE = """
service: {service}
versions:
  - legal_basis: [{{ref: test rule}}]
    last_verified: 2026-11-23
    source: {{name: test rule}}
    eligible_when:
      all:
        - field: status
          in: [employee]
          holds: {{fr: salarié, en: employee}}
          fails: {{fr: pas salarié, en: not an employee}}
        - any:
            - all:
                - field: contract
                  in: [cdi]
                  holds: {{fr: en CDI, en: on a CDI}}
                  fails: {{fr: pas en CDI, en: not on a CDI}}
                  unknown: {{fr: contrat à vérifier, en: contract to check}}
                - field: seniority
                  in: [24_months_12_with_employer]
                  holds: {{fr: ancienneté suffisante, en: long enough}}
                  fails: {{fr: ancienneté insuffisante, en: not long enough}}
                  unknown: {{fr: ancienneté à vérifier, en: seniority to check}}
            - field: benefits
              in: [rsa]
              holds: {{fr: au RSA, en: receives the RSA}}
              fails: {{fr: pas au RSA, en: no RSA}}
              unknown: {{fr: RSA à vérifier, en: RSA to check}}
examples:
  - profile: {{age: 30, status: employee, region: "11", disability: none, education_level: none}}
    expect: possible
  - profile: {{age: 30, status: pupil, region: "11", disability: none, education_level: none}}
    expect: ineligible
"""


@pytest.fixture(scope="module")
def fact_rules(tmp_path_factory):
    """The shipped catalogue and rules, with Transitions Pro's rule replaced by one that reads two facts."""
    copy = tmp_path_factory.mktemp("facts")
    shutil.copytree(ROOT / "rules", copy / "rules")
    shutil.copytree(ROOT / "data", copy / "data")
    (copy / "rules" / "transitions-pro.yaml").write_text(FACT_RULE.format(service="transitions-pro"))
    return create_app({"TESTING": True, "RULES_DIR": copy / "rules", "DATA_DIR": copy / "data"}).extensions["pathways"]


def test_a_rule_needing_two_answers_asks_both_together_and_one_that_settles_alone_first(fact_rules):
    profile = person(age=40, status="employee", education_level=EDUCATION_LEVELS[2])
    questions = assert_each_question_settles_what_it_names(fact_rules, profile)
    by_field = {q["field"]: q for q in questions}
    assert "transitions-pro" in by_field["benefits"]["services"] and by_field["benefits"]["together_with"] == []  # alone
    assert by_field["contract"]["together_with"] == ["seniority"] and "transitions-pro" in by_field["contract"]["services"]
    assert by_field["seniority"]["together_with"] == ["contract"]
    assert by_field["benefits"]["multiple"] and not by_field["contract"]["multiple"]
    on_cdi = answered(profile, "contract", "cdi")
    assert verdicts(fact_rules, on_cdi)["transitions-pro"] == "possible"
    seniority = {q["field"]: q for q in fact_rules.follow_up_questions(on_cdi, TODAY, "en")}["seniority"]
    assert "transitions-pro" in seniority["services"] and seniority["together_with"] == []  # now it settles alone
    assert verdicts(fact_rules, answered(on_cdi, "seniority", "24_months_12_with_employer"))["transitions-pro"] == "eligible"
    assert verdicts(fact_rules, answered(answered(on_cdi, "seniority", "24_months"), "benefits", []))["transitions-pro"] == "ineligible"


def test_a_several_choice_fact_holds_when_any_listed_choice_is_chosen(fact_rules):
    profile = person(age=40, status="employee", contract="cdd")
    assert verdicts(fact_rules, answered(profile, "benefits", ["aah", "rsa"]))["transitions-pro"] == "eligible"
    assert verdicts(fact_rules, answered(profile, "benefits", ["aah"]))["transitions-pro"] == "ineligible"


def test_an_employee_changing_career_is_asked_contract_and_seniority_then_knows_about_transitions_pro(recommender):
    profile = person(age=45, status="employee", education_level="level4", goals=("change_career",))
    assert verdicts(recommender, profile)["transitions-pro"] == "possible"
    by_field = {q["field"]: q for q in recommender.follow_up_questions(profile, TODAY, "en")}
    assert "transitions-pro" in by_field["contract"]["services"] and by_field["contract"]["together_with"] == ["seniority"]
    assert "transitions-pro" in by_field["seniority"]["services"] and by_field["seniority"]["together_with"] == ["contract"]
    on_cdi = answered(profile, "contract", "cdi")
    assert verdicts(recommender, answered(on_cdi, "seniority", "24_months_12_with_employer"))["transitions-pro"] == "eligible"
    assert verdicts(recommender, answered(on_cdi, "seniority", "under_24_months"))["transitions-pro"] == "ineligible"


def test_a_young_job_seeker_without_a_diploma_is_asked_nothing_about_work_or_retirement(recommender):
    fields = {q["field"] for q in recommender.follow_up_questions(person(age=19, status="job_seeker", education_level="none"), TODAY, "en")}
    assert not {"contract", "seniority", "executive", "retired", "recognition"} & fields


def test_a_sixty_four_year_old_is_asked_whether_retired_which_settles_the_cpf(recommender):
    profile = person(age=64, status="employee", education_level="level3")
    retired = {q["field"]: q for q in recommender.follow_up_questions(profile, TODAY, "en")}["retired"]
    assert "cpf" in retired["services"]
    assert verdicts(recommender, answered(profile, "retired", True))["cpf"] == "ineligible"
