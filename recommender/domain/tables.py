"""The rules compiled once, at load, into decision tables: what a request reads to know every service's decision.

A rule version's decision, explanations included, depends on a profile only through the classes of answers that its
own field tests tell apart (`values.answer_classes`): a version that reads age in 3 classes and status in 2 can give
at most 6 decisions, whatever the answers. Each version (a *column*) is compiled into its table of decisions, one per
combination of classes (a *slot*), made once. A profile's slot in every column is a sum of weights (one row of the
weight matrix per answer, mixed radix), computed for all columns at once by numpy, so that a request costs a few
array operations whatever the size of the catalogue. Each period of validity (the days between two dates at which
some version starts or stops) picks, for every service, the column in force; a service not in force is a column
with one slot: its `not_in_force` refusal.
"""

from __future__ import annotations

import datetime as dt
import itertools
from bisect import bisect_right
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt

from .conditions import NO, UNKNOWN, YES, FieldTest, Outcome
from .eligibility import CODE, Decision, decision_of, not_in_force
from .explaining import Reach
from .profile import APPLIES_WHEN, Profile
from .reach import class_reach, futures, refine
from .rules import RuleBook, RuleVersion, ServiceRules
from .settling import PAIRS, settling
from .values import FIELD_ANSWERS, Answer, answer_classes, fields_read, leaves_with_polarity

# A version whose tests split the answers into more combinations than this is refused at load: its table would
# take long to make and much memory, and so many cases cannot be reviewed; such a rule is better split in two.
MAX_SLOTS = 100_000
Ints = npt.NDArray[np.int64]
Settles = tuple[tuple[int, ...], tuple[tuple[int, int], ...]]  # facts settling alone, pairs settling jointly (positions in OPTIONAL_FIELDS)


class TooManyCases(ValueError):
    """A rule version's tests give more combinations of answers than the tables may hold."""


@dataclass(frozen=True)
class Column:
    """One rule version of one service (or its dates without a version), and the answer classes its tests read."""

    service: str
    version: RuleVersion | None
    fields: tuple[str, ...]
    classes: tuple[tuple[tuple[Answer, ...], ...], ...]  # per field read: its classes, each the answers it holds

    @property
    def slots(self) -> int:
        """How many combinations of classes (and so decisions at most) this column has."""
        return int(np.prod([len(classes) for classes in self.classes], dtype=np.int64))

    def cases(self) -> Iterator[tuple[Profile, bool]]:
        """One profile per slot, in slot order, and whether some real person's answers fall in that slot."""
        for choice in itertools.product(*self.classes):
            answers, realisable = _representative(self.fields, choice)
            yield Profile.model_construct(**answers), realisable


def _representative(fields: Sequence[str], choice: Sequence[Sequence[Answer]]) -> tuple[dict[str, Any], bool]:
    """An answer from each chosen class, agreeing where it can with the answers that optional answers need."""
    needed: dict[str, set[Answer]] = {}
    for name, members in zip(fields, choice):
        if name in APPLIES_WHEN and members[0] is not None:
            other, allowed = APPLIES_WHEN[name]
            needed[other] = needed.get(other, set(allowed)) & set(allowed)
    answers: dict[str, Any] = {}
    realisable = all(needed.values())
    for name, members in zip(fields, choice):
        fitting = [answer for answer in members if name not in needed or answer in needed[name]]
        realisable = realisable and bool(fitting)
        answers[name] = (fitting or list(members))[0]
    return answers, realisable


def compile_column(rules: ServiceRules, version: RuleVersion | None) -> Column:
    """The column of one version: the fields its tests read and, for each, the classes they tell apart."""
    if version is None:
        return Column(rules.service, None, (), ())
    tests = [leaf for leaf, _ in leaves_with_polarity(version.eligible_when)]
    fields = fields_read(tests)
    classes = tuple(tuple(tuple(c) for c in refine(name, answer_classes(name, [t for t in tests if t.field == name]))) for name in fields)
    column = Column(rules.service, version, tuple(fields), classes)
    if column.slots > MAX_SLOTS:
        raise TooManyCases(f"rules/{rules.service}.yaml: a version's tests give {column.slots:,} combinations of answers "
                           f"(at most {MAX_SLOTS:,}); split the rule or simplify its tests")
    return column


@dataclass(frozen=True)
class Decided:
    """Every service's verdict for one profile and day, as a vector in catalogue id order; decisions read on demand."""

    services: tuple[str, ...]
    positions: dict[str, int]
    verdicts: npt.NDArray[np.int8]  # YES, UNKNOWN or NO per service
    numbers: Ints  # each service's decision, by its number in the tables
    decisions: Sequence[Decision]
    slots: Ints  # each service's slot in the tables (the class of answers it decided on)

    def decision(self, position: int) -> Decision:
        """The decision of the service at `position`."""
        return self.decisions[int(self.numbers[position])]


