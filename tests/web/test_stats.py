"""Public statistics: charts as accessible SVG with tables, never a group of fewer than 10 people."""

from __future__ import annotations

import datetime as dt
import html
import re

from recommender import create_app
from recommender.domain.privacy import Bucket
from recommender.storage.models import Partner
from recommender.storage.usage import RECORDED, disclosure, record_event, record_feedback
from tests.conftest import person
from tests.db_support import app_config, closed_port, database_url, db_app, empty_db  # noqa: F401  (fixtures: SQLite, and PostgreSQL when configured)

TODAY = dt.date.today()
THIS_MONDAY = TODAY - dt.timedelta(days=TODAY.weekday())
MONDAY = THIS_MONDAY - dt.timedelta(days=7)  # the last week that is over: the most recent one published
LAST_WEEK = MONDAY + dt.timedelta(days=2)


def served(app, count: int, day: dt.date = LAST_WEEK, partner: str | None = None, **answers) -> None:
    """`count` people like `answers` were served recommendations on `day`."""
    with app.test_request_context():
        for _ in range(count):
            assert record_event(person(**answers), partner=partner, day=day)


def rated(app, service_id: str, useful: int, useless: int, day: dt.date = LAST_WEEK) -> None:
    with app.test_request_context():
        for verdict in [True] * useful + [False] * useless:
            assert record_feedback(person(), service_id, verdict, day=day) == RECORDED


def offered(app, **answers) -> set[str]:
    """The services counted for someone like `answers`: those offered to their whole bucket."""
    with app.app_context():
        return set(disclosure().offered_to_all(Bucket.of(person(**answers)), LAST_WEEK))


def page(app, path: str = "/stats?lang=en") -> tuple[int, str]:
    app.extensions["pathways_store"].flush()
    response = app.test_client().get(path)
    return response.status_code, html.unescape(response.get_data(as_text=True))


def chart(page_text: str, chart_id: str) -> str:
    """One chart's section of the page ('' when the chart is not there)."""
    found = re.search(rf'<section id="chart-{chart_id}".*?</section>', page_text, re.S)
    return found.group(0) if found else ""


