"""What the service keeps about its use, as coarse buckets only; and reading it back for the ranker and the purge.

Pages and the API call `record_event` and `record_feedback`. Both return at once (the write happens in the
background) and never raise: a person's recommendations never depend on the database. A recommendation is only
counted, in memory, and the counts are added to the database's every few seconds; they wait in memory while the
database is unavailable. Feedback is written as it comes, and dropped with a warning while the database is away.

What is kept, and nothing else: per day, partner page and bucket (age band, status, region, education band), how
many recommendations were served and how many times each service was shown and clicked; for feedback, the
service id and useful / not useful, with the same buckets, partner and day. Never the exact age, the disability,
goals, an IP address, a user agent, a cookie, free text or any identifier, nor even one row per recommendation.
"""

from __future__ import annotations

import datetime as dt
import logging
import re
import uuid
from collections.abc import Iterable, Mapping
from functools import partial

from flask import current_app
from pydantic import ValidationError
from sqlalchemy import case, delete, func
from sqlmodel import Session, select

from ..domain.features import age_band
from ..domain.profile import Profile
from ..domain.ranking import MAX_GRADE
from .models import SLUG_PATTERN, Feedback, ServiceCount, UsageCount

log = logging.getLogger(__name__)

RETENTION_MONTHS = 13
EDUCATION_BANDS = {"none": "none", "level3": "level3-4", "level4": "level3-4", "level5": "level5", "level6": "level6-8", "level7": "level6-8", "level8": "level6-8"}
# The education level that stands for a band when feedback is folded into training.
BAND_EDUCATION = {"none": "none", "level3-4": "level4", "level5": "level5", "level6-8": "level6"}
# The disability is never stored; feedback profiles are rebuilt with this neutral value.
UNSTORED_DISABILITY = "none"
PARTNER_SLUG = re.compile(SLUG_PATTERN)
NO_PARTNER = ""  # the partner of a count made on the site's own pages (the column is part of the key: never NULL)

FeedbackRow = tuple[Profile, str, float, float]
USAGE_COUNTS, SERVICE_COUNTS, FEEDBACK = UsageCount.__table__, ServiceCount.__table__, Feedback.__table__


def buckets(profile: Profile) -> dict[str, str]:
    """The only description of a person that is ever stored."""
    return {
        "age_band": age_band(profile.age),
        "status": profile.status,
        "region": profile.region,
        "education_band": EDUCATION_BANDS[profile.education_level],
    }


def record_event(profile: Profile, shown: list[str], clicked: Iterable[str] = (), *, partner: str | None = None, day: dt.date | None = None) -> bool:
    """Count that someone like `profile` was shown these services (and clicked those); False if it was dropped."""
    try:
        known = _known_services()
        key = (day or dt.date.today(), *buckets(profile).values(), _partner(partner) or NO_PARTNER)  # as models.CountKey
        counts = [(USAGE_COUNTS, key, "recommendations")]
        counts += [(SERVICE_COUNTS, (*key, sid), "shown") for sid in _unique(shown) if sid in known]
        counts += [(SERVICE_COUNTS, (*key, sid), "clicked") for sid in _unique(clicked) if sid in known]
        return _store().add(counts, "usage event")
    except Exception as error:
        log.warning("usage event dropped: %s", type(error).__name__)
        return False


def record_feedback(profile: Profile, service_id: str, useful: bool, *, partner: str | None = None, day: dt.date | None = None) -> bool:
    """Record "useful" or "not useful" about one service from someone like `profile`; False if it was dropped."""
    try:
        if service_id not in _known_services():
            log.warning("feedback dropped: not a catalogue service id")  # never echo it: it could be free text
            return False
        row = {"day": day or dt.date.today(), "partner_slug": _partner(partner), "service_id": service_id, "useful": bool(useful), **buckets(profile)}
        return _store().write(((FEEDBACK, ({"id": uuid.uuid4(), **row},)),), "feedback")
    except Exception as error:
        log.warning("feedback dropped: %s", type(error).__name__)
        return False


