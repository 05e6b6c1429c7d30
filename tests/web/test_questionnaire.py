"""The questionnaire as a person meets it, page by page (Flask test client; the browser tests drive a real Chromium)."""

from __future__ import annotations

import datetime as dt
import logging
import re
from html.parser import HTMLParser
from urllib.parse import parse_qs, urlsplit

import pytest

from recommender.domain.profile import Profile
from recommender.storage.usage import NOT_RECORDED, RECORDED
from recommender.web import feedback, questionnaire
from recommender.web.answers import profile_input
from tests.feedback_support import page_token

from .conftest import CAREER_CHANGE, EMPLOYEE, YOUNG, query

HTMX = {"HX-Request": "true", "HX-Target": "main"}


class Page(HTMLParser):
    """Just enough of a page to ask what a person (or a screen reader) would find on it."""

    def __init__(self, html: str):
        super().__init__()
        self.elements: list[tuple[str, dict]] = []
        self.text: list[str] = []
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        self.elements.append((tag, dict(attrs)))

    def handle_data(self, data):
        if data.strip():
            self.text.append(" ".join(data.split()))

    def find(self, tag: str | None = None, **attrs) -> list[dict]:
        """Elements with that tag (any if None) whose attributes have these values (True: present)."""
        found = []
        for name, values in self.elements:
            if tag and name != tag:
                continue
            if all((key.replace("_", "-") in values) if wanted is True else values.get(key.replace("_", "-")) == wanted for key, wanted in attrs.items()):
                found.append(values)
        return found

    def one(self, tag: str | None = None, **attrs) -> dict:
        found = self.find(tag, **attrs)
        assert len(found) == 1, f"expected one <{tag} {attrs}>, found {len(found)}"
        return found[0]

    @property
    def all_text(self) -> str:
        return " ".join(self.text)


def page(response) -> Page:
    return Page(response.get_data(as_text=True))


def hidden_answers(parsed: Page) -> dict:
    """The answers a form carries in hidden inputs."""
    carried: dict = {}
    for field in parsed.find("input", type="hidden"):
        carried.setdefault(field["name"], []).append(field["value"])
    return carried


def answer(client, step: str, answers: dict, **form):
    """Submit one step as the browser would: the answers so far plus this step's answer."""
    return client.post(f"/questions/{step}", data={**answers, **form})


# --- the journey --------------------------------------------------------------------------------------------------


def test_start_page_says_what_it_is_in_french_by_default_with_a_switch_to_english(client):
    response = client.get("/")
    assert response.status_code == 200
    start = page(response)
    assert start.one("html")["lang"] == "fr"
    assert "gratuit et anonyme" in start.all_text and "deux minutes" in start.all_text
    assert start.one("a", hreflang="en")["href"].endswith("lang=en")
    assert any(link["href"] == "/questions/age?lang=fr" for link in start.find("a", href=True))
    english = page(client.get("/?lang=en"))
    assert english.one("html")["lang"] == "en" and "free and anonymous" in english.all_text


def follow_ups_of(recommender, answers: dict) -> list[str]:
    """The fields the API's follow_up_questions names for these answers (form text), most decisive first."""
    profile = Profile.model_validate(profile_input({k: v for k, v in answers.items() if k in Profile.model_fields}))
    return [q["field"] for q in recommender.follow_up_questions(profile, dt.date.today(), "en")]


def test_each_question_leads_to_the_next_then_to_the_check_page(client, recommender):
    answers: dict = {"lang": "en"}
    expected = [("age", "30", "Question 1 of 5", "status"), ("status", "employee", "Question 2 of 5", "region"),
                ("region", "11", "Question 3 of 5", "disability"), ("disability", "none", "Question 4 of 5", "education-level"),
                ("education-level", "level6", "Question 5 of 5", "goals")]
    for step, value, progress, following in expected:
        shown = page(client.get(f"/questions/{step}?{query(answers)}"))
        assert progress in shown.all_text
        field = step.replace("-", "_")
        answers[field] = value
        response = answer(client, step, answers)
        assert response.status_code == 303
        assert urlsplit(response.location).path == f"/questions/{following}"
        assert parse_qs(urlsplit(response.location).query)[field] == [value]  # the answer travels in the URL
    goals = page(client.get(f"/questions/goals?{query(answers)}"))
    assert "Optional question" in goals.all_text and "Follow-up" not in goals.all_text
    answers["goals"] = ["change_career", "train"]
    response = client.post("/questions/goals", data=answers)
    assert parse_qs(urlsplit(response.location).query)["goals"] == ["change_career", "train"]
    asked = follow_ups_of(recommender, answers)
    assert {"contract", "seniority"} <= set(asked)  # what the rules say settles Transitions Pro
    for number, field in enumerate(asked, 1):  # each skipped: the list stays the same, and none is asked twice
        assert urlsplit(response.location).path == f"/questions/{field.replace('_', '-')}"
        shown = page(client.get(response.location))
        assert f"Follow-up question {number} of {len(asked)}" in shown.all_text
        response = client.post(urlsplit(response.location).path, data={**parse_flat(response.location), "skip": field})
    assert urlsplit(response.location).path == "/check"
    assert sorted(parse_qs(urlsplit(response.location).query)["skipped"]) == sorted(asked)


