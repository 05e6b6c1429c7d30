"""The results page's layout, the print page, the trust pages and the error reports, as a person (or an operator at
the command line) meets them (Flask test client; tests/web/test_browser.py drives them in Chromium)."""

from __future__ import annotations

import datetime as dt
import re
from urllib.parse import parse_qs, urlsplit

import pytest
from sqlmodel import select

from recommender import create_app
from recommender.storage.models import ErrorReport
from recommender.storage.usage import RECORDED
from recommender.web import reports
from recommender.web.grouping import THEME_LABELS

from .conftest import EMPLOYEE, YOUNG, query
from .test_questionnaire import page

PUPIL_45 = {**YOUNG, "age": "45", "status": "pupil"}


def test_results_show_the_pathway_first_then_the_others_folded_by_what_they_help_with(client, recommender):
    shown = page(client.get(f"/results?{query(YOUNG, lang='en')}"))
    answer = recommender.recommend(_profile(YOUNG), dt.date.today(), "en")
    ranked, pathway = answer["recommendations"], answer["pathway"]
    catalogue = recommender.knowledge.catalogue
    folded = [item for item in ranked if item["id"] not in {step["id"] for step in pathway}]
    steps = shown.find("li", **{"class": "recommendation pathway-step"})
    assert [li["data-service-id"] for li in steps] == [step["id"] for step in pathway] == ["mission-locale", "cej", "france-travail"]
    assert "At step 1 (" in shown.all_text and "ask your adviser about it." in shown.all_text
    assert "For the first meeting, bring an identity document" in shown.all_text and "Where:" in shown.all_text
    assert len(shown.find("details", **{"class": "service-fold step-fold"})) == len(pathway)  # each step's full card, folded
    assert len(shown.find("li", **{"class": "recommendation recommendation-folded"})) == len(folded) > 0
    assert len(shown.find("details", **{"class": "service-fold"})) == len(folded)
    assert shown.find("details", **{"class": "service-fold", "open": True}) == []  # all folded
    themes = list(dict.fromkeys(catalogue.services[item["id"]].audience.themes[0] for item in folded))
    headings = [text for text in shown.text if text in {str(label) for label in THEME_LABELS.values()}]
    assert headings == [str(THEME_LABELS[theme]) for theme in themes]  # in the order of each group's best service
    assert f"{len(folded)} other services for you" in shown.all_text
    answer = recommender.recommend(_profile(YOUNG), dt.date.today(), "en")
    near = [item["id"] for item in answer["not_eligible"] if item["near_miss"]]
    assert f"{len(near)} more services could open to you" in shown.all_text  # only the near misses are listed...
    assert [li["data-near-miss"] for li in shown.find("li", data_near_miss=True)] == near
    assert f"And {answer['counts']['not_eligible'] - len(near)} other services that do not fit your situation." in shown.all_text  # ...the rest counted
    assert "Results produced on" in shown.all_text and "maintained by Pathways" in shown.all_text


def test_every_service_links_to_the_error_report_form_for_it(client):
    shown = page(client.get(f"/results?{query(YOUNG, lang='en')}"))
    services = [li["data-service-id"] for li in shown.find("li", data_service_id=True)]
    links = [a["href"] for a in shown.find("a", href=True) if urlsplit(a["href"]).path == "/report"]
    assert sorted(parse_qs(urlsplit(link).query)["service"][0] for link in links) == sorted(services)


def test_a_copy_button_appears_with_javascript_and_the_link_is_there_without(client):
    shown = page(client.get(f"/results?{query(YOUNG, lang='fr')}"))
    assert all("hidden" in button for button in shown.find("button", data_copy="share-url"))
    assert shown.one("input", id="share-url")["value"].startswith("/results?")  # PATHWAYS_PUBLIC_BASE_URL unset: no host
    assert shown.one("p", id="copy-status")["role"] == "status"


def test_the_print_page_holds_every_service_the_date_and_the_address_but_not_the_disability_answer(client, recommender):
    response = client.get(f"/results/print?{query(EMPLOYEE, lang='en')}")
    assert response.status_code == 200 and response.headers["Cache-Control"] == "no-store"
    shown = page(response)
    ranked = recommender.recommend(_profile(EMPLOYEE), dt.date.today(), "en")["recommendations"]
    answer = recommender.recommend(_profile(EMPLOYEE), dt.date.today(), "en")
    assert [li["data-step"] for li in shown.find("li", data_step=True)] == [step["id"] for step in answer["pathway"]] != []
    assert all(step["action"]["text"] in shown.all_text for step in answer["pathway"])
    assert [li["data-service-id"] for li in shown.find("li", data_service_id=True)] == [item["id"] for item in ranked]
    assert ranked[-1]["next_steps"][0]["text"] in shown.all_text
    assert f"Results produced on {dt.date.today():%-d %B %Y} by Pathways (http://localhost/)" in shown.all_text
    assert "Yes, officially recognised" not in shown.all_text and "Disability:" not in shown.all_text
    assert "30 years old" in shown.all_text and "Employee" in shown.all_text
    assert "Why it fits you" not in shown.all_text  # reasons are personal: they stay on the screen
    assert client.get(f"/results/print?{query({'age': '30'}, lang='en')}").status_code == 422


