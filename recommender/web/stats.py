"""Public statistics, /stats and /stats/<partner>: charts drawn on the server as accessible SVG, each with its table.

Privacy: a group of fewer than 10 people is never shown, in a chart or a table; where a chart shows shares (so that
the total can be worked out), a lone hidden group takes the next smallest one with it, so that no hidden number
can be found by subtraction.
"""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Callable
from dataclasses import dataclass, field

from flask import Blueprint, Response, abort, current_app, request
from sqlalchemy import func
from sqlmodel import Session, select

from ..domain.texts import Text
from ..storage.db import Unavailable
from ..storage.models import Feedback, Partner, ServiceCount, UsageCount
from ..storage.usage import PARTNER_SLUG
from .i18n import current_lang
from .pages import SECURITY_HEADERS, render
from .questions import OPTIONS

bp = Blueprint("stats", __name__, url_prefix="/stats")

MIN_PEOPLE = 10
TOP_SERVICES = 10
WIDTH = 400  # SVG user units; the charts scale to the page width (text stays legible at 320 px)
LABEL_CHARACTERS = 44  # what fits on one line of WIDTH at 15 units a letter-em

T = {
    "title": Text(fr="Statistiques d'utilisation", en="Usage statistics"),
    "title_partner": Text(fr="Statistiques d'utilisation : {name}", en="Usage statistics: {name}"),
    "intro": Text(
        fr="Ces chiffres sont anonymes : ils viennent de groupes larges (tranche d'âge, situation, région, niveau de diplôme), jamais d'une personne. Les groupes de moins de 10 personnes ne sont pas montrés.",
        en="These figures are anonymous: they come from broad groups (age band, situation, region, diploma band), never from one person. Groups of fewer than 10 people are not shown.",
    ),
    "intro_partner": Text(fr="Uniquement les recommandations faites depuis le site de {name}.", en="Only the recommendations made from {name}'s website."),
    "period": Text(fr="Période : du {start} au {end} (13 derniers mois au plus).", en="Period: {start} to {end} (at most the last 13 months)."),
    "unavailable": Text(
        fr="Les statistiques sont momentanément indisponibles. Les recommandations, elles, fonctionnent normalement. Réessayez dans quelques minutes.",
        en="Statistics are unavailable for the moment. Recommendations work as usual. Please try again in a few minutes.",
    ),
    "empty": Text(fr="Pas encore assez de données à montrer.", en="Not enough data to show yet."),
    "hidden": Text(fr="Les groupes de moins de 10 personnes ne sont pas montrés.", en="Groups of fewer than 10 people are not shown."),
    "show_table": Text(fr="Voir les données en tableau", en="Show the data as a table"),
    "weekly": Text(fr="Recommandations servies par semaine", en="Recommendations served per week"),
    "weekly_summary": Text(fr="{weeks} semaines montrées ; semaine la plus active : {best} ({count} recommandations).", en="{weeks} weeks shown; busiest week: {best} ({count} recommendations)."),
    "services": Text(fr="Services les plus recommandés", en="Most recommended services"),
    "services_summary": Text(fr="En tête : {first}, recommandé à {count} personnes.", en="First: {first}, recommended to {count} people."),
    "status": Text(fr="Les personnes par situation", en="People by situation"),
    "region": Text(fr="Les personnes par région", en="People by region"),
    "share_summary": Text(fr="Groupe le plus nombreux : {first} ({share} des personnes).", en="Largest group: {first} ({share} of people)."),
    "useful": Text(fr="Avis « utile » par service", en="“Useful” answers per service"),
    "useful_summary": Text(fr="Le plus souvent jugé utile : {first} ({share} des avis).", en="Most often found useful: {first} ({share} of answers)."),
    "col_week": Text(fr="Semaine du", en="Week of"),
    "col_recommendations": Text(fr="Recommandations", en="Recommendations"),
    "col_service": Text(fr="Service", en="Service"),
    "col_people": Text(fr="Personnes", en="People"),
    "col_share": Text(fr="Part", en="Share"),
    "col_status": Text(fr="Situation", en="Situation"),
    "col_region": Text(fr="Région", en="Region"),
    "col_useful": Text(fr="Jugé utile", en="Found useful"),
    "col_answers": Text(fr="Avis", en="Answers"),
    "useful_value": Text(fr="{share} utile ({answers} avis)", en="{share} useful ({answers} answers)"),
}
MONTHS = {
    "fr": ("janv.", "févr.", "mars", "avr.", "mai", "juin", "juil.", "août", "sept.", "oct.", "nov.", "déc."),
    "en": ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"),
}