class DecisionTables:
    """Every version of every rule compiled into its decisions, and for each period the version each service uses."""

    def __init__(self, book: RuleBook):
        """Compile every column, make every decision, and index the periods (the work of `decided`, done once)."""
        rules = list(book.services.values())
        self.rules = dict(book.services)
        self.services = tuple(r.service for r in rules)
        self.positions = {service: position for position, service in enumerate(self.services)}
        self.columns: list[Column] = []
        self.starts, by_period = _periods(rules)
        where: dict[tuple[str, dt.date | None], int] = {}  # (service, its version's first day; None: no version)
        for period in by_period:
            for r, version in zip(rules, period):
                if _key(r, version) not in where:
                    where[_key(r, version)] = len(self.columns)
                    self.columns.append(compile_column(r, version))
        self.period_columns = [np.array([where[_key(r, v)] for r, v in zip(rules, period)], dtype=np.int64) for period in by_period]
        self.fields = tuple(dict.fromkeys(name for column in self.columns for name in column.fields))
        self._rows = {name: {answer: row for row, answer in enumerate(FIELD_ANSWERS[name])} for name in self.fields}
        self._fill([self.rules[c.service] for c in self.columns])

    def _fill(self, rules: list[ServiceRules]) -> None:
        """The weight matrix, each column's first slot, and the table of decisions of every slot."""
        base = dict(zip(self.fields, np.cumsum([0, *(len(FIELD_ANSWERS[n]) for n in self.fields)]).tolist()))
        self.weights = np.zeros((sum(len(FIELD_ANSWERS[n]) for n in self.fields), len(self.columns)), dtype=np.int64)
        self.offsets = np.zeros(len(self.columns), dtype=np.int64)
        numbers: list[int] = []
        self.decisions: list[Decision] = []
        for index, (column, service_rules) in enumerate(zip(self.columns, rules)):
            self.offsets[index] = len(numbers)
            radix = column.slots
            for name, classes in zip(column.fields, column.classes):
                radix //= len(classes)  # the first field varies slowest, as in itertools.product
                for code, members in enumerate(classes):
                    for answer in members:
                        self.weights[base[name] + self._rows[name][answer], index] = code * radix
            numbers.extend(self._decisions_of(column, service_rules))
        self._row_base = base
        self.table = np.array(numbers, dtype=np.int64)
        self.verdicts = np.array([CODE[d.eligibility] for d in self.decisions], dtype=np.int8)
        self.near_misses = np.array([d.near_miss for d in self.decisions], dtype=bool)
        self._index_settling()

    def _index_settling(self) -> None:
        """Each slot's facts that settle its decision (settling.py), as the number of its distinct set of them: the
        sets are few, and a request reads one number per service (0: nothing to ask)."""
        self.settle_sets: list[Settles] = [((), ())]
        known: dict[Settles, int] = {((), ()): 0}
        ids: list[int] = []
        for index, column in enumerate(self.columns):
            alone, joint = settling(column.fields, [len(k) for k in column.classes], self.column_verdicts(index))
            for solo, pairs in zip(alone.tolist(), joint.tolist()):
                key = (_bits(solo), tuple(PAIRS[k] for k in _bits(pairs)))
                ids.append(known.setdefault(key, len(known)))
                if ids[-1] == len(self.settle_sets):
                    self.settle_sets.append(key)
        self.settle_ids = np.array(ids, dtype=np.int64)

    def _decisions_of(self, column: Column, rules: ServiceRules) -> Iterator[int]:
        """The number of each slot's decision, made once; slots that decide alike share one."""
        if column.version is None:
            self.decisions.append(not_in_force(rules))
            yield len(self.decisions) - 1
            return
        outcomes = list(_outcomes(column))
        reach = _reach(column, [outcome.value for outcome in outcomes])
        known: dict[tuple[object, ...], int] = {}
        for outcome, slot_reach in zip(outcomes, reach):
            decision = decision_of(rules, column.version, outcome, slot_reach)
            key = (decision.eligibility, decision.why, decision.to_confirm, decision.why_not, decision.would_change, decision.near_miss)
            if key not in known:
                known[key] = len(self.decisions)
                self.decisions.append(decision)
            yield known[key]

    def column_verdicts(self, index: int) -> npt.NDArray[np.int8]:
        """The verdict of each slot of column `index`, in slot order."""
        first = int(self.offsets[index])
        return self.verdicts[self.table[first:first + self.columns[index].slots]]

    def slots(self, profile: Profile) -> Ints:
        """The profile's slot in every column (all periods)."""
        try:
            rows = [self._row_base[name] + self._rows[name][getattr(profile, name)] for name in self.fields]
        except KeyError as error:
            raise ValueError(f"not a validated profile: answer {error.args[0]!r} is not one of its field's values") from None
        slots: Ints = self.offsets + self.weights[rows].sum(axis=0)
        return slots

    def columns_on(self, day: dt.date) -> Ints:
        """The column each service uses on `day`, in catalogue id order."""
        return self.period_columns[bisect_right(self.starts, day) - 1]

    def decided(self, profile: Profile, day: dt.date) -> Decided:
        """Every service's decision for a profile on a day."""
        slots = self.slots(profile)[self.columns_on(day)]
        numbers = self.table[slots]
        return Decided(self.services, self.positions, self.verdicts[numbers], numbers, self.decisions, slots)