@pytest.mark.parametrize(("lang", "placeholder"), [("fr", "À renseigner par l’exploitant du service"), ("en", "To be set by whoever runs this service")])
def test_the_legal_notice_says_honestly_what_whoever_runs_the_service_has_not_set(client, lang, placeholder):
    shown = page(client.get(f"/legal?lang={lang}"))
    assert shown.all_text.count(placeholder) == 5 and "PATHWAYS_CONTACT" in shown.all_text
    assert "Pathways" in shown.all_text


def test_the_legal_notice_shows_the_operators_settings():
    app = create_app({"TESTING": True, "RATELIMIT_ENABLED": False, "PUBLISHER": "GIP Orientation Exemple", "PUBLISHER_ADDRESS": "1 rue de la Paix, 75002 Paris",
                      "PUBLICATION_DIRECTOR": "Camille Martin", "CONTACT": "contact@orientation.example", "HOST": "Hébergeur Exemple SAS",
                      "HOST_ADDRESS": "2 avenue du Port, 13002 Marseille, 04 00 00 00 00"})
    shown = page(app.test_client().get("/legal?lang=en"))
    for value in ("GIP Orientation Exemple", "1 rue de la Paix, 75002 Paris", "Camille Martin", "Hébergeur Exemple SAS", "04 00 00 00 00"):
        assert value in shown.all_text
    assert shown.one("a", href="mailto:contact@orientation.example") is not None
    assert "To be set" not in shown.all_text and "PATHWAYS_CONTACT" not in shown.all_text
    results = page(app.test_client().get(f"/results?{query(YOUNG, lang='en')}"))
    assert "maintained by GIP Orientation Exemple" in results.all_text


def test_the_accessibility_statement_has_the_rgaa_parts(client):
    french = page(client.get("/accessibility?lang=fr"))
    for part in ("Déclaration d’accessibilité", "État de conformité", "non conforme", "Résultats des tests", "axe-core",
                 "Contenus non accessibles", "Retour d’information et contact", "Voies de recours", "Défenseur des droits",
                 "Libre réponse 71120, 75342 Paris CEDEX 07", "loi n° 2005-102"):
        assert part in french.all_text, part
    english = client.get("/accessibility?lang=en").get_data(as_text=True)
    assert '<span lang="fr">Défenseur des droits</span>' in english  # a French name, read in French
    assert "Accessibilité : non conforme" in page(client.get("/")).all_text  # the status, from every page


def test_the_report_form_names_the_service_and_warns_not_to_write_anything_personal(client):
    response = client.get(f"/report?{query(YOUNG, service='cep', lang='en')}")
    assert response.status_code == 200 and response.headers["Cache-Control"] == "no-store"
    shown = page(response)
    assert "( CEP )" in shown.all_text and "About:" in shown.all_text  # the acronym marked: <abbr title="…">CEP</abbr>
    assert "Do not write anything personal" in shown.all_text
    assert shown.one("textarea", id="comment")["maxlength"] == "1000"
    assert shown.one("a", **{"class": "back-link"})["href"].startswith("/results?")


def test_a_report_with_mistakes_is_shown_again_with_each_error_and_the_text_kept(client, monkeypatch):
    monkeypatch.setattr(reports, "record_report", lambda **kwargs: pytest.fail("must not be stored"))
    response = client.post("/report", data={"service": "cep", "comment": "x" * 1001, "lang": "en"})
    assert response.status_code == 422
    shown = page(response)
    assert shown.one("div", **{"class": "error-summary"})["role"] == "alert"
    assert "Choose which information is wrong." in shown.all_text
    assert "Your comment is 1001 characters long: shorten it to 1000 at most." in shown.all_text
    assert "x" * 1001 in shown.all_text  # nothing typed is lost
    unknown = page(client.post("/report", data={"service": "nope", "part": "cost", "comment": "Faux", "lang": "fr"}))
    assert "Il n’existe pas de service « nope »." in unknown.all_text


def test_a_report_is_kept_while_the_database_is_away(client, monkeypatch):
    monkeypatch.setattr(reports, "record_report", lambda **kwargs: False)
    response = client.post("/report", data={"service": "cep", "part": "cost", "comment": "Le tarif a changé.", "lang": "fr"})
    assert response.status_code == 503
    assert "Le tarif a changé." in page(response).all_text


