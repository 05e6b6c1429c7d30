"""Eligibility as the law draws it: age limits, disability extensions, regions, dates, and the reasons given."""

from __future__ import annotations

import datetime as dt

import pytest

from tests.conftest import TODAY, person


def outcome(recommender, service_id: str, profile, day=TODAY) -> str:
    rules = recommender.knowledge.rules.services[service_id]
    from recommender.domain.eligibility import decide

    return decide(rules, profile, day).eligibility


@pytest.mark.parametrize(
    "service_id, age, disability, expected",
    [
        ("mission-locale", 15, "none", "ineligible"),
        ("mission-locale", 16, "none", "eligible"),
        ("mission-locale", 25, "none", "eligible"),
        ("mission-locale", 26, "none", "ineligible"),
        ("mission-locale", 26, "recognised", "ineligible"),
        ("cej", 15, "none", "ineligible"),
        ("cej", 16, "none", "eligible"),
        ("cej", 25, "none", "eligible"),
        ("cej", 26, "none", "ineligible"),
        ("cej", 26, "recognised", "possible"),
        ("cej", 29, "recognised", "possible"),
        ("cej", 29, "unrecognised", "ineligible"),
        ("cej", 30, "recognised", "ineligible"),
        ("service-civique", 15, "none", "ineligible"),
        ("service-civique", 16, "none", "eligible"),
        ("service-civique", 25, "none", "eligible"),
        ("service-civique", 26, "none", "ineligible"),
        ("service-civique", 29, "recognised", "eligible"),
        ("service-civique", 30, "recognised", "eligible"),
        ("service-civique", 30, "unrecognised", "possible"),
        ("service-civique", 31, "recognised", "ineligible"),
        ("e2c", 15, "none", "ineligible"),
        ("e2c", 16, "none", "eligible"),
        ("e2c", 25, "none", "eligible"),
        ("e2c", 26, "none", "ineligible"),
        ("reviens-te-former", 25, "none", "eligible"),
        ("reviens-te-former", 26, "none", "ineligible"),
        ("cep", 15, "none", "ineligible"),
        ("cep", 16, "none", "eligible"),
    ],
)
def test_age_limits_and_disability_extensions(recommender, service_id, age, disability, expected):
    profile = person(age=age, status="job_seeker", disability=disability, education_level="none")
    assert outcome(recommender, service_id, profile) == expected


@pytest.mark.parametrize("region", ["01", "02", "03", "04", "06"])
def test_overseas_young_people_get_the_sma_not_the_epide(recommender, region):
    profile = person(age=20, status="job_seeker", region=region, education_level="none")
    assert outcome(recommender, "sma", profile) == "possible"  # French nationality to confirm
    assert outcome(recommender, "epide", profile) == "ineligible"


@pytest.mark.parametrize("region", ["11", "24", "53", "84", "93", "94"])
def test_mainland_young_people_get_the_epide_and_the_sma_only_if_born_overseas(recommender, region):
    profile = person(age=20, status="job_seeker", region=region, education_level="none")
    assert outcome(recommender, "sma", profile) == "possible"  # only for a French person born overseas
    assert outcome(recommender, "epide", profile) == "eligible"


def test_the_cej_does_not_exist_before_march_2022(recommender):
    young = person(age=20, status="job_seeker", education_level="none")
    assert outcome(recommender, "cej", young, dt.date(2022, 2, 28)) == "ineligible"
    assert outcome(recommender, "cej", young, dt.date(2022, 3, 1)) == "eligible"


def test_as_of_reaches_the_api_and_the_refusal_says_when_it_starts(client):
    body = {"age": 20, "status": "job_seeker", "region": "11", "disability": "none", "education_level": "none", "lang": "en"}
    before = client.post("/api/v1/recommendations", json={**body, "as_of": "2021-06-01"}).get_json()
    after = client.post("/api/v1/recommendations", json={**body, "as_of": "2022-06-01"}).get_json()
    refused = {n["id"]: n for n in before["not_eligible"]}
    assert "cej" in refused and "2022" in " ".join(refused["cej"]["why_not"])
    assert "cej" in {r["id"] for r in after["recommendations"]}


