"""The questionnaire in a real browser (Debian's Chromium through Playwright): with and without JavaScript, by
keyboard, in French and English, in counsellor mode, on a 320 px phone and at 200 % zoom, checked by axe-core."""

from __future__ import annotations

import re
from urllib.parse import parse_qs, urlsplit

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import expect

from .conftest import CAREER_CHANGE, EMPLOYEE, YOUNG, query, through_follow_ups

axe = Axe()


def assert_accessible(page) -> None:
    """axe-core finds no violation on the page as it stands."""
    results = axe.run(page)
    assert results.violations_count == 0, results.generate_report()


def answers_in(url: str) -> dict:
    return {key: values if key == "goals" else values[0] for key, values in parse_qs(urlsplit(url).query).items()}


# Every page and step a person can meet, in both languages: the axe checks run on each, JavaScript on and off.
PAGES = {
    "start": "/",
    "age": "/questions/age",
    "status": f"/questions/status?{query({'age': '30'})}",
    "region": f"/questions/region?{query({'age': '30', 'status': 'employee'})}",
    "disability": f"/questions/disability?{query({'age': '30', 'status': 'employee', 'region': '11'})}",
    "education": f"/questions/education-level?{query({'age': '30', 'status': 'employee', 'region': '11', 'disability': 'none'})}",
    "executive": f"/questions/executive?{query({k: v for k, v in EMPLOYEE.items() if k != 'executive'})}",
    "goals": f"/questions/goals?{query(EMPLOYEE)}",
    "check": f"/check?{query(EMPLOYEE)}",
    "check-with-errors": f"/check?{query({'age': '300', 'status': 'employee'})}",
    "results": f"/results?{query(YOUNG)}",
    "counsellor-empty": "/counsellor",
    "counsellor": f"/counsellor?{query(EMPLOYEE)}",
    "privacy": "/privacy",
    "not-found": "/nowhere",
    "print": f"/results/print?{query(EMPLOYEE)}",
    "legal": "/legal",
    "accessibility": "/accessibility",
    "report": f"/report?{query(YOUNG, service='cep')}",
    "counsellor-unusual": f"/counsellor?{query({**YOUNG, 'age': '45', 'status': 'pupil'})}",
    "follow-up": f"/questions/contract?{query(CAREER_CHANGE)}",
    "follow-up-several": f"/questions/benefits?{query({**CAREER_CHANGE, 'age': '64', 'status': 'job_seeker'})}",
    "follow-up-not-applicable": f"/questions/contract?{query(YOUNG)}",
    "check-follow-ups": f"/check?{query({**CAREER_CHANGE, 'contract': 'cdi', 'skipped': ['seniority']})}",
    "results-follow-up-offer": f"/results?{query({**CAREER_CHANGE, 'skipped': ['contract', 'seniority']})}",
    "counsellor-follow-ups": f"/counsellor?{query({**CAREER_CHANGE, 'contract': 'cdi'})}",
}


def at(live_server: str, path: str, lang: str) -> str:
    return f"{live_server}{path}{'&' if '?' in path else '?'}lang={lang}"


@pytest.mark.parametrize("lang", ["fr", "en"])
@pytest.mark.parametrize("name", PAGES)
def test_every_page_has_no_axe_violation_with_javascript(page, live_server, name, lang):
    page.goto(at(live_server, PAGES[name], lang))
    page.wait_for_load_state("networkidle")
    if name == "results":
        page.locator("#not-eligible summary").click()  # the collapsed part too
    assert_accessible(page)
    assert page.console.errors == []  # among them, any Content-Security-Policy violation


@pytest.mark.parametrize("name", PAGES)
def test_every_page_has_no_axe_violation_without_javascript(page_scripts_blocked, live_server, name):
    page_scripts_blocked.goto(at(live_server, PAGES[name], "fr"))
    assert_accessible(page_scripts_blocked)


def test_an_error_on_a_step_has_no_axe_violation_and_takes_the_focus(page, live_server):
    page.goto(at(live_server, "/questions/age", "en"))
    page.get_by_label("How old are you?").fill("thirty")
    page.get_by_role("button", name="Continue").click()
    summary = page.locator(".error-summary")
    expect(summary).to_be_focused()
    expect(summary).to_contain_text("Enter your age in figures, for example 34.")
    assert urlsplit(page.url).path == "/questions/age"  # the address stays the question's
    assert_accessible(page)
    summary.get_by_role("link").click()
    expect(page.locator("#age")).to_be_focused()
    expect(page.locator("#age")).to_have_value("thirty")  # nothing typed is lost


