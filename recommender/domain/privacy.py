"""What may be kept or sent about a person: their coarse group, and only facts that their unkept answers cannot change.

The rules choose a person's services from all their answers, some of which are never kept: the sensitive ones
(`SENSITIVE_FIELDS`, disability first), the exact age within its band, the exact diploma within its band, the cadre
answer and the goals. A fact about services is safe to store only when it is the same for everybody of the person's
stored group (`Bucket`) whatever those answers; it is safe to send to a partner's page only when no sensitive answer
can change it. Both are derived here from the rules' own field tests, so that no list is kept by hand.
"""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Iterator
from dataclasses import asdict, dataclass
from functools import lru_cache
from typing import Any

from .conditions import NO, FieldTest
from .features import AGE_BANDS, age_band
from .profile import EDUCATION_LEVELS, EXECUTIVE_STATUSES, FIELD_VALUES, OPTIONAL_FIELDS, SENSITIVE_FIELDS, Profile
from .rules import RuleBook, RuleVersion

EDUCATION_BANDS = {"none": "none", "level3": "level3-4", "level4": "level3-4", "level5": "level5", "level6": "level6-8", "level7": "level6-8", "level8": "level6-8"}
# The diploma that stands for a band when a group has to be turned back into a profile (training on feedback).
BAND_EDUCATION = {"none": "none", "level3-4": "level4", "level5": "level5", "level6-8": "level6"}
KEPT_FIELDS = ("status", "region")  # stored as answered; age and diploma only as bands; nothing else at all
# Groups (x rule periods) whose offered services are kept: every group of the answer space, twice over.
GROUPS_KEPT = 2 * len(AGE_BANDS) * len(FIELD_VALUES["status"]) * len(FIELD_VALUES["region"]) * len(set(EDUCATION_BANDS.values()))


@dataclass(frozen=True)
class Bucket:
    """The only description of a person that is ever stored: age band, situation, region, diploma band."""

    age_band: str
    status: str
    region: str
    education_band: str

    @classmethod
    def of(cls, profile: Profile) -> Bucket:
        """The group a person belongs to."""
        return cls(age_band(profile.age), profile.status, profile.region, EDUCATION_BANDS[profile.education_level])

    def as_dict(self) -> dict[str, str]:
        """The group as stored columns."""
        return asdict(self)

    def ages(self) -> tuple[int, ...]:
        """Every age of the band."""
        low, high = (int(part) for part in self.age_band.split("-"))
        return tuple(range(low, high + 1))

    def education_levels(self) -> tuple[str, ...]:
        """Every diploma of the band."""
        return tuple(level for level in EDUCATION_LEVELS if EDUCATION_BANDS[level] == self.education_band)

    def representative(self) -> Profile:
        """A profile standing for the group: the youngest age of the band, the band's typical diploma, no disability."""
        return Profile(age=self.ages()[0], status=self.status, region=self.region, disability="none", education_level=BAND_EDUCATION[self.education_band])


def tested_fields(version: RuleVersion) -> frozenset[str]:
    """The answers a rule version reads."""
    return frozenset(leaf.field for leaf in version.eligible_when.leaves())


def reveals_sensitive(version: RuleVersion) -> bool:
    """Whether a rule's verdict can depend on a sensitive answer (it tests one)."""
    return not tested_fields(version).isdisjoint(SENSITIVE_FIELDS)


