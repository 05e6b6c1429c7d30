"""The widget's pages (/embed/<partner>/...) and its loader (/embed.js), through the Flask test client.

The browser tests (tests/web/test_embed.py) put it on a partner's page on another origin."""

from __future__ import annotations

import re
from urllib.parse import parse_qs, urlsplit

import pytest
from sqlalchemy import text

from recommender.web.embed import contrast_with_white
from tests.feedback_support import page_token
from tests.partner_support import add_partner
from tests.web.conftest import YOUNG, query
from tests.web.test_questionnaire import page

ORIGINS = ("https://mairie-embed.example", "http://127.0.0.1:8123")
SLUG = "mairie-embed"
ENGLISH_SLUG = "english-embed"


@pytest.fixture(scope="module")
def widget(app):
    """A partner with two origins and an accent; another whose widget speaks English unless told otherwise."""
    add_partner(app, SLUG, *ORIGINS, name="Mairie de Saint-Exemple", accent="#5B2A86")
    add_partner(app, ENGLISH_SLUG, "https://english.example", lang="en")
    return f"/embed/{SLUG}"


def journey(widget: str) -> list[str]:
    """Every page a person can see inside the widget."""
    return [f"{widget}/?lang=fr", f"{widget}/questions/age?lang=en", f"{widget}/questions/region?{query({'age': '30'}, lang='fr')}",
            f"{widget}/check?{query(YOUNG, lang='fr')}", f"{widget}/results?{query(YOUNG, lang='en')}", f"{widget}/counsellor?lang=fr",
            f"{widget}/privacy?lang=fr", f"{widget}/theme/5b2a86.css"]


def test_the_widget_may_be_framed_by_its_partners_origins_and_no_other(client, widget):
    for url in journey(widget):
        response = client.get(url)
        assert response.status_code == 200, url
        policy = response.headers["Content-Security-Policy"]
        assert policy.endswith("; frame-ancestors https://mairie-embed.example http://127.0.0.1:8123"), url
        assert "script-src 'self'" in policy and "style-src 'self'" in policy and "unsafe" not in policy
        assert "X-Frame-Options" not in response.headers  # it cannot name partners; frame-ancestors does
        assert response.headers["X-Content-Type-Options"] == "nosniff"
        assert response.headers["Referrer-Policy"] == "no-referrer"  # the address holds the answers
        assert "camera=()" in response.headers["Permissions-Policy"]


@pytest.mark.parametrize(("lang", "title", "says"), [
    ("fr", "Ce module d’orientation n’est pas configuré", "Aucun partenaire « nobody-here » n’est enregistré auprès de Pathways"),
    ("en", "This guidance widget is not set up", "No partner “nobody-here” is registered with Pathways"),
])
def test_an_unknown_partner_gets_a_clear_404_page(client, widget, lang, title, says):
    response = client.get(f"/embed/nobody-here/questions/age?lang={lang}")
    assert response.status_code == 404
    shown = page(response)
    assert title in shown.all_text and says in shown.all_text and "data-partner" in shown.all_text
    # Framed by no other site (issue 11: any site could frame it): the webmaster sees the browser refuse the frame,
    # and the page itself when they open its address.
    assert response.headers["Content-Security-Policy"].endswith("frame-ancestors 'self'") and response.headers["X-Frame-Options"] == "SAMEORIGIN"
    assert shown.find("a", href=f"/?lang={lang}")  # the way to Pathways itself


def test_no_response_of_the_widget_sets_a_cookie(client, widget):
    responses = [client.get(url) for url in journey(widget)]
    responses.append(client.post(f"{widget}/questions/age", data={"age": "19", "lang": "fr"}))
    token = page_token(client, {**YOUNG, "lang": "fr"}, widget)
    responses.append(client.post(f"{widget}/feedback", data={**YOUNG, "service_id": "mission-locale", "useful": "yes", "lang": "fr", "token": token}))
    responses.append(client.get("/embed.js"))
    responses.append(client.get("/embed/nobody-here/"))
    assert [r.status_code for r in responses[-4:]] == [303, 303, 200, 404]
    assert all("Set-Cookie" not in r.headers for r in responses)