def test_the_cadre_question_is_asked_only_where_it_settles_a_service(client, recommender):
    student = {"age": "20", "status": "student", "region": "53", "disability": "none", "education_level": "level4", "lang": "fr"}
    response = answer(client, "goals", student)
    assert "executive" not in follow_ups_of(recommender, student)  # meaningless for a student: never asked
    assert urlsplit(response.location).path == f"/questions/{follow_ups_of(recommender, student)[0].replace('_', '-')}"
    assert page(client.get("/questions/executive?" + query(student))).one("title") is not None
    assert client.get("/questions/executive?" + query(student)).status_code == 422  # a question that does not apply
    seeker = {**student, "status": "job_seeker", "age": "30", "education_level": "level7"}
    assert "executive" in follow_ups_of(recommender, seeker)  # it settles the Apec
    shown = page(client.get("/questions/executive?" + query(seeker)))
    assert "Aviez-vous le statut cadre dans votre dernier emploi" in shown.all_text and "Apec" in shown.all_text


def test_back_links_keep_every_answer(client):
    answers = {"age": "30", "status": "employee", "region": "11", "lang": "en"}
    region = page(client.get(f"/questions/region?{query(answers)}"))
    back = region.one("a", **{"class": "back-link"})["href"]
    status_page = page(client.get(back))
    assert status_page.one("input", value="employee")["checked"] is None  # present: the answer is ticked
    assert hidden_answers(status_page)["region"] == ["11"]  # later answers are kept for the way forward
    first = page(client.get(f"/questions/age?{query(answers)}"))
    assert first.one("input", id="age")["value"] == "30"
    assert first.one("a", **{"class": "back-link"})["href"] == "/?lang=en"


def test_a_wrong_age_is_shown_again_with_a_specific_error_and_nothing_lost(client):
    response = answer(client, "age", {"status": "employee", "region": "11", "lang": "en"}, age="thirty")
    assert response.status_code == 422
    assert response.headers["HX-Push-Url"] == "false"
    shown = page(response)
    assert shown.one("title") is not None and "Error:" in shown.all_text
    summary_link = shown.one("a", href="#age")
    assert summary_link is not None
    assert "Enter your age in figures, for example 34." in shown.all_text
    field = shown.one("input", id="age")
    assert field["value"] == "thirty" and field["aria-invalid"] == "true"
    assert "age-error" in field["aria-describedby"].split()
    assert hidden_answers(shown)["status"] == ["employee"] and hidden_answers(shown)["region"] == ["11"]
    too_young = page(answer(client, "age", {"lang": "fr"}, age="13"))
    assert "Indiquez un âge de 14 à 99 ans." in too_young.all_text


def test_a_missing_choice_is_named_in_the_persons_language(client):
    response = answer(client, "status", {"age": "30", "lang": "fr"})
    assert response.status_code == 422
    shown = page(response)
    assert "Choisissez la situation qui vous correspond le mieux." in shown.all_text
    assert shown.one("a", href="#status-pupil") is not None  # the summary links to the first choice
    assert "status-error" in shown.one("fieldset")["aria-describedby"].split()