# --- the journey --------------------------------------------------------------------------------------------------


def test_journey_with_javascript_swaps_each_step_in_place_and_the_back_button_works(page, live_server, recommender):
    page.goto(f"{live_server}/")
    page.evaluate("window.neverReloaded = true")  # survives only if no full page load happens
    page.get_by_role("link", name="Commencer").click()
    expect(page.locator("h1")).to_have_text(re.compile("Quel âge avez-vous"))
    expect(page.locator("h1")).to_be_focused()  # a screen reader hears the new question
    page.get_by_label("Quel âge avez-vous").fill("30")
    page.get_by_role("button", name="Continuer").click()
    expect(page.locator(".progress")).to_have_text("Question 2 sur 5")
    assert urlsplit(page.url).path == "/questions/status" and answers_in(page.url)["age"] == "30"
    expect(page).to_have_title(re.compile("^Quelle est votre situation"))  # the tab's title follows the step
    expect(page.get_by_role("link", name="English")).to_have_attribute("href", "/questions/status?age=30&lang=en")
    for label in ("Salarié ou salariée", "Île-de-France", "Oui, reconnu officiellement", "Baccalauréat"):
        page.get_by_label(label, exact=True).check()
        page.get_by_role("button", name="Continuer").click()
        expect(page.get_by_label(label, exact=True)).to_have_count(0)
    expect(page.locator(".progress")).to_have_text("Question facultative")
    page.get_by_label("Changer de métier").check()
    page.get_by_role("button", name="Continuer").click()
    asked = through_follow_ups(page, {"executive": "false"})  # not a cadre; the others skipped
    expect(page.locator("h1")).to_have_text("Vérifiez vos réponses")
    page.get_by_role("link", name="Voir mes résultats").click()
    expect(page.locator("h1")).to_have_text("Les services pour vous")
    assert page.evaluate("window.neverReloaded") is True
    assert {key: value for key, value in answers_in(page.url).items() if key not in ("skipped", "executive")} == {
        "age": "30", "status": "employee", "region": "11", "disability": "recognised", "education_level": "level4", "goals": ["change_career"], "lang": "fr"}
    assert "executive" in asked and answers_in(page.url)["executive"] == "false"
    assert sorted(parse_qs(urlsplit(page.url).query)["skipped"]) == sorted(set(asked) - {"executive"})  # the skips travel too
    assert page.locator("#recommendations > li").first.get_attribute("data-service-id") == "cap-emploi"
    page.go_back()
    expect(page.locator("h1")).to_have_text("Vérifiez vos réponses")
    expect(page.locator(".summary-list").first).to_contain_text("Oui, reconnu officiellement")
    page.go_back()
    expect(page.locator(".progress")).to_have_text(f"Question complémentaire {len(asked)} sur {len(asked)}")
    expect(page.locator("input[type=hidden][name=goals]")).to_have_value("change_career")  # answers kept when going back  # answers kept when going back
    assert page.console.errors == []


def test_journey_without_javascript_works_with_full_page_loads(page_without_js, live_server):
    page = page_without_js
    page.goto(f"{live_server}/?lang=en")
    page.get_by_role("link", name="Start now").click()
    page.get_by_label("How old are you?").fill("19")
    page.get_by_role("button", name="Continue").click()
    page.get_by_role("button", name="Continue").click()  # nothing chosen: the same question, with the error
    expect(page.locator(".error-summary")).to_contain_text("Choose the situation that fits you best.")
    for label in ("Looking for work", "Hauts-de-France", "No", "No diploma"):
        page.get_by_label(label, exact=True).check()
        page.get_by_role("button", name="Continue").click()
    page.get_by_label("Find a job").check()
    page.get_by_role("button", name="Continue").click()
    through_follow_ups(page)
    expect(page.locator("h1")).to_have_text("Check your answers")
    page.get_by_role("link", name="See my results").click()
    recommendations = page.locator("#recommendations > li")
    expect(recommendations.first).to_have_attribute("data-service-id", "mission-locale")
    assert answers_in(page.url)["age"] == "19" and answers_in(page.url)["lang"] == "en"
    recommendations.first.get_by_role("button", name="Yes").click()
    expect(page.locator("#feedback-mission-locale")).to_have_text("Thank you for telling us.")
    expect(page.locator("#recommendations > li")).to_have_count(recommendations.count())
    page.get_by_role("link", name="Change my answers").click()
    expect(page.locator("h1")).to_have_text("Check your answers")