def test_answers_move_on_inside_the_widget(client, widget):
    answered = client.post(f"{widget}/questions/age", data={"age": "19", "lang": "en", "accent": "#b3261e"})
    assert answered.status_code == 303
    address = urlsplit(answered.headers["Location"])
    assert address.path == f"{widget}/questions/status"
    assert parse_qs(address.query) == {"age": ["19"], "lang": ["en"], "accent": ["#b3261e"]}


def test_links_and_forms_stay_in_the_widget_in_its_language_and_colour(client, widget):
    accent = "%23b3261e"
    for url in (f"{widget}/questions/status?{query({'age': '30'}, lang='en')}&accent={accent}", f"{widget}/results?{query(YOUNG, lang='en')}&accent={accent}"):
        shown = page(client.get(url))
        links = [a for a in shown.find("a") if a.get("href", "").startswith("/") and a.get("target") != "_blank"]
        inside = [a["href"] for a in links] + [form["action"] for form in shown.find("form")]
        assert inside and all(address.startswith(f"{widget}/") and f"accent={accent}" in address for address in inside), inside
        assert all("lang=en" in a["href"] for a in links if "hreflang" not in a)  # the language switch aside
        assert all(field["value"] == "#b3261e" for field in shown.find("input", name="accent")) and shown.find("input", name="accent")
    results = page(client.get(f"{widget}/results?{query(YOUNG, lang='en')}"))
    share = results.one("input", id="share-url")["value"]
    assert urlsplit(share).path == "/results"  # a link to keep or share opens Pathways itself, not a framed page


def test_the_compact_layout_says_who_provides_it(client, widget):
    shown = page(client.get(f"{widget}/?lang=fr"))
    html = shown.one("html")
    assert html["class"] == "embedded" and html["data-partner-origins"] == " ".join(ORIGINS)
    assert "Proposé par Pathways : gratuit et anonyme, sans cookie ni traceur." in shown.all_text
    assert shown.one("a", href="/?lang=fr", target="_blank")
    assert shown.one("script", src="/static/pathways-embed.js") and shown.one("link", href="/static/pathways-embed.css")
    site = page(client.get("/questions/age?lang=fr"))
    framed = page(client.get(f"{widget}/questions/age?lang=fr"))
    assert site.one("h1").get("class") == framed.one("h1").get("class")
    assert "Quel âge avez-vous ?" in framed.all_text and site.find("html")[0].get("class") is None


def recorded_partners(app) -> dict[str, list]:
    """The partner of every recommendation counted and of every feedback answer stored (None: the site's own pages)."""
    store = app.extensions["pathways_store"]
    assert store.flush()
    with store.engine.connect() as connection:
        counted = [[partner or None] * count for partner, count in connection.execute(text("SELECT partner, recommendations FROM usage_count"))]
        return {"recommendations": sum(counted, []), "feedback": [row[0] for row in connection.execute(text("SELECT partner_slug FROM feedback"))]}


def test_the_partner_is_recorded_with_what_its_widget_served(app, client, widget):
    before = recorded_partners(app)
    token = page_token(client, {**YOUNG, "lang": "fr"}, widget)
    client.post(f"{widget}/feedback", data={**YOUNG, "service_id": "mission-locale", "useful": "no", "lang": "fr", "token": token})
    client.get(f"/results?{query(YOUNG, lang='fr')}")
    after = recorded_partners(app)
    assert after["recommendations"].count(SLUG) == before["recommendations"].count(SLUG) + 1  # the page that gave the token
    assert after["recommendations"].count(None) == before["recommendations"].count(None) + 1  # the site's own page: no partner
    assert after["feedback"].count(SLUG) == before["feedback"].count(SLUG) + 1


def test_the_partners_language_is_the_default_and_the_page_may_choose(client, widget):
    first = client.get(f"/embed/{ENGLISH_SLUG}/questions/age")
    assert first.status_code == 302 and first.headers["Location"] == f"/embed/{ENGLISH_SLUG}/questions/age?lang=en"
    assert "How old are you?" in page(client.get(first.headers["Location"])).all_text
    assert "Quel âge avez-vous ?" in page(client.get(f"/embed/{ENGLISH_SLUG}/questions/age?lang=fr")).all_text
    assert client.get(f"{widget}/questions/age").status_code == 200  # no registered language: French, as the site


