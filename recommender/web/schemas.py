"""The API's contract as models: what each request may hold and what each answer holds.

Requests are pydantic models (validation); answers are typed dicts: the type of the plain data the views and the
domain build, which is what is sent. The OpenAPI description (web/openapi.py) is generated from both, with
web/endpoints.py saying which endpoint takes and answers which, and the test suite checks every answer it gets
against that description (tests/contract_support.py): a key the model lacks, or a value of another type, fails it.
To add an answer field: add it here (`name: type`, or `name: Annotated[type, Field(description=...)]`), then to the
data that fills it.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import cache
from typing import Annotated, Any, Literal, NotRequired

import orjson
from pydantic import BaseModel, ConfigDict, Field, PlainSerializer, TypeAdapter, WithJsonSchema
from typing_extensions import TypedDict

from ..domain.profile import DEFAULT_LANG, Lang, Profile

# The domain writes dates as ISO strings and hands over the profile already dumped: described as what they are.
IsoDate = Annotated[str, WithJsonSchema({"type": "string", "format": "date"})]
DumpedProfile = Annotated[Profile, PlainSerializer(lambda profile: profile, return_type=Any)]


class Answer(TypedDict):
    """Base for answer models: they describe exactly what the API sends, nothing more (extra keys are refused)."""

    __pydantic_config__ = ConfigDict(extra="forbid")  # type: ignore[misc]


# --- requests (POST /api/v1/recommendations takes domain/profile.py's RecommendationRequest) ---------------------


class FeedbackRequest(Profile):
    """The JSON body of POST /api/v1/feedback: the profile, a recommended service, useful or not. Stored anonymously."""

    service_id: str = Field(max_length=64, description="The recommended service the answer is about (an `id` from /services).")
    useful: bool = Field(strict=True, description="true: useful; false: not useful.")
    token: str = Field(max_length=80, description="The `feedback_token` of the recommendations answer (valid for an hour).")
    lang: Lang = DEFAULT_LANG


class CatalogueQuery(BaseModel):
    """The query string of the catalogue's endpoints."""

    model_config = ConfigDict(extra="ignore", frozen=True)

    lang: Lang = Field(default=DEFAULT_LANG, description="The language of the texts.")


# --- answers ----------------------------------------------------------------------------------------------------


class StepOut(Answer):
    """One concrete next step."""

    text: str
    url: Annotated[str | None, Field(description="https link, when there is one.")]
    phone: Annotated[str | None, Field(description="Phone number as dialled in France, when there is one.")]


class ContactOut(Answer):
    """The organisation to contact for this person."""

    name: str
    url: str | None
    phone: str | None


class LegalReferenceOut(Answer):
    """An article of law or regulation."""

    ref: str
    url: str | None


class RecommendationOut(Answer):
    """A service the person may use, with its reasons and next steps."""

    id: str
    name: str
    summary: str
    eligibility: Annotated[Literal["eligible", "possible"], Field(description="`possible`: something the questionnaire does not ask remains to confirm.")]
    rank: Annotated[int, Field(ge=1)]
    score: Annotated[float, Field(ge=0, le=1)]
    ranking_reason: Annotated[str | None, Field(description=(
        "Why it is ranked here, naming the people it suits (separate from why the person is eligible); null when nothing "
        "in particular ranks it, or when a card above already gives the same reason."))]
    why: Annotated[list[str], Field(min_length=1, description=(
        "Why it is shown, in plain words: one reason per answer (conditions on the same answer merged, e.g. an age range)."))]
    to_confirm: list[str]
    next_steps: Annotated[list[StepOut], Field(min_length=1)]
    operator: ContactOut
    cost: str
    legal_basis: list[LegalReferenceOut]
    last_verified: IsoDate


class RefusalOut(Answer):
    """A service the person cannot use now: why not, and what would change that."""

    id: str
    name: str
    why_not: Annotated[list[str], Field(min_length=1, description="Why not, one reason per answer.")]
    would_change: Annotated[list[str], Field(description=(
        "What would open it, only through changes that can happen to this person (an age to come, a diploma, a job, a "
        "recognised disability...; never a younger age, a move or a lost diploma); empty when no such change would."))]
    near_miss: Annotated[bool, Field(description=(
        "One answer away: a single change that can happen to this person (an older age, the next diploma level, another "
        "status, a recognised disability...) would open it. Near misses come first in `not_eligible`."))]


class PathwayStepOut(Answer):
    """One first step of the pathway: a recommended service and the one thing to do about it."""

    step: Annotated[int, Field(ge=1, le=3, description="Its place in the plan, from 1.")]
    id: Annotated[str, Field(description="The recommendation it is about (an `id` of `recommendations`).")]
    name: str
    after: Annotated[str | None, Field(description="The earlier step's service this one is reached through (the catalogue's `leads_to`), if any.")]
    reason: Annotated[str, Field(description="Why this step, in one line, for this person.")]
    action: Annotated[StepOut, Field(description="The one most useful thing to do (its first next step).")]
    where: ContactOut
    bring: Annotated[str | None, Field(description="What to bring or have ready, when the catalogue says.")]