def test_a_report_stores_the_service_the_part_the_comment_and_the_day_only_and_reports_list_shows_it(app, client):
    comment = "Le numéro de téléphone indiqué n’est plus attribué."
    response = client.post("/report", data={**YOUNG, "service": "cap-emploi", "part": "contact", "comment": f"  {comment}  ", "lang": "fr"},
                           environ_base={"REMOTE_ADDR": "203.0.113.7"}, headers={"User-Agent": "Test/1.0"})
    assert response.status_code == 200 and "Merci, votre signalement a été enregistré" in page(response).all_text
    assert any(a["href"].startswith("/results?") for a in page(response).find("a", href=True))  # back to the results
    store = app.extensions["pathways_store"]
    assert store.flush()
    with store.session() as session:
        stored = [r for r in session.exec(select(ErrorReport)) if r.comment == comment]
    assert len(stored) == 1 and (stored[0].service_id, stored[0].part, stored[0].day) == ("cap-emploi", "contact", dt.date.today())
    assert set(ErrorReport.__table__.columns.keys()) == {"id", "day", "service_id", "part", "comment"}  # nothing else can be kept
    listed = app.test_cli_runner().invoke(args=["reports", "list", "--service", "cap-emploi"])
    assert listed.exit_code == 0, listed.output
    assert f"{dt.date.today().isoformat()}  cap-emploi  [contact]\n    {comment}" in listed.output
    assert "203.0.113.7" not in listed.output and "19" not in listed.output.replace(dt.date.today().isoformat(), "")


def test_counsellor_mode_has_a_new_person_button_a_summary_and_a_print_link(client, recommender):
    shown = page(client.get(f"/counsellor?{query(YOUNG, lang='en')}"))
    assert shown.one("a", **{"class": "button-secondary new-person"})["href"] == "/counsellor?lang=en"
    ranked = recommender.recommend(_profile(YOUNG), dt.date.today(), "en")["recommendations"]
    summary_links = [a["href"] for a in shown.find("a", href=True) if a["href"].startswith("#service-")]
    assert summary_links == [f"#service-{item['id']}" for item in ranked]
    assert any(a["href"].startswith("/results/print?") for a in shown.find("a", href=True))
    assert "unusual combination" not in shown.all_text


@pytest.mark.parametrize(("answers", "note"), [
    (PUPIL_45, "“Pupil” at 45: an unusual combination."),
    ({**YOUNG, "age": "19", "education_level": "level8"}, "“Doctorate” at 19: an unusual combination."),
    ({**YOUNG, "age": "35", "status": "apprentice"}, "“Apprentice” at 35: an unusual combination."),
])
def test_counsellor_mode_notes_answers_that_rarely_go_together(client, answers, note):
    shown = page(client.get(f"/counsellor?{query(answers, lang='en')}"))
    assert note in shown.all_text
    assert shown.one("ol", id="recommendations") is not None  # the results are still given


def test_an_apprentice_with_a_recognised_disability_is_not_unusual_at_35(client):
    shown = page(client.get(f"/counsellor?{query({**YOUNG, 'age': '35', 'status': 'apprentice', 'disability': 'recognised'}, lang='en')}"))
    assert "unusual combination" not in shown.all_text


def test_french_names_are_marked_as_french_on_english_pages(client):
    english = client.get(f"/results?{query(YOUNG, lang='en')}").get_data(as_text=True)
    assert '<span lang="fr">Mission locale</span>' in english
    french = client.get(f"/results?{query(YOUNG, lang='fr')}").get_data(as_text=True)
    assert 'lang="fr">Mission locale' not in french


@pytest.mark.parametrize("url", ["/", "/questions/age", f"/results?{query(YOUNG)}", f"/results/print?{query(YOUNG)}", "/legal", "/accessibility",
                                 "/report?service=cep", "/counsellor", "/privacy"])
def test_every_page_has_a_description_for_search_engines(client, url):
    description = page(client.get(url)).one("meta", name="description")["content"]
    assert 50 < len(description) < 300


def test_the_widget_snippet_opens_the_questionnaire_without_javascript():
    from recommender.cli.demo import partner_site

    site = partner_site("http://127.0.0.1:5000", "demo").test_client()
    assert '<noscript><a href="http://127.0.0.1:5000/?lang=fr">' in site.get("/").get_data(as_text=True)
    assert '<noscript><a href="http://127.0.0.1:5000/?lang=en">' in site.get("/?lang=en").get_data(as_text=True)


def _profile(answers: dict):
    """The profile the pages build from these answers."""
    from recommender.domain.profile import Profile
    from recommender.web.answers import profile_input

    return Profile.model_validate(profile_input(answers))


def test_after_a_no_javascript_feedback_on_a_folded_service_its_card_is_open_to_show_the_thanks(client, monkeypatch):
    monkeypatch.setattr("recommender.web.feedback.record_feedback", lambda *args, **kwargs: RECORDED)
    html = client.get(f"/results?{query(YOUNG, lang='en')}").get_data(as_text=True)
    folded = html[html.index('id="other-services"'):]
    service = re.search(r'<form class="feedback no-print" id="feedback-([a-z0-9-]+)"', folded).group(1)
    token = re.search(r'name="token" value="([^"]+)"', folded).group(1)
    sent = client.post("/feedback", data={**YOUNG, "lang": "en", "service_id": service, "useful": "yes", "token": token})
    assert sent.status_code == 303 and sent.location.endswith(f"#feedback-{service}")
    back = client.get(sent.location).get_data(as_text=True)
    card = back[back.index(f'id="service-{service}"'):]
    assert card.split(">", 2)[1].strip().startswith('<details class="service-fold" open')
    assert f'<p class="feedback feedback-thanks" id="feedback-{service}"' in card.split("</details>", 1)[0]
