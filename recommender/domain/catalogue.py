"""The service catalogue (`data/services/*.yaml`), with the regions its texts are filled in for (regions.py)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path
from typing import Literal

from pydantic import Field, HttpUrl, field_validator, model_validator

from .profile import FIELD_VALUES, MAX_AGE, MIN_AGE, Profile
from .regions import PHONE_OR_PLACEHOLDER, Region, Regions, fill
from .rules import LegalReference, Source, content_version, https_only
from .sourcefile import DataFileError, Loc, load_yaml, validate_files
from .texts import Frozen, Text

# Audience vocabulary shared by the catalogue and the ranker.
Public = Literal[
    "everyone", "young", "minors", "pupils", "students", "apprentices", "employees", "civil_servants",
    "self_employed", "job_seekers", "inactive", "executives", "graduates", "disabled", "low_qualified", "overseas",
]
Theme = Literal[
    "choose_studies", "find_job", "change_career", "train", "validate_experience", "return_to_education",
    "disability", "engagement", "recognition",
]
Help = Literal["information", "counselling", "support", "training", "funding"]


class Contact(Frozen):
    """A named organisation a person can reach."""

    name: Text
    url: str | None = None
    phone: str | None = Field(default=None, pattern=PHONE_OR_PLACEHOLDER)




class Audience(Frozen):
    """Who a service is for and what kind of help it gives (features for the ranker)."""

    publics: tuple[Public, ...] = Field(min_length=1)
    themes: tuple[Theme, ...] = Field(min_length=1)
    help: tuple[Help, ...] = Field(min_length=1)


class Match(Frozen):
    """A simple test on the profile: every listed field must take one of the listed values."""

    age_min: int = MIN_AGE
    age_max: int = MAX_AGE
    status: tuple[str, ...] | None = None
    region: tuple[str, ...] | None = None
    disability: tuple[str, ...] | None = None
    education_level: tuple[str, ...] | None = None
    executive: tuple[bool, ...] | None = None

    @model_validator(mode="after")
    def _values_known(self) -> Match:
        """Values must exist for their field and the age range must be possible."""
        if self.age_min > self.age_max:
            raise ValueError(f"age_min ({self.age_min}) is greater than age_max ({self.age_max})")
        for name in MATCHED:
            allowed = FIELD_VALUES[name]
            wrong = [v for v in getattr(self, name) or () if v not in allowed]
            if wrong:
                raise ValueError(f"unknown value(s) {wrong} for '{name}'; allowed: {', '.join(map(str, allowed))}")
        return self

    def matches(self, profile: Profile) -> bool:
        """Whether the profile passes every listed test."""
        if not self.age_min <= profile.age <= self.age_max:
            return False
        return all(getattr(self, name) is None or getattr(profile, name) in getattr(self, name) for name in MATCHED)


MATCHED = ("status", "region", "disability", "education_level", "executive")  # the answers a `when` may test


class Step(Frozen):
    """One concrete thing to do next; texts and links may name the person's region's centres. A step meant for some
    people only (16-17 year olds, employees...) says so in `when`, and is shown to them alone."""

    text: Text
    url: str | None = None
    phone: str | None = Field(default=None, pattern=PHONE_OR_PLACEHOLDER)
    bring: bool = Field(default=False, description="This step says what to bring or have ready (the pathway shows it).")
    when: Match = Match()


class Operator(Contact):
    """Who delivers the service to people matching `when`, and how to reach them first."""

    when: Match = Match()
    steps: tuple[Step, ...] = ()


class Service(Frozen):
    """One guidance service as people and partners see it."""

    id: str = Field(pattern=r"^[a-z0-9]+(-[a-z0-9]+)*$")
    name: Text
    summary: Text
    delivered_by: Text
    cost: Text
    audience: Audience
    priority: int = Field(ge=1, le=1000, description="Fixed order used before ranking: lower comes first.")
    website: HttpUrl
    operators: tuple[Operator, ...] = Field(min_length=1)
    next_steps: tuple[Step, ...] = ()
    leads_to: tuple[str, ...] = Field(default=(), description="Services this one opens the way to (Mission locale: the CEJ); the pathway puts them after it.")
    legal_basis: tuple[LegalReference, ...] = ()
    last_verified: dt.date
    source: Source

    _https_site = field_validator("website")(https_only)

    @model_validator(mode="after")
    def _reachable(self) -> Service:
        """Everyone must get an operator and at least one next step."""
        if self.operators[-1].when != Match():
            raise ValueError("the last operator must have no `when`: it is the one for everybody else")
        everybody = [step for step in self.next_steps if step.when == Match()]
        if not everybody and not all(any(step.when == Match() for step in op.steps) for op in self.operators):
            raise ValueError("give at least one next step for everybody, without `when` (in `next_steps` or in every operator's `steps`)")
        return self

    def operator_for(self, profile: Profile) -> Operator:
        """The first operator whose `when` matches the person."""
        return next(op for op in self.operators if op.when.matches(profile))


class Catalogue(Frozen):
    """All services by id, all regions by code, and a version tag for answers."""

    services: dict[str, Service]
    regions: dict[str, Region]
    version: str


def load_catalogue(directory: Path) -> Catalogue:
    """Read and validate `regions.yaml` and every service file; problems name file and line."""
    problems: list[str] = []
    regions: dict[str, Region] = {}
    try:
        regions = {r.code: r for r in load_yaml(directory / "regions.yaml").validate(Regions).regions}
    except DataFileError as error:
        problems.extend(error.problems)
    services: dict[str, Service] = {}
    files = sorted((directory / "services").glob("*.yaml"))
    parsed, unreadable_problems, _ = validate_files(files, Service)
    problems.extend(unreadable_problems)
    for source, service in parsed:
        problems.extend(source.problem(loc, msg) for loc, msg in _link_problems(service, source.path, regions))
        services[service.id] = service
    for source, service in parsed:
        problems.extend(source.problem(loc, msg) for loc, msg in path_problems(service, services))
    if not services and not problems:
        problems.append(f"{directory / 'services'}: no service files")
    if problems:
        raise DataFileError(problems)
    return Catalogue(services=services, regions=regions, version=content_version(files + [directory / "regions.yaml"]))


def _link_problems(service: Service, path: Path, regions: dict[str, Region]) -> Iterator[tuple[Loc, str]]:
    """Each link and placeholder resolves to an https address in every region; the id matches the file."""
    if path.stem != service.id:
        yield ("id",), f"id: the file should be named {service.id}.yaml"
    contacts: list[tuple[Loc, Contact | Step]] = [(("operators", i), op) for i, op in enumerate(service.operators)]
    contacts += [(("next_steps", i), s) for i, s in enumerate(service.next_steps)]
    contacts += [(("operators", i, "steps", j), s) for i, op in enumerate(service.operators) for j, s in enumerate(op.steps)]
    for loc, item in contacts:
        problem = next((found for region in regions.values() for found in _placeholder_problems(loc, item, region)), None)
        if problem is not None:
            yield problem


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


def _placeholder_problems(loc: Loc, item: Contact | Step, region: Region) -> Iterator[tuple[Loc, str]]:
    """What is wrong with the placeholders and links of one contact or step, filled in for one region."""
    for text in _texts_of(item):
        try:
            resolved = fill(text, region, "fr")
        except KeyError as error:
            yield loc, f"unknown placeholder {error.args[0]} (use region.name or region.cep/carif_oref/transitions_pro.name/url/phone)"
            return
        if "{" in (resolved or "") or "}" in (resolved or ""):
            yield loc, f"a placeholder was not understood in: {resolved}"
            return
        if text is item.url and resolved and not resolved.startswith("https://"):
            yield loc + ("url",), f"url: links must use https ({resolved})"
            return


def _texts_of(item: Contact | Step) -> list[str]:
    """Every string of a contact or step that may hold placeholders."""
    texts = [value for value in (item.url, item.phone) if value]
    names = [item.text] if isinstance(item, Step) else [item.name]
    return texts + [text for name in names for text in name.every()]