def test_feedback_with_javascript_thanks_in_place(page, live_server):
    page.goto(f"{live_server}/results?{query(YOUNG, lang='en')}")
    page.evaluate("window.neverReloaded = true")
    first = page.locator("#recommendations > li").first
    first.get_by_role("button", name="No").click()
    thanks = first.locator(".feedback-thanks")
    expect(thanks).to_have_text("Thank you for telling us.")
    expect(thanks).to_be_focused()
    assert page.evaluate("window.neverReloaded") is True
    assert page.console.errors == []


def test_the_language_switch_keeps_the_answers(page, live_server):
    page.goto(f"{live_server}/questions/region?{query({'age': '30', 'status': 'employee'}, lang='fr')}")
    page.get_by_role("link", name="English").click()
    expect(page.locator("h1")).to_have_text("Which region do you live in?")
    expect(page.locator("html")).to_have_attribute("lang", "en")
    assert answers_in(page.url) == {"age": "30", "status": "employee", "lang": "en"}


# --- keyboard -----------------------------------------------------------------------------------------------------

FOCUS_IS_VISIBLE = """() => {
  const element = document.activeElement;
  const style = getComputedStyle(element);
  return element.matches(':focus-visible') && (style.outlineStyle !== 'none' || style.boxShadow !== 'none');
}"""


def tab_to(page, selector: str, limit: int = 40) -> None:
    """Press Tab until `selector` has the focus, checking that every element reached shows it has the focus."""
    # htmx moves the focus to the new step's heading when the swap settles: wait for that, as a person would.
    expect(page.locator(".htmx-request, .htmx-swapping, .htmx-settling")).to_have_count(0)
    for _ in range(limit):
        page.keyboard.press("Tab")
        assert page.evaluate(FOCUS_IS_VISIBLE), f"focus not visible on {page.evaluate('document.activeElement.outerHTML')[:120]}"
        if page.evaluate("(selector) => document.activeElement.matches(selector)", selector):
            return
    pytest.fail(f"{selector} cannot be reached with the Tab key")


def test_the_whole_journey_works_by_keyboard_with_visible_focus(page, live_server):
    page.goto(f"{live_server}/?lang=en")
    tab_to(page, ".skip-link")
    tab_to(page, "a.button-start")
    page.keyboard.press("Enter")
    expect(page.locator("h1")).to_be_focused()
    tab_to(page, "#age")
    page.keyboard.type("45")
    page.keyboard.press("Enter")
    for number, arrows in ((2, 3), (3, 0), (4, 1), (5, 6)):  # employee, the first region, recognised disability, doctorate
        expect(page.locator(".progress")).to_have_text(f"Question {number} of 5")
        expect(page.locator("h1")).to_be_focused()
        tab_to(page, "input[type=radio]")
        for _ in range(arrows):
            page.keyboard.press("ArrowDown")
        page.keyboard.press("Space")
        tab_to(page, "button[type=submit]")
        page.keyboard.press("Enter")
    expect(page.locator(".progress")).to_have_text("Optional question")  # the goals: none chosen
    expect(page.locator("h1")).to_be_focused()
    tab_to(page, "button[type=submit]")
    page.keyboard.press("Enter")
    expect(page.locator(".progress")).to_have_text(re.compile("^Follow-up question 1 of "))
    while page.locator("form.follow-up-step").count():  # each follow-up question: its first answer, by keyboard
        field = page.locator("button[name=skip]").get_attribute("value")
        expect(page.locator("h1")).to_be_focused()
        tab_to(page, "input")
        page.keyboard.press("Space")
        tab_to(page, "button[type=submit]")
        page.keyboard.press("Enter")
        expect(page.locator(f"button[name=skip][value={field}]")).to_have_count(0)
        expect(page.locator("form.follow-up-step, .summary-list").first).to_be_visible()
    expect(page.locator("h1")).to_have_text("Check your answers")
    expect(page.locator("h1")).to_be_focused()
    tab_to(page, "a.button")
    page.keyboard.press("Enter")
    expect(page.locator("h1")).to_have_text("Services for you")
    expect(page.locator("h1")).to_be_focused()
    assert {k: v for k, v in answers_in(page.url).items() if k in ("age", "status", "region", "disability", "education_level", "lang")} == {
        "age": "45", "status": "employee", "region": "84", "disability": "recognised", "education_level": "level8", "lang": "en"}
    tab_to(page, "#not-eligible summary", limit=400)
    page.keyboard.press("Enter")
    expect(page.locator("#not-eligible")).to_have_attribute("open", "")


