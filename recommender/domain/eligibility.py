"""Decide, for one profile and one date, whether a service's rule lets the person in, and explain why."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from .conditions import NO, UNKNOWN, YES, Outcome
from .explaining import EVERYTHING, Reach, changes, merged, why_shown
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
    near_miss: bool = False  # refused, and one change that can happen to the person would open it (reach.py)


def decide(rules: ServiceRules, profile: Profile, day: dt.date) -> Decision:
    """Evaluate the rule version in force on `day`; no version means the service did not exist."""
    version = rules.version_on(day)
    return not_in_force(rules) if version is None else decide_version(rules, version, profile)


def not_in_force(rules: ServiceRules) -> Decision:
    """The refusal for a day no version of the rule covers."""
    return Decision(rules.service, "ineligible", why_not=() if rules.not_in_force is None else (rules.not_in_force,))


def decide_version(rules: ServiceRules, version: RuleVersion, profile: Profile) -> Decision:
    """One version's verdict for a profile, with its explanations (what the person can reach is read from the
    version's compiled column, as the decision tables do)."""
    from .tables import reach_of  # the tables build on this module

    return decision_of(rules, version, version.eligible_when.explain(profile), reach_of(rules, version, profile))


def decision_of(rules: ServiceRules, version: RuleVersion, outcome: Outcome, reach: Reach = EVERYTHING) -> Decision:
    """A version's evaluated condition as a decision: verdict and reasons, one per answer (explaining.py)."""
    why = merged(outcome.holds, ages=True, strongest=True)
    to_confirm = merged(outcome.unknowns)
    if not why and outcome.value == UNKNOWN:
        why = (why_shown(len(to_confirm)),)
    return Decision(
        service_id=rules.service,
        eligibility=VERDICT[outcome.value],
        why=why,
        to_confirm=to_confirm,
        why_not=merged(outcome.fails, strongest=True),
        would_change=changes(outcome.fails, reach),
        version=version,
        near_miss=outcome.value == NO and reach.near,
    )


def verdict(rules: ServiceRules, profile: Profile, day: dt.date) -> Eligibility:
    """The verdict alone, without building explanations (for bulk checks)."""
    version = rules.version_on(day)
    return "ineligible" if version is None else VERDICT[version.eligible_when.value(profile)]