# --- what the database says (language-free, cached) ---------------------------------------------------------------


@dataclass(frozen=True)
class Totals:
    """Counts read from the database for one audience (everyone, or one partner's page)."""

    days: dict[dt.date, int]
    statuses: dict[str, int]
    regions: dict[str, int]
    services: dict[str, int]
    feedback: dict[str, tuple[int, int]]  # service id: (useful answers, all answers)


def read_totals(session: Session, partner: str | None) -> Totals:
    """Sum the usage counts and group the feedback in the database; only counts come back."""
    where = [UsageCount.partner == partner] if partner else []

    def counts(column) -> dict:
        return dict(session.exec(select(column, func.sum(UsageCount.recommendations)).where(*where).group_by(column)).all())

    shown_where = [ServiceCount.partner == partner] if partner else []
    shown = select(ServiceCount.service_id, func.sum(ServiceCount.shown)).where(ServiceCount.shown > 0, *shown_where).group_by(ServiceCount.service_id)
    feedback_where = [Feedback.partner_slug == partner] if partner else []
    useful = select(Feedback.service_id, Feedback.useful, func.count()).where(*feedback_where).group_by(Feedback.service_id, Feedback.useful)
    ratios: dict[str, tuple[int, int]] = {}
    for service_id, is_useful, count in session.exec(useful):
        yes, total = ratios.get(service_id, (0, 0))
        ratios[service_id] = (yes + (count if is_useful else 0), total + count)
    return Totals(days=counts(UsageCount.day), statuses=counts(UsageCount.status), regions=counts(UsageCount.region), services=dict(session.exec(shown).all()), feedback=ratios)


def partner_name(session: Session, slug: str) -> str | None:
    """The partner's name, None if there is no such partner."""
    return session.exec(select(Partner.name).where(Partner.slug == slug)).first()


def cached_totals(slug: str | None) -> tuple[str | None, Totals]:
    """(partner name, totals), from the cache when fresh; raises Unavailable when the database cannot answer."""
    store = current_app.extensions["pathways_store"]
    cache = current_app.extensions.setdefault("pathways_stats_cache", {})
    ttl = float(current_app.config["STATS_CACHE_SECONDS"])
    hit = cache.get(slug)
    if hit and hit[0] > time.monotonic():
        return hit[1]

    def work(session: Session) -> tuple[str | None, Totals] | None:
        name = partner_name(session, slug) if slug else None
        if slug and name is None:
            return None
        return name, read_totals(session, slug)

    found = store.read(work)
    if found is None:
        abort(404)
    if ttl > 0:
        cache[slug] = (time.monotonic() + ttl, found)
    return found


# --- privacy: which numbers may be shown -----------------------------------------------------------------------------


def shown_counts(counts: dict, *, complementary: bool) -> dict:
    """Drop groups under MIN_PEOPLE; with `complementary`, a lone hidden group takes the next smallest one with it."""
    visible = {key: count for key, count in counts.items() if count >= MIN_PEOPLE}
    hidden = [count for count in counts.values() if 0 < count < MIN_PEOPLE]
    if complementary and len(hidden) == 1 and visible:
        smallest = min(visible, key=lambda key: (visible[key], str(key)))
        del visible[smallest]
    return visible


# --- charts ----------------------------------------------------------------------------------------------------------


@dataclass
class Mark:
    """One bar and its texts, in SVG user units."""

    label: str
    value_text: str
    x: float
    y: float
    width: float
    height: float
    label_x: float
    label_y: float
    value_x: float
    value_y: float
    lines: list[str] = field(default_factory=list)


@dataclass
class Chart:
    """A chart and its table: what the template draws."""

    id: str
    title: str
    summary: str
    columns: tuple[str, ...]
    rows: list[tuple[str, ...]]
    kind: str = "bars"  # bars (horizontal, label above) or columns (weeks)
    width: float = WIDTH
    height: float = 0
    marks: list[Mark] = field(default_factory=list)
    axis: tuple[float, float, float, float] | None = None  # x1, y1, x2, y2


def number(value: float, lang: str) -> str:
    """1 234 (French) or 1,234 (English)."""
    text = f"{round(value):,}"
    return text.replace(",", "\u202f") if lang == "fr" else text


def percent(share: float, lang: str) -> str:
    """72 % (French) or 72% (English)."""
    value = round(share * 100)
    return f"{value}\u00a0%" if lang == "fr" else f"{value}%"


