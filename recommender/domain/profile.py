"""The five answers (plus optional ones) that a person gives, validated once."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from typing import TYPE_CHECKING, Literal, get_args

from pydantic import BaseModel, ConfigDict, Field, ValidationInfo, field_validator, model_validator
from pydantic_core import PydanticCustomError

from .i18n import DEFAULT_LANG, LANGUAGES

Status = Literal["pupil", "student", "apprentice", "employee", "civil_servant", "self_employed", "job_seeker", "inactive"]
Region = Literal["11", "24", "27", "28", "32", "44", "52", "53", "75", "76", "84", "93", "94", "01", "02", "03", "04", "06"]
Disability = Literal["none", "recognised", "unrecognised"]
EducationLevel = Literal["none", "level3", "level4", "level5", "level6", "level7", "level8"]
Goal = Literal["find_job", "change_career", "train", "validate_experience", "choose_studies", "return_to_education"]
# The languages are the catalogues present (domain/i18n.py): adding one adds it here, to the API's enums and to
# the pages. To a type checker a language is any str; to pydantic, exactly one of them.
if TYPE_CHECKING:
    Lang = str
else:
    Lang = Literal[LANGUAGES]
# The optional facts' values (facts.py has their questions): as few as the rules need.
Nationality = Literal["french", "eu", "other"]  # eu: another EU or EEA country, or Switzerland
Recognition = Literal["rqth", "aah", "invalidity_pension", "other"]
Benefit = Literal["rsa", "aah", "ass"]
Contract = Literal["cdi", "cdd", "interim"]
Seniority = Literal["under_24_months", "24_months", "24_months_12_with_employer"]

MIN_AGE, MAX_AGE = 14, 99
STATUSES: tuple[str, ...] = get_args(Status)
REGIONS: tuple[str, ...] = get_args(Region)
DISABILITIES: tuple[str, ...] = get_args(Disability)
EDUCATION_LEVELS: tuple[str, ...] = get_args(EducationLevel)
GOALS: tuple[str, ...] = get_args(Goal)
LANGS: tuple[str, ...] = LANGUAGES
# Only these statuses can be private-sector cadres; for the others the answer is meaningless.
EXECUTIVE_STATUSES = ("employee", "job_seeker")
# The law is encoded from the 2019 reforms on; later dates are the law as known today.
EARLIEST_AS_OF = dt.date(2019, 1, 1)
# Facts a person may give several answers to: the answer is the tuple of those chosen (empty: none of them).
CHOICES: dict[str, tuple[str, ...]] = {"recognition": get_args(Recognition), "benefits": get_args(Benefit)}


def subsets(choices: tuple[str, ...]) -> tuple[tuple[str, ...], ...]:
    """Every answer to a several-choice fact: each subset of its choices, in their order."""
    return tuple(tuple(c for i, c in enumerate(choices) if mask >> i & 1) for mask in range(2 ** len(choices)))


# Values every profile field may take, for rules validation and error messages.
FIELD_VALUES: dict[str, tuple[object, ...]] = {
    "status": STATUSES,
    "region": REGIONS,
    "disability": DISABILITIES,
    "education_level": EDUCATION_LEVELS,
    "executive": (True, False),
    "retired": (True, False),
    "nationality": get_args(Nationality),
    "recognition": subsets(CHOICES["recognition"]),
    "benefits": subsets(CHOICES["benefits"]),
    "contract": get_args(Contract),
    "seniority": get_args(Seniority),
    "long_term_unemployed": (True, False),
    "international_protection": (True, False),
    "goal_apprenticeship": (True, False),
    "goal_business": (True, False),
}
RULE_FIELDS = ("age",) + tuple(FIELD_VALUES)
CORE_FIELDS = ("age", "status", "region", "disability", "education_level")  # the five questions everybody answers
# Facts beyond the five questions: None means "not answered", and a rule's test on it is then UNKNOWN.
OPTIONAL_FIELDS = tuple(name for name in RULE_FIELDS if name not in CORE_FIELDS)
# Answers about health, benefits, nationality and asylum: never stored, never sent to a partner's page, and no
# stored or sent fact may depend on them (recommender/domain/privacy.py derives what follows).
SENSITIVE_FIELDS = ("disability", "recognition", "benefits", "nationality", "international_protection")
# An optional answer has a meaning only where another answer allows it: (field, the values that allow it). Elsewhere
# it is dropped, so that an answer that means nothing never decides anything (nor is asked).
APPLIES_WHEN: dict[str, tuple[str, tuple[str, ...]]] = {
    "executive": ("status", EXECUTIVE_STATUSES),
    "recognition": ("disability", ("recognised",)),
    "contract": ("status", ("employee",)),
    "seniority": ("status", ("employee",)),
    "long_term_unemployed": ("status", ("job_seeker",)),
}


def applies(name: str, answers: Mapping[str, object]) -> bool:
    """Whether optional field `name` has a meaning for a person with these (core) answers."""
    condition = APPLIES_WHEN.get(name)
    return condition is None or answers.get(condition[0]) in condition[1]


def whole_number(value: object) -> object:
    """67.0 is the integer 67, as JSON Schema counts it; 67.5, "67" and true stay refused (strict fields)."""
    return int(value) if type(value) is float and value.is_integer() else value


class Profile(BaseModel):
    """A person's answers, normalised: what the rules and the ranker read."""

    model_config = ConfigDict(extra="forbid", frozen=True, strict=False)

    age: int = Field(ge=MIN_AGE, le=MAX_AGE, description="Age in completed years.", strict=True)
    status: Status
    region: Region = Field(description="INSEE region code.")
    disability: Disability
    education_level: EducationLevel
    executive: bool | None = Field(default=None, description="Private-sector cadre (employees and job seekers).", strict=True)
    goals: tuple[Goal, ...] = Field(default=(), description="What the person wants to do, any of the listed goals.")
    retired: bool | None = Field(default=None, strict=True, description="Has taken their retirement pension.")
    nationality: Nationality | None = Field(default=None, description="french; eu: another EU or EEA country, or Switzerland; other.")
    recognition: tuple[Recognition, ...] | None = Field(
        default=None, description="With a recognised disability: which recognitions (RQTH, disability allowance AAH, invalidity pension, other).")
    benefits: tuple[Benefit, ...] | None = Field(default=None, description="Benefits received: RSA, AAH, ASS (empty: none).")
    contract: Contract | None = Field(default=None, description="Employees: permanent (cdi), fixed-term (cdd) or temping (interim) contract.")
    seniority: Seniority | None = Field(
        default=None, description="Employees: under 24 months as an employee; 24 months or more; 24 months or more including 12 with the current employer.")
    long_term_unemployed: bool | None = Field(default=None, strict=True, description="Job seekers: unemployed for 12 months or more.")
    international_protection: bool | None = Field(default=None, strict=True, description="Refugee status or subsidiary protection granted.")
    goal_apprenticeship: bool | None = Field(default=None, strict=True, description="Looking for an apprenticeship.")
    goal_business: bool | None = Field(default=None, strict=True, description="Wants to start or take over a business.")

    @field_validator("age", mode="before")
    @classmethod
    def _whole_age(cls, value: object) -> object:
        """An age of 67.0 is 67."""
        return whole_number(value)

    @field_validator("goals")
    @classmethod
    def _unique_goals(cls, goals: tuple[str, ...]) -> tuple[str, ...]:
        """Keep goals in the canonical order, without duplicates."""
        return tuple(goal for goal in GOALS if goal in goals)

    @field_validator("recognition", "benefits")
    @classmethod
    def _unique_choices(cls, chosen: tuple[str, ...] | None, info: ValidationInfo) -> tuple[str, ...] | None:
        """Keep several-choice answers in the canonical order, without duplicates."""
        return None if chosen is None else tuple(c for c in CHOICES[str(info.field_name)] if c in chosen)

    @model_validator(mode="after")
    def _only_where_meaningful(self) -> Profile:
        """Drop the optional answers that have no meaning for this person (the cadre answer of a pupil...)."""
        answers = {name: getattr(self, name) for name in RULE_FIELDS}
        for name in OPTIONAL_FIELDS:
            if answers[name] is not None and not applies(name, answers):
                object.__setattr__(self, name, None)
        return self


