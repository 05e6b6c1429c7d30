"""Fixtures for the web pages: answers, and for browser tests a live server and Debian's Chromium (never downloaded)."""

from __future__ import annotations

import threading
from pathlib import Path
from urllib.parse import urlencode

import pytest
from werkzeug.serving import make_server

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync"]

# A young job seeker in Hauts-de-France, and a 30-year-old employee in Île-de-France (who gets the cadre question).
YOUNG = {"age": "19", "status": "job_seeker", "region": "32", "disability": "none", "education_level": "none", "executive": "false", "goals": ["find_job"]}
# A 45-year-old employee in Île-de-France with the bac who wants to change career (asked about contract and seniority).
CAREER_CHANGE = {"age": "45", "status": "employee", "region": "11", "disability": "none", "education_level": "level4", "goals": ["change_career"]}
EMPLOYEE = {"age": "30", "status": "employee", "region": "11", "disability": "recognised", "education_level": "level4", "executive": "false"}


def query(answers: dict, **extra) -> str:
    """A query string carrying answers as the pages do (goals repeated)."""
    return urlencode({**answers, **extra}, doseq=True)


@pytest.fixture(scope="session")
def live_server(app):
    """The app served on a free local port for the whole run."""
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    thread.join(timeout=5)


@pytest.fixture(scope="session", autouse=True)
def _patient_expectations():
    """Assertions wait as long as actions: on a busy 2-core machine a swap can take more than the default 5 s."""
    from playwright.sync_api import expect

    expect.set_options(timeout=10_000)


@pytest.fixture(scope="session")
def browser():
    """Headless Chromium from Debian (`apt-get install chromium`), driven by Playwright."""
    if not CHROMIUM.exists():
        pytest.fail(f"{CHROMIUM} is missing: install Debian's Chromium (apt-get install -y chromium); browser tests never download one")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


class Console:
    """Errors the page reports (CSP violations among them), so that tests can insist there are none.

    A page's own HTTP status is no error of the page: a 404 page is allowed to say it was a 404.
    """

    def __init__(self, page):
        self.errors: list[str] = []
        self._page = page
        page.on("console", self._console)
        page.on("pageerror", lambda error: self.errors.append(str(error)))

    def _console(self, message) -> None:
        own_status = message.text.startswith("Failed to load resource") and message.location.get("url") == self._page.url
        if message.type == "error" and not own_status:
            self.errors.append(f"{message.text} ({message.location.get('url')})")


@pytest.fixture()
def page(browser):
    """A fresh page with JavaScript on, 1024 px wide; its console errors in `page.console`."""
    context = browser.new_context(viewport={"width": 1024, "height": 800}, locale="fr-FR")
    page = context.new_page()
    page.set_default_timeout(10_000)
    page.console = Console(page)
    yield page
    context.close()


@pytest.fixture()
def page_without_js(browser):
    """A fresh page with JavaScript off: the journey must work with full page loads."""
    context = browser.new_context(viewport={"width": 1024, "height": 800}, java_script_enabled=False, locale="fr-FR")
    page = context.new_page()
    page.set_default_timeout(10_000)
    yield page
    context.close()


@pytest.fixture()
def page_scripts_blocked(browser):
    """JavaScript as good as off for axe: the site's scripts never load, yet axe can still be injected."""
    context = browser.new_context(viewport={"width": 1024, "height": 800})
    context.route("**/*.js", lambda route: route.abort())
    page = context.new_page()
    page.set_default_timeout(10_000)
    yield page
    context.close()


def through_follow_ups(page, given: dict | None = None, frame=None) -> list[str]:
    """In a browser, on the first follow-up question (or the check page): answer each follow-up question from `given`
    (field -> value), skip the others with "I'd rather not say", until the check page; the fields asked, in order.
    `frame`: the widget's frame locator when the questionnaire is inside a partner's page."""
    given, where = given or {}, frame or page
    asked: list[str] = []
    from playwright.sync_api import expect

    expect(where.locator("form.follow-up-step, .summary-list").first).to_be_visible()
    while where.locator("form.follow-up-step").count():
        field = where.locator("button[name=skip]").get_attribute("value")
        assert field not in asked, f"{field} asked twice"
        asked.append(field)
        if field in given:
            where.locator(f"#{field}-{given[field]}").check()
            where.locator("form.follow-up-step button[type=submit]").first.click()
        else:
            where.locator("button[name=skip]").click()
        expect(where.locator(f"form.follow-up-step button[name=skip][value={field}]")).to_have_count(0)
        expect(where.locator("form.follow-up-step, .summary-list").first).to_be_visible()
    return asked
