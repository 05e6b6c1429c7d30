"""Profile in, explained and ranked recommendations out: the one function every front end calls."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np

from .catalogue import Catalogue, Contact, Service, Step, fill, load_catalogue
from .conditions import NO
from .eligibility import Decision, decided
from .profile import DEFAULT_LIMIT, Profile
from .ranking import PriorityRanker, Ranked, Ranker
from .rules import RuleBook, RuleVersion, load_rules


@dataclass(frozen=True)
class Knowledge:
    """What the service knows, loaded and validated once: catalogue and rules."""

    catalogue: Catalogue
    rules: RuleBook

    @classmethod
    def load(cls, rules_dir: Path, data_dir: Path) -> Knowledge:
        """Load the catalogue, then the rules that must name its services."""
        catalogue = load_catalogue(data_dir)
        return cls(catalogue=catalogue, rules=load_rules(rules_dir, frozenset(catalogue.services)))

    @property
    def versions(self) -> dict[str, str]:
        """The versions an answer carries."""
        return {"rules": self.rules.version, "catalogue": self.catalogue.version}


# Renderings kept per recommender (explanations, recommendations, refusals by decision and language): enough for
# every decision of a 10,000-service catalogue in both languages; past it they are dropped and made again.
RENDERINGS_KEPT = 262_144


class Recommender:
    """Knowledge plus a ranker; `recommend` is pure: same inputs, same answer."""

    def __init__(self, knowledge: Knowledge, ranker: Ranker | None = None):
        self.knowledge = knowledge
        self.ranker = ranker or PriorityRanker(knowledge.catalogue)
        # What an answer says about a service that does not depend on the person is rendered once per language:
        # the cost of an answer then grows with the number of services only by a few lookups each.
        self._steps = lru_cache(maxsize=65536)(self._resolved_steps)
        self._contacts = lru_cache(maxsize=65536)(self._resolved_contact)
        self._fixed_by_version: dict[tuple[str, int, str], dict] = {}  # by id: hashing a rule version walks its whole tree
        self._renderings: dict[tuple, tuple[Decision, dict]] = {}
        self._regional = lru_cache(maxsize=None)(self._names_region)

    def recommend(self, profile: Profile, as_of: dt.date, lang: str = "fr", limit: int = DEFAULT_LIMIT) -> dict:
        """The answer: the `limit` best recommendations and the first `limit` services that do not fit, in `lang`,
        with the totals of both. Only the services an answer describes are looked at one by one."""
        found = decided(self.knowledge.rules, profile, as_of)
        fitting = np.flatnonzero(found.verdicts != NO).tolist()
        refused = np.flatnonzero(found.verdicts == NO)
        ranked = self.ranker.rank(profile, [found.services[position] for position in fitting], limit)
        return {
            "profile": profile.model_dump(mode="json"),
            "as_of": as_of.isoformat(),
            "versions": self.knowledge.versions,
            "counts": {"recommendations": len(fitting), "not_eligible": len(refused)},
            "recommendations": [self._recommendation(r, place, found.decision(found.positions[r.service_id]), profile, lang) for place, r in enumerate(ranked, 1)],
            "not_eligible": [self._refusal(found.decision(position), lang) for position in refused[:limit].tolist()],
        }

    def _recommendation(self, ranked: Ranked, rank: int, decision: Decision, profile: Profile, lang: str) -> dict:
        service = self.knowledge.catalogue.services[ranked.service_id]
        operator = _operator_index(service, profile)
        region = profile.region if self._regional(service.id, operator) else None  # one rendering for all regions
        answer = self._remembered(("recommendation", id(decision), operator, region, lang), decision,
                                  lambda: self._rendered_recommendation(service, operator, region, decision, lang)).copy()
        answer["rank"], answer["score"] = rank, ranked.score
        answer["ranking_reason"] = ranked.reason(lang) if ranked.reason else None
        return answer

    def _remembered(self, key: tuple, decision: Decision, render) -> dict:
        """A rendering that depends only on a decision and the key, made once (decisions are shared: see eligibility)."""
        found = self._renderings.get(key)
        if found is None or found[0] is not decision:  # an id is reused once its decision is gone
            if len(self._renderings) >= RENDERINGS_KEPT:
                self._renderings.clear()
            found = self._renderings[key] = (decision, render())
        return found[1]

    def _rendered_recommendation(self, service: Service, operator: int, region: str | None, decision: Decision, lang: str) -> dict:
        """A recommendation without its place in the list (rank, score, ranking reason are set per answer)."""
        fixed = self._fixed(service.id, decision.version, lang)
        texts = self._texts(decision, lang)
        return {
            "id": service.id,
            "name": fixed["name"],
            "summary": fixed["summary"],
            "eligibility": decision.eligibility,
            "rank": None,
            "score": None,
            "ranking_reason": None,
            "why": texts["why"],
            "to_confirm": texts["to_confirm"],
            "next_steps": self._steps(service.id, operator, region, lang),
            "operator": self._contacts(service.id, operator, region, lang),
            "cost": fixed["cost"],
            "legal_basis": fixed["legal_basis"],
            "last_verified": fixed["last_verified"],
        }

    def _texts(self, decision: Decision, lang: str) -> dict:
        """A decision's explanations in `lang` (remembered per decision: the rules hand out the same ones)."""
        return self._remembered(("texts", id(decision), lang), decision, lambda: {
            name: [text(lang) for text in getattr(decision, name)] for name in ("why", "to_confirm", "why_not", "would_change")})

    def _refusal(self, decision: Decision, lang: str) -> dict:
        return self._remembered(("refusal", id(decision), lang), decision, lambda: self._rendered_refusal(decision, lang)).copy()

    def _rendered_refusal(self, decision: Decision, lang: str) -> dict:
        texts = self._texts(decision, lang)
        return {
            "id": decision.service_id,
            "name": self.knowledge.catalogue.services[decision.service_id].name(lang),
            "why_not": texts["why_not"],
            "would_change": texts["would_change"],
        }

    def _fixed(self, service_id: str, version: RuleVersion, lang: str) -> dict:
        """What a recommendation says about a service and its rule version, whoever asks (cached)."""
        key = (service_id, id(version), lang)  # the rule book keeps its versions alive, so ids stay theirs
        if key not in self._fixed_by_version:
            self._fixed_by_version[key] = self._fixed_parts(service_id, version, lang)
        return self._fixed_by_version[key]

    def _fixed_parts(self, service_id: str, version: RuleVersion, lang: str) -> dict:
        """Render the fixed parts once."""
        service = self.knowledge.catalogue.services[service_id]
        return {
            "name": service.name(lang),
            "summary": service.summary(lang),
            "cost": service.cost(lang),
            "legal_basis": [ref.model_dump(mode="json") for ref in version.legal_basis],
            "last_verified": min(version.last_verified, service.last_verified).isoformat(),
        }

    def _names_region(self, service_id: str, operator: int) -> bool:
        """Whether an operator's contact or steps (or the service's) hold `{region...}` placeholders."""
        service = self.knowledge.catalogue.services[service_id]
        contact = service.operators[operator]
        texts = [contact.url, *contact.name.every()]
        texts += [t for step in contact.steps + service.next_steps for t in (step.url, *step.text.every())]
        return any("{" in text for text in texts if text)

    def _resolved_contact(self, service_id: str, operator: int, region_code: str | None, lang: str) -> dict:
        """The operator's name, link and phone, filled in for the region (cached)."""
        contact: Contact = self.knowledge.catalogue.services[service_id].operators[operator]
        region = self.knowledge.catalogue.regions.get(region_code)
        return {"name": fill(contact.name(lang), region, lang), "url": fill(contact.url, region, lang), "phone": contact.phone}

    def _resolved_steps(self, service_id: str, operator: int, region_code: str | None, lang: str) -> list[dict]:
        """The operator's own steps, then the service's, filled in for the region (cached)."""
        region = self.knowledge.catalogue.regions.get(region_code)
        service = self.knowledge.catalogue.services[service_id]
        steps: tuple[Step, ...] = service.operators[operator].steps + service.next_steps
        return [{"text": fill(s.text(lang), region, lang), "url": fill(s.url, region, lang), "phone": s.phone} for s in steps]


def _operator_index(service: Service, profile: Profile) -> int:
    """The position of the first operator whose `when` matches the person (the last one matches everybody)."""
    last = len(service.operators) - 1
    return 0 if last == 0 else next(i for i, op in enumerate(service.operators) if i == last or op.when.matches(profile))


def service_view(service: Service, lang: str) -> dict:
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