def test_the_check_page_lists_every_answer_with_a_change_link_that_comes_back(client, recommender):
    answers = {**EMPLOYEE, "lang": "en"}
    check = page(client.get(f"/check?{query(answers)}"))
    assert "30 years old" in check.all_text and "Employee" in check.all_text and "Île-de-France" in check.all_text
    assert "Yes, officially recognised" in check.all_text and "None chosen" in check.all_text
    change_links = [a["href"] for a in check.find("a", href=True) if "return_to=check" in a["href"]]
    assert len(change_links) == 6 + len(set(follow_ups_of(recommender, answers)) | {"executive"})  # five, goals, follow-ups
    assert "Follow-up questions" in check.all_text and "Cadre status" in check.all_text
    status_link = next(link for link in change_links if link.startswith("/questions/status"))
    changed = answer(client, "status", {**parse_flat(status_link), "status": "civil_servant"})
    newly = [f for f in follow_ups_of(recommender, {**answers, "status": "civil_servant"}) if f not in answers]
    assert urlsplit(changed.location).path == (f"/questions/{newly[0].replace('_', '-')}" if newly else "/check")  # via what became necessary
    assert "executive" not in parse_qs(urlsplit(changed.location).query)  # no longer meaningful, dropped
    results_link = check.one("a", **{"class": "button"})["href"]
    assert urlsplit(results_link).path == "/results"


def test_changing_to_a_status_that_makes_follow_ups_worth_asking_asks_them_before_returning(client, recommender):
    answers = {"age": "30", "status": "student", "region": "11", "disability": "none", "education_level": "level6", "lang": "en", "return_to": "check"}
    employee = {**answers, "status": "employee"}
    asked = follow_ups_of(recommender, employee)
    response = answer(client, "status", employee)
    location = urlsplit(response.location)
    assert location.path == f"/questions/{asked[0]}" and parse_qs(location.query)["return_to"] == ["check"]
    for field in asked:
        response = client.post(urlsplit(response.location).path, data={**parse_flat(response.location), "skip": field})
    assert urlsplit(response.location).path == "/check"


def parse_flat(url: str) -> dict:
    """A URL's query as form data (lists kept for repeated keys)."""
    return {key: values if len(values) > 1 else values[0] for key, values in parse_qs(urlsplit(url).query).items()}


def test_results_show_the_ranked_recommendations_of_the_core_with_reasons_and_next_steps(client, recommender, monkeypatch):
    events = []
    monkeypatch.setattr(questionnaire, "record_event", lambda profile, partner: events.append(profile) or True)
    response = client.get(f"/results?{query(YOUNG, lang='en')}")
    assert response.status_code == 200
    shown = page(response)
    expected = recommender.recommend(Profile(age=19, status="job_seeker", region="32", disability="none", education_level="none", executive=False, goals=("find_job",)), dt.date.today(), "en")
    ids = [item["id"] for item in expected["recommendations"]]
    assert shown.one("ol", id="recommendations") is not None
    assert sorted(li["data-service-id"] for li in shown.find("li", data_service_id=True)) == sorted(ids)  # each once
    assert [li["data-service-id"] for li in shown.find("li", data_service_id=True)][:3] == ids[:3]  # the first three first
    first = expected["recommendations"][0]
    assert first["name"] in shown.all_text and first["ranking_reason"] in shown.all_text and "Why first:" in shown.all_text
    assert first["next_steps"][0]["text"] in shown.all_text and first["operator"]["name"] in shown.all_text
    near = [item["id"] for item in expected["not_eligible"] if item["near_miss"]]
    assert f"{len(near)} more services could open to you" in shown.all_text and len(near) > 1
    assert [li["data-near-miss"] for li in shown.find("li", data_near_miss=True)] == near  # near misses only
    assert events == [expected_profile(expected)]
    share = shown.one("input", id="share-url")["value"]
    assert parse_qs(urlsplit(share).query)["disability"] == ["none"] and "disability" in shown.all_text  # said plainly
    assert all(a.get("rel") == "noreferrer" for a in shown.find("a", href=True) if a["href"].startswith("https://"))


def expected_profile(answer: dict) -> Profile:
    return Profile.model_validate(answer["profile"])


def test_results_with_a_missing_or_tampered_answer_send_back_to_the_check_page(client):
    incomplete = {key: value for key, value in YOUNG.items() if key != "region"}
    response = client.get(f"/results?{query(incomplete, lang='en')}")
    assert response.status_code == 422
    shown = page(response)
    assert "Check your answers" in shown.all_text and "Choose the region where you live." in shown.all_text
    assert any(a["href"].startswith("/questions/region?") for a in shown.find("a", href=True))
    tampered = page(client.get(f"/results?{query({**YOUNG, 'region': '99'}, lang='en')}"))
    assert "Choose one of the answers listed." in tampered.all_text