def table_rows(section: str) -> list[list[str]]:
    """The data table's rows, cells as text."""
    body = re.search(r"<tbody>(.*?)</tbody>", section, re.S).group(1)
    return [[re.sub(r"<[^>]+>", "", cell).strip() for cell in re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", row, re.S)] for row in re.findall(r"<tr>(.*?)</tr>", body, re.S)]


def test_each_chart_is_an_accessible_svg_with_a_table_of_the_same_numbers(empty_db):
    served(empty_db, 14, status="employee", region="11")
    served(empty_db, 11, status="job_seeker", region="84")
    status, text = page(empty_db)
    assert status == 200
    for chart_id in ("weekly", "services", "status", "region"):
        section = chart(text, chart_id)
        svg = re.search(r"<svg[^>]*>", section).group(0)
        assert 'role="img"' in svg and f'aria-labelledby="chart-{chart_id}-title chart-{chart_id}-desc"' in svg
        assert f'<title id="chart-{chart_id}-title">' in section and f'<desc id="chart-{chart_id}-desc">' in section
        assert "<table>" in section and 'scope="col"' in section
    services = dict(row for row in table_rows(chart(text, "services")))
    assert services["Career development advice (CEP)"] == "25" and set(services.values()) <= {"25", "14", "11"}
    assert table_rows(chart(text, "region")) == [["Île-de-France", "14", "56%"], ["Auvergne-Rhône-Alpes", "11", "44%"]]
    assert [row[0] for row in table_rows(chart(text, "weekly"))] == [f"{MONDAY.day} {MONDAY:%b} {MONDAY.year}"]
    assert "<script" not in text.split("<main", 1)[1]  # drawn on the server: no charting script


def test_a_small_group_is_not_shown_anywhere_nor_counted_in_any_total(empty_db):
    served(empty_db, 20, status="employee", region="11")
    served(empty_db, 12, status="job_seeker", region="11")
    served(empty_db, 3, status="student", region="06", age=20)
    _, text = page(empty_db)
    assert [row[0] for row in table_rows(chart(text, "status"))] == ["Employee", "Looking for work"]
    assert "Mayotte" not in text and "Student" not in text
    # The hidden 3 are in no figure at all: the weekly total is the sum of the shown groups, not 35.
    assert table_rows(chart(text, "weekly")) == [[f"{MONDAY.day} {MONDAY:%b} {MONDAY.year}", "32"]]
    assert "Groups of fewer than 10 people in a week are left out." in text


def test_weeks_with_fewer_than_ten_recommendations_are_left_out(empty_db):
    served(empty_db, 10, day=MONDAY)
    served(empty_db, 9, day=MONDAY - dt.timedelta(days=7))
    _, text = page(empty_db)
    weeks = table_rows(chart(text, "weekly"))
    assert weeks == [[f"{MONDAY.day} {MONDAY:%b} {MONDAY.year}", "10"]]


def test_the_week_under_way_is_never_shown(empty_db):
    served(empty_db, 40, day=TODAY)  # reloading later today must not tell a few minutes' use
    status, text = page(empty_db)
    assert status == 200 and "Not enough data to show yet." in text and "<svg" not in text


def test_useful_ratio_per_service_needs_ten_answers(empty_db):
    served(empty_db, 10)
    rated(empty_db, "cep", useful=7, useless=3)
    rated(empty_db, "cpf", useful=9, useless=0)
    _, text = page(empty_db)
    assert table_rows(chart(text, "useful")) == [["Career development advice (CEP)", "70%", "10"]]


def test_the_page_is_in_french_by_default(empty_db):
    served(empty_db, 1234, region="11")
    status, text = page(empty_db, "/stats")
    assert status == 200 and '<html lang="fr">' in text
    assert "Statistiques d’utilisation" in text and "Voir les données en tableau" in text
    assert ["Île-de-France", "1\u202f234", "100\u00a0%"] in table_rows(chart(text, "region"))  # Babel's French numbers
    assert table_rows(chart(text, "weekly"))[0][0] == f"{MONDAY.day} {['janv.', 'févr.', 'mars', 'avr.', 'mai', 'juin', 'juil.', 'août', 'sept.', 'oct.', 'nov.', 'déc.'][MONDAY.month - 1]} {MONDAY.year}"


def test_a_partner_page_counts_only_its_own_visitors(empty_db):
    with empty_db.extensions["pathways_store"].session() as session:
        session.add(Partner(slug="cite-metiers-lyon", name="Cité des métiers de Lyon"))
        session.commit()
    served(empty_db, 15, partner="cite-metiers-lyon", region="84")
    served(empty_db, 30, region="11")
    status, text = page(empty_db, "/stats/cite-metiers-lyon?lang=en")
    assert status == 200 and "Cité des métiers de Lyon" in text
    assert table_rows(chart(text, "region")) == [["Auvergne-Rhône-Alpes", "15", "100%"]]
    assert page(empty_db, "/stats/no-such-partner")[0] == 404


def test_with_too_little_data_the_page_says_so(empty_db):
    served(empty_db, 4)
    status, text = page(empty_db)
    assert status == 200 and "Not enough data to show yet." in text and "<svg" not in text


def test_statistics_say_when_the_database_is_away_and_the_site_keeps_working():
    app = create_app(app_config(f"postgresql+psycopg://postgres@127.0.0.1:{closed_port()}/pathways"))
    try:
        status, text = page(app)
        assert status == 503 and "Statistics are unavailable for the moment" in text
        assert app.test_client().get("/stats").status_code == 503
        assert "Les statistiques sont momentanément indisponibles" in app.test_client().get("/stats").get_data(as_text=True)
        assert app.test_client().get("/?lang=en").status_code in (200, 302)
    finally:
        app.extensions["pathways_store"].close()


def figures(text: str) -> dict[str, dict[str, str]]:
    """Every table of a page as {chart: {row label: first number}}."""
    return {chart_id: {row[0]: row[1] for row in table_rows(chart(text, chart_id))} for chart_id in ("weekly", "services", "status", "region", "useful") if chart(text, chart_id)}


def test_subtracting_one_statistics_page_from_another_or_one_period_from_the_next_learns_nothing_hidden(empty_db):
    # The audit's attack: /stats minus /stats/<partner> gave another partner's hidden small groups exactly.
    with empty_db.extensions["pathways_store"].session() as session:
        session.add_all([Partner(slug="big-partner", name="Big"), Partner(slug="small-partner", name="Small")])
        session.commit()
    served(empty_db, 30, region="11")  # the site's own pages
    served(empty_db, 12, partner="big-partner", region="84")
    served(empty_db, 4, partner="small-partner", region="84", disability="recognised")  # a small group: hidden
    served(empty_db, 3, partner="small-partner", region="84", day=MONDAY - dt.timedelta(days=7))  # and the week before
    everyone, big, small = (figures(page(empty_db, path)[1]) for path in ("/stats?lang=en", "/stats/big-partner?lang=en", "/stats/small-partner?lang=en"))
    assert small == {}  # nothing to show for the small partner
    difference = {region: int(everyone["region"][region]) - int(big["region"].get(region, "0")) for region in everyone["region"]}
    assert difference == {"Île-de-France": 30, "Auvergne-Rhône-Alpes": 0}  # exactly the site's own published cell
    assert int(everyone["weekly"][f"{MONDAY.day} {MONDAY:%b} {MONDAY.year}"]) == 42  # 30 + 12: the small group is in no total
    # One period from the next: the small partner's week before adds nothing anywhere, and the week under way neither,
    # however often the page is reloaded while it goes on.
    served(empty_db, 5, partner="small-partner", region="84", day=TODAY)
    assert figures(page(empty_db, "/stats?lang=en")[1]) == everyone

