"""The follow-up questions in a real browser (Debian's Chromium through Playwright), JavaScript on and off, French and
English: asked only when the rules say they settle a "possible" service, and settling it once answered."""

from __future__ import annotations

import datetime as dt
import re
from urllib.parse import parse_qs, urlsplit

import pytest
from playwright.sync_api import expect

from recommender.domain.profile import Profile

from .conftest import through_follow_ups
from .test_browser import assert_accessible

LABELS = {
    "fr": {"employee": "Salarié ou salariée", "job_seeker": "En recherche d’emploi", "no": "Non", "bac": "Baccalauréat", "none": "Aucun diplôme",
           "change_career": "Changer de métier", "find_job": "Trouver un emploi", "continue": "Continuer", "results": "Voir mes résultats",
           "first": "Question complémentaire 1 sur", "check": "Vérifiez vos réponses"},
    "en": {"employee": "Employee", "job_seeker": "Looking for work", "no": "No", "bac": "Baccalauréat", "none": "No diploma",
           "change_career": "Change career", "find_job": "Find a job", "continue": "Continue", "results": "See my results",
           "first": "Follow-up question 1 of", "check": "Check your answers"},
}


def first_five(page, live_server: str, lang: str, age: str, status: str, region: str, diploma: str, goal: str) -> None:
    """Answer the five questions and the goals, as a person would, from the first question."""
    words = LABELS[lang]
    page.goto(f"{live_server}/questions/age?lang={lang}")
    page.locator("#age").fill(age)
    page.get_by_role("button", name=words["continue"], exact=True).click()
    for label in (words[status], region, words["no"], words[diploma], words[goal]):
        page.get_by_label(label, exact=True).check()
        page.get_by_role("button", name=words["continue"], exact=True).click()
        expect(page.get_by_label(label, exact=True)).to_have_count(0)


def api_follow_ups(recommender, lang: str, **answers) -> list[dict]:
    """What the API's follow_up_questions gives for these answers today."""
    return recommender.follow_up_questions(Profile(**answers), dt.date.today(), lang)


@pytest.fixture(params=[True, False], ids=["js", "no-js"])
def any_page(request, browser):
    """A page with JavaScript on, then off."""
    context = browser.new_context(viewport={"width": 1024, "height": 800}, java_script_enabled=request.param)
    page = context.new_page()
    page.set_default_timeout(10_000)
    yield page
    context.close()


@pytest.mark.parametrize("lang", ["fr", "en"])
@pytest.mark.parametrize(("seniority", "eligible"), [("24_months_12_with_employer", True), ("under_24_months", False)], ids=["cdi-24-months", "under-24-months"])
def test_a_career_changer_is_asked_contract_and_seniority_then_sees_whether_transitions_pro_is_for_them(any_page, live_server, recommender, lang, seniority, eligible):
    page = any_page
    first_five(page, live_server, lang, "45", "employee", "Île-de-France", "bac", "change_career")
    expected = api_follow_ups(recommender, lang, age=45, status="employee", region="11", disability="none", education_level="level4", goals=("change_career",))
    expect(page.locator(".progress")).to_have_text(f"{LABELS[lang]['first']} {len(expected)}")
    asked = through_follow_ups(page, {"contract": "cdi", "seniority": seniority})
    assert {"contract", "seniority"} <= set(asked) <= {q["field"] for q in expected}
    expect(page.locator("h1")).to_have_text(LABELS[lang]["check"])
    expect(page.locator(".summary-list").nth(1)).to_contain_text("CDI")
    page.get_by_role("link", name=LABELS[lang]["results"]).click()
    card = page.locator("#service-transitions-pro")
    if eligible:
        expect(card).to_have_count(1)
        expect(card.locator(".tag-possible")).to_have_count(0)  # eligible, no longer "to confirm"
    else:
        expect(card).to_have_count(0)
        expect(page.locator("#not-eligible")).to_contain_text("Transitions Pro")
    assert parse_qs(urlsplit(page.url).query)["contract"] == ["cdi"] and parse_qs(urlsplit(page.url).query)["seniority"] == [seniority]


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_a_young_job_seeker_without_a_diploma_is_asked_only_what_changes_their_answer(any_page, live_server, recommender, lang):
    page = any_page
    first_five(page, live_server, lang, "19", "job_seeker", "Hauts-de-France", "none", "find_job")
    expected = api_follow_ups(recommender, lang, age=19, status="job_seeker", region="32", disability="none", education_level="none", goals=("find_job",))
    catalogue = recommender.knowledge.catalogue.services
    shown = []
    while page.locator("form.follow-up-step").count():
        field = page.locator("button[name=skip]").get_attribute("value")
        question = next(q for q in expected if q["field"] == field)
        assert question["services"]  # each question asked settles something...
        for service in question["services"]:  # ...and says which services, by name
            expect(page.locator(f"#{field}-hint")).to_contain_text(catalogue[service].name(lang))
        shown.append(field)
        page.locator("button[name=skip]").click()
        expect(page.locator(f"button[name=skip][value={field}]")).to_have_count(0)
        expect(page.locator("form.follow-up-step, .summary-list").first).to_be_visible()
    assert shown == [q["field"] for q in expected]  # exactly the API's list, most decisive first
    expect(page.locator("h1")).to_have_text(LABELS[lang]["check"])


