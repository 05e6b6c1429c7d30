"""One check per file in data/: bilingual texts, concrete next steps, https links, dates and sources."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from recommender.domain.catalogue import Regions, Service, fill
from recommender.domain.profile import REGIONS
from recommender.domain.sourcefile import load_yaml
from recommender.settings import ROOT

SERVICE_FILES = sorted((ROOT / "data" / "services").glob("*.yaml"))
REQUIRED_IDS = [
    "cep", "cpf", "vae", "bilan-competences", "mission-locale", "cej", "france-travail", "cap-emploi", "apec",
    "transitions-pro", "rqth", "cio", "suio", "handicap-etudiant", "mon-orientation-en-ligne", "parcoursup",
    "reviens-te-former", "e2c", "epide", "sma", "service-civique", "carif-oref", "cite-des-metiers",
    "info-jeunes", "mon-master", "enseignant-referent", "cma-cci", "formation-continue-universite", "smv",
    "agefiph", "ladom", "periode-reconversion", "demission-reconversion", "agir", "hope", "iae",
]


@pytest.fixture(scope="module")
def regions():
    return load_yaml(ROOT / "data" / "regions.yaml").validate(Regions).regions


@pytest.mark.parametrize("path", SERVICE_FILES, ids=lambda p: p.stem)
def test_service_file_is_complete_in_both_languages(path: Path, regions):
    service = load_yaml(path).validate(Service)
    for text in (service.name, service.summary, service.delivered_by, service.cost):
        assert text.fr.strip() and text.en.strip() and text.fr != "" and text.en != ""
    assert dt.date(2024, 1, 1) <= service.last_verified <= dt.date.today()  # verified in the past, never in the future
    assert service.source.name
    assert str(service.website).startswith("https://")
    for region in regions:
        for operator in service.operators:
            steps = operator.steps + service.next_steps
            assert steps, f"{service.id}: an operator with no next step"
            for item in (operator, *steps):
                url = fill(item.url, region, "fr")
                assert url is None or url.startswith("https://"), url
            for step in steps:
                assert "{" not in fill(step.text.fr, region, "fr") + fill(step.text.en, region, "en")


def test_catalogue_has_every_required_service(recommender):
    assert set(REQUIRED_IDS) <= set(recommender.knowledge.catalogue.services)


def test_regions_file_covers_all_18_regions_with_their_centres(regions):
    assert sorted(r.code for r in regions) == sorted(REGIONS)
    for region in regions:
        for centre in (*region.cep, region.carif_oref, region.transitions_pro):
            assert str(centre.url).startswith("https://") and centre.name
    assert {r.code for r in regions if r.overseas} == {"01", "02", "03", "04", "06"}


def test_avenir_actifs_is_named_only_from_2024_in_every_region(regions):
    for region in regions:
        assert region.cep_at(dt.date(2024, 1, 1)).valid_from == dt.date(2024, 1, 1)
        assert "Avenir Actifs" in region.cep_at(dt.date(2026, 12, 1)).name_in("fr")
        for day in (dt.date(2019, 6, 1), dt.date(2020, 1, 1), dt.date(2023, 12, 31)):
            assert "Avenir" not in region.cep_at(day).name_in("fr") + region.cep_at(day).name_in("en")
            assert "avenir-actifs" not in str(region.cep_at(day).url)
        assert "Fongecif" in region.cep_at(dt.date(2019, 12, 31)).name_in("fr")