def _store():
    return current_app.extensions["pathways_store"]


def _known_services() -> Mapping[str, object]:
    return current_app.extensions["pathways"].knowledge.catalogue.services


def _unique(ids: Iterable[str]) -> list[str]:
    return list(dict.fromkeys(ids))


def _partner(slug: str | None) -> str | None:
    """A well-formed partner slug, or None: the column never holds free text."""
    return slug if slug and len(slug) <= 64 and PARTNER_SLUG.match(slug) else None


# --- reading back -------------------------------------------------------------------------------------------------


def feedback_rows(session: Session, *, services: Iterable[str], weight_per_answer: float = 0.1, max_weight: float = 2.0) -> list[FeedbackRow]:
    """Stored feedback as (profile, service id, grade, weight) rows for `train_ranker(..., feedback=rows)`.

    Answers are grouped by bucket and service: the grade is the share of "useful" on the 0-3 scale of the
    expert cases, the weight grows with the number of answers up to `max_weight` (an expert case weighs 1).
    """
    known = set(services)
    columns = (Feedback.age_band, Feedback.status, Feedback.region, Feedback.education_band, Feedback.service_id)
    useful = func.sum(case((Feedback.useful.is_(True), 1), else_=0))
    query = select(*columns, func.count(), useful).group_by(*columns).order_by(*columns)
    rows = []
    for age, status, region, education, service_id, answers, useful_answers in session.exec(query):
        profile = profile_for(age, status, region, education)
        if profile is None or service_id not in known:
            continue  # a bucket or service this version no longer knows
        rows.append((profile, service_id, MAX_GRADE * useful_answers / answers, min(answers * weight_per_answer, max_weight)))
    return rows


def profile_for(age_band_label: str, status: str, region: str, education_band: str) -> Profile | None:
    """A profile standing for a bucket: the youngest age of the band, the band's typical education level."""
    try:
        age = int(age_band_label.split("-")[0])
        return Profile(age=age, status=status, region=region, disability=UNSTORED_DISABILITY, education_level=BAND_EDUCATION[education_band])
    except (ValueError, KeyError, ValidationError):
        return None


def retention_cutoff(today: dt.date) -> dt.date:
    """The first day kept: the same day 13 months earlier (the month's last day when it is shorter)."""
    months = today.year * 12 + today.month - 1 - RETENTION_MONTHS
    year, month = divmod(months, 12)
    month += 1
    next_month = dt.date(year + month // 12, month % 12 + 1, 1)
    return dt.date(year, month, min(today.day, (next_month - dt.timedelta(days=1)).day))


def purge(session: Session, *, today: dt.date) -> tuple[int, int, dt.date]:
    """Delete counts and feedback from before the retention cutoff; the recommendations and feedback answers deleted, and the cutoff."""
    cutoff = retention_cutoff(today)
    recommendations = session.exec(select(func.coalesce(func.sum(UsageCount.recommendations), 0)).where(UsageCount.day < cutoff)).one()
    session.exec(delete(ServiceCount).where(ServiceCount.day < cutoff))
    session.exec(delete(UsageCount).where(UsageCount.day < cutoff))
    feedback = session.exec(delete(Feedback).where(Feedback.day < cutoff)).rowcount
    session.commit()
    return recommendations, feedback, cutoff


def stored_feedback(timeout: float = 30.0) -> tuple[list[FeedbackRow], str]:
    """The app's stored feedback as training rows, and where they came from; none when the database is unavailable."""
    from .db import Unavailable

    config = current_app.config
    work = partial(feedback_rows, services=_known_services(), weight_per_answer=config["FEEDBACK_WEIGHT"])
    try:
        rows = _store().read(work, timeout=timeout)
    except Unavailable as error:
        return [], f"no feedback folded in: database {error.reason}"
    return rows, f"{len(rows)} feedback groups from the database"