# --- counsellor mode ----------------------------------------------------------------------------------------------


def test_counsellor_mode_updates_the_results_live_as_answers_change(page, live_server):
    page.goto(f"{live_server}/counsellor?lang=en")
    page.evaluate("window.neverReloaded = true")
    expect(page.locator("#recommendations")).to_have_count(0)
    page.get_by_label("Age", exact=True).fill("19")
    page.get_by_label("Looking for work", exact=True).check()
    page.get_by_label("Region").select_option("32")
    page.locator("#disability-none").check()
    page.get_by_label("Highest diploma").select_option("none")
    first = page.locator("#recommendations > li").first
    expect(first).to_have_attribute("data-service-id", "mission-locale")
    expect(page.locator("#counsellor-status")).to_have_text(re.compile(r"Results updated: \d+ services\."))
    page.wait_for_url(re.compile(r"region=32"))  # the address follows, to share or come back to
    page.get_by_label("Age", exact=True).fill("45")
    expect(first).not_to_have_attribute("data-service-id", "mission-locale")
    assert answers_in(page.url)["age"] == "45"
    assert page.evaluate("window.neverReloaded") is True
    assert_accessible(page)
    assert page.console.errors == []


def test_counsellor_mode_without_javascript_shows_results_on_submit(page_without_js, live_server):
    page = page_without_js
    page.goto(f"{live_server}/counsellor?lang=en")
    page.get_by_label("Age", exact=True).fill("30")
    page.get_by_label("Employee").check()
    page.get_by_label("Region").select_option("11")
    page.locator("#disability-none").check()
    page.get_by_label("Highest diploma").select_option("level6")
    page.get_by_role("button", name="Show the results").click()
    page.locator("#executive-true").check()  # a follow-up question, shown once the results say it settles the Apec
    page.get_by_role("button", name="Show the results").click()
    expect(page.locator("#recommendations > li").first).to_have_attribute("data-service-id", "apec")


# --- small screens, zoom, weight, print ---------------------------------------------------------------------------


@pytest.mark.parametrize(("width", "height"), [(320, 640), (640, 400)], ids=["phone-320px", "zoom-200pc-of-1280x800"])
@pytest.mark.parametrize("name", ["start", "region", "check", "results", "counsellor", "privacy", "print", "legal", "accessibility", "report"])
def test_pages_reflow_without_scrolling_sideways(browser, live_server, name, width, height):
    context = browser.new_context(viewport={"width": width, "height": height})
    page = context.new_page()
    page.goto(at(live_server, PAGES[name], "fr"))
    scroll_width = page.evaluate("document.documentElement.scrollWidth")
    context.close()
    assert scroll_width <= width


def test_the_first_page_is_light_and_comes_only_from_this_site(page, live_server):
    requests = []
    page.on("requestfinished", lambda request: requests.append(request))
    page.goto(f"{live_server}/")
    page.wait_for_load_state("networkidle")
    transferred = sum(sizes["responseBodySize"] + sizes["responseHeadersSize"] for sizes in (r.sizes() for r in requests))
    assert transferred < 60 * 1024, f"{transferred} bytes"
    assert {urlsplit(r.url).netloc for r in requests} == {urlsplit(live_server).netloc}
    assert any(r.url.endswith("/assets/htmx.min.js") for r in requests)


def test_printing_the_results_page_leaves_out_the_answers_and_the_buttons(page, live_server):
    page.goto(f"{live_server}/results?{query(EMPLOYEE, lang='fr')}")
    page.emulate_media(media="print")
    expect(page.locator("#recommendations > li").first.locator(".next-steps")).to_be_visible()
    expect(page.locator(".answers-line")).to_be_hidden()  # it holds the disability answer
    expect(page.locator(".feedback").first).to_be_hidden()
    expect(page.locator(".site-header")).to_be_hidden()
