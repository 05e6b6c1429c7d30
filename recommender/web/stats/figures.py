"""The charts of a statistics page, in the page's language: texts through gettext, dates and numbers through Babel."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from flask import current_app
from flask_babel import format_date, format_number, format_percent
from flask_babel import gettext as _

from ..i18n import current_lang
from ..questions import OPTIONS
from .cells import Totals
from .charts import Bar, Chart, Column, bar_chart, column_chart

TOP_SERVICES = 10


def day_text(day: dt.date, short: bool = False) -> str:
    """16 nov. 2026 / 16 Nov 2026 (without the year when short)."""
    return format_date(day, "d MMM" if short else "d MMM y")


def weekly_chart(weeks: dict[dt.date, int]) -> Chart | None:
    """Recommendations per week, from the first published week to the last one that is over; a gap for hidden weeks."""
    if not weeks:
        return None
    first, last = min(weeks), max(weeks)
    mondays = [first + dt.timedelta(weeks=n) for n in range((last - first).days // 7 + 1)]
    every = max(len(mondays) // 4, 1)
    columns = [Column(day_text(monday, short=True) if index % every == 0 and index <= len(mondays) - 3 else "", weeks.get(monday),
                      format_number(weeks[monday]) if monday in weeks else "") for index, monday in enumerate(mondays)]
    best = max(weeks, key=lambda monday: (weeks[monday], monday))
    summary = _("%(weeks)s weeks shown; busiest week: %(best)s (%(count)s recommendations).", weeks=format_number(len(weeks)), best=day_text(best), count=format_number(weeks[best]))
    rows = [(day_text(monday), format_number(weeks[monday])) for monday in mondays if monday in weeks]
    return column_chart("weekly", _("Recommendations served per week"), summary, (_("Week of"), _("Recommendations")), rows, columns)


def services_chart(services: dict[str, int]) -> Chart | None:
    """The services most often offered."""
    catalogue = current_app.extensions["pathways"].knowledge.catalogue
    ordered = sorted(((sid, n) for sid, n in services.items() if sid in catalogue.services), key=lambda item: (-item[1], item[0]))[:TOP_SERVICES]
    if not ordered:
        return None
    lang, top = current_lang(), ordered[0][1]
    bars = [Bar(catalogue.services[sid].name(lang), count / top, format_number(count), (catalogue.services[sid].name(lang), format_number(count))) for sid, count in ordered]
    summary = _("First: %(first)s, offered to %(count)s people.", first=bars[0].label, count=bars[0].value_text)
    return bar_chart("services", _("Most recommended services"), summary, (_("Service"), _("People")), bars)


def share_chart(chart_id: str, title: str, column: str, counts: dict[str, int], name: Callable[[str], str]) -> Chart | None:
    """Share of people per group, largest first (shares of the published total: every part of it is shown)."""
    if not counts:
        return None
    total = sum(counts.values())
    ordered = sorted(counts.items(), key=lambda item: (-item[1], item[0]))
    top = ordered[0][1]
    bars = [Bar(name(key), count / top, f"{format_percent(count / total)} ({format_number(count)})", (name(key), format_number(count), format_percent(count / total))) for key, count in ordered]
    summary = _("Largest group: %(first)s (%(share)s of people).", first=bars[0].label, share=format_percent(ordered[0][1] / total))
    return bar_chart(chart_id, title, summary, (column, _("People"), _("Share")), bars)


def useful_chart(feedback: dict[str, tuple[int, int]]) -> Chart | None:
    """The share of "useful" answers per service, on a 0-100 % scale."""
    catalogue = current_app.extensions["pathways"].knowledge.catalogue
    known = {sid: ratio for sid, ratio in feedback.items() if sid in catalogue.services}
    if not known:
        return None
    lang = current_lang()
    ordered = sorted(known.items(), key=lambda item: (-item[1][0] / item[1][1], -item[1][1], item[0]))
    bars = []
    for sid, (yes, answers) in ordered:
        name, share = catalogue.services[sid].name(lang), format_percent(yes / answers)
        bars.append(Bar(name, yes / answers, _("%(share)s useful (%(answers)s answers)", share=share, answers=format_number(answers)), (name, share, format_number(answers))))
    summary = _("Most often found useful: %(first)s (%(share)s of answers).", first=bars[0].label, share=bars[0].row[1])
    return bar_chart("useful", _("“Useful” answers per service"), summary, (_("Service"), _("Found useful"), _("Answers")), bars)


def charts(totals: Totals) -> list[Chart]:
    """Every chart that has something to show."""
    catalogue, lang = current_app.extensions["pathways"].knowledge.catalogue, current_lang()

    def status_name(value: str) -> str:
        """A situation as the questionnaire names it."""
        return str(OPTIONS["status"][value][0]) if value in OPTIONS["status"] else value

    def region_name(code: str) -> str:
        """A region's name in the page's language."""
        return catalogue.regions[code].name(lang) if code in catalogue.regions else code

    found = [
        weekly_chart(totals.weeks),
        services_chart(totals.services),
        share_chart("status", _("People by situation"), _("Situation"), totals.statuses, status_name),
        share_chart("region", _("People by region"), _("Region"), totals.regions, region_name),
        useful_chart(totals.feedback),
    ]
    return [chart for chart in found if chart is not None]