def test_vae_needed_a_year_of_experience_before_2024(recommender):
    worker = person(age=40, status="employee")
    assert outcome(recommender, "vae", worker, dt.date(2023, 6, 1)) == "possible"
    assert outcome(recommender, "vae", worker, dt.date(2024, 1, 1)) == "eligible"


def test_transition_pro_seniority_is_to_confirm_unless_recognised_disability(recommender):
    assert outcome(recommender, "transitions-pro", person(status="employee")) == "possible"
    assert outcome(recommender, "transitions-pro", person(status="employee", disability="recognised")) == "eligible"
    assert outcome(recommender, "transitions-pro", person(status="job_seeker")) == "ineligible"


def test_possible_services_say_what_to_confirm_and_refusals_say_what_would_change(recommender):
    answer = recommender.recommend(person(age=27, status="job_seeker", disability="unrecognised", education_level="none"), TODAY, "en")
    cej = next(n for n in answer["not_eligible"] if n["id"] == "cej")
    assert cej["why_not"] and any("RQTH" in text for text in cej["would_change"])
    rqth = next(r for r in answer["recommendations"] if r["id"] == "rqth")
    assert rqth["eligibility"] == "eligible" and rqth["why"]
    cap_emploi = next(r for r in answer["recommendations"] if r["id"] == "cap-emploi")
    assert cap_emploi["eligibility"] == "possible" and cap_emploi["to_confirm"]


def test_cep_names_the_operator_that_serves_this_person(recommender):
    def operator(**answers) -> str:
        answer = recommender.recommend(person(**answers), TODAY, "fr")
        return next(r for r in answer["recommendations"] if r["id"] == "cep")["operator"]["name"]

    assert "employeur" in operator(status="civil_servant")
    assert operator(status="job_seeker", disability="recognised") == "Cap emploi"
    assert "Mission locale" in operator(age=20, status="job_seeker")
    assert operator(status="job_seeker", executive=True).startswith("Apec")
    assert operator(status="job_seeker", age=40) == "France Travail"
    assert operator(status="employee", region="53") == "Avenir Actifs Bretagne"
    assert "Antilles-Guyane" in operator(status="self_employed", region="03")


def test_regional_cep_operator_is_the_one_in_force_on_the_answers_date(recommender):
    def operator(as_of: dt.date, region: str, lang: str = "fr") -> dict:
        answer = recommender.recommend(person(status="employee", age=45, region=region), as_of, lang)
        cep = next(r for r in answer["recommendations"] if r["id"] == "cep")
        return {"operator": cep["operator"], "steps": cep["next_steps"]}

    today, in_2023, in_2019 = operator(TODAY, "84"), operator(dt.date(2023, 6, 1), "84"), operator(dt.date(2019, 6, 1), "84")
    assert today["operator"] == {"name": "Avenir Actifs Auvergne-Rhône-Alpes", "url": "https://ara.avenir-actifs.org",
                                 "phone": "09 72 01 02 03"}
    assert "Avenir" not in str(in_2023) and in_2023["operator"]["url"] == "https://mon-cep.org"
    assert in_2023["operator"]["name"].startswith("Mon CEP") and in_2023["operator"]["phone"] is None
    assert "Fongecif" in in_2019["operator"]["name"] and "Avenir" not in str(in_2019)
    assert operator(dt.date(2023, 6, 1), "24")["operator"]["name"] == "Groupement Évolution Centre-Val de Loire"
    assert operator(dt.date(2023, 6, 1), "75")["operator"]["phone"] == "09 72 01 02 03"
    assert operator(TODAY, "75")["operator"]["phone"] is None  # not verified for the 2024-2027 operator
    assert "regional operator" in operator(dt.date(2023, 6, 1), "11", "en")["operator"]["name"]


def test_carif_oref_points_to_the_persons_region(recommender):
    answers = {region: recommender.recommend(person(region=region), TODAY, "fr") for region in ("11", "84")}
    urls = {region: next(r for r in a["recommendations"] if r["id"] == "carif-oref")["operator"]["url"] for region, a in answers.items()}
    assert urls["11"] != urls["84"] and "defi-metiers" in urls["11"]


def test_executive_answer_is_ignored_where_it_means_nothing():
    assert person(status="student", executive=True).executive is None
    assert person(status="employee", executive=True).executive is True
