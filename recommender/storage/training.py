"""Stored feedback read back as training rows for `flask ranker train`, with bounded weight so no one can rig it.

Answers are grouped by group (bucket) and service: the grade is the share of "useful" on the 0-3 scale of the expert
cases. Weights are bounded three ways, so that a flood of answers cannot outweigh the expert cases: one answer weighs
`weight_per_answer`; all the answers of one day together weigh at most MAX_DAY_WEIGHT (a flood arrives in a day: the
date is the server's); all the answers of one group weigh at most MAX_BUCKET_WEIGHT (an expert case weighs 1).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from functools import partial

from flask import current_app
from pydantic import ValidationError
from sqlalchemy import case, func
from sqlmodel import Session, select

from ..domain.privacy import Bucket
from ..domain.profile import Profile
from ..domain.ranking import MAX_GRADE
from .engine import Unavailable
from .models import Feedback

FeedbackRow = tuple[Profile, str, float, float]
MAX_DAY_WEIGHT = 2.0  # all of one day's answers together weigh as much as two expert cases, at most
MAX_BUCKET_WEIGHT = 2.0  # all of one group's answers together, over every day and service, likewise
GROUP = (Feedback.age_band, Feedback.status, Feedback.region, Feedback.education_band)


def feedback_rows(session: Session, *, services: Iterable[str], weight_per_answer: float = 0.1) -> list[FeedbackRow]:
    """Stored feedback as (profile, service id, grade, weight) rows for `train_ranker(..., feedback=rows)`."""
    known = set(services)
    useful = func.sum(case((Feedback.useful.is_(True), 1), else_=0))
    query = select(Feedback.day, *GROUP, Feedback.service_id, func.count(), useful).group_by(Feedback.day, *GROUP, Feedback.service_id)
    found = [row for row in session.exec(query) if row[5] in known]
    weights = _day_bounded(found, weight_per_answer)
    return _bucket_bounded(weights)


def _day_bounded(found: list, weight_per_answer: float) -> dict[tuple, list[float]]:
    """(group, service): [weight, weighted useful share], each day's answers scaled down to MAX_DAY_WEIGHT together."""
    per_day: dict[dt.date, float] = defaultdict(float)
    for day, *_, answers, _useful in found:
        per_day[day] += answers * weight_per_answer
    totals: dict[tuple, list[float]] = {}
    for day, age, status, region, education, service_id, answers, useful in found:
        scale = min(1.0, MAX_DAY_WEIGHT / per_day[day])
        weight = answers * weight_per_answer * scale
        entry = totals.setdefault(((age, status, region, education), service_id), [0.0, 0.0])
        entry[0] += weight
        entry[1] += weight * useful / answers
    return totals


def _bucket_bounded(totals: dict[tuple, list[float]]) -> list[FeedbackRow]:
    """Training rows, each group's answers scaled down to MAX_BUCKET_WEIGHT together; unknown groups left out."""
    per_bucket: dict[tuple, float] = defaultdict(float)
    for (group, _), (weight, _) in totals.items():
        per_bucket[group] += weight
    rows = []
    for (group, service_id), (weight, useful_weight) in sorted(totals.items()):
        profile = profile_for(*group)
        if profile is None or weight <= 0:
            continue  # a group this version no longer knows
        scale = min(1.0, MAX_BUCKET_WEIGHT / per_bucket[group])
        rows.append((profile, service_id, MAX_GRADE * useful_weight / weight, weight * scale))
    return rows


def profile_for(age_band_label: str, status: str, region: str, education_band: str) -> Profile | None:
    """A profile standing for a group (domain/privacy.py), or None when the group is no longer a valid one."""
    try:
        return Bucket(age_band_label, status, region, education_band).representative()
    except (ValueError, KeyError, ValidationError):
        return None


def stored_feedback(timeout: float = 30.0) -> tuple[list[FeedbackRow], str]:
    """The app's stored feedback as training rows, and where they came from; none when the database is unavailable."""
    config = current_app.config
    services = current_app.extensions["pathways"].knowledge.catalogue.services
    work = partial(feedback_rows, services=services, weight_per_answer=config["FEEDBACK_WEIGHT"])
    try:
        rows = current_app.extensions["pathways_store"].read(work, timeout=timeout)
    except Unavailable as error:
        return [], f"no feedback folded in: database {error.reason}"
    return rows, f"{len(rows)} feedback groups from the database"
