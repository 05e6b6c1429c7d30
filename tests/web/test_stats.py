"""Public statistics: charts as accessible SVG with tables, never a group of fewer than 10 people."""

from __future__ import annotations

import datetime as dt
import html
import re

from recommender import create_app
from recommender.storage.models import Partner
from recommender.storage.usage import record_event, record_feedback
from recommender.web.stats import MIN_PEOPLE, shown_counts
from tests.conftest import person
from tests.db_support import app_config, closed_port, database_url, db_app, empty_db  # noqa: F401  (fixtures: SQLite, and PostgreSQL when configured)

TODAY = dt.date.today()
MONDAY = TODAY - dt.timedelta(days=TODAY.weekday())


def served(app, count: int, day: dt.date = TODAY, partner: str | None = None, **answers) -> None:
    """`count` people like `answers` were shown the CEP and the CPF on `day`."""
    with app.test_request_context():
        for _ in range(count):
            assert record_event(person(**answers), ["cep", "cpf"], partner=partner, day=day)


def rated(app, service_id: str, useful: int, useless: int) -> None:
    with app.test_request_context():
        for verdict in [True] * useful + [False] * useless:
            assert record_feedback(person(), service_id, verdict)


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


def test_groups_under_ten_people_are_hidden_and_cannot_be_worked_out():
    assert shown_counts({"a": 12, "b": 10, "c": 9}, complementary=False) == {"a": 12, "b": 10}
    # One hidden group next to a share chart could be found by subtraction: the next smallest goes too.
    assert shown_counts({"a": 12, "b": 10, "c": 9}, complementary=True) == {"a": 12}
    assert shown_counts({"a": 12, "b": 10, "c": 9, "d": 1}, complementary=True) == {"a": 12, "b": 10}
    assert shown_counts({"a": 12, "b": 10}, complementary=True) == {"a": 12, "b": 10}
    assert MIN_PEOPLE == 10


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
    assert table_rows(chart(text, "services")) == [["Career development advice (CEP)", "25"], ["Personal training account (CPF)", "25"]]
    assert table_rows(chart(text, "region")) == [["Île-de-France", "14", "56%"], ["Auvergne-Rhône-Alpes", "11", "44%"]]
    assert [row[0] for row in table_rows(chart(text, "weekly"))] == [f"{MONDAY.day} {MONDAY:%b} {MONDAY.year}"]
    assert "<script" not in text.split("<main", 1)[1]  # drawn on the server: no charting script


def test_a_small_group_is_not_shown_anywhere(empty_db):
    served(empty_db, 20, status="employee", region="11")
    served(empty_db, 12, status="job_seeker", region="11")
    served(empty_db, 3, status="student", region="06", age=20)
    _, text = page(empty_db)
    statuses = [row[0] for row in table_rows(chart(text, "status"))]
    assert statuses == ["Employee"]  # students (3) hidden, and job seekers with them so 3 cannot be subtracted
    assert "Mayotte" not in text and "Student" not in text
    assert "Groups of fewer than 10 people are not shown." in text


def test_weeks_with_fewer_than_ten_recommendations_are_left_out(empty_db):
    served(empty_db, 10, day=MONDAY)
    served(empty_db, 9, day=MONDAY - dt.timedelta(days=7))
    _, text = page(empty_db)
    weeks = table_rows(chart(text, "weekly"))
    assert weeks == [[f"{MONDAY.day} {MONDAY:%b} {MONDAY.year}", "10"]]


def test_useful_ratio_per_service_needs_ten_answers(empty_db):
    served(empty_db, 10)
    rated(empty_db, "cep", useful=7, useless=3)
    rated(empty_db, "cpf", useful=9, useless=0)
    _, text = page(empty_db)
    assert table_rows(chart(text, "useful")) == [["Career development advice (CEP)", "70%", "10"]]


def test_the_page_is_in_french_by_default(empty_db):
    served(empty_db, 12, region="11")
    status, text = page(empty_db, "/stats")
    assert status == 200 and '<html lang="fr">' in text
    assert "Statistiques d'utilisation" in text and "Voir les données en tableau" in text
    assert ["Île-de-France", "12", "100\u00a0%"] in table_rows(chart(text, "region"))


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
