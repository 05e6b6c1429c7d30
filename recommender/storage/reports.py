"""Error reports about the catalogue's texts: stored as they come (service, part, comment, day), read back by the
`reports list` command. Nothing that identifies the person who reports is ever passed here."""

from __future__ import annotations

import datetime as dt
import logging
import uuid

from flask import current_app
from sqlmodel import Session, select

from .models import ErrorReport

log = logging.getLogger(__name__)
REPORTS = ErrorReport.__table__
COMMIT_WAIT = 2.5  # seconds a report waits for its commit before the page says it was not recorded (as feedback does)


def record_report(*, service_id: str, part: str, comment: str, day: dt.date | None = None) -> bool:
    """Store one report: True once committed, False when the database could not take it in time (the page then says so
    and keeps the text). Never raises."""
    try:
        row = {"id": uuid.uuid4(), "day": day or dt.date.today(), "service_id": service_id, "part": part, "comment": comment}
        return current_app.extensions["pathways_store"].write(((REPORTS, (row,)),), "error report", wait=COMMIT_WAIT)
    except Exception as error:
        log.warning("error report dropped: %s", type(error).__name__)
        return False


def stored_reports(session: Session, *, since: dt.date | None = None, service_id: str | None = None) -> list[ErrorReport]:
    """The stored reports, newest day first, then by service."""
    query = select(ErrorReport).order_by(ErrorReport.day.desc(), ErrorReport.service_id, ErrorReport.part)
    if since is not None:
        query = query.where(ErrorReport.day >= since)
    if service_id is not None:
        query = query.where(ErrorReport.service_id == service_id)
    return list(session.exec(query))
