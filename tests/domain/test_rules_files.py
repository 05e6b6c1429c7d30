"""One check per file in rules/: it loads, names a catalogue service, and its worked examples hold."""

from __future__ import annotations

from pathlib import Path

import pytest

from recommender.domain.analysis import representative_profiles
from recommender.domain.eligibility import verdict
from recommender.domain.rules import ServiceRules
from recommender.domain.sourcefile import load_yaml
from recommender.settings import ROOT
from tests.conftest import TODAY

RULE_FILES = sorted((ROOT / "rules").glob("*.yaml"))
EXAMPLES = [
    pytest.param(path, index, id=f"{path.stem}-{index + 1}")
    for path in RULE_FILES
    for index in range(len(load_yaml(path).data.get("examples", [])))
]


@pytest.mark.parametrize("path", RULE_FILES, ids=lambda p: p.stem)
def test_rule_file_is_valid_and_names_a_catalogue_service(path: Path, recommender):
    rules = load_yaml(path).validate(ServiceRules)
    assert rules.service == path.stem
    assert rules.service in recommender.knowledge.catalogue.services
    for version in rules.versions:
        assert version.legal_basis, "every version cites the law"
        assert version.last_verified <= TODAY.replace(year=TODAY.year + 1)


@pytest.mark.parametrize("path, index", EXAMPLES)
def test_worked_example_holds(path: Path, index: int):
    rules = load_yaml(path).validate(ServiceRules)
    example = rules.examples[index]
    assert verdict(rules, example.profile, example.as_of or TODAY) == example.expect


def test_every_catalogue_service_has_a_rule_file(recommender):
    assert {p.stem for p in RULE_FILES} == set(recommender.knowledge.catalogue.services)


def test_every_outcome_a_rule_can_give_has_a_worked_example(recommender):
    book = recommender.knowledge.rules
    profiles = representative_profiles(book)
    for rules in book.services.values():
        possible = {verdict(rules, p, TODAY) for p, _ in profiles}
        shown = {e.expect for e in rules.examples if (e.as_of or TODAY) == TODAY or rules.version_on(e.as_of or TODAY) is rules.version_on(TODAY)}
        assert possible <= shown, f"{rules.service}: outcomes {sorted(possible - shown)} have no worked example"
