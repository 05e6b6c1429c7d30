"""The widget on a partner's page, in Debian's Chromium: the partner's site is served from another origin (another
port on 127.0.0.1) and embeds the widget with the one-line snippet (recommender/cli/demo.py serves it)."""

from __future__ import annotations

import datetime as dt
import re
import threading

import pytest
from playwright.sync_api import expect
from werkzeug.serving import make_server

from recommender.cli.demo import partner_site
from recommender.storage.usage import disclosure
from tests.partner_support import add_partner
from tests.web.conftest import through_follow_ups

SLUG = "browser-partner"
FIXED_HEIGHT = 760  # recommender/static/pathways-embed.js: pages whose length follows the answers


def serve(app) -> tuple[str, object]:
    """Serve a WSGI app on a free port of 127.0.0.1; its URL and the server."""
    server = make_server("127.0.0.1", 0, app, threaded=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return f"http://127.0.0.1:{server.server_port}", server


@pytest.fixture(scope="module")
def partner_page(app, live_server):
    """The partner's site, registered with its origin; and another site, registered nowhere."""
    registered, first = serve(partner_site(live_server, SLUG))
    stranger, second = serve(partner_site(live_server, SLUG))
    add_partner(app, SLUG, registered, name="Mairie de Saint-Exemple")
    yield registered, stranger
    first.shutdown()
    second.shutdown()


def own_errors(page) -> list[str]:
    """The console's errors, but Chromium's note that the `autofocus` attribute does nothing in a cross-origin frame:
    htmx still moves the focus itself (the test checks it), and the site's pages need the attribute."""
    return [error for error in page.console.errors if not error.startswith("Blocked autofocusing on a <h1> element in a cross-origin subframe.")]


def events(page, kind: str) -> list:
    return page.evaluate("(kind) => window.pathwaysEvents.filter(e => e.type === kind).map(e => e.detail)", kind)


def messages(page, kind: str) -> int:
    """How many messages of this kind the frame sent that any script of the host page could hear."""
    return page.evaluate("(kind) => window.frameMessages.filter(type => type === kind).length", kind)


def settled_messages(page, kind: str) -> int:
    """`messages`, once the frame has had the time to send those of its last swap."""
    page.wait_for_timeout(400)
    return messages(page, kind)


def frame_height(page) -> float:
    return page.locator("iframe").bounding_box()["height"]


def content_height(frame) -> float:
    return frame.evaluate("document.documentElement.getBoundingClientRect().height")


def revealing(app) -> set[str]:
    """The services whose presence could tell a sensitive answer, as the rules say today."""
    with app.app_context():
        return set(disclosure().revealing(dt.date.today()))


def test_a_person_completes_the_questionnaire_inside_the_partners_page(app, page, live_server, partner_page):
    registered, _ = partner_page
    set_cookies = []
    page.on("response", lambda response: response.url.startswith(live_server) and "set-cookie" in response.headers and set_cookies.append(response.url))
    page.goto(f"{registered}/?lang=en")
    page.evaluate("window.frameMessages = []; window.addEventListener('message', event => window.frameMessages.push(event.data && event.data.type))")
    iframe = page.locator("iframe")
    expect(iframe).to_have_attribute("title", "Pathways: which guidance service can help you?")
    assert page.evaluate("document.querySelector('iframe').previousElementSibling.dataset.partner") == SLUG  # where the script stands
    page.wait_for_function("() => window.pathwaysEvents.some(e => e.type === 'pathways:ready')")
    frame = page.frame_locator("iframe")
    start = page.frames[1]
    page.wait_for_function("() => window.pathwaysEvents.some(e => e.type === 'pathways:resize')")
    assert abs(frame_height(page) - content_height(start)) <= 1  # the frame fits its content, not the 640 px it started with

    frame.get_by_role("link", name="Start now").click()
    frame.get_by_label("How old are you?").fill("19")
    frame.get_by_role("button", name="Continue").click()
    expect(frame.locator("h1")).to_be_focused()  # the new question is what a screen reader reads next
    for label in ("Looking for work", "Hauts-de-France", "No", "No diploma"):
        frame.get_by_label(label, exact=True).check()
        frame.get_by_role("button", name="Continue").click()
    expect(frame.locator(".progress")).to_have_text("Optional question")
    before_goals = settled_messages(page, "pathways:navigate")
    frame.get_by_label("Find a job").check()
    frame.get_by_role("button", name="Continue").click()
    expect(frame.locator("form.follow-up-step")).to_be_visible()
    page.wait_for_function("(height) => Math.abs(document.querySelector('iframe').getBoundingClientRect().height - height) <= 1", arg=FIXED_HEIGHT)
    navigations = settled_messages(page, "pathways:navigate")
    asked = through_follow_ups(page, frame=frame)
    expect(frame.locator("h1")).to_have_text("Check your answers")
    # Which follow-up questions are asked follows the answers (sensitive ones too): any script of the host page
    # hears of none of their pages (the frame's own messages), and they all have one height; the check page after
    # them is announced as any page is.
    page.wait_for_function("(count) => window.frameMessages.filter(type => type === 'pathways:navigate').length > count", arg=navigations)
    assert asked and navigations == before_goals and settled_messages(page, "pathways:navigate") > navigations
    frame.get_by_role("link", name="See my results").click()
    expect(frame.locator("h1")).to_have_text("Services for you")

    page.wait_for_function("() => window.pathwaysEvents.some(e => e.type === 'pathways:results')")
    shown = frame.locator("li[data-service-id]").evaluate_all("items => items.map(item => item.dataset.serviceId)")
    [results] = events(page, "pathways:results")
    # Service ids only, never the answers; none whose presence tells a disability (CEJ, service civique...), sorted.
    assert results == {"services": sorted(set(shown) - revealing(app))} and shown[0] == "mission-locale" and "cej" in shown
    page.wait_for_function("(height) => Math.abs(document.querySelector('iframe').getBoundingClientRect().height - height) <= 1", arg=FIXED_HEIGHT)
    assert content_height(page.frames[1]) > 1500  # the long results page scrolls inside a frame of one fixed height
    assert page.frames[1].evaluate("document.documentElement.scrollHeight > document.documentElement.clientHeight")
    settled = len(events(page, "pathways:resize"))
    page.wait_for_timeout(700)
    assert len(events(page, "pathways:resize")) == settled  # no resize loop
    assert "/embed/browser-partner/results?" in page.frames[1].url
    assert page.context.cookies() == [] and set_cookies == []
    assert own_errors(page) == []  # among them, any CSP violation, on the partner's page or in the frame


def test_a_site_that_is_not_the_partners_cannot_frame_the_widget(page, partner_page):
    _, stranger = partner_page
    page.goto(f"{stranger}/?lang=en")
    page.wait_for_load_state("load")
    page.wait_for_timeout(500)
    frame = page.frames[1]
    assert frame.locator("#main").count() == 0  # Chromium refused to show it
    assert any(re.search(r"frame-ancestors", error) for error in page.console.errors)
    assert page.evaluate("window.pathwaysEvents") == []


def test_the_snippets_options_choose_language_colour_and_start(app, page, partner_page):
    registered, _ = partner_page
    page.goto(f"{registered}/?lang=fr&accent=%23b3261e&start=results")
    page.wait_for_function("() => window.pathwaysEvents.some(e => e.type === 'pathways:ready')")
    expect(page.locator("iframe")).to_have_attribute("title", "Pathways : quel service d’orientation peut vous aider ?")
    frame = page.frame_locator("iframe")
    expect(frame.locator("h1")).to_have_text("Mode conseiller")
    expect(frame.locator(".site-header")).to_have_css("background-color", "rgb(179, 38, 30)")
    frame.get_by_label("Âge").fill("30")
    frame.get_by_label("Salarié ou salariée").check()
    frame.get_by_label("Région").select_option("11")
    frame.locator("#disability-none").check()
    frame.get_by_label("Diplôme le plus élevé").select_option("level4")
    frame.locator("#executive-false").check()  # a follow-up question here: it settles the Apec
    page.wait_for_function("() => window.pathwaysEvents.some(e => e.type === 'pathways:results')")
    shown = frame.locator("li[data-service-id]").evaluate_all("items => items.map(item => item.dataset.serviceId)")
    assert events(page, "pathways:results")[-1]["services"] == sorted(set(shown) - revealing(app))
    assert "accent=%23b3261e" in page.frames[1].url and "lang=fr" in page.frames[1].url
    assert own_errors(page) == []


@pytest.mark.parametrize("path", ["/?lang=fr", "/questions/status?age=30&lang=en&accent=%23ffdd00", "/results?age=19&status=job_seeker&region=32&disability=none&education_level=none&executive=false&lang=fr"])
def test_the_compact_pages_have_no_axe_violation(page, live_server, partner_page, path):
    from tests.web.test_browser import assert_accessible

    page.goto(f"{live_server}/embed/{SLUG}{path}")
    page.wait_for_load_state("networkidle")
    assert_accessible(page)


def host_page_learns(page, registered: str, answers: str) -> tuple[list, list]:
    """What the partner's page is told while a person's results are shown in its widget: results and frame heights."""
    page.goto(f"{registered}/?lang=en")
    page.wait_for_function("() => window.pathwaysEvents.some(e => e.type === 'pathways:ready')")
    page.frames[1].goto(f"{page.frames[1].url.split('/embed/')[0]}/embed/{SLUG}/results?{answers}&lang=en")
    page.wait_for_function("() => window.pathwaysEvents.some(e => e.type === 'pathways:results')")
    page.wait_for_timeout(500)
    heights = [event["height"] for event in events(page, "pathways:resize")]
    return events(page, "pathways:results"), heights[-1:]


def test_the_partners_page_learns_nothing_of_a_disability(page, partner_page):
    registered, _ = partner_page
    person = "age=27&status=job_seeker&region=11&education_level=level4&executive=false"
    without = host_page_learns(page, registered, person + "&disability=none")
    shown = page.frame_locator("iframe").locator("li[data-service-id]").evaluate_all("items => items.map(item => item.dataset.serviceId)")
    with_disability = host_page_learns(page, registered, person + "&disability=recognised")
    shown_with = page.frame_locator("iframe").locator("li[data-service-id]").evaluate_all("items => items.map(item => item.dataset.serviceId)")
    assert "cap-emploi" in shown_with and "cap-emploi" not in shown and len(shown_with) > len(shown)  # the pages differ...
    assert with_disability == without and without[1] == [FIXED_HEIGHT]  # ...what the host page is told does not