def test_feedback_is_recorded_anonymously_and_thanked(client, monkeypatch):
    calls = []
    monkeypatch.setattr(feedback, "record_feedback", lambda profile, service_id, useful, partner: calls.append((profile.age, service_id, useful)) or RECORDED)
    form = {**YOUNG, "lang": "en", "service_id": "mission-locale", "useful": "yes", "token": page_token(client, {**YOUNG, "lang": "en"})}
    response = client.post("/feedback", data=form, headers={"HX-Request": "true", "HX-Target": "feedback-mission-locale"})
    assert response.status_code == 200 and calls == [(19, "mission-locale", True)]
    thanks = page(response)
    assert thanks.one("p", id="feedback-mission-locale") is not None and "Thank you for telling us." in thanks.all_text
    assert "<html" not in response.get_data(as_text=True)
    plain = client.post("/feedback", data={**form, "useful": "no"})
    assert plain.status_code == 303 and plain.location.endswith("#feedback-mission-locale")
    assert calls[-1] == (19, "mission-locale", False)
    back = page(client.get(plain.location))
    assert back.one("p", id="feedback-mission-locale") is not None and back.find("form", id="feedback-mission-locale") == []


def test_feedback_the_database_could_not_take_is_not_called_recorded(client, monkeypatch):
    monkeypatch.setattr(feedback, "record_feedback", lambda *args, **kwargs: NOT_RECORDED)
    form = {**YOUNG, "lang": "en", "service_id": "mission-locale", "useful": "yes", "token": page_token(client, {**YOUNG, "lang": "en"})}
    response = client.post("/feedback", data=form, headers={"HX-Request": "true", "HX-Target": "feedback-mission-locale"})
    assert response.status_code == 503 and "Thank you" not in page(response).all_text
    assert "could not be recorded for the moment" in page(response).all_text


def test_feedback_without_a_valid_token_is_refused(client, monkeypatch):
    monkeypatch.setattr(feedback, "record_feedback", lambda *args, **kwargs: pytest.fail("must not be recorded"))
    form = {**YOUNG, "lang": "en", "service_id": "mission-locale", "useful": "yes"}
    for token in ("", "1.2.3", page_token(client, {**YOUNG, "age": "20", "lang": "en"})):  # none, forged, another person's
        refused = client.post("/feedback", data={**form, "token": token})
        assert refused.status_code == 422 and "This page is too old to take your opinion" in page(refused).all_text


def test_feedback_that_cannot_be_taken_says_why(client, monkeypatch):
    monkeypatch.setattr(feedback, "record_feedback", lambda *args, **kwargs: pytest.fail("must not be recorded"))
    unknown = client.post("/feedback", data={**YOUNG, "lang": "en", "service_id": "nope", "useful": "yes"})
    assert unknown.status_code == 422 and "There is no service “nope”." in page(unknown).all_text
    undecided = client.post("/feedback", data={**YOUNG, "lang": "fr", "service_id": "cep", "useful": "maybe"}, headers={"HX-Request": "true"})
    assert undecided.status_code == 422 and "Répondez « Oui » ou « Non »." in page(undecided).all_text


def test_results_after_a_no_javascript_feedback_are_not_counted_again(client, monkeypatch):
    events = []
    monkeypatch.setattr(questionnaire, "record_event", lambda profile, partner: events.append(profile) or True)
    client.get(f"/results?{query(YOUNG, lang='en', feedback='cep')}")
    assert events == []


# --- htmx: fragments, history, language --------------------------------------------------------------------------


def test_an_htmx_request_gets_only_the_fragment_with_title_and_language_switch(client):
    url = f"/questions/status?{query({'age': '30'}, lang='en')}"
    full = client.get(url)
    fragment = client.get(url, headers=HTMX)
    assert "<html" in full.get_data(as_text=True) and "<html" not in fragment.get_data(as_text=True)
    assert "HX-Request" in full.headers["Vary"] and "HX-Request" in fragment.headers["Vary"]
    shown = page(fragment)
    assert shown.one("title") is not None and shown.one("h1")["autofocus"] is None  # focus moves to the new question
    switch = shown.one("nav", id="language-switch")
    assert switch["data-hx-swap-oob"] == "true"
    assert shown.one("a", hreflang="fr")["href"] == "/questions/status?age=30&lang=fr"
    restore = client.get(url, headers={**HTMX, "HX-History-Restore-Request": "true"})
    assert "<html" in restore.get_data(as_text=True)  # history restores need the whole page


