"""Decide, for one profile and one date, whether each service's rule lets the person in."""

from __future__ import annotations

import datetime as dt
import threading
from dataclasses import dataclass

import numpy as np

from .conditions import NO, UNKNOWN, YES
from .profile import FIELD_VALUES, MAX_AGE, MIN_AGE, Profile
from .rules import Eligibility, RuleBook, RuleVersion, ServiceRules
from .texts import Text

VERDICT: dict[int, Eligibility] = {YES: "eligible", UNKNOWN: "possible", NO: "ineligible"}
CODE: dict[Eligibility, int] = {eligibility: code for code, eligibility in VERDICT.items()}


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
    """Every service's decision, in catalogue id order."""
    found = decided(book, profile, day)
    return [found.decision(position) for position in range(len(found.services))]


@dataclass(frozen=True)
class Decided:
    """Every service's verdict for one profile, as a vector (catalogue id order); each decision read when needed."""

    services: tuple[str, ...]
    positions: dict[str, int]
    verdicts: np.ndarray  # YES, UNKNOWN or NO per service
    numbers: np.ndarray  # each service's decision in `kept` (-1: in `fresh`)
    kept: list[Decision]
    fresh: dict[int, Decision]

    def decision(self, position: int) -> Decision:
        """The decision of the service at `position`."""
        found = self.fresh.get(position)
        return found if found is not None else self.kept[self.numbers[position]]


def decided(book: RuleBook, profile: Profile, day: dt.date) -> Decided:
    """Every service's decision for a profile, without walking every service in Python (see _Index)."""
    index = _index(book, day)
    try:
        rows = [ANSWER_ROWS[name][getattr(profile, name)] for name in ANSWER_FIELDS]
    except KeyError:  # an answer outside the validated values (a hand-built profile): no shortcut
        fresh = {position: decide(rules, profile, day) for position, rules in enumerate(index.rules)}
        numbers = np.full(len(fresh), -1, dtype=np.int64)
        return index.answer(numbers, fresh)
    return index.decide_for(rows, profile, day)


# A rule's decision, explanations included, depends on the profile only through the values of its field tests
# (YES, NO, or UNKNOWN for an unanswered optional field): a rule with a handful of tests has a handful of
# distinct decisions, whatever the answers. They are made once and kept in one table for all services, and a
# profile's place in every service's part of it is computed for all services at once (numpy), so the cost per
# service stays a few nanoseconds as the catalogue grows instead of a Python loop's microseconds.
PATTERNS_LIMIT = 4096  # distinct decisions one service may keep; a rule with more is decided afresh each time
ANSWER_FIELDS = ("age", *FIELD_VALUES)  # every answer a rule may test
ANSWER_ROWS: dict[str, dict] = {  # each field's possible answers (None: unanswered) -> row in the weight tables
    name: {answer: row for row, answer in enumerate((None, *(range(MIN_AGE, MAX_AGE + 1) if name == "age" else FIELD_VALUES[name])))}
    for name in ANSWER_FIELDS
}


