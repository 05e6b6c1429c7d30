"""Follow-up questions asked only when they change the answer: the unanswered facts that would settle at least one
"possible" service for this person on this day, most decisive first.

Derived from the rules themselves: the decision tables know, for every class of answers, which unanswered facts
(or pairs of facts) have an answer that turns the decision into "eligible" or "ineligible" (settling.py); a
request only reads it.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

import numpy as np

from .facts import QUESTIONS
from .memo import cached
from .profile import APPLIES_WHEN, LANGS, OPTIONAL_FIELDS, Profile, applies
from .tables import Decided, DecisionTables


@dataclass(frozen=True)
class FollowUp:
    """An unanswered fact, and the possible services its answer would settle (catalogue id order): alone, or together
    with the facts in `together_with` (some services need two answers at once)."""

    field: str
    services: tuple[str, ...]
    together_with: tuple[str, ...] = ()
    alone: int = 0  # how many of `services` its answer settles alone


class Asker:
    """The follow-up questions that one set of decision tables gives: derived from each service's settling facts and
    from which facts mean something for the person, and remembered by those (people share them: see memo.CACHES)."""

    def __init__(self, tables: DecisionTables):
        """Remember the tables, and render every question in every language now (which reads the catalogues once,
        before the first answer); derivations are made on first use."""
        self.tables = tables
        self._rendered = cached("follow_ups", self._rendered_questions)
        self._question = cached("question", _question)
        for field in QUESTIONS:
            for lang in LANGS:
                self._question(field, lang)

    def follow_ups(self, profile: Profile, day: dt.date, found: Decided | None = None) -> tuple[FollowUp, ...]:
        """The facts worth asking this person, most decisive first (most services settled alone, then jointly); none
        when every answer that matters is given. `found`: the profile's decisions on `day`, when the caller has them."""
        ids = self.tables.settle_ids[(found or self.tables.decided(profile, day)).slots]
        return self._derived(ids.tobytes(), _conditions(profile)) if ids.any() else ()

    def questions(self, profile: Profile, day: dt.date, lang: str, found: Decided | None = None) -> list[dict[str, Any]]:
        """The follow-up questions for a person, as plain data in `lang`, most decisive first: each with its `field`
        (the profile field to send back), `question`, `multiple` (several values may be chosen: send a list), the
        allowed `values` with their `label`, the ids of the `services` that an answer would settle, and the fields
        that must be answered with it for some of them (`together_with`, empty when its answer settles them alone)."""
        ids = self.tables.settle_ids[(found or self.tables.decided(profile, day)).slots]
        return [dict(question) for question in self._rendered(ids.tobytes(), _conditions(profile), lang)] if ids.any() else []

    def _rendered_questions(self, ids: bytes, conditions: tuple[object, ...], lang: str) -> tuple[dict[str, Any], ...]:
        """The questions of `_derived`, rendered in `lang`."""
        return tuple({**self._question(item.field, lang), "services": list(item.services), "together_with": list(item.together_with)}
                     for item in self._derived(ids, conditions))

    def _derived(self, ids: bytes, conditions: tuple[object, ...]) -> tuple[FollowUp, ...]:
        """The follow-ups of a person whose services have these settling sets (`ids`, one per service) and whose
        answers that make facts meaningful are `conditions` (APPLIES_WHEN)."""
        sets = np.frombuffer(ids, dtype=np.int64)
        core = dict(zip(CONDITION_FIELDS, conditions))
        meaningful = [applies(name, core) for name in OPTIONAL_FIELDS]  # the facts a slot names are unanswered in it
        by_fact: dict[int, tuple[list[int], list[int], set[int]]] = {}  # fact -> (settled alone, jointly, partners)
        for position in np.flatnonzero(sets).tolist():
            alone, pairs = self.tables.settle_sets[int(sets[position])]
            for fact in (f for f in alone if meaningful[f]):
                by_fact.setdefault(fact, ([], [], set()))[0].append(position)
            for first, second in (p for p in pairs if meaningful[p[0]] and meaningful[p[1]]):
                for fact, partner in ((first, second), (second, first)):
                    entry = by_fact.setdefault(fact, ([], [], set()))
                    entry[1].append(position)
                    entry[2].add(partner)
        return _ordered(by_fact, self.tables.services)


# The answers on which a fact's meaning depends (APPLIES_WHEN): with the settling sets, all that decides the questions.
CONDITION_FIELDS = tuple(sorted({other for other, _ in APPLIES_WHEN.values()}))


def _conditions(profile: Profile) -> tuple[object, ...]:
    """The person's answers that decide which facts mean something for them."""
    return tuple(getattr(profile, name) for name in CONDITION_FIELDS)


def _ordered(by_fact: dict[int, tuple[list[int], list[int], set[int]]], services: tuple[str, ...]) -> tuple[FollowUp, ...]:
    """The follow-ups, most services settled alone first, then most settled jointly, then in the profile's order."""
    items = []
    for bit, (solo, paired, partners) in by_fact.items():
        settled = sorted(set(solo) | set(paired))
        items.append(FollowUp(OPTIONAL_FIELDS[bit], tuple(services[p] for p in settled),
                              tuple(OPTIONAL_FIELDS[p] for p in sorted(partners)), len(set(solo))))
    return tuple(sorted(items, key=lambda item: (-item.alone, -len(item.services), OPTIONAL_FIELDS.index(item.field))))


def _question(field: str, lang: str) -> dict[str, Any]:
    """A fact's question in `lang`, as plain data (without the services it settles)."""
    return QUESTIONS[field].rendered(field, lang)

