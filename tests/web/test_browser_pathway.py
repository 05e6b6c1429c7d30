"""Four people walk to their results in Chromium and find a pathway first (issue 14): its first steps, in the order the
catalogue's `leads_to` gives, the other services grouped and folded, and a print page that holds the pathway, every
service, the date and the address, without the disability answer. JavaScript on and off, French and English, phone
and desktop: each person in a few of these ways, so that every way is walked without the whole cross-product."""

from __future__ import annotations

import datetime as dt
import re
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import expect

from .conftest import query
from .test_browser import assert_accessible
from .test_browser_results import TEXTS, new_page  # noqa: F401 - new_page is the fixture these tests use
from .test_results_pages import _profile

PEOPLE = {
    "young-job-seeker": {"age": "19", "status": "job_seeker", "region": "32", "disability": "none", "education_level": "none",
                         "executive": "false", "goals": ["find_job"]},
    "career-changer": {"age": "45", "status": "employee", "region": "11", "disability": "none", "education_level": "level4",
                       "executive": "false", "goals": ["change_career"]},
    "disabled-student": {"age": "24", "status": "student", "region": "04", "disability": "recognised", "education_level": "level6"},
    "cadre-job-seeker": {"age": "58", "status": "job_seeker", "region": "84", "disability": "none", "education_level": "level7",
                         "executive": "true"},
}
# What the catalogue's links fix whatever the ranking: each person's first steps, and the steps reached through an
# earlier one (the CEJ through the Mission locale, the bilan de compétences through the CEP, the CEP of a cadre through
# Apec, which delivers it to cadres). The rest of each pathway follows the ranking: the page shows the domain's.
FIRST_STEPS = {"young-job-seeker": ["mission-locale", "cej"], "career-changer": ["cep", "bilan-competences"],
               "disabled-student": ["handicap-etudiant"], "cadre-job-seeker": ["apec"]}
REACHED_THROUGH = {"young-job-seeker": {"cej": 1}, "career-changer": {"bilan-competences": 1}, "disabled-student": {},
                   "cadre-job-seeker": {"cep": 1}}
DISABILITY_ANSWER = {"fr": ("Oui, reconnu officiellement", "Handicap :"), "en": ("Yes, officially recognised", "Disability:")}
WAYS = [  # (person, JavaScript, language, viewport): each of the 8 ways once at least, each person twice
    ("young-job-seeker", True, "fr", "phone"), ("young-job-seeker", False, "en", "desktop"),
    ("career-changer", False, "fr", "desktop"), ("career-changer", True, "en", "phone"),
    ("disabled-student", True, "en", "desktop"), ("disabled-student", False, "fr", "phone"),
    ("cadre-job-seeker", False, "en", "phone"), ("cadre-job-seeker", True, "fr", "desktop"),
]
WAY_IDS = [f"{person}-{'js' if js else 'no-js'}-{lang}-{viewport}" for person, js, lang, viewport in WAYS]
STEP = {"fr": "À l’étape {n} (", "en": "At step {n} ("}


@pytest.mark.parametrize(("person", "js", "lang", "viewport"), WAYS, ids=WAY_IDS)
def test_the_pathway_comes_first_in_the_catalogues_order_and_the_rest_is_grouped_and_folded(new_page, live_server, recommender, person, js, lang, viewport):
    page = new_page(js, viewport)
    page.goto(f"{live_server}/results?{query(PEOPLE[person], lang=lang)}")
    steps = page.locator("#pathway li.pathway-step")
    shown = steps.evaluate_all("items => items.map(item => item.dataset.serviceId)")
    pathway = pathway_of(recommender, person, lang)
    assert shown == [step["id"] for step in pathway] and len(shown) == 3
    assert shown[: len(FIRST_STEPS[person])] == FIRST_STEPS[person]
    expect(page.locator("[data-service-id]").first).to_have_attribute("data-service-id", shown[0])  # the first thing on the page
    for service_id, through in REACHED_THROUGH[person].items():
        assert shown.index(service_id) >= through and pathway[shown.index(service_id)]["after"] == shown[through - 1]
    for index, step in enumerate(pathway):
        item = steps.nth(index)
        expect(item.locator(".rank")).to_have_text(f"{index + 1}.")
        expect(item.locator(".step-action")).to_be_visible()  # one action, with where to go, visible at once
        expect(item.locator(".step-where")).to_be_visible()
        expect(item.locator(".step-fold")).not_to_have_attribute("open", "")  # the full card is folded under it
        expect(item.locator(".step-fold .next-steps")).to_be_hidden()
        if step["after"]:
            expect(item.locator(".step-reason")).to_contain_text(STEP[lang].format(n=shown.index(step["after"]) + 1))
        else:
            expect(item.locator(".step-reason")).not_to_contain_text(STEP[lang].format(n=1))
    groups = page.locator("#other-services details.group-fold")
    assert groups.count() >= 2
    expect(page.locator("#other-services details[open]")).to_have_count(0)  # every group and every service folded
    others = page.locator("#other-services li[data-service-id]").evaluate_all("items => items.map(item => item.dataset.serviceId)")
    assert not set(others) & set(shown)  # each service once: in the pathway or in a group
    groups.first.locator("> summary").click()
    service = groups.first.locator("details.service-fold").first
    expect(service.locator("summary")).to_be_visible()
    expect(service.locator(".next-steps")).to_be_hidden()
    steps.first.locator(".step-fold > summary").click()
    expect(steps.first.locator(".next-steps")).to_be_visible()
    if js:  # axe runs in the page
        assert_accessible(page)


@pytest.mark.parametrize(("person", "js", "lang", "viewport"), WAYS[1::2], ids=WAY_IDS[1::2])
def test_the_print_page_holds_the_pathway_every_service_the_date_and_the_address_and_no_disability_answer(new_page, live_server, recommender, person, js, lang, viewport):
    page = new_page(js, viewport)
    page.goto(f"{live_server}/results?{query(PEOPLE[person], lang=lang)}")
    services = page.locator("main [data-service-id]").evaluate_all("items => items.map(item => item.dataset.serviceId)")
    addresses = page.locator("#pathway .step-where a[href^='https']").evaluate_all("links => links.map(link => link.href)")
    page.get_by_role("link", name=TEXTS[lang]["print"]).click()
    expect(page).to_have_url(re.compile(r"/results/print\?"))
    printed = page.locator(".printed-step").evaluate_all("items => items.map(item => item.dataset.step)")
    assert printed == [step["id"] for step in pathway_of(recommender, person, lang)] and printed[: len(FIRST_STEPS[person])] == FIRST_STEPS[person]
    assert sorted(page.locator(".printed-service").evaluate_all("items => items.map(item => item.dataset.serviceId)")) == sorted(services)
    page.emulate_media(media="print")
    expect(page.locator(".printed-pathway")).to_be_visible()
    text = page.locator("body").inner_text()
    assert not any(answer in text for answer in DISABILITY_ANSWER[lang])
    assert urlsplit(live_server).netloc in text  # the address of this service, on paper
    for address in addresses:  # where each step happens
        assert address.removeprefix("https://").rstrip("/") in text
    assert re.search(r"\d{1,2}(er)? \w+ 20\d\d" if lang == "fr" else r"\d{1,2} \w+ 20\d\d", text)  # the day they were produced
    if js:
        assert_accessible(page)


def pathway_of(recommender, person: str, lang: str) -> list[dict]:
    """The domain's pathway for one of the people, as the pages compute it today."""
    return recommender.recommend(_profile(PEOPLE[person]), dt.date.today(), lang)["pathway"]
