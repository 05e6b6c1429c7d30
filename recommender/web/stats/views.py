"""The statistics pages, /stats and /stats/<partner>: published cells read (and cached) once, then the charts."""

from __future__ import annotations

import datetime as dt
import time

from flask import Blueprint, Response, abort, current_app, request
from flask_babel import gettext as _
from sqlmodel import Session, select

from ...storage.db import Unavailable
from ...storage.models import Partner
from ...storage.usage import PARTNER_SLUG
from ..questionnaire import render
from .cells import MIN_PEOPLE, Cells, Totals, read_cells
from .figures import charts, day_text

bp = Blueprint("stats", __name__, url_prefix="/stats")


def cached_cells() -> tuple[Cells, dict[str, str]]:
    """(published cells, partner names by slug), from the cache while fresh; raises Unavailable when the database is away."""
    cache = current_app.extensions.setdefault("pathways_stats_cache", {})
    today = dt.date.today()
    hit = cache.get("cells")
    if hit and hit[0] > time.monotonic() and hit[1] == today:
        return hit[2]

    def work(session: Session) -> tuple[Cells, dict[str, str]]:
        """The cells and the partners' names, in one visit to the database."""
        return read_cells(session, today), dict(session.exec(select(Partner.slug, Partner.name)).all())

    found = current_app.extensions["pathways_store"].read(work)
    ttl = float(current_app.config["STATS_CACHE_SECONDS"])
    if ttl > 0:
        cache["cells"] = (time.monotonic() + ttl, today, found)
    return found


@bp.get("")
def overview() -> Response:
    """Statistics over every page and partner."""
    return _page(None)


@bp.get("/<slug>")
def partner(slug: str) -> Response:
    """Statistics of the recommendations made from one partner's website."""
    if not PARTNER_SLUG.match(slug) or len(slug) > 64:
        abort(404)
    return _page(slug)


def _page(slug: str | None) -> Response:
    """One statistics page, or a 503 page saying they are unavailable for the moment."""
    try:
        cells, names = cached_cells()
    except Unavailable:
        return _unavailable()
    if slug is not None and slug not in names:
        abort(404)
    totals = Totals.of(cells, slug)
    found = charts(totals)
    name = names.get(slug) if slug else None
    title = _("Usage statistics: %(name)s", name=name) if name else _("Usage statistics")
    intro = [_("These figures are anonymous: they add up broad groups (situation, region), week by week, never one person. "
               "A group of fewer than %(k)s people in a week is left out of every figure, totals included.", k=MIN_PEOPLE)]
    if name:
        intro.append(_("Only the recommendations made from %(name)s's website.", name=name))
    if not found:
        intro.append(_("Not enough data to show yet."))
    return render("stats/index.html", title=title, intro=intro, charts=found, period=_period(totals),
                  hidden=_("Groups of fewer than %(k)s people in a week are left out.", k=MIN_PEOPLE), show_table=_("Show the data as a table"))


def _period(totals: Totals) -> str | None:
    """The weeks the figures cover (complete weeks only)."""
    if not totals.weeks:
        return None
    last_sunday = max(totals.weeks) + dt.timedelta(days=6)
    return _("Period: the weeks from %(start)s to %(end)s (complete weeks, at most the last 13 months).", start=day_text(min(totals.weeks)), end=day_text(last_sunday))


def _unavailable() -> Response:
    """The page while the database cannot answer."""
    message = _("Statistics are unavailable for the moment. Recommendations work as usual. Please try again in a few minutes.")
    response = render("stats/index.html", status=503, title=_("Usage statistics"), intro=[message], charts=[], period=None, hidden=None, show_table=None)
    response.headers["Retry-After"] = str(int(current_app.config["DB_RETRY_SECONDS"]) or 5)
    return response


@bp.after_request
def cache_briefly(response: Response) -> Response:
    """Statistics may be cached briefly (security headers: recommender/web/security.py, for every response)."""
    if response.status_code == 200 and request.method == "GET":
        response.headers.setdefault("Cache-Control", "public, max-age=300")
    return response