def test_counsellor_mode_shows_the_follow_up_questions_as_answers_change(page, live_server):
    page.goto(f"{live_server}/counsellor?lang=en")
    page.evaluate("window.neverReloaded = true")
    expect(page.locator("#counsellor-follow-ups fieldset")).to_have_count(0)
    page.get_by_label("Age", exact=True).fill("45")
    page.get_by_label("Employee", exact=True).check()
    page.get_by_label("Region").select_option("11")
    page.locator("#disability-none").check()
    page.get_by_label("Highest diploma").select_option("level4")
    expect(page.locator("#contract-field")).to_be_visible()
    expect(page.locator("#service-transitions-pro .tag-possible").first).to_be_attached()
    page.locator("#contract-cdi").check()
    expect(page.locator("#counsellor-status")).to_have_text(re.compile("Results updated"))
    page.wait_for_url(re.compile("contract=cdi"))
    expect(page.locator("#contract-cdi")).to_be_focused()  # the swap keeps the focus where the counsellor is
    page.locator("#seniority-24_months_12_with_employer").check()
    expect(page.locator("#service-transitions-pro .tag-possible")).to_have_count(0)
    expect(page.locator("#service-transitions-pro")).to_have_count(1)
    page.get_by_label("Student", exact=True).check()
    expect(page.locator("#contract-field")).to_have_count(0)  # means nothing for a student
    assert page.evaluate("window.neverReloaded") is True
    assert_accessible(page)
    assert page.console.errors == []


def test_counsellor_mode_without_javascript_shows_the_follow_up_questions_on_submit(page_without_js, live_server):
    page = page_without_js
    page.goto(f"{live_server}/counsellor?lang=fr")
    page.get_by_label("Âge", exact=True).fill("45")
    page.get_by_label("Salarié ou salariée", exact=True).check()
    page.get_by_label("Région").select_option("11")
    page.locator("#disability-none").check()
    page.get_by_label("Diplôme le plus élevé").select_option("level4")
    page.get_by_role("button", name="Afficher les résultats").click()
    page.locator("#contract-cdi").check()
    page.locator("#seniority-under_24_months").check()
    page.get_by_role("button", name="Afficher les résultats").click()
    expect(page.locator("#service-transitions-pro")).to_have_count(0)
    expect(page.locator("#not-eligible")).to_contain_text("Transitions Pro")
    expect(page.locator("#contract-cdi")).to_be_checked()


def test_a_wrong_follow_up_answer_in_the_address_is_named_on_the_check_page(any_page, live_server):
    any_page.goto(f"{live_server}/results?age=45&status=employee&region=11&disability=none&education_level=level4&contract=forever&lang=en")
    expect(any_page.locator(".error-summary")).to_contain_text("Employment contract: this is not one of the answers offered.")
    expect(any_page.locator(".error-summary")).to_contain_text("“Permanent contract (CDI)”")
    any_page.locator(".error-summary a").first.click()
    expect(any_page.locator("h1")).to_have_text("What is your employment contract?")
