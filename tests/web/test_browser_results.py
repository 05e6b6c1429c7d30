"""The results page, its print page, counsellor mode and the trust pages in Chromium: JavaScript on and off, French
and English, on a phone (390x844) and a desktop screen."""

from __future__ import annotations

import re
from urllib.parse import parse_qs, urlsplit

import pytest
from playwright.sync_api import expect

from .conftest import CHROMIUM_ARGS, EMPLOYEE, YOUNG, query  # noqa: F401 - CHROMIUM_ARGS documents the launch
from .test_browser import assert_accessible

VIEWPORTS = {"phone": {"width": 390, "height": 844}, "desktop": {"width": 1280, "height": 800}}
TEXTS = {
    "fr": {"print": "Imprimer ou enregistrer ces résultats", "copy": "Copier le lien", "new": "Nouvelle personne", "report": "Signaler une erreur dans ces informations",
           "send": "Envoyer le signalement", "sent": "Merci, votre signalement a été enregistré", "part": "Le coût", "legal": "Mentions légales",
           "accessibility": "Accessibilité : non conforme", "copied": "Le lien est copié"},
    "en": {"print": "Print or save these results", "copy": "Copy the link", "new": "New person", "report": "Report an error in this information",
           "send": "Send the report", "sent": "Thank you, your report has been recorded", "part": "The cost", "legal": "Legal notice",
           "accessibility": "Accessibility: not compliant", "copied": "The link is copied"},
}
EVERY_WAY = [pytest.param(js, lang, viewport, id=f"{'js' if js else 'no-js'}-{lang}-{viewport}")
             for js in (True, False) for lang in ("fr", "en") for viewport in VIEWPORTS]


@pytest.fixture()
def new_page(browser):
    """Pages opened the way a test asks: JavaScript on or off, phone or desktop, clipboard allowed."""
    contexts = []

    def open_page(javascript: bool = True, viewport: str = "desktop"):
        context = browser.new_context(viewport=VIEWPORTS[viewport], java_script_enabled=javascript)
        context.grant_permissions(["clipboard-read", "clipboard-write"])
        contexts.append(context)
        page = context.new_page()
        page.set_default_timeout(10_000)
        return page

    yield open_page
    for context in contexts:
        context.close()


@pytest.mark.parametrize(("js", "lang", "viewport"), EVERY_WAY)
def test_other_services_are_folded_into_one_line_that_opens_into_the_card(new_page, live_server, js, lang, viewport):
    page = new_page(js, viewport)
    page.goto(f"{live_server}/results?{query(YOUNG, lang=lang)}")
    expect(page.locator("#recommendations > li")).to_have_count(3)
    folds = page.locator("#other-services details.service-fold")
    assert folds.count() > 5
    for index in range(folds.count()):
        expect(folds.nth(index)).not_to_have_attribute("open", "")
    first = folds.first
    expect(first.locator(".next-steps")).to_be_hidden()
    first.locator("summary").click()
    expect(first).to_have_attribute("open", "")
    expect(first.locator(".next-steps")).to_be_visible()
    expect(page.locator("#not-eligible")).not_to_have_attribute("open", "")
    expect(page.locator("#about-results")).to_be_visible()


@pytest.mark.parametrize(("js", "lang", "viewport"), EVERY_WAY)
def test_the_print_page_opens_from_the_results_with_every_service_and_without_the_disability_answer(new_page, live_server, recommender, js, lang, viewport):
    page = new_page(js, viewport)
    page.goto(f"{live_server}/results?{query(EMPLOYEE, lang=lang)}")
    shown = page.locator("[data-service-id]").count()
    page.get_by_role("link", name=TEXTS[lang]["print"]).click()
    expect(page).to_have_url(re.compile(r"/results/print\?"))
    expect(page.locator(".printed-service")).to_have_count(shown)
    page.emulate_media(media="print")
    text = page.locator("body").inner_text()
    assert ("Oui, reconnu officiellement" not in text and "Handicap :" not in text) if lang == "fr" else ("Yes, officially recognised" not in text and "Disability:" not in text)
    assert urlsplit(live_server).netloc in text  # the address of the service, on paper
    assert re.search(r"\d{1,2}(er)? \w+ 20\d\d", text)  # the day the results were produced
    expect(page.locator(".site-header")).to_be_hidden()
    if js:
        expect(page.get_by_role("button", name="Imprimer" if lang == "fr" else "Print", exact=True)).to_be_hidden()  # print media
        page.emulate_media(media="screen")
        expect(page.get_by_role("button", name="Imprimer" if lang == "fr" else "Print", exact=True)).to_be_visible()
    else:
        expect(page.locator("[data-print]")).to_be_hidden()  # nothing that cannot work without JavaScript


@pytest.mark.parametrize("viewport", VIEWPORTS)
def test_copy_the_link_puts_the_results_address_in_the_clipboard(new_page, live_server, viewport):
    page = new_page(True, viewport)
    page.goto(f"{live_server}/results?{query(YOUNG, lang='fr')}")
    page.locator(".share").get_by_role("button", name=TEXTS["fr"]["copy"], exact=True).click()
    expect(page.locator("#copy-status")).to_contain_text(TEXTS["fr"]["copied"])
    copied = page.evaluate("navigator.clipboard.readText()")
    assert copied == f"{live_server}{page.locator('#share-url').input_value()}"  # a whole address, even when the field holds a path
    assert parse_qs(urlsplit(copied).query)["age"] == ["19"]
    assert_accessible(page)


