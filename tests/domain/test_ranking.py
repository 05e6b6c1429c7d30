"""Ranking: the first recommendations are the ones a guidance counsellor would name first."""

from __future__ import annotations

import pytest

from recommender.domain.evaluation import evaluate
from recommender.domain.ranking import SimilarityRanker, candidates_for, load_cases
from tests.conftest import TODAY, person

ARCHETYPES = [
    # (who, answers, services that must be in the top N, N)
    ("19, no diploma, looking for work", dict(age=19, status="job_seeker", education_level="none"), {"mission-locale", "cej"}, 2),
    ("19, no diploma, neither working nor training", dict(age=19, status="inactive", education_level="none", goals=["find_job"]), {"mission-locale", "cej"}, 2),
    ("45, employee changing career", dict(age=45, status="employee", goals=["change_career"]), {"cep", "bilan-competences"}, 2),
    ("45, employee validating experience", dict(age=45, status="employee", education_level="level3", goals=["validate_experience"]), {"vae"}, 1),
    ("cadre", dict(age=38, status="employee", education_level="level7", executive=True), {"apec"}, 1),
    ("job seeker with a recognised disability", dict(age=40, status="job_seeker", disability="recognised"), {"cap-emploi"}, 1),
    ("pupil", dict(age=15, status="pupil", education_level="none"), {"cio", "mon-orientation-en-ligne"}, 2),
    ("student", dict(age=20, status="student", region="53"), {"suio"}, 1),
    ("student with a disability", dict(age=20, status="student", disability="recognised"), {"suio", "handicap-etudiant"}, 2),
    ("job seeker with an unrecognised disability", dict(age=35, status="job_seeker", disability="unrecognised", education_level="level3"), {"rqth"}, 1),
    ("20, overseas, no diploma", dict(age=20, status="job_seeker", region="04", education_level="none"), {"mission-locale", "sma"}, 4),
    ("public servant changing career", dict(age=42, status="civil_servant", education_level="level6", goals=["change_career"]), {"cep"}, 1),
    ("young graduate looking for work", dict(age=24, status="job_seeker", education_level="level7"), {"apec"}, 3),
    ("self-employed", dict(age=33, status="self_employed", region="94", education_level="level5"), {"cep"}, 1),
]


@pytest.mark.parametrize("who, answers, expected, top", ARCHETYPES, ids=[a[0] for a in ARCHETYPES])
def test_archetypal_profiles_get_the_right_first_steps(recommender, who, answers, expected, top):
    answer = recommender.recommend(person(**answers), TODAY, "en")
    first = [r["id"] for r in answer["recommendations"][:top]]
    assert expected <= set(first), f"{who}: got {first}"


def test_cpf_is_not_what_a_young_person_without_a_diploma_hears_first(recommender):
    answer = recommender.recommend(person(age=19, status="job_seeker", education_level="none"), TODAY, "en")
    assert "cpf" not in [r["id"] for r in answer["recommendations"][:3]]


def test_ranking_reorders_exactly_what_the_rules_allow(recommender):
    profile = person(age=27, status="job_seeker", disability="unrecognised", education_level="none", goals=["train"])
    answer = recommender.recommend(profile, TODAY, "fr")
    ranked = [r["id"] for r in answer["recommendations"]]
    assert sorted(ranked) == sorted(candidates_for(recommender.knowledge.rules, profile, TODAY))
    scores = [r["score"] for r in answer["recommendations"]]
    assert scores == sorted(scores, reverse=True) and all(0 <= s <= 1 for s in scores)


def test_each_recommendation_says_why_it_is_ranked_there_in_both_languages(recommender):
    profile = person(age=19, status="job_seeker", education_level="none")
    french = recommender.recommend(profile, TODAY, "fr")["recommendations"][0]["ranking_reason"]
    english = recommender.recommend(profile, TODAY, "en")["recommendations"][0]["ranking_reason"]
    assert french.startswith("Conseillé en premier") and english.startswith("Recommended first for")
    assert "emploi" in french and "work" in english


def test_same_profile_same_data_same_order(app, recommender):
    profile = person(age=31, status="employee", goals=["train", "change_career"])
    first = recommender.recommend(profile, TODAY, "fr")
    assert all(recommender.recommend(profile, TODAY, "fr") == first for _ in range(3))
    knowledge = recommender.knowledge
    cases = load_cases(app.config["DATA_DIR"] / "ranking_cases.yaml", knowledge.catalogue)
    retrained = SimilarityRanker.fit(knowledge.catalogue, knowledge.rules, cases, TODAY, alpha=app.config["RANKER_ALPHA"])
    candidates = candidates_for(knowledge.rules, profile, TODAY)
    assert retrained.rank(profile, candidates) == recommender.ranker.rank(profile, candidates)


def test_ranker_beats_both_baselines_on_cases_it_never_saw(app, recommender):
    knowledge = recommender.knowledge
    cases = load_cases(app.config["DATA_DIR"] / "ranking_cases.yaml", knowledge.catalogue)
    result = evaluate(knowledge.catalogue, knowledge.rules, cases, TODAY, alpha=app.config["RANKER_ALPHA"])
    for scores in (result["cross_validation"], result["holdout"]):
        mean = {name: sum(values) / len(values) for name, values in scores.ndcg.items()}
        assert mean["ranker"] > mean["priority"] and mean["ranker"] > mean["popularity"]
        assert sum(scores.hit["ranker"]) / len(scores.hit["ranker"]) >= 0.9


def test_evaluate_command_prints_the_figures(runner):
    result = runner.invoke(args=["ranker", "evaluate"])
    assert result.exit_code == 0, result.output
    assert "held-out cases" in result.output and "status=student" in result.output and "disability=recognised" in result.output


def test_case_set_spans_every_kind_of_person(app, recommender):
    cases = load_cases(app.config["DATA_DIR"] / "ranking_cases.yaml", recommender.knowledge.catalogue)
    assert len(cases) >= 150
    from recommender.domain.profile import DISABILITIES, EDUCATION_LEVELS, GOALS, STATUSES

    assert {c.profile.status for c in cases} == set(STATUSES)
    assert {c.profile.disability for c in cases} == set(DISABILITIES)
    assert {c.profile.education_level for c in cases} == set(EDUCATION_LEVELS)
    assert {g for c in cases for g in c.profile.goals} == set(GOALS)
    assert len({c.profile.region for c in cases}) >= 6
    assert sum(c.split == "holdout" for c in cases) >= 30