# Services an answer describes at most, in each list: more than any real person reads, and every service of
# today's catalogue; it keeps answers small (and fast) whatever the catalogue's size.
DEFAULT_LIMIT = 30
MAX_LIMIT = 200


def latest_as_of() -> dt.date:
    """The latest date an answer may be asked for: a year from today."""
    return dt.date.today() + dt.timedelta(days=366)


def date_pattern(first: dt.date, last: dt.date) -> str:
    """ISO dates from `first` (a 1 January) to `last` as a regular expression, so that the published schema says
    which dates are accepted (JSON Schema has no bounds for dates); `format: date` rules out impossible days."""
    years = "|".join(str(year) for year in range(first.year, last.year))
    months = "|".join(f"{month:02d}" for month in range(1, last.month))
    days = "|".join(f"{day:02d}" for day in range(1, last.day + 1))
    last_year = [f"{last.year}-({months})-\\d{{2}}"] if months else []
    last_year.append(f"{last.year}-{last.month:02d}-({days})")
    return "^(" + "|".join(([f"({years})-\\d{{2}}-\\d{{2}}"] if years else []) + last_year) + ")$"


class RecommendationRequest(Profile):
    """The JSON body of POST /api/v1/recommendations: a profile, a date and a language."""

    as_of: dt.date | None = Field(
        default=None,
        description=f"Evaluate the law as it stood on that date (default: today), from {EARLIEST_AS_OF} to one year ahead.",
        json_schema_extra=lambda schema: schema.update(pattern=date_pattern(EARLIEST_AS_OF, latest_as_of())),
    )
    lang: Lang = DEFAULT_LANG
    limit: int = Field(
        default=DEFAULT_LIMIT, ge=1, le=MAX_LIMIT, strict=True,
        description=f"At most this many recommendations, and this many services that do not fit, are described (default {DEFAULT_LIMIT}); `counts` gives the totals.",
    )

    @field_validator("limit", mode="before")
    @classmethod
    def _whole_limit(cls, value: object) -> object:
        """A limit of 10.0 is 10."""
        return whole_number(value)

    @field_validator("as_of", mode="before")
    @classmethod
    def _iso_day(cls, value: object) -> object:
        """Only YYYY-MM-DD, as the published schema says (not a datetime, not a timestamp)."""
        if value is None or isinstance(value, dt.date):
            return value
        if not isinstance(value, str) or not re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
            raise PydanticCustomError("date_parsing", "must be a date written YYYY-MM-DD")
        return value

    @field_validator("as_of")
    @classmethod
    def _as_of_in_range(cls, value: dt.date | None) -> dt.date | None:
        """Only dates the rules describe: from 2019 to one year ahead."""
        latest = latest_as_of()
        if value is not None and not EARLIEST_AS_OF <= value <= latest:
            raise ValueError(f"must be a date between {EARLIEST_AS_OF} and {latest}")
        return value

    def profile(self) -> Profile:
        """The profile part of the request."""
        return Profile.model_validate(self.model_dump(include=set(Profile.model_fields)))