def test_the_accent_is_a_stylesheet_never_an_inline_style(client, widget):
    registered = page(client.get(f"{widget}/?lang=fr"))
    assert registered.one("link", href=f"{widget}/theme/5b2a86.css")
    asked = page(client.get(f"{widget}/?lang=fr&accent=%23B3261E"))
    assert [link["href"] for link in asked.find("link", rel="stylesheet")][-1] == f"{widget}/theme/b3261e.css"
    ignored = page(client.get(f"{widget}/?lang=fr&accent=red"))
    assert [link["href"] for link in ignored.find("link", rel="stylesheet")][-1] == f"{widget}/theme/5b2a86.css"
    assert not any("style" in attrs for _, attrs in asked.elements) and asked.find("style") == []
    css = client.get(f"{widget}/theme/5b2a86.css")
    assert css.mimetype == "text/css" and "immutable" in css.headers["Cache-Control"]
    assert "--brand: #5b2a86;" in css.get_data(as_text=True)


@pytest.mark.parametrize("colour", ["ffdd00", "ffffff", "7fdbff", "00ff00"])
def test_a_light_accent_is_darkened_until_white_text_on_it_is_readable(client, widget, colour):
    css = client.get(f"{widget}/theme/{colour}.css").get_data(as_text=True)
    brand = re.search(r"--brand: #([0-9a-f]{6});", css).group(1)
    assert brand != colour and contrast_with_white(brand) >= 4.5
    assert client.get(f"{widget}/theme/zzzzzz.css").status_code == 404


def test_the_loader_is_small_cached_javascript_any_site_may_load(client):
    loader = client.get("/embed.js")
    assert loader.status_code == 200 and loader.headers["Content-Type"] == "text/javascript; charset=utf-8"
    assert len(loader.data) < 2000
    assert loader.headers["Cache-Control"].startswith("public, max-age=86400")
    assert loader.headers["Cross-Origin-Resource-Policy"] == "cross-origin"
    assert client.get("/embed.js", headers={"If-None-Match": loader.headers["ETag"]}).status_code == 304
    source = loader.get_data(as_text=True)
    assert "eval(" not in source and "innerHTML" not in source and "postMessage" in source


def test_while_the_partners_cannot_be_read_the_widget_says_so_rather_than_unknown(app, client, widget, monkeypatch):
    from recommender.storage.db import Unavailable
    from recommender.storage.partners import registry

    def unavailable(_slug):
        raise Unavailable("unreachable")

    monkeypatch.setattr(registry(app), "get", unavailable)
    response = client.get(f"{widget}/?lang=en")
    assert response.status_code == 503 and "The guidance service is unavailable for a moment" in page(response).all_text
    assert response.headers["Cache-Control"] == "no-store"


def test_an_accent_that_is_not_exactly_a_colour_is_ignored(client, widget):
    shown = page(client.get(f"{widget}/?lang=fr&accent=%23b3261e%0a"))
    assert [link["href"] for link in shown.find("link", rel="stylesheet")][-1] == f"{widget}/theme/5b2a86.css"


def test_the_follow_up_questions_work_the_same_inside_the_widget(client, widget):
    career = {"age": "45", "status": "employee", "region": "11", "disability": "none", "education_level": "level4", "goals": ["change_career"], "lang": "en"}
    first = client.post(f"{widget}/questions/goals", data={**career, "accent": "#5b2a86"})
    location = urlsplit(first.location)
    assert location.path == f"{widget}/questions/contract" and parse_qs(location.query)["accent"] == ["#5b2a86"]  # stays in the widget
    shown = page(client.get(first.location))
    assert shown.one("button", name="skip")["value"] == "contract" and "follow-up-step" in shown.one("form", method="post")["class"]
    skipped = client.post(f"{widget}/questions/contract", data={**career, "skip": "contract"})
    assert urlsplit(skipped.location).path.startswith(f"{widget}/questions/") and parse_qs(urlsplit(skipped.location).query)["skipped"] == ["contract"]
    wrong = client.post(f"{widget}/questions/contract", data={**career, "contract": "permanent"})
    assert wrong.status_code == 422 and "Employment contract: this is not one of the answers offered." in page(wrong).all_text
    results = page(client.get(f"{widget}/results?{query({**career, 'skipped': 'contract'})}"))
    offer = next(a["href"] for a in results.find("a", href=True) if a["href"].startswith(f"{widget}/questions/"))
    assert "skipped" not in parse_qs(urlsplit(offer).query)
