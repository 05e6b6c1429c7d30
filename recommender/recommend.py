"""Profile in, explained and ranked recommendations out: the one function every front end calls."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from .catalogue import Catalogue, Contact, Service, Step, fill, load_catalogue
from .eligibility import Decision, decide_all
from .profile import Profile
from .ranking import PriorityRanker, Ranked, Ranker
from .rules import RuleBook, load_rules


@dataclass(frozen=True)
class Knowledge:
    """What the service knows, loaded and validated once: catalogue and rules."""

    catalogue: Catalogue
    rules: RuleBook

    @classmethod
    def load(cls, rules_dir: Path, data_dir: Path) -> "Knowledge":
        """Load the catalogue, then the rules that must name its services."""
        catalogue = load_catalogue(data_dir)
        return cls(catalogue=catalogue, rules=load_rules(rules_dir, frozenset(catalogue.services)))

    @property
    def versions(self) -> dict[str, str]:
        """The versions an answer carries."""
        return {"rules": self.rules.version, "catalogue": self.catalogue.version}


class Recommender:
    """Knowledge plus a ranker; `recommend` is pure: same inputs, same answer."""

    def __init__(self, knowledge: Knowledge, ranker: Ranker | None = None):
        self.knowledge = knowledge
        self.ranker = ranker or PriorityRanker(knowledge.catalogue)
        self._steps = lru_cache(maxsize=4096)(self._resolved_steps)

    def decisions(self, profile: Profile, as_of: dt.date) -> list[Decision]:
        """Every service's eligibility decision."""
        return decide_all(self.knowledge.rules, profile, as_of)

    def recommend(self, profile: Profile, as_of: dt.date, lang: str = "fr") -> dict:
        """The full answer: ranked recommendations and the services that do not fit, in `lang`."""
        decisions = self.decisions(profile, as_of)
        by_id = {d.service_id: d for d in decisions}
        candidates = [d.service_id for d in decisions if d.eligibility != "ineligible"]
        ranked = self.ranker.rank(profile, candidates)
        return {
            "profile": profile.model_dump(mode="json"),
            "as_of": as_of.isoformat(),
            "versions": self.knowledge.versions,
            "recommendations": [self._recommendation(r, position, by_id[r.service_id], profile, lang) for position, r in enumerate(ranked, 1)],
            "not_eligible": [self._refusal(d, lang) for d in decisions if d.eligibility == "ineligible"],
        }

    def _recommendation(self, ranked: Ranked, rank: int, decision: Decision, profile: Profile, lang: str) -> dict:
        service = self.knowledge.catalogue.services[ranked.service_id]
        operator = service.operator_for(profile)
        version = decision.version
        return {
            "id": service.id,
            "name": service.name(lang),
            "summary": service.summary(lang),
            "eligibility": decision.eligibility,
            "rank": rank,
            "score": ranked.score,
            "ranking_reason": ranked.reason(lang) if ranked.reason else None,
            "why": [text(lang) for text in decision.why],
            "to_confirm": [text(lang) for text in decision.to_confirm],
            "next_steps": self._steps(service.id, operator, profile.region, lang),
            "operator": self._contact(operator, profile.region, lang),
            "cost": service.cost(lang),
            "legal_basis": [ref.model_dump(mode="json") for ref in version.legal_basis],
            "last_verified": min(version.last_verified, service.last_verified).isoformat(),
        }

    def _refusal(self, decision: Decision, lang: str) -> dict:
        service = self.knowledge.catalogue.services[decision.service_id]
        return {
            "id": service.id,
            "name": service.name(lang),
            "why_not": [text(lang) for text in decision.why_not],
            "would_change": [text(lang) for text in decision.would_change],
        }

    def _contact(self, contact: Contact, region_code: str, lang: str) -> dict:
        region = self.knowledge.catalogue.regions[region_code]
        return {"name": fill(contact.name(lang), region, lang), "url": fill(contact.url, region, lang), "phone": contact.phone}

    def _resolved_steps(self, service_id: str, operator, region_code: str, lang: str) -> list[dict]:
        """The operator's own steps, then the service's, filled in for the region (cached)."""
        region = self.knowledge.catalogue.regions[region_code]
        steps: tuple[Step, ...] = operator.steps + self.knowledge.catalogue.services[service_id].next_steps
        return [{"text": fill(s.text(lang), region, lang), "url": fill(s.url, region, lang), "phone": s.phone} for s in steps]


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
