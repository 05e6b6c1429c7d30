"""Static analysis of the rules over the whole answer space.

Every age x status x region x disability x education level (x cadre answer) is
covered, but not one by one: two values of a field that no condition tells apart
behave identically, so each field is split into classes of values that every
condition treats alike, and one representative per class is evaluated. The
result is exhaustive, and fast enough to run at every check.
"""

from __future__ import annotations

import datetime as dt
import itertools
import statistics
import time
from dataclasses import dataclass, field

from .conditions import NO, YES, AllOf, AnyOf, Confirm, FieldTest, NotOf
from .eligibility import verdict
from .profile import EARLIEST_AS_OF, EXECUTIVE_STATUSES, FIELD_VALUES, MAX_AGE, MIN_AGE, Profile
from .rules import RuleBook, RuleVersion, ServiceRules

SPACE_FIELDS = ("age", "status", "region", "disability", "education_level")


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


def field_values() -> dict[str, tuple]:
    """Every value each profile field can take."""
    return {"age": tuple(range(MIN_AGE, MAX_AGE + 1)), **FIELD_VALUES}


def leaves_with_polarity(node, negated: bool = False):
    """Each field test with whether it sits under an odd number of `not`s."""
    if isinstance(node, FieldTest):
        yield node, negated
    elif isinstance(node, NotOf):
        yield from leaves_with_polarity(node.not_, not negated)
    elif isinstance(node, (AllOf, AnyOf)):
        for part in node.all if isinstance(node, AllOf) else node.any:
            yield from leaves_with_polarity(part, negated)
    elif not isinstance(node, Confirm):
        raise TypeError(f"unknown condition {node!r}")


def value_classes(book: RuleBook) -> dict[str, list[tuple[object, int]]]:
    """For each field, (representative value, class size) for values no condition tells apart."""
    tests = [leaf for rules in book.services.values() for v in rules.versions for leaf, _ in leaves_with_polarity(v.eligible_when)]
    classes = {}
    for name, values in field_values().items():
        relevant = [leaf for leaf in tests if leaf.field == name]
        groups: dict[tuple, list] = {}
        for value in values:
            groups.setdefault(tuple(value in leaf._accepts for leaf in relevant), []).append(value)
        classes[name] = [(members[0], len(members)) for members in groups.values()]
    return classes


def representative_profiles(book: RuleBook) -> list[tuple[Profile, int]]:
    """One profile per class of equivalent answers, with how many real answer sets it stands for."""
    classes = value_classes(book)
    profiles = []
    for combo in itertools.product(*(classes[name] for name in SPACE_FIELDS)):
        answers = {name: value for name, (value, _) in zip(SPACE_FIELDS, combo)}
        weight = 1
        for _, size in combo:
            weight *= size
        executive_answers = [None] + ([True, False] if answers["status"] in EXECUTIVE_STATUSES else [])
        for executive in executive_answers:
            profiles.append((Profile.model_construct(**answers, executive=executive, goals=()), weight))
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


def check(book: RuleBook, today: dt.date | None = None) -> Report:
    """Run every check: examples, dead conditions, rules that never match, empty-handed profiles."""
    started = time.perf_counter()
    today = today or dt.date.today()
    report = Report()
    profiles = representative_profiles(book)
    dates = check_dates(book, today)
    _check_examples(book, today, report)
    for rules in book.services.values():
        for index, version in enumerate(rules.versions):
            _check_version(rules, index, version, profiles, report)
    _check_coverage(book, profiles, dates, today, report)
    values = field_values()
    plain = 1
    for name in SPACE_FIELDS:
        plain *= len(values[name])
    report.facts.insert(0, f"answer space: {plain:,} profiles (age x status x region x disability x education level), "
                           f"{len(profiles):,} equivalence classes including the cadre answer, at {len(dates)} dates "
                           f"({', '.join(d.isoformat() for d in dates)})")
    report.seconds = time.perf_counter() - started
    return report


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


def _check_version(rules: ServiceRules, index: int, version: RuleVersion, profiles, report: Report) -> None:
    """A rule must let someone in, and each of its conditions must be able to hold for someone it lets in."""
    where = f"rules/{rules.service}.yaml (version {index + 1})"
    condition = version.eligible_when
    passing = [p for p, _ in profiles if condition.value(p) != NO]
    if not passing:
        report.errors.append(f"{where}: the rule can never match: no profile is eligible or possible")
        return
    for leaf, negated in leaves_with_polarity(condition):
        wanted = NO if negated else YES
        if not any(leaf.value(p) == wanted for p in passing):
            report.errors.append(f"{where}: the condition on '{leaf.field}' ({leaf.holds.en!r}) can never hold for anyone the rule lets in")
        elif leaf is not condition and not negated and all(leaf.value(p) == YES for p, _ in profiles):
            report.warnings.append(f"{where}: the condition on '{leaf.field}' ({leaf.holds.en!r}) always holds; is it needed?")


def _check_coverage(book: RuleBook, profiles, dates: list[dt.date], today: dt.date, report: Report) -> None:
    """Nobody leaves empty-handed: at every date every profile has at least one eligible service."""
    counts = []
    for day in dates:
        versions = [(r.version_on(day)) for r in book.services.values()]
        versions = [v for v in versions if v is not None]
        for profile, weight in profiles:
            values = [v.eligible_when.value(profile) for v in versions]
            if YES not in values:
                shown = profile.model_dump(exclude={"goals"}, exclude_none=True)
                report.errors.append(f"on {day}: no eligible service at all for {shown} (and {weight - 1:,} equivalent profiles)")
            if day == today:
                counts.append(sum(1 for v in values if v != NO))
    if counts:
        report.facts.append(f"services per profile today (eligible or to confirm): min {min(counts)}, median {statistics.median(counts):g}, max {max(counts)}")
