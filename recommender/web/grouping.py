"""The results page's shape: a few services to start with, the others grouped by what they help with.

For now the services to start with are the first ones of the ranking, and a service's group is the first theme its
catalogue entry lists (`audience.themes`); the pathway (issue 14) will replace the first part with an ordered plan.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from flask_babel import lazy_gettext as _l

from ..domain.catalogue import Catalogue

FIRST_SERVICES = 3  # shown in full at the top
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
    """The recommendations as the results page shows them."""

    first: list[dict]
    groups: list[Group]

    @property
    def others(self) -> int:
        """How many services the groups hold."""
        return sum(len(group.items) for group in self.groups)


def layout(recommendations: list[dict], catalogue: Catalogue, first: int = FIRST_SERVICES) -> Layout:
    """The first services of the ranking, then the rest grouped; groups come in the order of their best service."""
    groups: dict[str, Group] = {}
    for item in recommendations[first:]:
        theme = main_theme(item["id"], catalogue)
        groups.setdefault(theme, Group(theme)).items.append(item)
    return Layout(first=recommendations[:first], groups=list(groups.values()))


def main_theme(service_id: str, catalogue: Catalogue) -> str:
    """The first theme the catalogue lists for a service (its main purpose)."""
    service = catalogue.services.get(service_id)
    return service.audience.themes[0] if service else "other"
