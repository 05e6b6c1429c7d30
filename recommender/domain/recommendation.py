"""Profile in, explained and ranked recommendations out: the one function every front end calls."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from .catalogue import MATCHED, Catalogue, Contact, Match, Operator, Service, Step, load_catalogue
from .conditions import NO
from .followups import Asker
from .memo import cached
from .pathway import Links, plan
from .profile import DEFAULT_LIMIT, Profile
from .ranking import PriorityRanker, Ranked, Ranker
from .regions import fill
from .rules import RuleBook, load_rules
from .tables import DecisionTables

EVERYBODY = Match()  # a step's `when` that everyone matches


@dataclass(frozen=True)
class Knowledge:
    """What the service knows, loaded, validated and compiled once: catalogue, rules and their decision tables."""

    catalogue: Catalogue
    rules: RuleBook
    tables: DecisionTables

    @classmethod
    def load(cls, rules_dir: Path, data_dir: Path) -> Knowledge:
        """Load the catalogue, then the rules that must name its services, then compile the rules."""
        catalogue = load_catalogue(data_dir)
        rules = load_rules(rules_dir, frozenset(catalogue.services))
        return cls(catalogue=catalogue, rules=rules, tables=DecisionTables(rules))

    @property
    def versions(self) -> dict[str, str]:
        """The versions an answer carries."""
        return {"rules": self.rules.version, "catalogue": self.catalogue.version}


class Recommender:
    """Knowledge plus a ranker; `recommend` is pure: same inputs, same answer."""

    def __init__(self, knowledge: Knowledge, ranker: Ranker | None = None):
        """Index what answers read per service; renderings are made on first use and kept (see memo.CACHES)."""
        self.knowledge = knowledge
        self.ranker = ranker or PriorityRanker(knowledge.catalogue)
        services = knowledge.catalogue.services.values()
        # Whether an operator's texts name the region: if not, one rendering serves all regions.
        self._regional = {(s.id, i): _names_region(s, op) for s in services for i, op in enumerate(s.operators)}
        # The `when` of each operator's steps meant for some people only (most have none), found once: comparing
        # models per request cost more than the rest of an answer.
        self._conditional = {(s.id, i): tuple(step.when for step in op.steps + s.next_steps if step.when != EVERYBODY)
                             for s in services for i, op in enumerate(s.operators)}
        self._recommendation = cached("recommendation", self._rendered_recommendation)
        self._refusal = cached("refusal", self._rendered_refusal)
        self._fixed = cached("fixed", self._fixed_parts)
        self.asker = Asker(knowledge.tables)
        self._operator = cached("operator", self._operator_of)
        self._links = Links.of(knowledge.catalogue)  # the pathway's links, indexed once

    def recommend(self, profile: Profile, as_of: dt.date, lang: str = "fr", limit: int = DEFAULT_LIMIT) -> dict[str, Any]:
        """The answer: the `limit` best recommendations and the first `limit` services that do not fit, in `lang`,
        with the totals of both. Only the services an answer describes are looked at one by one."""
        found = self.knowledge.tables.decided(profile, as_of)
        fitting = np.flatnonzero(found.verdicts != NO).tolist()
        refused = np.flatnonzero(found.verdicts == NO)
        # Near misses first (stable: catalogue order within each), so that the first `limit` refusals hold them all.
        near = self.knowledge.tables.near_misses[found.numbers[refused]]
        refused = np.concatenate([refused[near], refused[~near]])
        ranked = self.ranker.rank(profile, [found.services[position] for position in fitting], limit)
        numbers = found.numbers.tolist()
        matched = (profile.age, *(getattr(profile, name) for name in MATCHED))  # what chooses a service's operator
        recommendations = _first_reasons([self._placed(r, place, numbers[found.positions[r.service_id]], profile, matched, as_of, lang)
                                          for place, r in enumerate(ranked, 1)])
        return {
            "profile": profile.model_dump(mode="json"),
            "as_of": as_of.isoformat(),
            "versions": self.knowledge.versions,
            "counts": {"recommendations": len(fitting), "not_eligible": len(refused), "near_misses": int(near.sum())},
            "pathway": plan(recommendations, self._links, lang),
            "recommendations": recommendations,
            "not_eligible": [self._refusal(numbers[position], lang).copy() for position in refused[:limit].tolist()],
            "follow_up_questions": self.asker.questions(profile, as_of, lang, found),
        }

    def follow_up_questions(self, profile: Profile, as_of: dt.date, lang: str = "fr") -> list[dict[str, Any]]:
        """The questions worth asking this person next, as in an answer's `follow_up_questions` (see followups.py)."""
        return self.asker.questions(profile, as_of, lang)

    def _placed(self, ranked: Ranked, rank: int, number: int, profile: Profile, matched: tuple[object, ...], as_of: dt.date,
                lang: str) -> dict[str, Any]:
        """A recommendation at its place in the list: its rendering, with rank, score and ranking reason."""
        service = self.knowledge.catalogue.services[ranked.service_id]
        operator = 0 if len(service.operators) == 1 else self._operator(service.id, matched)
        region = profile.region if self._regional[service.id, operator] else None  # one rendering for all regions
        period = self._cep_period(region, as_of)  # the region's CEP operator changes with each market
        answer = self._recommendation(number, operator, region, period, lang, tuple(when.matches(profile) for when in self._conditional[service.id, operator])).copy()
        answer["rank"], answer["score"] = rank, ranked.score
        answer["ranking_reason"] = ranked.reason(lang) if ranked.reason else None
        return answer

    def _cep_period(self, region_code: str | None, as_of: dt.date) -> dt.date | None:
        """The start of the region's CEP operator period in force on `as_of` (`date.min` for the oldest, open-ended one;
        None without a region): as a date, `fill` finds the same period again."""
        region = self.knowledge.catalogue.regions.get(region_code) if region_code else None
        return (region.cep_at(as_of).valid_from or dt.date.min) if region is not None else None

    def _rendered_recommendation(self, number: int, operator: int, region: str | None, period: dt.date | None,
                                 lang: str, shown: tuple[bool, ...]) -> dict[str, Any]:
        """Decision `number` as a recommendation, without its place in the list (rank, score, reason are set per answer);
        `period` is the start of the region's CEP operator period in force (see `_cep_period`); `shown` says which of
        the steps meant for some people only are for this person."""
        decision = self.knowledge.tables.decisions[number]
        assert decision.version is not None  # a service the rules let through has a version in force
        service = self.knowledge.catalogue.services[decision.service_id]
        fixed = self._fixed(service.id, decision.version.valid_from, lang)
        return {
            "id": service.id,
            "name": fixed["name"],
            "summary": fixed["summary"],
            "eligibility": decision.eligibility,
            "rank": None,
            "score": None,
            "ranking_reason": None,
            "why": [text(lang) for text in decision.why],
            "to_confirm": [text(lang) for text in decision.to_confirm],
            "next_steps": self._steps(service, operator, region, period, lang, shown),
            "operator": self._contact(service, operator, region, period, lang),
            "cost": fixed["cost"],
            "legal_basis": fixed["legal_basis"],
            "last_verified": fixed["last_verified"],
        }

    def _rendered_refusal(self, number: int, lang: str) -> dict[str, Any]:
        """Decision `number` as a refusal: why not, and what would change it."""
        decision = self.knowledge.tables.decisions[number]
        return {
            "id": decision.service_id,
            "name": self.knowledge.catalogue.services[decision.service_id].name(lang),
            "why_not": [text(lang) for text in decision.why_not],
            "would_change": [text(lang) for text in decision.would_change],
            "near_miss": decision.near_miss,
        }

    def _fixed_parts(self, service_id: str, valid_from: dt.date | None, lang: str) -> dict[str, Any]:
        """What a recommendation says about a service and its rule version (the one starting `valid_from`)."""
        service = self.knowledge.catalogue.services[service_id]
        version = next(v for v in self.knowledge.rules.services[service_id].versions if v.valid_from == valid_from)
        return {
            "name": service.name(lang),
            "summary": service.summary(lang),
            "cost": service.cost(lang),
            "legal_basis": [ref.model_dump(mode="json") for ref in version.legal_basis],
            "last_verified": min(version.last_verified, service.last_verified).isoformat(),
        }

    def _contact(self, service: Service, operator: int, region_code: str | None, period: dt.date | None, lang: str) -> dict[str, Any]:
        """The operator's name, link and phone, filled in for the region in the period starting `period`."""
        contact: Contact = service.operators[operator]
        region = self.knowledge.catalogue.regions.get(region_code) if region_code else None
        return {"name": fill(contact.name(lang), region, lang, period), "url": fill(contact.url, region, lang, period),
                "phone": fill(contact.phone, region, lang, period) or None}

    def _steps(self, service: Service, operator: int, region_code: str | None, period: dt.date | None, lang: str,
               shown: tuple[bool, ...]) -> list[dict[str, Any]]:
        """The operator's own steps, then the service's, filled in for the region in the period starting `period`:
        those for everybody, and those meant for some people that `shown` keeps."""
        region = self.knowledge.catalogue.regions.get(region_code) if region_code else None
        steps: tuple[Step, ...] = service.operators[operator].steps + service.next_steps
        kept = iter(shown)
        steps = tuple(s for s in steps if s.when == EVERYBODY or next(kept))
        return [{"text": fill(s.text(lang), region, lang, period), "url": fill(s.url, region, lang, period),
                 "phone": fill(s.phone, region, lang, period) or None} for s in steps]

    def _operator_of(self, service_id: str, matched: tuple[object, ...]) -> int:
        """The position of the first operator whose `when` matches answers `matched` (age, then MATCHED; the last one
        matches everybody)."""
        service = self.knowledge.catalogue.services[service_id]
        answers: dict[str, Any] = dict(zip(("age", *MATCHED), matched))
        profile = Profile.model_construct(**answers)
        last = len(service.operators) - 1
        return next(i for i, op in enumerate(service.operators) if i == last or op.when.matches(profile))