class Disclosure:
    """The privacy facts of one rule book: computed once per group and rule period, kept in bounded caches keyed by value."""

    def __init__(self, book: RuleBook):
        """Remember the rule book; each fact is computed on first use."""
        self.book = book
        self._period = lru_cache(maxsize=512)(self._versions_in_force)
        self._offered = lru_cache(maxsize=GROUPS_KEPT)(self._offered_to_all)
        self._revealing = lru_cache(maxsize=64)(self._revealing_in)
        # A rule's classes of one unkept answer over a band of values: the same for every group sharing the band, and
        # most of the cost of a group's first count (25 ms a group without it).
        self._classes = lru_cache(maxsize=65_536)(self._distinct_classes)

    def revealing(self, day: dt.date) -> frozenset[str]:
        """Services whose presence in a list can tell a sensitive answer, under the rules in force on `day`."""
        return self._revealing(self._period(day))

    def shareable(self, service_ids: list[str], day: dt.date) -> list[str]:
        """The services of a list that a partner's page may learn of: none that reveals a sensitive answer, sorted (never
        in rank order, which the sensitive answers also move)."""
        hidden = self.revealing(day)
        return sorted(sid for sid in set(service_ids) if sid not in hidden)

    def offered_to_all(self, bucket: Bucket, day: dt.date) -> frozenset[str]:
        """Services the rules in force on `day` offer (eligible or to confirm) to every possible person of `bucket`,
        whatever their unkept answers: the only services that may be counted or kept for that group."""
        return self._offered(bucket, self._period(day))

    def _versions_in_force(self, day: dt.date) -> tuple[int | None, ...]:
        """Which version of each service's rule applies on `day` (by position): two days alike share their facts."""
        found = []
        for rules in self.book.services.values():
            version = rules.version_on(day)
            found.append(None if version is None else rules.versions.index(version))
        return tuple(found)

    def _in_force(self, period: tuple[int | None, ...]) -> Iterator[tuple[str, RuleVersion]]:
        """(service id, version) pairs of a period, services without a version in force left out."""
        for rules, index in zip(self.book.services.values(), period):
            if index is not None:
                yield rules.service, rules.versions[index]

    def _revealing_in(self, period: tuple[int | None, ...]) -> frozenset[str]:
        """The revealing services of one rule period."""
        return frozenset(service for service, version in self._in_force(period) if reveals_sensitive(version))

    def _offered_to_all(self, bucket: Bucket, period: tuple[int | None, ...]) -> frozenset[str]:
        """The services offered to all of a group in one rule period."""
        return frozenset(service for service, version in self._in_force(period) if self._never_refused(service, version, bucket))

    def _never_refused(self, service: str, version: RuleVersion, bucket: Bucket) -> bool:
        """Whether no person of the group, whatever their unkept answers, gets NO from this rule version."""
        fields = sorted(tested_fields(version) - set(KEPT_FIELDS))
        index = self.book.services[service].versions.index(version)
        choices = [self._classes(service, index, name, _possible_values(name, bucket)) for name in fields]
        base = bucket.representative().model_dump()
        for values in itertools.product(*choices):
            person = Profile.model_construct(**{**base, **dict(zip(fields, values))})
            if version.eligible_when.value(person) == NO:
                return False
        return True

    def _distinct_classes(self, service: str, index: int, name: str, values: tuple[object, ...]) -> list[object]:
        """`_distinct_values` for one rule version (by service and position) and one field's possible values."""
        version = self.book.services[service].versions[index]
        return _distinct_values(name, values, list(version.eligible_when.leaves()))


def _possible_values(name: str, bucket: Bucket) -> tuple[object, ...]:
    """What an unkept answer may be for someone of the group (None: not answered, for optional questions)."""
    if name == "age":
        return bucket.ages()
    if name == "education_level":
        return bucket.education_levels()
    if name == "executive" and bucket.status not in EXECUTIVE_STATUSES:
        return (None,)  # the question is not asked, and the profile drops any answer
    return FIELD_VALUES[name] + ((None,) if name in OPTIONAL_FIELDS else ())


def _distinct_values(name: str, values: tuple[object, ...], leaves: list[FieldTest]) -> list[object]:
    """One value per class that the rule's tests on `name` cannot tell apart (45 ages of a band are often 2 classes)."""
    tests = [leaf for leaf in leaves if leaf.field == name]
    seen: dict[tuple[int, ...] | None, object] = {}
    for value in values:
        signature = None if value is None else tuple(leaf.value(_only(name, value)) for leaf in tests)
        seen.setdefault(signature, value)
    return list(seen.values())


def _only(name: str, value: object) -> Profile:
    """A profile whose one answer that matters here is `name` = `value` (field tests read one attribute)."""
    answers: dict[str, Any] = {name: value}
    return Profile.model_construct(**answers)