def test_the_language_switch_keeps_the_answers_and_the_step(client):
    shown = page(client.get(f"/check?{query(EMPLOYEE, lang='fr')}"))
    english = shown.one("a", hreflang="en")["href"]
    assert urlsplit(english).path == "/check"
    assert parse_flat(english) == {**EMPLOYEE, "lang": "en"}
    error = page(answer(client, "age", {"status": "pupil", "lang": "en"}, age="x"))
    french = error.one("a", hreflang="fr")["href"]
    assert urlsplit(french).path == "/questions/age" and parse_flat(french) == {"age": "x", "status": "pupil", "lang": "fr"}


# --- counsellor mode --------------------------------------------------------------------------------------------


def test_counsellor_mode_shows_every_question_and_the_results_beside_them(client):
    shown = page(client.get(f"/counsellor?{query(EMPLOYEE, lang='en')}"))
    names = {field["name"] for field in shown.find("input") + shown.find("select") if "name" in field}
    assert {"age", "status", "region", "disability", "education_level", "goals"} <= names
    assert shown.one("ol", id="recommendations") is not None
    assert shown.one("form", id="counsellor-form")["data-hx-target"] == "#counsellor-results"
    assert shown.find("form", **{"class": "feedback no-print"}) == []  # a professional's clicks are not a person's opinion


def test_counsellor_mode_updates_only_the_results_and_lists_what_is_missing(client):
    response = client.get(f"/counsellor?{query({'age': '30', 'status': 'employee'}, lang='en')}", headers={"HX-Request": "true", "HX-Target": "counsellor-results"})
    text = response.get_data(as_text=True)
    assert "<html" not in text and "<form" not in text
    shown = page(response)
    assert shown.one("section", id="counsellor-results") is not None
    assert "Region, Disability, Highest diploma." in shown.all_text
    assert shown.one("p", id="counsellor-status")["data-hx-swap-oob"] == "innerHTML"
    wrong = page(client.get(f"/counsellor?{query({**EMPLOYEE, 'age': '200'}, lang='en')}", headers={"HX-Request": "true", "HX-Target": "counsellor-results"}))
    assert "Enter an age from 14 to 99." in wrong.all_text and wrong.find("ol", id="recommendations") == []


# --- privacy, errors, headers, assets ----------------------------------------------------------------------------


@pytest.mark.parametrize(("lang", "promises"), [
    ("fr", ["n’est jamais enregistrée", "adresse IP", "tranche d’âge", "le jour (pas l’heure)", "13 mois", "Aucun cookie", "moins de 10 personnes",
            "proposés à tout le monde dans ce groupe", "ne reçoit jamais vos réponses", "ni l’adresse des pages"]),
    ("en", ["It is never stored", "IP address", "age band", "the day (not the time)", "13 months", "no cookie", "fewer than 10 people",
            "offered to everyone in it", "never receives your answers", "neither the address of the pages"]),
])
def test_the_privacy_page_says_what_is_and_is_not_stored(client, lang, promises):
    text = page(client.get(f"/privacy?lang={lang}")).all_text
    for promise in promises:
        assert promise in text


def test_unknown_pages_get_a_page_in_the_persons_language_and_the_api_keeps_its_format(client):
    french = client.get("/nulle-part")
    assert french.status_code == 404 and "Page introuvable" in page(french).all_text
    english = client.get("/questions/favourite-colour?lang=en")
    assert english.status_code == 404 and "Page not found" in page(english).all_text
    assert client.get("/api/v1/nope").mimetype == "application/problem+json"


PAGES = ["/", "/questions/age", f"/questions/region?{query({'age': '30'})}", f"/check?{query(EMPLOYEE)}",
         f"/results?{query(YOUNG)}", f"/counsellor?{query(EMPLOYEE)}", "/privacy", "/nowhere"]


@pytest.mark.parametrize("url", PAGES)
def test_pages_have_a_strict_policy_no_inline_code_no_cookie_and_nothing_from_other_hosts(client, url):
    response = client.get(url)
    policy = response.headers["Content-Security-Policy"]
    assert "script-src 'self'" in policy and "style-src 'self'" in policy and "unsafe" not in policy
    assert response.headers["Referrer-Policy"] == "no-referrer"
    assert "Set-Cookie" not in response.headers
    shown = page(response)
    assert all("src" in script for script in shown.find("script"))
    assert shown.find("style") == [] and not any("style" in attrs for _, attrs in shown.elements)
    assert not any(name.startswith("on") for _, attrs in shown.elements for name in attrs)
    loaded = [attrs.get("src") or attrs.get("href") for tag, attrs in shown.elements if tag in ("script", "link", "img")]
    assert loaded and all(address.startswith("/") and not address.startswith("//") for address in loaded)


