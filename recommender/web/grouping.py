"""The results page's shape: the pathway's first steps (domain/pathway.py), then the other services grouped by what
they help with: a service's group is the first theme its catalogue entry lists (`audience.themes`).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from flask_babel import lazy_gettext as _l

from ..domain.catalogue import Catalogue

THEME_LABELS = {
    "find_job": _l("Find a job"),
    "train": _l("Train"),
    "change_career": _l("Change career"),
    "validate_experience": _l("Have your experience recognised"),
    "choose_studies": _l("Choose your studies"),
    "return_to_education": _l("Go back to studies"),
    "disability": _l("Disability and health"),
    "engagement": _l("Volunteering and civic service"),
    "recognition": _l("Have a situation recognised"),
}


@dataclass
class Group:
    """Services that help with one thing, in the order of the ranking."""

    theme: str
    items: list[dict] = field(default_factory=list)

    @property
    def label(self) -> str:
        """What the services of this group help with, in the page's language."""
        return str(THEME_LABELS.get(self.theme, self.theme))


@dataclass(frozen=True)
class Layout:
    """The recommendations as the results page shows them: each pathway step with its recommendation, then groups."""

    steps: list[tuple[dict, dict]]
    groups: list[Group]

    @property
    def others(self) -> int:
        """How many services the groups hold."""
        return sum(len(group.items) for group in self.groups)


def layout(recommendations: list[dict], pathway: list[dict], catalogue: Catalogue) -> Layout:
    """The pathway's steps, then every other recommendation grouped; groups come in the order of their best service."""
    by_id = {item["id"]: item for item in recommendations}
    in_pathway = {step["id"] for step in pathway}
    groups: dict[str, Group] = {}
    for item in recommendations:
        if item["id"] not in in_pathway:
            groups.setdefault(main_theme(item["id"], catalogue), Group(main_theme(item["id"], catalogue))).items.append(item)
    return Layout(steps=[(step, by_id[step["id"]]) for step in pathway], groups=list(groups.values()))


def main_theme(service_id: str, catalogue: Catalogue) -> str:
    """The first theme the catalogue lists for a service (its main purpose)."""
    service = catalogue.services.get(service_id)
    return service.audience.themes[0] if service else "other"
