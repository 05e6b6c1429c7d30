"""How long usage counts, feedback and error reports are kept (13 months), and the purge that deletes what is older."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import delete, func
from sqlmodel import Session, select

from .models import ErrorReport, Feedback, ServiceCount, UsageCount

RETENTION_MONTHS = 13


def retention_cutoff(today: dt.date) -> dt.date:
    """The first day kept: the same day 13 months earlier (the month's last day when it is shorter)."""
    months = today.year * 12 + today.month - 1 - RETENTION_MONTHS
    year, month = divmod(months, 12)
    month += 1
    next_month = dt.date(year + month // 12, month % 12 + 1, 1)
    return dt.date(year, month, min(today.day, (next_month - dt.timedelta(days=1)).day))


def purge(session: Session, *, today: dt.date) -> tuple[int, int, int, dt.date]:
    """Delete counts, feedback and error reports from before the retention cutoff; the recommendations, feedback answers
    and reports deleted, and the cutoff."""
    cutoff = retention_cutoff(today)
    recommendations = session.exec(select(func.coalesce(func.sum(UsageCount.recommendations), 0)).where(UsageCount.day < cutoff)).one()
    session.exec(delete(ServiceCount).where(ServiceCount.day < cutoff))
    session.exec(delete(UsageCount).where(UsageCount.day < cutoff))
    feedback = session.exec(delete(Feedback).where(Feedback.day < cutoff)).rowcount
    reports = session.exec(delete(ErrorReport).where(ErrorReport.day < cutoff)).rowcount
    session.commit()
    return recommendations, feedback, reports, cutoff
