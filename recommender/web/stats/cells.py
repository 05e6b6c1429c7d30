"""What statistics may publish: the finest cells the database can give, each kept only with at least MIN_PEOPLE in it.

A cell is one partner page (or the site), one complete ISO week (Monday to Sunday, over before today), and one group:
for people, their situation and region; for services, the service; for feedback, the service. A cell with fewer
than MIN_PEOPLE (people, or answers) is dropped here, before anything is added up, so every published figure is a
sum of published cells and of nothing else. Hence no subtraction reveals a hidden cell: `/stats` minus
`/stats/<partner>` is the sum of the other pages' published cells, one period minus another is the published cells of
the weeks between, and one chart minus another adds nothing hidden. Only weeks that are over are read, so that
reloading a page later in the week never tells a few minutes' use.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass

from sqlalchemy import func
from sqlmodel import Session, select

from ...storage.models import Feedback, ServiceCount, UsageCount

MIN_PEOPLE = 10


@dataclass(frozen=True)
class Cells:
    """The published cells: people by (partner, week, status, region); offers by (partner, week, service); feedback
    by (partner, week, service) as (useful answers, answers). Partner '' is the site's own pages."""

    people: dict[tuple[str, dt.date, str, str], int]
    offers: dict[tuple[str, dt.date, str], int]
    feedback: dict[tuple[str, dt.date, str], tuple[int, int]]


def monday(day: dt.date) -> dt.date:
    """The Monday of `day`'s ISO week."""
    return day - dt.timedelta(days=day.weekday())


def published(cells: dict, size=lambda value: value) -> dict:
    """Only the cells with at least MIN_PEOPLE in them."""
    return {key: value for key, value in cells.items() if size(value) >= MIN_PEOPLE}


def read_cells(session: Session, today: dt.date) -> Cells:
    """Read the complete weeks' counts and keep the cells that may be published."""
    first_open_week = monday(today)
    people: dict = defaultdict(int)
    query = select(UsageCount.day, UsageCount.partner, UsageCount.status, UsageCount.region, func.sum(UsageCount.recommendations))
    for day, partner, status, region, count in session.exec(query.where(UsageCount.day < first_open_week).group_by(UsageCount.day, UsageCount.partner, UsageCount.status, UsageCount.region)):
        people[(partner, monday(day), status, region)] += int(count)
    offers: dict = defaultdict(int)
    query = select(ServiceCount.day, ServiceCount.partner, ServiceCount.service_id, func.sum(ServiceCount.shown))
    for day, partner, service_id, count in session.exec(query.where(ServiceCount.day < first_open_week).group_by(ServiceCount.day, ServiceCount.partner, ServiceCount.service_id)):
        offers[(partner, monday(day), service_id)] += int(count)
    return Cells(published(people), published(offers), published(_feedback_cells(session, first_open_week), size=lambda value: value[1]))


def _feedback_cells(session: Session, before: dt.date) -> dict:
    """(useful answers, answers) per (partner, week, service), from the weeks before `before`."""
    cells: dict = defaultdict(lambda: (0, 0))
    query = select(Feedback.day, Feedback.partner_slug, Feedback.service_id, Feedback.useful, func.count())
    grouped = query.where(Feedback.day < before).group_by(Feedback.day, Feedback.partner_slug, Feedback.service_id, Feedback.useful)
    for day, partner, service_id, useful, count in session.exec(grouped):
        key = (partner or "", monday(day), service_id)
        yes, answers = cells[key]
        cells[key] = (yes + (int(count) if useful else 0), answers + int(count))
    return dict(cells)


@dataclass(frozen=True)
class Totals:
    """Sums of published cells for one audience (everyone, or one partner's page): what the charts show."""

    weeks: dict[dt.date, int]
    statuses: dict[str, int]
    regions: dict[str, int]
    services: dict[str, int]
    feedback: dict[str, tuple[int, int]]

    @classmethod
    def of(cls, cells: Cells, partner: str | None) -> Totals:
        """Add up the published cells of `partner`'s page (None: every page, the site's included)."""
        mine = (lambda key: True) if partner is None else (lambda key: key[0] == partner)
        weeks, statuses, regions = defaultdict(int), defaultdict(int), defaultdict(int)
        for key, count in cells.people.items():
            if mine(key):
                weeks[key[1]] += count
                statuses[key[2]] += count
                regions[key[3]] += count
        services: dict = defaultdict(int)
        feedback: dict = defaultdict(lambda: (0, 0))
        for key, count in cells.offers.items():
            if mine(key):
                services[key[2]] += count
        for key, (yes, answers) in cells.feedback.items():
            if mine(key):
                feedback[key[2]] = (feedback[key[2]][0] + yes, feedback[key[2]][1] + answers)
        return cls(dict(weeks), dict(statuses), dict(regions), dict(services), dict(feedback))