def _first_reasons(recommendations: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The recommendations, each ranking reason kept only where it is first given: said again on a later card, it
    tells nothing."""
    seen: set[str] = set()
    for item in recommendations:
        if item["ranking_reason"] in seen:
            item["ranking_reason"] = None
        elif item["ranking_reason"] is not None:
            seen.add(item["ranking_reason"])
    return recommendations


def _names_region(service: Service, contact: Operator) -> bool:
    """Whether an operator's contact or steps (or the service's) hold `{region...}` placeholders."""
    texts = [contact.url, *contact.name.every()]
    texts += [t for step in contact.steps + service.next_steps for t in (step.url, *step.text.every())]
    return any("{" in text for text in texts if text)


def service_view(service: Service, lang: str) -> dict[str, Any]:
    """A catalogue entry as the API shows it, in `lang`."""
    return {
        "id": service.id,
        "name": service.name(lang),
        "summary": service.summary(lang),
        "delivered_by": service.delivered_by(lang),
        "cost": service.cost(lang),
        "website": str(service.website),
        "audience": service.audience.model_dump(),
        "legal_basis": [ref.model_dump(mode="json") for ref in service.legal_basis],
        "last_verified": service.last_verified.isoformat(),
        "source": service.source.model_dump(mode="json"),
    }
