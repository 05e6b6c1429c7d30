"""The pathway: at most three first steps, ordered by the catalogue's `leads_to` links, each with one action; and the
links themselves, checked when the catalogue loads."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import pytest

from recommender.domain.catalogue import load_catalogue
from recommender.domain.pathway import Links, plan
from recommender.domain.sourcefile import DataFileError
from recommender.settings import ROOT
from tests.conftest import person

TODAY = dt.date(2026, 12, 1)
YOUNG = {"age": 19, "status": "job_seeker", "region": "32", "disability": "none", "education_level": "none", "executive": False, "goals": ["find_job"]}
CAREER = {"age": 45, "status": "employee", "region": "11", "disability": "none", "education_level": "level4", "executive": False, "goals": ["change_career"]}
CADRE = {"age": 58, "status": "job_seeker", "region": "84", "disability": "none", "education_level": "level7", "executive": True}


def steps(recommender, answers: dict, lang: str = "en") -> list[dict]:
    return recommender.recommend(person(**answers), TODAY, lang)["pathway"]


def test_the_young_job_seeker_goes_to_the_mission_locale_first_then_asks_there_about_the_cej(recommender):
    pathway = steps(recommender, YOUNG)
    assert [s["id"] for s in pathway][:2] == ["mission-locale", "cej"]
    assert [s["step"] for s in pathway] == [1, 2, 3]
    first, cej = pathway[0], pathway[1]
    assert first["after"] is None and cej["after"] == "mission-locale"
    assert cej["reason"] == "At step 1 (Mission locale (local youth employment centre)), ask your adviser about it."
    assert first["action"]["url"] == "https://www.unml.info/les-missions-locales/annuaire/"
    assert first["bring"].startswith("For the first meeting, bring an identity document")
    assert first["action"]["text"] != first["bring"]  # the action and what to bring are two things


def test_a_career_changer_sees_the_cep_before_the_bilan_it_leads_to(recommender):
    pathway = steps(recommender, CAREER, "fr")
    ids = [s["id"] for s in pathway]
    assert ids[0] == "cep" and "bilan-competences" in ids
    bilan = pathway[ids.index("bilan-competences")]
    assert bilan["after"] == "cep" and bilan["reason"].startswith("À l’étape 1 (Conseil en évolution professionnelle (CEP)), parlez-en")


def test_a_service_reached_through_another_brings_that_one_in_first(recommender):
    answer = recommender.recommend(person(**YOUNG), TODAY, "en")
    by_id = {item["id"]: item for item in answer["recommendations"]}
    # The CEJ ranked first, the Mission locale that leads to it far down: the Mission locale still comes first.
    reordered = [{**by_id["cej"], "rank": 1}, *[{**item, "rank": rank} for rank, item in enumerate((by_id["cio"], by_id["info-jeunes"], by_id["mission-locale"]), 2)]]
    pathway = plan(reordered, Links.of(recommender.knowledge.catalogue), "en")
    assert [s["id"] for s in pathway] == ["mission-locale", "cej", "cio"]
    assert pathway[1]["after"] == "mission-locale"


def test_a_service_still_to_confirm_does_not_open_the_pathway(recommender):
    answer = recommender.recommend(person(**YOUNG), TODAY, "en")
    possible = [{**item, "eligibility": "possible"} for item in answer["recommendations"][:1]]
    rest = answer["recommendations"][1:]
    pathway = plan(possible + rest, Links.of(recommender.knowledge.catalogue), "en")
    assert pathway[0]["id"] != possible[0]["id"]


def test_every_step_is_a_recommendation_with_one_action_and_a_reason(recommender):
    for answers in (YOUNG, CAREER, CADRE):
        answer = recommender.recommend(person(**answers), TODAY, "fr")
        ids = [item["id"] for item in answer["recommendations"]]
        assert 1 <= len(answer["pathway"]) <= 3
        for step in answer["pathway"]:
            assert step["id"] in ids and step["reason"] and step["action"]["text"] and step["where"]["name"]
            assert step["after"] is None or ids.index(step["after"]) >= 0 and step["after"] in [s["id"] for s in answer["pathway"][: step["step"] - 1]]


def test_no_service_fits_no_pathway(recommender):
    assert plan([], Links.of(recommender.knowledge.catalogue), "fr") == []


@pytest.fixture()
def data(tmp_path: Path) -> Path:
    shutil.copytree(ROOT / "data", tmp_path / "data")
    return tmp_path / "data"


def rewrite(path: Path, old: str, new: str) -> int:
    """Replace `old` with `new` in a data file; the line where it happened."""
    text = path.read_text()
    path.write_text(text.replace(old, new, 1))
    return text[: text.index(old)].count("\n") + 1


def test_an_unknown_service_in_leads_to_stops_the_start_with_its_file_and_line(data: Path):
    path = data / "services" / "mission-locale.yaml"
    line = rewrite(path, "leads_to: [cej,", "leads_to: [cej-typo,")
    with pytest.raises(DataFileError) as caught:
        load_catalogue(data)
    assert f"{path}:{line}: leads_to: unknown service 'cej-typo'" in str(caught.value)


def test_a_loop_of_leads_to_is_refused(data: Path):
    path = data / "services" / "cej.yaml"
    rewrite(path, "legal_basis:", "leads_to: [mission-locale]\nlegal_basis:")
    with pytest.raises(DataFileError) as caught:
        load_catalogue(data)
    assert "leads_to: mission-locale leads back to cej (a loop)" in str(caught.value)


def test_two_steps_saying_what_to_bring_are_refused(data: Path):
    path = data / "services" / "mission-locale.yaml"
    rewrite(path, "        url: https://www.unml.info/les-missions-locales/annuaire/\nnext_steps:",
            "        url: https://www.unml.info/les-missions-locales/annuaire/\n        bring: true\nnext_steps:")
    with pytest.raises(DataFileError) as caught:
        load_catalogue(data)
    assert "bring: only one step may say what to bring" in str(caught.value)
