"""Static analysis of the rules over the whole answer space.

Every age x status x region x disability x education level (and every optional
answer) is covered, but not one by one: two values of a field that no condition
tells apart behave identically, so each field is split into classes of values that
every condition treats alike, and one representative per class is evaluated. The
result is exhaustive, and fast enough to run at every check.
"""

from __future__ import annotations

import datetime as dt
import itertools
import statistics
import time
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from .conditions import NO, YES
from .eligibility import verdict
from .facts import question_problems
from .profile import APPLIES_WHEN, CORE_FIELDS, EARLIEST_AS_OF, OPTIONAL_FIELDS, Profile, applies
from .rules import RuleBook
from .tables import Column, DecisionTables
from .values import FIELD_ANSWERS, Answer, Test, answer_classes, confirms, leaves_with_polarity

SPACE_FIELDS = CORE_FIELDS
Weighted = list[tuple[Profile, int]]


@dataclass
class Report:
    """What `rules check` found: errors fail the check, warnings do not."""

    errors: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    facts: list[str] = field(default_factory=list)
    seconds: float = 0.0

    @property
    def ok(self) -> bool:
        """True when nothing is wrong."""
        return not self.errors


def value_classes(book: RuleBook) -> dict[str, list[tuple[Answer, int]]]:
    """For each field, (representative answer, class size) for the answers no condition tells apart.

    Whether an optional answer has a meaning (APPLIES_WHEN) counts as a test too, so that it is the same for a
    whole class."""
    tests = [leaf for rules in book.services.values() for v in rules.versions for leaf, _ in leaves_with_polarity(v.eligible_when)]
    classes = {}
    for name in FIELD_ANSWERS:
        relevant: list[Test] = [leaf for leaf in tests if leaf.field == name]
        relevant += [_Member(frozenset(allowed)) for other, allowed in APPLIES_WHEN.values() if other == name]
        classes[name] = [(members[0], len(members)) for members in answer_classes(name, relevant)]
    return classes


@dataclass(frozen=True)
class _Member:
    """A membership test, standing for what makes an optional answer meaningful."""

    accepts: frozenset[Any]


def representative_profiles(book: RuleBook) -> Weighted:
    """One profile per class of equivalent core answers, the optional ones unanswered, with how many real core answer
    sets it stands for."""
    classes = value_classes(book)
    profiles = []
    for combo in itertools.product(*(classes[name] for name in SPACE_FIELDS)):
        answers: dict[str, Any] = {name: value for name, (value, _) in zip(SPACE_FIELDS, combo)}
        weight = 1
        for _, size in combo:
            weight *= size
        answers.update(dict.fromkeys(OPTIONAL_FIELDS), goals=())
        profiles.append((Profile.model_construct(**answers), weight))
    return profiles


def check_dates(book: RuleBook, today: dt.date) -> list[dt.date]:
    """Each date on which some rule starts or stops applying, from 2019 to a year ahead, and today."""
    latest = today + dt.timedelta(days=366)
    dates = {EARLIEST_AS_OF, today}
    for rules in book.services.values():
        for version in rules.versions:
            if version.valid_from:
                dates.add(version.valid_from)
            if version.valid_until:
                dates.add(version.valid_until + dt.timedelta(days=1))
    return sorted(d for d in dates if EARLIEST_AS_OF <= d <= latest)


def check(book: RuleBook, today: dt.date | None = None, tables: DecisionTables | None = None) -> Report:
    """Run every check: examples, dead conditions, rules that never match, empty-handed profiles."""
    started = time.perf_counter()
    today = today or dt.date.today()
    tables = tables or DecisionTables(book)
    report = Report()
    profiles = representative_profiles(book)
    dates = check_dates(book, today)
    _check_examples(book, today, report)
    for index, column in enumerate(tables.columns):
        _check_column(tables, index, column, report)
    _check_coverage(tables, profiles, dates, today, report)
    _check_facts(book, report)
    report.facts.insert(0, _space(book, profiles, dates))
    report.seconds = time.perf_counter() - started
    return report


def _space(book: RuleBook, profiles: Weighted, dates: list[dt.date]) -> str:
    """The size of the answer space and of its equivalence classes, without and with the optional answers."""
    plain = 1
    for name in SPACE_FIELDS:
        plain *= len(FIELD_ANSWERS[name])
    classes = value_classes(book)
    counts = {name: (len(FIELD_ANSWERS[name]), len(classes[name])) for name in OPTIONAL_FIELDS}
    with_facts = [0, 0]
    for profile, weight in profiles:
        answers = {name: getattr(profile, name) for name in SPACE_FIELDS}
        factors = [counts[name] if applies(name, answers) else (1, 1) for name in OPTIONAL_FIELDS]
        with_facts[0] += weight * int(np.prod([f[0] for f in factors], dtype=np.int64))
        with_facts[1] += int(np.prod([f[1] for f in factors], dtype=np.int64))
    return (f"answer space: {plain:,} profiles (age x status x region x disability x education level), {len(profiles):,} "
            f"equivalence classes; with the optional answers ({', '.join(OPTIONAL_FIELDS)}, each also unanswered where it "
            f"applies): {with_facts[0]:,} answer sets, {with_facts[1]:,} equivalence classes; at {len(dates)} dates "
            f"({', '.join(d.isoformat() for d in dates)})")


