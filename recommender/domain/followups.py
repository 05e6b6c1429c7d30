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

from .conditions import UNKNOWN
from .facts import QUESTIONS
from .memo import cached
from .profile import CORE_FIELDS, OPTIONAL_FIELDS, Profile, applies
from .settling import PAIRS
from .tables import Decided, DecisionTables


@dataclass(frozen=True)
class FollowUp:
    """An unanswered fact, and the possible services its answer would settle (catalogue id order): alone, or together
    with the facts in `together_with` (some services need two answers at once)."""

    field: str
    services: tuple[str, ...]
    together_with: tuple[str, ...] = ()
    alone: int = 0  # how many of `services` its answer settles alone


def follow_ups(tables: DecisionTables, profile: Profile, day: dt.date, found: Decided | None = None) -> list[FollowUp]:
    """The facts worth asking this person, most decisive first (most services settled alone, then jointly); none when
    every answer that matters is given. `found` is the profile's decisions on `day`, when the caller already has them."""
    found = found or tables.decided(profile, day)
    alone, joint = tables.settles[found.slots], tables.settles_jointly[found.slots]
    open_ = np.flatnonzero((found.verdicts == UNKNOWN) & ((alone != 0) | (joint != 0))).tolist()
    if not open_:
        return []
    core = {name: getattr(profile, name) for name in CORE_FIELDS}
    meaningful = [applies(name, core) for name in OPTIONAL_FIELDS]  # the bits are set only for unanswered facts
    by_fact: dict[int, tuple[list[int], list[int], set[int]]] = {}  # fact -> (settled alone, jointly, partners)
    for position in open_:
        for bit in _bits(int(alone[position])):
            if meaningful[bit]:
                by_fact.setdefault(bit, ([], [], set()))[0].append(position)
        for pair in _bits(int(joint[position])):
            first, second = PAIRS[pair]
            if meaningful[first] and meaningful[second]:
                for fact, partner in ((first, second), (second, first)):
                    entry = by_fact.setdefault(fact, ([], [], set()))
                    entry[1].append(position)
                    entry[2].add(partner)
    return _ordered(by_fact, found.services)


def _bits(mask: int) -> list[int]:
    """The positions of the bits set in `mask`."""
    return [bit for bit in range(mask.bit_length()) if mask >> bit & 1]


def _ordered(by_fact: dict[int, tuple[list[int], list[int], set[int]]], services: tuple[str, ...]) -> list[FollowUp]:
    """The follow-ups, most services settled alone first, then most settled jointly, then in the profile's order."""
    items = []
    for bit, (solo, paired, partners) in by_fact.items():
        settled = sorted(set(solo) | set(paired))
        items.append(FollowUp(OPTIONAL_FIELDS[bit], tuple(services[p] for p in settled),
                              tuple(OPTIONAL_FIELDS[p] for p in sorted(partners)), len(set(solo))))
    return sorted(items, key=lambda item: (-item.alone, -len(item.services), OPTIONAL_FIELDS.index(item.field)))


def _question(field: str, lang: str) -> dict[str, Any]:
    """A fact's question in `lang`, as plain data (without the services it settles)."""
    return QUESTIONS[field].rendered(field, lang)


# Translated once per fact and language: an answer carries its questions every time.
_questions = cached("question", _question)


def follow_up_questions(tables: DecisionTables, profile: Profile, day: dt.date, lang: str,
                        found: Decided | None = None) -> list[dict[str, Any]]:
    """The follow-up questions for a person, as plain data in `lang`, most decisive first: each with its `field`
    (the profile field to send back), `question`, `multiple` (several values may be chosen: send a list), the
    allowed `values` with their `label`, the ids of the `services` that an answer would settle, and the fields that
    must be answered with it for some of them (`together_with`, empty when its answer settles them alone)."""
    return [{**_questions(item.field, lang), "services": list(item.services), "together_with": list(item.together_with)}
            for item in follow_ups(tables, profile, day, found)]
