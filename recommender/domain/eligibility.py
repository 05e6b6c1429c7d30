"""Decide, for one profile and one date, whether a service's rule lets the person in, and explain why."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from .conditions import NO, UNKNOWN, YES, Outcome
from .profile import Profile
from .rules import Eligibility, RuleVersion, ServiceRules
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
    return not_in_force(rules) if version is None else decide_version(rules, version, profile)


def not_in_force(rules: ServiceRules) -> Decision:
    """The refusal for a day no version of the rule covers."""
    return Decision(rules.service, "ineligible", why_not=() if rules.not_in_force is None else (rules.not_in_force,))


def decide_version(rules: ServiceRules, version: RuleVersion, profile: Profile) -> Decision:
    """One version's verdict for a profile, with its explanations."""
    return decision_of(rules, version, version.eligible_when.explain(profile))


def decision_of(rules: ServiceRules, version: RuleVersion, outcome: Outcome) -> Decision:
    """A version's evaluated condition as a decision: verdict and reasons, each reason once."""
    return Decision(
        service_id=rules.service,
        eligibility=VERDICT[outcome.value],
        why=_unique(outcome.holds),
        to_confirm=_unique(outcome.unknowns),
        why_not=_unique(text for text, _ in outcome.fails),
        would_change=_unique(change for _, change in outcome.fails if change is not None),
        version=version,
    )


def verdict(rules: ServiceRules, profile: Profile, day: dt.date) -> Eligibility:
    """The verdict alone, without building explanations (for bulk checks)."""
    version = rules.version_on(day)
    return "ineligible" if version is None else VERDICT[version.eligible_when.value(profile)]


def _unique(texts: Iterable[Text]) -> tuple[Text, ...]:
    """Texts in order of first appearance, each once."""
    return tuple(dict.fromkeys(texts))
