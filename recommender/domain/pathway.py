"""The pathway: at most three first steps, in order, each with one action, from an answer's ranked recommendations and
the catalogue's `leads_to` links (which service opens the way to which).

The ranker chooses which services come first; the catalogue says in which order to go to them: a service that another
recommended service leads to (the CEJ, through the Mission locale) is placed after that one, which is brought into the
plan if the ranking left it out. Only `eligible` services start a step; a `possible` one comes in only through a service
that leads to it (its adviser confirms the condition). Indexed once per catalogue; a plan costs one pass over the list.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from .catalogue import Catalogue
from .i18n import N_, translate

MAX_STEPS = 3
THROUGH = N_("At step %(step)d (%(via)s), ask your adviser about it.")


@dataclass(frozen=True)
class Links:
    """The catalogue's links, read once: who leads to each service, and each service's "what to bring" texts."""

    leading_to: dict[str, tuple[str, ...]]
    bring: dict[str, frozenset[str]]

    @classmethod
    def of(cls, catalogue: Catalogue) -> Links:
        """Index `leads_to` backwards (in catalogue order) and the texts of the steps marked `bring`."""
        leading: dict[str, list[str]] = {}
        bring: dict[str, frozenset[str]] = {}
        for service in catalogue.services.values():
            for target in service.leads_to:
                leading.setdefault(target, []).append(service.id)
            steps = service.next_steps + tuple(step for operator in service.operators for step in operator.steps)
            bring[service.id] = frozenset(text for step in steps if step.bring for text in step.text.every())
        return cls({target: tuple(sources) for target, sources in leading.items()}, bring)


def plan(recommendations: list[dict[str, Any]], links: Links, lang: str) -> list[dict[str, Any]]:
    """The first steps for the person these ranked recommendations are for (see the module's docstring)."""
    by_id = {item["id"]: item for item in recommendations}
    placed: list[str] = []
    for item in recommendations:
        if len(placed) == MAX_STEPS:
            break
        if item["id"] in placed:
            continue
        before = _before(item["id"], by_id, links)
        if before and not set(before) & set(placed):  # reached through a service not yet in the plan: that one first
            if len(placed) <= MAX_STEPS - 2 and _starts(by_id[before[0]], placed, by_id, links):
                placed += [before[0], item["id"]]
        elif before or item["eligibility"] == "eligible":
            placed.append(item["id"])
    return [_step(by_id[service_id], number, placed, by_id, links, lang) for number, service_id in enumerate(placed, 1)]


def _before(service_id: str, by_id: dict[str, dict[str, Any]], links: Links) -> list[str]:
    """The eligible recommended services that lead to this one, best-ranked first (one still to confirm opens no way)."""
    sources = [source for source in links.leading_to.get(service_id, ()) if source in by_id and by_id[source]["eligibility"] == "eligible"]
    return sorted(sources, key=lambda source: by_id[source]["rank"])


def _starts(item: dict[str, Any], placed: list[str], by_id: dict[str, dict[str, Any]], links: Links) -> bool:
    """Whether a service brought in before another can take a step itself: not reached through a recommended service
    still missing from the plan."""
    before = _before(item["id"], by_id, links)
    return not before or bool(set(before) & set(placed))


def _step(item: dict[str, Any], number: int, placed: list[str], by_id: dict[str, dict[str, Any]], links: Links, lang: str) -> dict[str, Any]:
    """One step: the service, the step it is reached through, why, the one thing to do and what to bring."""
    earlier = [(placed.index(source), source) for source in _before(item["id"], by_id, links) if source in placed[: number - 1]]
    after = min(earlier)[1] if earlier else None
    bring_texts = links.bring.get(item["id"], frozenset())
    bring = next((step["text"] for step in item["next_steps"] if step["text"] in bring_texts), None)
    action = next((step for step in item["next_steps"] if step["text"] != bring), item["next_steps"][0])
    if after is not None:
        reason = translate(lang, THROUGH, step=placed.index(after) + 1, via=by_id[after]["name"])
    else:
        reason = item["ranking_reason"] or (item["why"][0] if item["why"] else item["summary"])
    return {
        "step": number,
        "id": item["id"],
        "name": item["name"],
        "after": after,
        "reason": reason,
        "action": dict(action),
        "where": dict(item["operator"]),
        "bring": bring,
    }