class Versions(Answer):
    """Fingerprints of the rules and catalogue that produced an answer."""

    rules: str
    catalogue: str


class Counts(Answer):
    """Totals behind the two lists of an answer."""

    recommendations: int
    not_eligible: int
    near_misses: Annotated[int, Field(description="How many of the services that do not fit are near misses (see `near_miss`).")]


class FollowUpValue(Answer):
    """One allowed answer to a follow-up question."""

    value: Annotated[bool | str, Field(description="What to send back in the profile field (for a `multiple` question, a list of them).")]
    label: str


class FollowUpQuestion(Answer):
    """An unanswered fact that would settle services now `possible` (recommender/domain/followups.py)."""

    field: Annotated[str, Field(description="The profile field to send back, with one of the `values`.")]
    question: Annotated[str, Field(description="The question, in the answer's language.")]
    multiple: Annotated[bool, Field(description="Several values may be chosen: send the list of those chosen (an empty list: none).")]
    values: Annotated[list[FollowUpValue], Field(min_length=2)]
    services: Annotated[list[str], Field(min_length=1, description="The ids of the `possible` recommendations that an answer would make eligible or not.")]
    together_with: Annotated[list[str], Field(description="Fields to answer with this one for some of `services` (they need both answers); empty: this answer settles them alone.")]


class RecommendationAnswer(Answer):
    """The answer to POST /api/v1/recommendations."""

    profile: Annotated[DumpedProfile, Field(description="The profile as understood (normalised).")]
    as_of: IsoDate
    versions: Versions
    counts: Annotated[Counts, Field(description="How many services fit and how many do not, in all (the lists stop at `limit`).")]
    pathway: Annotated[list[PathwayStepOut], Field(max_length=3, description=(
        "At most three first steps, in order: the best-ranked services, each placed after a recommended service that "
        "leads to it (Mission locale, then the CEJ); empty when no service fits."))]
    recommendations: list[RecommendationOut]
    not_eligible: list[RefusalOut]
    feedback_token: str = Field(description="Send it back with POST /api/v1/feedback (valid for an hour): it proves these answers got these recommendations.")
    follow_up_questions: Annotated[list[FollowUpQuestion], Field(
        description="Questions worth asking next, most decisive first; empty when the answers given already settle everything they can.")]


class FeedbackAnswer(Answer):
    """The answer to POST /api/v1/feedback."""

    recorded: Annotated[bool, Field(description="true once it is written; false when it could not be written for the moment, or is not kept (about a service whose suggestion could tell an answer that is never kept).")]
    detail: NotRequired[Annotated[str, Field(description="Why it was not kept, for the person, when `recorded` is false.")]]


class AudienceOut(Answer):
    """Who a service is for."""

    publics: Sequence[str]  # tuples in the catalogue, arrays in JSON
    themes: Sequence[str]
    help: Sequence[str]


class SourceOut(Answer):
    """Where the entry was checked."""

    name: str
    url: str | None


class ServiceOut(Answer):
    """A catalogue entry."""

    id: str
    name: str
    summary: str
    delivered_by: str
    cost: str
    website: str
    audience: AudienceOut
    legal_basis: list[LegalReferenceOut]
    last_verified: IsoDate
    source: SourceOut


class Catalogue(Answer):
    """The answer to GET /api/v1/services."""

    version: str
    services: list[ServiceOut]


class FieldProblem(Answer):
    """One offending field of a request."""

    field: Annotated[str, Field(description="The field, with list positions as `goals[0]`.")]
    code: Literal["missing", "extra_forbidden", "out_of_range", "wrong_type", "unknown_value", "invalid"]
    detail: str
    allowed: NotRequired[Annotated[Any, Field(description="What the field accepts: a list of values or bounds.")]]
    received: NotRequired[Annotated[Any, Field(description="The value sent, when it is short and plain.")]]


class Problem(Answer):
    """An RFC 9457 problem: every error the API returns has this shape."""

    type: Annotated[str, Field(description="`/api/v1/problems/<kind>`, or `about:blank` for plain HTTP errors.")]
    title: str
    status: int
    detail: str
    errors: NotRequired[list[FieldProblem]]


@cache
def adapter(model: type) -> TypeAdapter:
    """The schema maker of one model, built once."""
    return TypeAdapter(model)


def encode(data: object) -> bytes:
    """An answer as JSON. orjson, not the model's own encoder: a 30 KB answer in ~25 µs where pydantic's takes ~100 µs
    (measured on the recommendation answer), 10 % of an API call; the suite checks the shape instead."""
    return orjson.dumps(data)
