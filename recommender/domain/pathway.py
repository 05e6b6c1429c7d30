"""The pathway: at most three first steps, in order, each with one action, from an answer's ranked recommendations and
the catalogue's `leads_to` links (which service opens the way to which); and the checks of those links when the
catalogue loads (`path_problems`).

The ranker chooses which services come first; the catalogue says in which order to go to them: a service that another
recommended service leads to (the CEJ, through the Mission locale) is placed after that one, which is brought into the
plan if the ranking left it out. Only `eligible` services start a step; a `possible` one comes in only through a service
that leads to it (its adviser confirms the condition). Indexed once per catalogue; a plan costs one pass over the list.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from .i18n import N_, translate
from .sourcefile import Loc

if TYPE_CHECKING:  # catalogue.py calls path_problems while loading: the models are only named here
    from .catalogue import Catalogue, Service, Step

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


def path_problems(service: Service, services: dict[str, Service]) -> Iterator[tuple[Loc, str]]:
    """`leads_to` names other known services and never leads back to this one; at most one step says what to bring."""
    for i, target in enumerate(service.leads_to):
        if target == service.id:
            yield ("leads_to", i), f"leads_to: {target} cannot lead to itself"
        elif target not in services:
            yield ("leads_to", i), f"leads_to: unknown service '{target}' (no data/services/{target}.yaml)"
        elif service.id in _reachable_from(target, services):
            yield ("leads_to", i), f"leads_to: {target} leads back to {service.id} (a loop)"
    marked: list[tuple[Loc, Step]] = [(("next_steps", i), s) for i, s in enumerate(service.next_steps) if s.bring]
    marked += [(("operators", i, "steps", j), s) for i, op in enumerate(service.operators) for j, s in enumerate(op.steps) if s.bring]
    for loc, step in marked:
        if step is not marked[0][1]:
            yield loc + ("bring",), "bring: only one step may say what to bring"
        elif any("{" in text for text in step.text.every()):
            yield loc + ("text",), "bring: a step that says what to bring cannot name the region"


def _reachable_from(start: str, services: dict[str, Service]) -> set[str]:
    """Every service reached from `start` through `leads_to` (unknown ids are left to their own problem)."""
    seen: set[str] = set()
    todo = [start]
    while todo:
        current = todo.pop()
        for target in services[current].leads_to if current in services else ():
            if target not in seen:
                seen.add(target)
                todo.append(target)
    return seen