def test_without_javascript_there_is_no_copy_button_but_the_link_itself(new_page, live_server):
    page = new_page(False)
    page.goto(f"{live_server}/results?{query(YOUNG, lang='en')}")
    expect(page.locator("[data-copy]").first).to_be_hidden()
    expect(page.locator("#share-url")).to_have_value(re.compile(r"/results\?age=19&"))


@pytest.mark.parametrize(("js", "lang", "viewport"), EVERY_WAY[::3])
def test_new_person_clears_every_answer_and_the_results(new_page, live_server, js, lang, viewport):
    page = new_page(js, viewport)
    page.goto(f"{live_server}/counsellor?{query(EMPLOYEE, lang=lang)}")
    expect(page.locator("#recommendations > li").first).to_be_visible()
    expect(page.locator(".counsellor-summary li")).to_have_count(page.locator("[data-service-id]").count())
    page.get_by_role("link", name=TEXTS[lang]["new"]).click()
    expect(page.locator("#recommendations")).to_have_count(0)
    expect(page.locator("#age")).to_have_value("")
    expect(page.locator("input[type=radio]:checked")).to_have_count(0)
    assert parse_qs(urlsplit(page.url).query) == {"lang": [lang]}


@pytest.mark.parametrize("js", [True, False], ids=["js", "no-js"])
def test_counsellor_mode_asks_the_cadre_question_only_of_employees_and_job_seekers(new_page, live_server, js):
    page = new_page(js)
    page.goto(f"{live_server}/counsellor?{query({'age': '30', 'status': 'employee', 'region': '11', 'disability': 'none', 'education_level': 'level6'}, lang='en')}")
    cadre = page.locator("#executive-field")
    expect(cadre).to_be_visible()  # a follow-up question for this employee: it settles the Apec
    page.locator("#status-student").check()
    expect(cadre).to_be_hidden()  # without JavaScript too, before the form is sent again
    page.locator("#status-job_seeker").check()
    expect(cadre).to_be_visible()


def test_counsellor_results_grow_with_the_page_instead_of_scrolling_inside_it(new_page, live_server):
    page = new_page(True)
    page.goto(f"{live_server}/counsellor?{query(YOUNG, lang='fr')}")
    overflow = page.locator("#counsellor-results").evaluate("element => [getComputedStyle(element).overflowY, element.scrollHeight > element.clientHeight]")
    assert overflow == ["visible", False]


def test_counsellor_mode_notes_a_45_year_old_pupil(new_page, live_server):
    page = new_page(True, "phone")
    page.goto(f"{live_server}/counsellor?{query({**YOUNG, 'age': '30', 'status': 'pupil'}, lang='fr')}")
    expect(page.locator(".plausibility")).to_contain_text("« Élève » à 30 ans : combinaison inhabituelle.")
    page.get_by_label("Âge", exact=True).fill("45")
    expect(page.locator(".plausibility")).to_contain_text("« Élève » à 45 ans : combinaison inhabituelle.")
    assert_accessible(page)


@pytest.mark.parametrize(("js", "lang", "viewport"), EVERY_WAY[::3])
def test_an_error_report_is_sent_from_a_service_and_listed_by_the_command(new_page, live_server, app, js, lang, viewport):
    page = new_page(js, viewport)
    page.goto(f"{live_server}/results?{query(YOUNG, lang=lang)}")
    page.locator("#recommendations > li").first.get_by_role("link", name=TEXTS[lang]["report"]).click()
    page.get_by_role("button", name=TEXTS[lang]["send"]).click()  # nothing chosen, nothing written
    summary = page.locator(".error-summary")
    expect(summary).to_have_attribute("role", "alert")
    if js:  # axe runs in the page: it needs JavaScript (test_browser.py checks every page without the site's scripts)
        assert_accessible(page)
    comment = f"Horaires faux ({lang}, {viewport}, {'JS' if js else 'sans JS'})."
    page.get_by_label(TEXTS[lang]["part"]).check()
    page.locator("#comment").fill(comment)
    page.get_by_role("button", name=TEXTS[lang]["send"]).click()
    expect(page.locator("h1")).to_have_text(TEXTS[lang]["sent"])
    assert app.extensions["pathways_store"].flush()
    listed = app.test_cli_runner().invoke(args=["reports", "list", "--service", "mission-locale"])
    assert f"mission-locale  [cost]\n    {comment}" in listed.output


@pytest.mark.parametrize(("lang", "viewport"), [("fr", "phone"), ("en", "desktop")])
def test_the_legal_notice_and_the_accessibility_statement_are_linked_from_every_page(new_page, live_server, lang, viewport):
    page = new_page(True, viewport)
    page.goto(f"{live_server}/questions/age?lang={lang}")
    page.locator(".site-footer").get_by_role("link", name=TEXTS[lang]["legal"]).click()
    expect(page.locator("h1")).to_have_text(TEXTS[lang]["legal"])
    assert_accessible(page)
    page.locator(".site-footer").get_by_role("link", name=TEXTS[lang]["accessibility"]).click()
    expect(page.locator("h1")).to_have_text("Déclaration d’accessibilité" if lang == "fr" else "Accessibility statement")
    assert_accessible(page)