def day_text(day: dt.date, lang: str, short: bool = False) -> str:
    """16 nov. 2026 / 16 Nov 2026 (without the year when short)."""
    month = MONTHS[lang][day.month - 1]
    return f"{day.day} {month}" if short else f"{day.day} {month} {day.year}"


def bar_chart(chart_id: str, title: str, summary: str, columns: tuple[str, ...], items: list[tuple[str, float, str, tuple[str, ...]]]) -> Chart:
    """Horizontal bars, each with its label above it: readable on a narrow screen. items: (label, value, value text, table row)."""
    chart = Chart(chart_id, title, summary, columns, [row for *_, row in items])
    top = max((value for _, value, _, _ in items), default=0) or 1
    line_height, bar_height, room_for_value = 18, 16, 130
    y = 0.0
    for label, value, value_text, _ in items:
        lines = wrap(label, LABEL_CHARACTERS)
        bar_y = y + len(lines) * line_height + 4
        length = max((WIDTH - room_for_value) * value / top, 1)
        chart.marks.append(Mark(label, value_text, 0, bar_y, length, bar_height, 0, y + 14, length + 6, bar_y + 13, lines=lines))
        y = bar_y + bar_height + 10
    chart.height = max(y, 1)
    return chart


def wrap(text: str, width: int) -> list[str]:
    """Split a label into lines of at most `width` characters (SVG text does not wrap by itself)."""
    lines: list[str] = []
    for word in text.split():
        if lines and len(lines[-1]) + 1 + len(word) <= width:
            lines[-1] += " " + word
        else:
            lines.append(word)
    return lines or [""]