def test_answer_pages_are_not_kept_in_caches(client):
    assert client.get(f"/results?{query(YOUNG)}").headers["Cache-Control"] == "no-store"
    assert "no-store" not in client.get("/").headers.get("Cache-Control", "")


def test_htmx_2_0_is_served_from_the_npm_install_compressed_when_accepted(client, app):
    installed = app.config["HTMX_FILE"].read_bytes()
    plain = client.get("/assets/htmx.min.js", headers={"Accept-Encoding": "identity"})
    assert plain.status_code == 200 and plain.data == installed and plain.mimetype == "text/javascript"
    assert re.search(rb"version:\s*['\"]2\.0\.\d+['\"]", installed), "htmx must stay on 2.0.x (package.json pins it)"
    zipped = client.get("/assets/htmx.min.js", headers={"Accept-Encoding": "gzip, br"})
    assert zipped.headers["Content-Encoding"] == "gzip" and len(zipped.data) < len(installed) / 2
    page_html = client.get("/").get_data(as_text=True)
    assert 'name="htmx-config"' in page_html and "&#34;includeIndicatorStyles&#34;: false" in page_html
    assert "&#34;allowEval&#34;: false" in page_html


# --- follow-up questions -----------------------------------------------------------------------------------------

def card(html: str, service_id: str) -> str:
    """The HTML of one recommended service's card on a results page ('' when it is not recommended)."""
    found = re.search(rf'<li class="recommendation[^"]*" id="service-{service_id}".*?(?=<li class="recommendation|</ol>)', html, re.S)
    return found.group(0) if found else ""


def walk_follow_ups(client, location: str, given: dict) -> tuple[list[str], str]:
    """Follow the journey from `location` as a browser without JavaScript would, answering each follow-up question
    from `given` (skipping the others): the fields asked, in order, and the address it ends on."""
    asked = []
    while urlsplit(location).path.startswith("/questions/"):
        field = urlsplit(location).path.rsplit("/", 1)[1].replace("-", "_")
        assert client.get(location).status_code == 200
        asked.append(field)
        form = {**parse_flat(location), **({field: given[field]} if field in given else {"skip": field})}
        response = client.post(urlsplit(location).path, data=form)
        assert response.status_code == 303, response.get_data(as_text=True)[:500]
        location = response.location
    return asked, location


@pytest.mark.parametrize(("seniority", "outcome"), [("24_months_12_with_employer", "eligible"), ("under_24_months", "not_eligible")])
def test_a_career_changer_is_asked_contract_and_seniority_and_then_knows_about_transitions_pro(client, recommender, seniority, outcome):
    start = client.post("/questions/goals", data={**CAREER_CHANGE, "lang": "en"})
    asked, location = walk_follow_ups(client, start.location, {"contract": "cdi", "seniority": seniority})
    assert asked[:2] == ["contract", "seniority"] and set(asked) == set(follow_ups_of(recommender, CAREER_CHANGE))
    assert urlsplit(location).path == "/check"
    check = client.get(location).get_data(as_text=True)
    assert "Permanent contract (CDI)" in check and "You preferred not to say" in check  # the others were skipped
    results = client.get(location.replace("/check", "/results")).get_data(as_text=True)
    transitions = card(results, "transitions-pro")
    if outcome == "eligible":
        assert transitions and "tag-possible" not in transitions
    else:
        assert not transitions and "Career transition project (Transitions Pro)" in re.sub("<[^>]+>", "", results.split('id="not-eligible"')[1])
    before = client.get(f"/results?{query(CAREER_CHANGE, lang='en')}").get_data(as_text=True)
    assert "tag-possible" in card(before, "transitions-pro")  # without the answers it was only "to confirm"


