"""The five answers (plus optional ones) that a person gives, validated once."""

from __future__ import annotations

import datetime as dt
import re
from typing import TYPE_CHECKING, Literal, get_args

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator
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

# Values every profile field may take, for rules validation and error messages.
FIELD_VALUES: dict[str, tuple] = {
    "status": STATUSES,
    "region": REGIONS,
    "disability": DISABILITIES,
    "education_level": EDUCATION_LEVELS,
    "executive": (True, False),
}
RULE_FIELDS = ("age",) + tuple(FIELD_VALUES)
OPTIONAL_FIELDS = ("executive",)
# Answers about health (and, as they are added, other answers of that kind): never stored, never sent to a partner's
# page, and no stored or sent fact may depend on them (recommender/domain/privacy.py derives what follows).
SENSITIVE_FIELDS = ("disability",)


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

    @field_validator("age", mode="before")
    @classmethod
    def _whole_age(cls, value: object) -> object:
        return whole_number(value)

    @field_validator("goals")
    @classmethod
    def _unique_goals(cls, goals: tuple[str, ...]) -> tuple[str, ...]:
        """Keep goals in the canonical order, without duplicates."""
        return tuple(goal for goal in GOALS if goal in goals)

    @model_validator(mode="after")
    def _executive_only_where_meaningful(self) -> Profile:
        """Drop the cadre answer for statuses where it has no meaning."""
        if self.executive is not None and self.status not in EXECUTIVE_STATUSES:
            object.__setattr__(self, "executive", None)
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