class _Index:
    """The remembered decisions of one set of rule versions (one per service), and where each profile finds them.

    For each service, each field it reads splits the field's answers into the few groups its tests cannot tell apart
    (codes 0, 1, ...); a profile's codes, combined in mixed radix, give its slot in the service's part of `table`,
    which holds the number of the decision made for that slot (-1 until one is needed)."""

    def __init__(self, rules: list[ServiceRules], versions: list[RuleVersion | None]):
        self.rules = rules
        self.weights = {name: np.zeros((len(ANSWER_ROWS[name]), len(rules)), dtype=np.int64) for name in ANSWER_FIELDS}
        self.offsets = np.zeros(len(rules), dtype=np.int64)
        self.unremembered: set[int] = set()
        size = 0
        for position, version in enumerate(versions):
            slots = self._weigh(position, version) if version is not None else 1  # no version: one decision for all
            if slots > PATTERNS_LIMIT:
                self.unremembered.add(position)
                for weights in self.weights.values():
                    weights[:, position] = 0
                slots = 1
            self.offsets[position] = size
            size += slots
        self.table = np.full(size, -1, dtype=np.int64)
        self.decisions: list[Decision] = []
        self.verdicts = np.zeros(size, dtype=np.int8)  # the verdict of each kept decision, by number
        self.services = tuple(r.service for r in rules)
        self.positions = {service: position for position, service in enumerate(self.services)}
        self._lock = threading.Lock()

    def _weigh(self, position: int, version: RuleVersion) -> int:
        """Fill the service's columns of the weight tables; the number of slots its decisions need."""
        leaves = list(version.eligible_when.leaves())
        slots = 1
        for name in dict.fromkeys(leaf.field for leaf in leaves):
            accepts = [leaf._accepts for leaf in leaves if leaf.field == name]
            codes: dict[tuple | None, int] = {}
            for answer, row in ANSWER_ROWS[name].items():
                tests = None if answer is None else tuple(answer in accepted for accepted in accepts)
                self.weights[name][row, position] = codes.setdefault(tests, len(codes)) * slots
            slots *= len(codes)
        return slots

    def decide_for(self, rows: list[int], profile: Profile, day: dt.date) -> Decided:
        """Every service's decision for a profile whose answers are at `rows` of the weight tables."""
        slots = self.offsets.copy()
        for name, row in zip(ANSWER_FIELDS, rows):
            slots += self.weights[name][row]
        numbers = self.table[slots]
        fresh: dict[int, Decision] = {}
        for position in np.flatnonzero(numbers < 0).tolist():  # first meetings (and unremembered rules)
            decision = decide(self.rules[position], profile, day)
            if position in self.unremembered:
                fresh[position] = decision
            else:
                numbers[position] = self._keep(int(slots[position]), decision)
        return self.answer(numbers, fresh)

    def answer(self, numbers: np.ndarray, fresh: dict[int, Decision]) -> Decided:
        """The verdicts and decisions of kept decision `numbers`, and of `fresh` ones (decided afresh, not kept)."""
        verdicts = self.verdicts[numbers]
        for position, decision in fresh.items():
            verdicts[position] = CODE[decision.eligibility]
        return Decided(self.services, self.positions, verdicts, numbers, self.decisions, fresh)

    def _keep(self, slot: int, decision: Decision) -> int:
        """Remember a decision for a slot (once, even when two threads made it at the same time); its number."""
        with self._lock:
            if self.table[slot] < 0:
                self.decisions.append(decision)
                number = self.table[slot] = len(self.decisions) - 1
                self.verdicts[number] = CODE[decision.eligibility]
            return int(self.table[slot])


_indexes: dict[tuple[int, ...], tuple[list, _Index]] = {}
_days: dict[tuple[int, dt.date], tuple[RuleBook, _Index]] = {}


def _index(book: RuleBook, day: dt.date) -> _Index:
    """The index of the versions in force on `day`, shared by every day with the same versions."""
    found = _days.get((id(book), day))
    if found is None or found[0] is not book:  # ids are reused once an object is gone
        rules = list(book.services.values())
        held = [*rules, *(r.version_on(day) for r in rules)]  # what an index is made of (and keeps alive)
        key = tuple(map(id, held))
        shared = _indexes.get(key)
        if shared is None or any(a is not b for a, b in zip(shared[0], held)):
            if len(_indexes) > 16:
                _indexes.clear()
            shared = _indexes[key] = (held, _Index(rules, held[len(rules):]))
        if len(_days) > 64:
            _days.clear()
        found = _days[(id(book), day)] = (book, shared[1])
    return found[1]


def verdict(rules: ServiceRules, profile: Profile, day: dt.date) -> Eligibility:
    """The verdict alone, without building explanations (for bulk checks)."""
    version = rules.version_on(day)
    return "ineligible" if version is None else VERDICT[version.eligible_when.value(profile)]


def _unique(texts) -> tuple[Text, ...]:
    """Texts in order of first appearance, each once."""
    return tuple(dict.fromkeys(texts))
