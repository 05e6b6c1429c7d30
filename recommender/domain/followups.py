"""Follow-up questions asked only when they change the answer: the unanswered facts that would settle at least one
"possible" service for this person on this day, most decisive first.

Derived from the rules themselves: the decision tables know, for every class of answers, which unanswered facts
have an answer that turns the decision into "eligible" or "ineligible" (tables._settling); a request only reads it.
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
from .tables import Decided, DecisionTables


@dataclass(frozen=True)
class FollowUp:
    """An unanswered fact, and the possible services some answer to it would settle (catalogue id order)."""

    field: str
    services: tuple[str, ...]


def follow_ups(tables: DecisionTables, profile: Profile, day: dt.date, found: Decided | None = None) -> list[FollowUp]:
    """The facts worth asking this person, most decisive (most services settled) first; none when every answer that
    matters is given. `found` is the profile's decisions on `day`, when the caller already has them."""
    found = found or tables.decided(profile, day)
    masks = tables.settles[found.slots]
    open_ = np.flatnonzero((found.verdicts == UNKNOWN) & (masks != 0)).tolist()
    if not open_:
        return []
    # A bit is set only where its fact is unanswered (tables._settling): what is left is whether it means something.
    open_masks = [int(masks[position]) for position in open_]
    union = 0
    for mask in open_masks:
        union |= mask
    core = {name: getattr(profile, name) for name in CORE_FIELDS}
    settled = {name: tuple(found.services[p] for p, mask in zip(open_, open_masks) if mask >> bit & 1)
               for bit, name in enumerate(OPTIONAL_FIELDS) if union >> bit & 1 and applies(name, core)}
    order = sorted(settled, key=lambda name: (-len(settled[name]), OPTIONAL_FIELDS.index(name)))
    return [FollowUp(name, settled[name]) for name in order]


def _question(field: str, lang: str) -> dict[str, Any]:
    """A fact's question in `lang`, as plain data (without the services it settles)."""
    return QUESTIONS[field].rendered(field, lang)


# Translated once per fact and language: an answer carries its questions every time.
_questions = cached("question", _question)


def follow_up_questions(tables: DecisionTables, profile: Profile, day: dt.date, lang: str,
                        found: Decided | None = None) -> list[dict[str, Any]]:
    """The follow-up questions for a person, as plain data in `lang`, most decisive first: each with its `field`
    (the profile field to send back), `question`, `multiple` (several values may be chosen: send a list), the
    allowed `values` with their `label`, and the ids of the `services` that an answer would settle."""
    return [{**_questions(item.field, lang), "services": list(item.services)} for item in follow_ups(tables, profile, day, found)]
