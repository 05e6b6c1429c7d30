"""What the service stores, as SQLModel families: partners, daily usage counts, feedback, error reports.

Privacy by design: no model here can hold an exact age, a disability, an IP address, a user
agent, a cookie, free text or any identifier that follows a person across requests. Answers
are stored only as coarse buckets (`recommender.domain.privacy.Bucket`), with a day, never a time.
Recommendations are not even stored one by one: only how many were served per day and bucket, and which services
everyone of that bucket is offered (so that no count depends on a disability or any other answer that is not kept).
Feedback rows have random UUIDs as keys so that they do not reveal the order of arrival.
"""

from __future__ import annotations

import datetime as dt
import uuid

from pydantic import field_validator
from sqlalchemy import JSON
from sqlmodel import Field, SQLModel

from ..domain.profile import LANGS
from . import partner_fields

# Stable constraint names, so that migrations read the same on SQLite and PostgreSQL.
SQLModel.metadata.naming_convention = {
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

SLUG_PATTERN = r"^[a-z0-9]+(-[a-z0-9]+)*$"


class PartnerBase(SQLModel):
    """A partner organisation that embeds the questionnaire: its URL slug, name, the sites that may frame it, its look.
    Validating it (`PartnerBase.model_validate`) is the one check of a partner's settings (storage/partners.py)."""

    # `regex=` would be silently ignored by SQLModel 0.0.50 under pydantic 2 (it was: any slug passed); `pattern` is checked.
    slug: str = Field(max_length=64, schema_extra={"pattern": SLUG_PATTERN}, unique=True, index=True)
    name: str = Field(min_length=1, max_length=200)
    # Exact origins (scheme://host[:port]) allowed to frame /embed/<slug> and to call the API from a browser.
    origins: list[str] = Field(default_factory=list, sa_type=JSON)
    default_lang: str | None = Field(default=None, max_length=2)  # fr or en; else the page's default (fr)
    accent: str | None = Field(default=None, max_length=7, schema_extra={"pattern": r"^#[0-9a-f]{6}$"})  # #rrggbb

    @field_validator("name", mode="before")
    @classmethod
    def _trimmed(cls, value: object) -> object:
        """Spaces around a name are not part of it."""
        return value.strip() if isinstance(value, str) else value

    @field_validator("accent", mode="before")
    @classmethod
    def _lowercase(cls, value: object) -> object:
        """A colour in lowercase, without spaces around it."""
        return value.strip().lower() if isinstance(value, str) else value

    @field_validator("origins")
    @classmethod
    def _origins(cls, values: list[str]) -> list[str]:
        """Origins as browsers send them, at least one."""
        return partner_fields.origins(values)

    @field_validator("default_lang")
    @classmethod
    def _lang(cls, value: str | None) -> str | None:
        """A language of the pages."""
        if value is not None and value not in LANGS:
            raise ValueError(f"language {value!r}: use one of {', '.join(LANGS)}")
        return value


class Partner(PartnerBase, table=True):
    """The partner table (managed by `flask --app recommender partners ...`)."""

    id: int | None = Field(default=None, primary_key=True)
    created_on: dt.date = Field(default_factory=dt.date.today)
    # sha256$<hex> of the API key (older keys: scrypt$n$r$p$salt$hash): the key itself is shown once and never stored
    # (recommender/storage/partner_keys.py).
    key_hash: str | None = Field(default=None, max_length=200)


class PartnerPublic(PartnerBase):
    """A partner as pages and the API may show it."""


class Buckets(SQLModel):
    """The coarse, non-identifying description of a person who gave feedback."""

    day: dt.date = Field(index=True)
    age_band: str = Field(max_length=5)
    status: str = Field(max_length=16)
    region: str = Field(max_length=2)
    education_band: str = Field(max_length=9)
    # Where the questionnaire was used (a partner's embed), not who used it.
    partner_slug: str | None = Field(default=None, max_length=64, index=True)


class CountKey(SQLModel):
    """What a daily count is counted by: the day, the coarse buckets, and the partner page ('' for none: a key
    column cannot be NULL). The primary key, in this order, so that adding to a count is one upsert."""

    day: dt.date = Field(primary_key=True)
    age_band: str = Field(max_length=5, primary_key=True)
    status: str = Field(max_length=16, primary_key=True)
    region: str = Field(max_length=2, primary_key=True)
    education_band: str = Field(max_length=9, primary_key=True)
    partner: str = Field(default="", max_length=64, primary_key=True, index=True)


class UsageCount(CountKey, table=True):
    """How many recommendations were served to people of one bucket on one day."""

    __tablename__ = "usage_count"

    recommendations: int = 0


class ServiceCount(CountKey, table=True):
    """How many people of one bucket were offered one service on one day, counting only services that the rules offer
    to everyone of the bucket (recommender/domain/privacy.py): the count never depends on an answer that is not kept."""

    __tablename__ = "service_count"

    service_id: str = Field(max_length=64, primary_key=True)
    shown: int = 0


class Feedback(Buckets, table=True):
    """A "useful" / "not useful" answer about one recommended service."""

    id: uuid.UUID = Field(default_factory=uuid.uuid4, primary_key=True)
    service_id: str = Field(max_length=64, index=True)
    useful: bool


class ErrorReport(SQLModel, table=True):
    """A reader's report of an error in what a service's card says: the service, which part, a comment and the day.
    Nothing else: no answers, no address, no time; the form asks people not to write anything personal."""

    __tablename__ = "error_report"

    id: uuid.UUID = Field(default_factory=uuid.uuid4, primary_key=True)  # random: the order of arrival stays unknown
    day: dt.date = Field(index=True)
    service_id: str = Field(max_length=64, index=True)
    part: str = Field(max_length=16)  # which text: reports.PARTS
    comment: str = Field(max_length=1000)
