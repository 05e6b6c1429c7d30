"""Eligibility rules: one YAML file per service in `rules/`, validated once at start-up."""

from __future__ import annotations

import datetime as dt
import hashlib
from pathlib import Path
from typing import Literal

from pydantic import Field, HttpUrl, field_validator, model_validator

from .conditions import Condition
from .profile import Profile
from .sourcefile import DataFileError, SourceFile, validate_files
from .texts import Frozen, Text

Eligibility = Literal["eligible", "possible", "ineligible"]


def https_only(url: HttpUrl | None) -> HttpUrl | None:
    """Links people follow must be https."""
    if url is not None and url.scheme != "https":
        raise ValueError("links must use https")
    return url


class LegalReference(Frozen):
    """An article of law or regulation, with a link to its official text."""

    ref: str = Field(min_length=3)
    url: HttpUrl | None = None

    _https_url = field_validator("url")(https_only)


class Source(Frozen):
    """Where a fact was checked."""

    name: str = Field(min_length=3)
    url: HttpUrl | None = None


class RuleVersion(Frozen):
    """The eligibility condition for a service during one period of the law."""

    valid_from: dt.date | None = None
    valid_until: dt.date | None = None
    legal_basis: tuple[LegalReference, ...] = Field(min_length=1)
    last_verified: dt.date
    source: Source
    eligible_when: Condition

    @model_validator(mode="after")
    def _period(self) -> RuleVersion:
        """A period must not end before it starts."""
        if self.valid_from and self.valid_until and self.valid_until < self.valid_from:
            raise ValueError(f"valid_until ({self.valid_until}) is before valid_from ({self.valid_from})")
        return self

    def in_force(self, day: dt.date) -> bool:
        """Whether this version applies on `day`."""
        return (self.valid_from is None or self.valid_from <= day) and (self.valid_until is None or day <= self.valid_until)


class Example(Frozen):
    """A worked example: this profile, on this date, gets this result."""

    profile: Profile
    as_of: dt.date | None = None
    expect: Eligibility
    note: str | None = None


class ServiceRules(Frozen):
    """All the rule versions for one service, and the examples that pin them."""

    service: str
    versions: tuple[RuleVersion, ...] = Field(min_length=1)
    not_in_force: Text | None = None
    examples: tuple[Example, ...] = Field(min_length=2)

    @model_validator(mode="after")
    def _versions_do_not_overlap(self) -> ServiceRules:
        """At most one version applies on any day."""
        periods = sorted((v.valid_from or dt.date.min, v.valid_until or dt.date.max) for v in self.versions)
        for (_, end), (start, _) in zip(periods, periods[1:]):
            if start <= end:
                raise ValueError(f"rule versions overlap: one starts on {start} before the previous one ends")
        if (len(self.versions) > 1 or self.versions[0].valid_from or self.versions[0].valid_until) and self.not_in_force is None:
            raise ValueError("a rule with validity dates needs a `not_in_force` text for the dates it does not cover")
        return self

    def version_on(self, day: dt.date) -> RuleVersion | None:
        """The version in force on `day`, if any."""
        return next((v for v in self.versions if v.in_force(day)), None)


class RuleBook(Frozen):
    """Every service's rules, keyed by service id, with a version tag for answers."""

    services: dict[str, ServiceRules]
    version: str


def load_rules(directory: Path, service_ids: frozenset[str]) -> RuleBook:
    """Read and validate every rule file; any problem stops start-up with file and line."""
    rules: dict[str, ServiceRules] = {}
    files = sorted(directory.glob("*.yaml"))
    files_parsed, problems, unreadable = validate_files(files, ServiceRules)
    for source, parsed in files_parsed:
        problems.extend(_check_service(source, parsed, service_ids, rules))
        rules[parsed.service] = parsed
    missing = sorted(service_ids - rules.keys() - unreadable)
    if missing:
        problems.append(f"{directory}: no rule file for catalogue service(s): {', '.join(missing)}")
    if problems:
        raise DataFileError(problems)
    return RuleBook(services=rules, version=content_version(files))


def _check_service(source: SourceFile, parsed: ServiceRules, service_ids: frozenset[str], seen: dict) -> list[str]:
    """Cross-file checks: the service exists, once, under the file's own name."""
    problems = []
    if parsed.service not in service_ids:
        problems.append(source.problem(("service",), f"service: unknown service id '{parsed.service}' (not in the catalogue)"))
    elif parsed.service in seen:
        problems.append(source.problem(("service",), f"service: '{parsed.service}' already has a rule file"))
    if source.path.stem != parsed.service:
        problems.append(source.problem(("service",), f"service: the file should be named {parsed.service}.yaml"))
    return problems


def content_version(files: list[Path]) -> str:
    """A short, stable fingerprint of a set of data files."""
    digest = hashlib.sha256()
    for path in sorted(files):
        digest.update(path.name.encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()[:12]
