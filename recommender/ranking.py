"""Order the services the rules let through. The rules filter; ranking only re-orders."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

from .catalogue import Catalogue
from .profile import Profile
from .texts import Text


@dataclass(frozen=True)
class Ranked:
    """One service's place: its score in [0, 1] and why it sits there."""

    service_id: str
    score: float
    reason: Text | None = None


class Ranker(Protocol):
    """Anything that orders candidate services for a profile."""

    def rank(self, profile: Profile, candidates: list[str]) -> list[Ranked]:
        """The candidates, best first; the same set, never more or fewer."""


class PriorityRanker:
    """The fixed order of the catalogue's `priority` (lower first): the baseline."""

    def __init__(self, catalogue: Catalogue):
        self._priority = {sid: service.priority for sid, service in catalogue.services.items()}

    def rank(self, profile: Profile, candidates: list[str]) -> list[Ranked]:
        """Sort by priority, then id, scoring by position."""
        ordered = sorted(candidates, key=lambda sid: (self._priority[sid], sid))
        count = len(ordered)
        return [Ranked(sid, round(1 - index / count, 4)) for index, sid in enumerate(ordered)]