def _outcomes(column: Column) -> Iterator[Outcome]:
    """Each slot's evaluated condition, in slot order."""
    assert column.version is not None
    condition = column.version.eligible_when
    where = {name: i for i, name in enumerate(column.fields)}
    # Each test's value in each class of its field (class 0 of an optional field is "not answered").
    tests = [(where[leaf.field], [UNKNOWN if members[0] is None else YES if members[0] in leaf.accepts else NO
                                  for members in column.classes[where[leaf.field]]]) for leaf in condition.leaves()]
    for codes in itertools.product(*(range(len(classes)) for classes in column.classes)):
        yield condition.outcome(iter([values[codes[field]] for field, values in tests]))


def _reach(column: Column, values: Sequence[int]) -> list[Reach]:
    """What the people of each slot can reach (reach.py): a future that opens the service, a single change that does,
    and which tests can turn for them."""
    shape = [len(classes) for classes in column.classes]
    matrices = [class_reach(name, classes) for name, classes in zip(column.fields, column.classes)]
    realisable = np.array([real for _, real in column.cases()], dtype=bool)
    steps = [class_reach(name, classes, near=True) for name, classes in zip(column.fields, column.classes)]
    opens, near = futures(matrices, steps, (np.array(values) != NO).reshape(shape) & realisable.reshape(shape))
    where = {name: i for i, name in enumerate(column.fields)}

    def turner(codes: tuple[int, ...]) -> Callable[[FieldTest, bool], bool]:
        """Whether, from these classes, a test's field can reach a class where the test says otherwise."""
        def turns(test: FieldTest, inside: bool) -> bool:
            axis = where[test.field]
            classes, row = column.classes[axis], matrices[axis][codes[axis]]
            return any(row[j] and members[0] is not None and (members[0] in test.accepts) != inside for j, members in enumerate(classes))
        return turns

    slots = itertools.product(*(range(n) for n in shape))
    return [Reach(bool(o), bool(n), turner(codes)) for codes, o, n in zip(slots, opens.reshape(-1), near.reshape(-1))]


def reach_of(rules: ServiceRules, version: RuleVersion, profile: Profile) -> Reach:
    """What a person can reach of one rule version, as its decision table says (for a decision made without tables)."""
    column = compile_column(rules, version)
    codes = [next(i for i, members in enumerate(classes) if getattr(profile, name) in members) for name, classes in zip(column.fields, column.classes)]
    slot = 0
    for code, classes in zip(codes, column.classes):
        slot = slot * len(classes) + code
    return _reach(column, [version.eligible_when.value(case) for case, _ in column.cases()])[slot]


def _bits(mask: int) -> tuple[int, ...]:
    """The positions of the bits set in `mask`."""
    return tuple(bit for bit in range(mask.bit_length()) if mask >> bit & 1)


def _key(rules: ServiceRules, version: RuleVersion | None) -> tuple[str, dt.date | None]:
    """What names a column: the service, and the first day of its version (versions never overlap)."""
    return rules.service, None if version is None else version.valid_from or dt.date.min


def _periods(rules: list[ServiceRules]) -> tuple[list[dt.date], list[list[RuleVersion | None]]]:
    """The first day of each period of validity, and the version each service has in force during it."""
    starts = {dt.date.min}
    for r in rules:
        for v in r.versions:
            starts.update(d for d in (v.valid_from, v.valid_until and v.valid_until + dt.timedelta(days=1)) if d)
    ordered = sorted(starts)
    return ordered, [[r.version_on(start) for r in rules] for start in ordered]