def test_a_young_job_seeker_is_asked_exactly_what_the_api_says_would_change_their_answer(client, recommender):
    young = {key: value for key, value in YOUNG.items() if key != "executive"}
    start = client.post("/questions/goals", data={**young, "lang": "en"})
    asked, location = walk_follow_ups(client, start.location, {})
    questions = recommender.follow_up_questions(Profile.model_validate(profile_input(young)), dt.date.today(), "en")
    assert asked == [q["field"] for q in questions]
    names = recommender.knowledge.catalogue.services
    for question in questions:  # each page says which services its answer settles, and something does
        assert question["services"]
        shown = page(client.get(f"/questions/{question['field'].replace('_', '-')}?{query(young, lang='en')}")).all_text
        assert all(names[sid].name("en") in shown for sid in question["services"])
        assert question["question"] in shown


def test_answers_already_decisive_skip_straight_to_the_check_page(client, recommender, monkeypatch):
    monkeypatch.setattr(type(recommender), "follow_up_questions", lambda self, profile, as_of, lang="fr": [])
    response = client.post("/questions/goals", data={**CAREER_CHANGE, "lang": "en"})
    assert urlsplit(response.location).path == "/check"
    assert "Follow-up questions" not in page(client.get(response.location)).all_text


def test_a_skipped_question_is_not_asked_again_and_the_results_offer_it_back(client):
    answers = {**CAREER_CHANGE, "lang": "en"}
    skipped = client.post("/questions/contract", data={**answers, "contract": "cdi", "skip": "contract"})
    location = urlsplit(skipped.location)
    assert parse_qs(location.query)["skipped"] == ["contract"] and "contract" not in parse_qs(location.query)
    assert location.path != "/questions/contract"
    shown = page(client.get(f"/results?{query({**answers, 'skipped': ['contract', 'seniority']})}"))
    assert "tag-possible" in card(client.get(f"/results?{query({**answers, 'skipped': 'contract'})}").get_data(as_text=True), "transitions-pro")
    offer = shown.one("p", id="follow-up-offer")
    assert offer is not None and "more questions could settle services still “to confirm”" in shown.all_text
    link = next(a["href"] for a in shown.find("a", href=True) if a["href"].startswith("/questions/"))
    assert "skipped" not in parse_qs(urlsplit(link).query)  # asked again
    assert parse_qs(urlsplit(link).query)["goals"] == ["change_career"]
    french = page(client.get(f"/questions/contract?{query({**answers, 'lang': 'fr'})}"))
    assert "Je préfère ne pas répondre" in french.all_text and "Question complémentaire 1 sur" in french.all_text


def test_a_wrong_follow_up_answer_names_the_question_and_what_it_allows_and_keeps_the_rest(client):
    answers = {**CAREER_CHANGE, "lang": "en", "skipped": "executive"}
    response = client.post("/questions/contract", data={**answers, "contract": "permanent"})
    assert response.status_code == 422
    shown = page(response)
    assert "Employment contract: this is not one of the answers offered." in shown.all_text
    assert "“Permanent contract (CDI)”, “Fixed-term contract (CDD)”, “Temporary agency work (intérim)”" in shown.all_text
    assert hidden_answers(shown)["goals"] == ["change_career"] and hidden_answers(shown)["skipped"] == ["executive"]
    nothing = page(client.post("/questions/contract", data={**answers, "lang": "fr"}))
    assert "Choisissez une réponse, ou « Je préfère ne pas répondre »." in nothing.all_text
    both = page(client.post("/questions/benefits", data={**answers, "benefits": ["none", "rsa"]}))
    assert "Benefits received: “None of these” cannot be chosen with another answer." in both.all_text
    tampered = client.get(f"/results?{query({**answers, 'seniority': 'forever', 'retired': 'maybe'})}")
    assert tampered.status_code == 422
    check = page(tampered)
    assert "Time worked as an employee: this is not one of the answers offered." in check.all_text and "Retirement: this is" in check.all_text
    assert any(a["href"].startswith("/questions/seniority?") for a in check.find("a", href=True))


def test_a_follow_up_that_does_not_apply_says_why_and_keeps_the_answers(client):
    seeker = {**YOUNG, "lang": "en"}
    for response in (client.get(f"/questions/contract?{query(seeker)}"), client.post("/questions/contract", data={**seeker, "contract": "cdi"})):
        assert response.status_code == 422
        shown = page(response)
        assert "The question “Employment contract” is only asked when the answer to “Situation” is “Employee”." in shown.all_text
        back = next(a["href"] for a in shown.find("a", href=True) if a["href"].startswith("/check?"))
        assert parse_flat(back)["age"] == "19" and parse_flat(back)["goals"] == "find_job"
    results = client.get(f"/results?{query({**seeker, 'contract': 'cdi', 'skipped': ['nonsense', 'contract']})}")
    assert results.status_code == 200  # in an address, an answer that means nothing is dropped, as the API does
    share = parse_qs(urlsplit(page(results).one("input", id="share-url")["value"]).query)
    assert "contract" not in share and "skipped" not in share and share["age"] == ["19"]


