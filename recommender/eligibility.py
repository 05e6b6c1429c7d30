"""Decide, for one profile and one date, whether each service's rule lets the person in."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from operator import getitem, itemgetter

from .conditions import NO, UNKNOWN, YES
from .profile import FIELD_VALUES, MAX_AGE, MIN_AGE, Profile
from .rules import Eligibility, RuleBook, RuleVersion, ServiceRules
from .texts import Text

VERDICT: dict[int, Eligibility] = {YES: "eligible", UNKNOWN: "possible", NO: "ineligible"}


@dataclass(frozen=True)
class Decision:
    """One service's verdict for one person, with its reasons."""

    service_id: str
    eligibility: Eligibility
    why: tuple[Text, ...] = ()
    to_confirm: tuple[Text, ...] = ()
    why_not: tuple[Text, ...] = ()
    would_change: tuple[Text, ...] = ()
    version: RuleVersion | None = None


def decide(rules: ServiceRules, profile: Profile, day: dt.date) -> Decision:
    """Evaluate the rule version in force on `day`; no version means the service did not exist."""
    version = rules.version_on(day)
    if version is None:
        return Decision(rules.service, "ineligible", why_not=(rules.not_in_force,))
    outcome = version.eligible_when.explain(profile)
    return Decision(
        service_id=rules.service,
        eligibility=VERDICT[outcome.value],
        why=_unique(outcome.holds),
        to_confirm=_unique(outcome.unknowns),
        why_not=_unique(text for text, _ in outcome.fails),
        would_change=_unique(change for _, change in outcome.fails if change is not None),
        version=version,
    )


def decide_all(book: RuleBook, profile: Profile, day: dt.date) -> list[Decision]:
    """Every service's decision, in catalogue id order (the loop every answer runs once per service: kept tight)."""
    answers = tuple(getattr(profile, name) for name in ANSWER_FIELDS)
    decisions = []
    for rules, memo in _in_force(book, day):
        if memo is None:
            decisions.append(decide(rules, profile, day))
            continue
        try:
            key = tuple(map(getitem, memo.tables, memo.answers(answers)))
        except KeyError:  # an answer outside the validated values (a hand-built profile): no shortcut
            decisions.append(decide(rules, profile, day))
            continue
        found = memo.decisions.get(key)
        decisions.append(found if found is not None else memo.remember(key, rules, profile, day))
    return decisions


# A rule's decision, explanations included, depends on the profile only through the values of its field tests
# (YES, NO, or UNKNOWN for an unanswered optional field): a rule with a handful of tests has a handful of
# distinct decisions, whatever the answers. Each version keeps them, so deciding is a few lookups per service
# instead of a walk over the condition tree, and the cost per service stays flat as the catalogue grows.
MEMO_LIMIT = 4096  # distinct decisions kept per rule version; past it, decide without remembering
ANSWER_FIELDS = tuple(FIELD_VALUES) + ("age",)  # every answer a rule may test, read once per profile


class _Remembered:
    """One rule version's decisions, by the values its field tests take."""

    def __init__(self, version: RuleVersion):
        leaves = list(version.eligible_when.leaves())
        fields = tuple(dict.fromkeys(leaf.field for leaf in leaves))
        # For each field the rule reads: every possible answer -> the values of the tests on that field.
        self.tables = tuple(_answer_table([leaf._accepts for leaf in leaves if leaf.field == name], name) for name in fields)
        # The answers it reads, picked out of all of a profile's answers (ANSWER_FIELDS order), always as a tuple.
        read = itemgetter(*(ANSWER_FIELDS.index(name) for name in fields)) if fields else (lambda answers: ())
        self.answers = read if len(fields) != 1 else (lambda answers: (read(answers),))
        self.decisions: dict[tuple, Decision] = {}

    def remember(self, key: tuple, rules: ServiceRules, profile: Profile, day: dt.date) -> Decision:
        """Decide for test values not met before, and keep the decision (up to MEMO_LIMIT of them)."""
        found = decide(rules, profile, day)
        if len(self.decisions) < MEMO_LIMIT:
            self.decisions[key] = found
        return found


def _answer_table(accepts: list[frozenset], name: str) -> dict:
    """Each answer a field can take (None when unanswered) -> whether each test on that field accepts it."""
    answers = range(MIN_AGE, MAX_AGE + 1) if name == "age" else FIELD_VALUES[name]
    return {None: None, **{answer: tuple(answer in accepted for accepted in accepts) for answer in answers}}


_memos: dict[int, tuple[RuleVersion, _Remembered]] = {}
_days: dict[tuple[int, dt.date], tuple[RuleBook, list]] = {}


def _in_force(book: RuleBook, day: dt.date) -> list[tuple[ServiceRules, _Remembered | None]]:
    """Each service's rules with the memo of its version in force on `day` (None: no version then)."""
    found = _days.get((id(book), day))
    if found is None or found[0] is not book:  # ids are reused once an object is gone
        if len(_days) > 64:
            _days.clear()
        found = _days[(id(book), day)] = (book, [(rules, _memo(rules.version_on(day))) for rules in book.services.values()])
    return found[1]


def _memo(version: RuleVersion | None) -> _Remembered | None:
    """The memo of a version, made on first use."""
    if version is None:
        return None
    found = _memos.get(id(version))
    if found is None or found[0] is not version:
        found = _memos[id(version)] = (version, _Remembered(version))
    return found[1]


def verdict(rules: ServiceRules, profile: Profile, day: dt.date) -> Eligibility:
    """The verdict alone, without building explanations (for bulk checks)."""
    version = rules.version_on(day)
    return "ineligible" if version is None else VERDICT[version.eligible_when.value(profile)]


def _unique(texts) -> tuple[Text, ...]:
    """Texts in order of first appearance, each once."""
    return tuple(dict.fromkeys(texts))