def _check_examples(book: RuleBook, today: dt.date, report: Report) -> None:
    """Every worked example gives the result it promises."""
    count = 0
    for rules in book.services.values():
        for example in rules.examples:
            count += 1
            got = verdict(rules, example.profile, example.as_of or today)
            if got != example.expect:
                shown = example.profile.model_dump(exclude={"goals"}, exclude_none=True)
                report.errors.append(f"rules/{rules.service}.yaml: example {shown} on {example.as_of or today} expects {example.expect}, the rule gives {got}")
    report.facts.append(f"examples: {count} worked examples checked")


def _check_column(tables: DecisionTables, index: int, column: Column, report: Report) -> None:
    """A rule must let someone in, and each of its conditions must be able to hold for someone it lets in.

    A column's cases are every combination of answers its tests tell apart, optional answers included: checking
    them is checking every profile."""
    if column.version is None:
        return
    versions = tables.rules[column.service].versions
    where = f"rules/{column.service}.yaml (version {next(i for i, v in enumerate(versions) if v is column.version) + 1})"
    real = [(profile, code) for (profile, realisable), code in zip(column.cases(), tables.column_verdicts(index)) if realisable]
    cases = [profile for profile, _ in real]
    passing = [profile for profile, code in real if code != NO]
    if not passing:
        report.errors.append(f"{where}: the rule can never match: no profile is eligible or possible")
        return
    condition = column.version.eligible_when
    for leaf, negated in leaves_with_polarity(condition):
        wanted = NO if negated else YES
        if not any(leaf.value(p) == wanted for p in passing):
            report.errors.append(f"{where}: the condition on '{leaf.field}' ({leaf.holds('en')!r}) can never hold for anyone the rule lets in")
        elif leaf is not condition and not negated and all(leaf.value(p) == YES for p in cases):
            report.warnings.append(f"{where}: the condition on '{leaf.field}' ({leaf.holds('en')!r}) always holds; is it needed?")


def _check_coverage(tables: DecisionTables, profiles: Weighted, dates: list[dt.date], today: dt.date, report: Report) -> None:
    """Nobody leaves empty-handed: at every date every profile has at least one eligible service.

    Checked with the optional answers unanswered, which covers every answer to them: in three-valued logic an answer
    only turns an UNKNOWN into YES or NO, so a service eligible without it stays eligible with it."""
    counts = []
    for day in dates:
        for profile, weight in profiles:
            verdicts = tables.decided(profile, day).verdicts
            if not (verdicts == YES).any():
                shown = profile.model_dump(exclude={"goals"}, exclude_none=True)
                report.errors.append(f"on {day}: no eligible service at all for {shown} (and {weight - 1:,} equivalent profiles)")
            if day == today:
                counts.append(int((verdicts != NO).sum()))
    if counts:
        report.facts.append(f"services per profile today (eligible or to confirm, optional answers unanswered): "
                            f"min {min(counts)}, median {statistics.median(counts):g}, max {max(counts)}")


def _check_facts(book: RuleBook, report: Report) -> None:
    """Every optional fact has its question, and every `confirm` says why no question can settle it (a fact that a
    question settles is a field test on that fact, so that answering it settles the rule)."""
    report.errors.extend(question_problems())
    tested: set[str] = set()
    left = 0
    for rules in book.services.values():
        for index, version in enumerate(rules.versions):
            tested.update(leaf.field for leaf, _ in leaves_with_polarity(version.eligible_when) if leaf.field in OPTIONAL_FIELDS)
            for confirm in confirms(version.eligible_when):
                left += 1
                if confirm.unaskable is None:
                    report.errors.append(
                        f"rules/{rules.service}.yaml (version {index + 1}): the confirm {confirm.confirm('en')[:70]!r}... names no "
                        f"fact: write it as a field test on the fact a follow-up question asks, or say why none can with `unaskable:`")
    report.facts.append(f"follow-up facts the rules test: {', '.join(n for n in OPTIONAL_FIELDS if n in tested) or 'none'}; "
                        f"{left} confirms left, each saying why no question settles it")