def test_the_check_page_lists_follow_up_answers_with_links_that_come_back(client):
    answers = {**CAREER_CHANGE, "contract": "cdd", "skipped": ["seniority"], "lang": "en"}
    check = page(client.get(f"/check?{query(answers)}"))
    assert "Fixed-term contract (CDD)" in check.all_text and "You preferred not to say" in check.all_text
    change = next(a["href"] for a in check.find("a", href=True) if a["href"].startswith("/questions/seniority?"))
    assert parse_qs(urlsplit(change).query)["return_to"] == ["check"]
    shown = page(client.get(change))
    assert hidden_answers(shown).get("skipped") is None  # coming back to it: no longer skipped once answered
    back = client.post("/questions/seniority", data={**parse_flat(change), "seniority": "24_months"})
    assert urlsplit(back.location).path in ("/check", "/questions/executive", "/questions/goal-business")
    assert parse_qs(urlsplit(back.location).query)["seniority"] == ["24_months"] and "skipped" not in parse_qs(urlsplit(back.location).query)


def test_counsellor_mode_shows_the_follow_up_questions_and_updates_them(client, recommender):
    shown = page(client.get(f"/counsellor?{query(CAREER_CHANGE, lang='en')}"))
    names = {field["name"] for field in shown.find("input") if "name" in field}
    assert set(follow_ups_of(recommender, CAREER_CHANGE)) <= names and "recognition" not in names
    assert shown.one("input", id="contract-")["checked"] is None  # "Not answered" until answered
    update = page(client.get(f"/counsellor?{query({**CAREER_CHANGE, 'contract': 'cdi'}, lang='en')}", headers={"HX-Request": "true", "HX-Target": "counsellor-results"}))
    container = update.one("div", id="counsellor-follow-ups")
    assert container["data-hx-swap-oob"] == "outerHTML"
    assert update.one("input", id="contract-cdi")["checked"] is None and update.find("input", id="seniority-under_24_months")
    student = page(client.get(f"/counsellor?{query({**CAREER_CHANGE, 'status': 'student', 'contract': 'cdi'}, lang='en')}"))
    assert student.find("input", name="contract") == []  # meaningless for a student: neither asked nor kept


# --- follow-up answers stay private ------------------------------------------------------------------------------

SENSITIVE_ANSWERS = {"benefits": ["rsa", "ass"], "nationality": "other", "international_protection": "true"}


def test_sensitive_follow_up_answers_change_nothing_that_is_stored(client, app, monkeypatch):
    stored = []
    store = app.extensions["pathways_store"]
    monkeypatch.setattr(store, "add", lambda counts, *args, **kwargs: stored.append(counts) or True)
    young = {key: value for key, value in YOUNG.items() if key != "executive"}
    client.get(f"/results?{query(young, lang='en')}")
    client.get(f"/results?{query({**young, **SENSITIVE_ANSWERS}, lang='en')}")
    client.get(f"/results?{query({**young, 'skipped': ['nationality', 'international_protection']}, lang='en')}")
    assert len(stored) == 3 and stored[0] == stored[1] == stored[2]


def test_follow_up_answers_never_reach_a_log_line(app, capsys):
    capsys.readouterr()
    url = "/results?age=19&benefits=rsa&nationality=other&recognition=aah&international_protection=true&skipped=recognition"
    with app.test_request_context(url):
        logging.getLogger("recommender").warning(f"could not answer {url.split('?')[1]}; then benefits=aah, recognition=rqth")
    text = capsys.readouterr().err
    assert "could not answer" in text
    for leak in ("rsa", "=other", "aah", "rqth", "=true", "skipped=recognition"):
        assert leak not in text


def test_the_print_page_leaves_out_the_sensitive_follow_up_answers(client):
    young = {key: value for key, value in YOUNG.items() if key != "executive"}
    printed = page(client.get(f"/results/print?{query({**young, 'nationality': 'other', 'goal_apprenticeship': 'true'}, lang='en')}")).all_text
    assert "Another country" not in printed and "Nationality" not in printed
    assert "Looking for an apprenticeship: Yes" in printed  # what is not sensitive is printed