def column_chart(chart_id: str, title: str, summary: str, columns: tuple[str, ...], weeks: list[tuple[dt.date, int | None]], lang: str) -> Chart:
    """One column per week, a gap where a week is hidden; a date under every fourth week."""
    rows = [(day_text(week, lang), number(count, lang)) for week, count in weeks if count is not None]
    chart = Chart(chart_id, title, summary, columns, rows, kind="columns")
    plot_top, plot_bottom = 8, 160
    top = max((count for _, count in weeks if count is not None), default=0) or 1
    step = WIDTH / max(len(weeks), 1)
    for index, (week, count) in enumerate(weeks):
        label = day_text(week, lang, short=True) if index % max(len(weeks) // 4, 1) == 0 and index <= len(weeks) - 3 else ""
        x = index * step
        height = (plot_bottom - plot_top) * (count or 0) / top
        chart.marks.append(Mark(label, number(count, lang) if count is not None else "", x + step * 0.1, plot_bottom - height, step * 0.8 if count is not None else 0, height, x, plot_bottom + 18, x + step / 2, plot_bottom - height - 4))
    chart.axis = (0, plot_bottom, WIDTH, plot_bottom)
    chart.height = plot_bottom + 22
    return chart


def weekly_chart(days: dict[dt.date, int], lang: str) -> Chart | None:
    """Recommendations per week (Monday to Sunday), from the first week with data to this one."""
    by_week: dict[dt.date, int] = {}
    for day, count in days.items():
        monday = day - dt.timedelta(days=day.weekday())
        by_week[monday] = by_week.get(monday, 0) + count
    visible = shown_counts(by_week, complementary=False)
    if not visible:
        return None
    first, last = min(by_week), max(max(by_week), dt.date.today() - dt.timedelta(days=dt.date.today().weekday()))
    weeks = [first + dt.timedelta(weeks=n) for n in range((last - first).days // 7 + 1)]
    best = max(visible, key=lambda week: (visible[week], week))
    summary = T["weekly_summary"](lang).format(weeks=len(visible), best=day_text(best, lang), count=number(visible[best], lang))
    return column_chart("weekly", T["weekly"](lang), summary, (T["col_week"](lang), T["col_recommendations"](lang)), [(week, visible.get(week)) for week in weeks], lang)


def services_chart(services: dict[str, int], lang: str) -> Chart | None:
    """The services most often shown."""
    catalogue = current_app.extensions["pathways"].knowledge.catalogue
    visible = shown_counts({sid: n for sid, n in services.items() if sid in catalogue.services}, complementary=False)
    ordered = sorted(visible.items(), key=lambda item: (-item[1], item[0]))[:TOP_SERVICES]
    if not ordered:
        return None
    items = [(catalogue.services[sid].name(lang), count, number(count, lang), (catalogue.services[sid].name(lang), number(count, lang))) for sid, count in ordered]
    summary = T["services_summary"](lang).format(first=items[0][0], count=items[0][2])
    return bar_chart("services", T["services"](lang), summary, (T["col_service"](lang), T["col_people"](lang)), items)


def share_chart(chart_id: str, counts: dict[str, int], name: Callable[[str], str], column: Text, lang: str) -> Chart | None:
    """Share of people per group, largest first."""
    total = sum(counts.values())
    visible = shown_counts(counts, complementary=True)
    if not visible:
        return None
    ordered = sorted(visible.items(), key=lambda item: (-item[1], item[0]))
    items = [(name(key), count, f"{percent(count / total, lang)} ({number(count, lang)})", (name(key), number(count, lang), percent(count / total, lang))) for key, count in ordered]
    summary = T["share_summary"](lang).format(first=items[0][0], share=percent(ordered[0][1] / total, lang))
    return bar_chart(chart_id, T[chart_id](lang), summary, (column(lang), T["col_people"](lang), T["col_share"](lang)), items)


def useful_chart(feedback: dict[str, tuple[int, int]], lang: str) -> Chart | None:
    """The share of "useful" answers per service, for services with at least MIN_PEOPLE answers."""
    catalogue = current_app.extensions["pathways"].knowledge.catalogue
    enough = {sid: ratio for sid, ratio in feedback.items() if ratio[1] >= MIN_PEOPLE and sid in catalogue.services}
    if not enough:
        return None
    ordered = sorted(enough.items(), key=lambda item: (-item[1][0] / item[1][1], -item[1][1], item[0]))
    items = []
    for sid, (yes, answers) in ordered:
        name, share = catalogue.services[sid].name(lang), percent(yes / answers, lang)
        items.append((name, yes / answers, T["useful_value"](lang).format(share=share, answers=number(answers, lang)), (name, share, number(answers, lang))))
    summary = T["useful_summary"](lang).format(first=items[0][0], share=percent(ordered[0][1][0] / ordered[0][1][1], lang))
    chart = bar_chart("useful", T["useful"](lang), summary, (T["col_service"](lang), T["col_useful"](lang), T["col_answers"](lang)), items)
    for mark, (_, share, _, _) in zip(chart.marks, items):  # a 0-100 % scale, not relative to the best service
        mark.width = max((WIDTH - 130) * share, 1)
        mark.value_x = mark.width + 6
    return chart


def charts(totals: Totals, lang: str) -> list[Chart]:
    """Every chart that has something to show."""
    catalogue = current_app.extensions["pathways"].knowledge.catalogue

    def status_name(value: str) -> str:
        return str(OPTIONS["status"][value][0]) if value in OPTIONS["status"] else value

    def region_name(code: str) -> str:
        return catalogue.regions[code].name(lang) if code in catalogue.regions else code

    found = [
        weekly_chart(totals.days, lang),
        services_chart(totals.services, lang),
        share_chart("status", totals.statuses, status_name, T["col_status"], lang),
        share_chart("region", totals.regions, region_name, T["col_region"], lang),
        useful_chart(totals.feedback, lang),
    ]
    return [chart for chart in found if chart is not None]


# --- pages -----------------------------------------------------------------------------------------------------------


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
    lang = current_lang()
    try:
        name, totals = cached_totals(slug)
    except Unavailable:
        response = render("stats/index.html", status=503, title=T["title"](lang), intro=[T["unavailable"](lang)], charts=[], period=None, hidden=None, show_table=None)
        response.headers["Retry-After"] = str(int(current_app.config["DB_RETRY_SECONDS"]) or 5)
        return response
    found = charts(totals, lang)
    title = T["title_partner"](lang).format(name=name) if name else T["title"](lang)
    intro = [T["intro"](lang)] + ([T["intro_partner"](lang).format(name=name)] if name else [])
    period = None
    if totals.days:
        period = T["period"](lang).format(start=day_text(min(totals.days), lang), end=day_text(max(totals.days), lang))
    if not found:
        intro.append(T["empty"](lang))
    return render("stats/index.html", title=title, intro=intro, charts=found, period=period, hidden=T["hidden"](lang), show_table=T["show_table"](lang))


@bp.after_request
def secure(response: Response) -> Response:
    """The same security headers as the questionnaire's pages; statistics may be cached briefly."""
    response.headers.update(SECURITY_HEADERS)
    if response.status_code == 200 and request.method == "GET":
        response.headers.setdefault("Cache-Control", "public, max-age=300")
    return response

