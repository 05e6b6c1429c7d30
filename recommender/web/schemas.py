"""The shapes of the API's answers, as pydantic models: the OpenAPI description is generated from them."""

from __future__ import annotations

import datetime as dt
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from ..domain.profile import Profile


class Answer(BaseModel):
    """Base for answer models: they describe exactly what the API sends."""

    model_config = ConfigDict(extra="forbid")


class StepOut(Answer):
    """One concrete next step."""

    text: str
    url: str | None = Field(description="https link, when there is one.")
    phone: str | None = Field(description="Phone number as dialled in France, when there is one.")


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
    eligibility: Literal["eligible", "possible"] = Field(description="`possible`: something the questionnaire does not ask remains to confirm.")
    rank: int = Field(ge=1)
    score: float = Field(ge=0, le=1)
    ranking_reason: str | None = Field(description="Why it is ranked here (separate from why the person is eligible).")
    why: list[str] = Field(description="Each condition that holds, in plain words.")
    to_confirm: list[str]
    next_steps: list[StepOut] = Field(min_length=1)
    operator: ContactOut
    cost: str
    legal_basis: list[LegalReferenceOut]
    last_verified: dt.date


class RefusalOut(Answer):
    """A service the person cannot use now: why not, and what would change that."""

    id: str
    name: str
    why_not: list[str] = Field(min_length=1)
    would_change: list[str]


class Versions(Answer):
    """Fingerprints of the rules and catalogue that produced an answer."""

    rules: str
    catalogue: str


class Counts(Answer):
    """Totals behind the two lists of an answer."""

    recommendations: int
    not_eligible: int


class RecommendationAnswer(Answer):
    """The answer to POST /api/v1/recommendations."""

    profile: Profile = Field(description="The profile as understood (normalised).")
    as_of: dt.date
    versions: Versions
    counts: Counts = Field(description="How many services fit and how many do not, in all (the lists stop at `limit`).")
    recommendations: list[RecommendationOut]
    not_eligible: list[RefusalOut]
    feedback_token: str = Field(description="Send it back with POST /api/v1/feedback (valid for an hour): it proves these answers got these recommendations.")


class AudienceOut(Answer):
    """Who a service is for."""

    publics: list[str]
    themes: list[str]
    help: list[str]


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
    last_verified: dt.date
    source: SourceOut


class Catalogue(Answer):
    """The answer to GET /api/v1/services."""

    version: str
    services: list[ServiceOut]


class FieldProblem(Answer):
    """One offending field of a request."""

    field: str = Field(description="The field, with list positions as `goals[0]`.")
    code: Literal["missing", "extra_forbidden", "out_of_range", "wrong_type", "unknown_value", "invalid"]
    detail: str
    allowed: object | None = None
    received: object | None = None


class Problem(Answer):
    """An RFC 9457 problem: every error the API returns has this shape."""

    type: str
    title: str
    status: int
    detail: str
    errors: list[FieldProblem] | None = None
