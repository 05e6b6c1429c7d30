"""No 500 from anything a client sends (issue 11), pages and API alike, and every error page with the security headers.

The audit found a 500 on every page with a language switch when the URL carried `?_anchor=`, `?_method=` or
`?_scheme=` (gunicorn's bare page, without the headers), a redirect to the attacker's host with `?_external=1`, and a
500 on both POST endpoints for a lone surrogate in a JSON string or key. Those are replayed, then hypothesis looks
for more over page URLs and JSON strings.
"""

from __future__ import annotations

import io
import json
from urllib.parse import quote, urlsplit

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.partner_support import add_partner
from tests.web.conftest import YOUNG, query

SLUG = "no-500-partner"
RESERVED = ("_anchor", "_method", "_scheme", "_external", "_scheme_", "_anchor[]")
PAGES = ("/", "/questions/age", "/questions/status", "/questions/executive", "/check", "/results", "/counsellor", "/privacy",
         "/stats", f"/embed/{SLUG}/", f"/embed/{SLUG}/questions/region", f"/embed/{SLUG}/results", "/embed/nobody/", "/nowhere")
PROFILE = {"age": 30, "status": "employee", "region": "11", "disability": "none", "education_level": "level4"}


@pytest.fixture(scope="module")
def client(app):
    """A client of the shared app, with one partner whose widget the URLs can use."""
    if not app.extensions["pathways_partners"].partners().get(SLUG):
        add_partner(app, SLUG, "https://partner.example.org")
        app.extensions["pathways_partners"].invalidate()
    return app.test_client()


def assert_secure(response) -> None:
    """Not a server error, and the headers every answer carries."""
    assert response.status_code < 500, (response.status_code, response.request.url if response.request else "")
    assert "frame-ancestors" in response.headers.get("Content-Security-Policy", "")
    assert response.headers.get("X-Content-Type-Options") == "nosniff"


@pytest.mark.parametrize("name", RESERVED)
@pytest.mark.parametrize("path", PAGES)
def test_url_fors_reserved_arguments_in_the_query_are_ignored(client, path, name):
    response = client.get(f"{path}?{query(YOUNG, lang='en')}&{name}=https://attacker.example")
    assert_secure(response)
    if response.status_code in (301, 302, 303, 307, 308):
        assert urlsplit(response.location).netloc in ("", "localhost"), response.location


def test_the_widget_never_redirects_to_the_host_a_caller_names(client):
    with_lang = client.get(f"/embed/{SLUG}/?_external=1", headers={"Host": "attacker.example"})
    assert with_lang.status_code in (200, 302)
    assert "attacker.example" not in with_lang.headers.get("Location", "")


@pytest.mark.parametrize("path", ["/api/v1/recommendations", "/api/v1/feedback"])
@pytest.mark.parametrize("body", ['{"age": "\\ud800"}', '{"\\udc00": 1}', '{"status": "\\ud83d"}', '["\\udfff"]'])
def test_a_lone_surrogate_in_json_is_a_400_problem(client, path, body):
    response = client.post(path, data=body, content_type="application/json")
    assert response.status_code == 400 and response.mimetype == "application/problem+json"
    assert "not valid JSON" in response.get_json()["detail"] or "pas du JSON valide" in response.get_json()["detail"]


def test_the_error_page_failing_itself_still_answers_with_the_security_headers(app, monkeypatch):
    from recommender.web import errors

    def broken(*args, **kwargs):
        raise RuntimeError("the error template is broken")

    monkeypatch.setattr(errors, "render", broken)  # the error pages' module (web/errors.py)
    response = app.test_client().get("/nowhere")  # a 404, whose page cannot be rendered
    assert response.status_code == 500 and "Internal error" in response.get_data(as_text=True)
    assert response.headers["X-Frame-Options"] == "SAMEORIGIN" and "default-src 'self'" in response.headers["Content-Security-Policy"]
    assert response.headers["Cache-Control"] == "no-store"


def test_a_chunked_body_over_the_limit_is_a_413(client):
    big = json.dumps({**PROFILE, "lang": "x" * 20_000}).encode()
    chunked = client.post("/api/v1/recommendations", input_stream=io.BytesIO(big), content_type="application/json",
                          headers={"Transfer-Encoding": "chunked"}, environ_overrides={"wsgi.input_terminated": True})
    assert chunked.status_code == 413
    form = client.post("/questions/age", input_stream=io.BytesIO(b"age=" + b"1" * 20_000), content_type="application/x-www-form-urlencoded",
                       headers={"Transfer-Encoding": "chunked"}, environ_overrides={"wsgi.input_terminated": True})
    assert form.status_code == 413


@pytest.mark.parametrize("as_of", ["2026-11-20T10:00:00", "2026-11-20 10:00", "20261120", 1700000000])
def test_as_of_is_strictly_a_day(client, as_of):
    response = client.post("/api/v1/recommendations", json={**PROFILE, "as_of": as_of})
    assert response.status_code == 422 and [e["field"] for e in response.get_json()["errors"]] == ["as_of"]


# --- what fuzzing finds ------------------------------------------------------------------------------------------

keys = st.one_of(st.sampled_from((*RESERVED, *YOUNG, "lang", "return_to", "accent", "feedback", "token", "service_id")), st.text(max_size=12))
values = st.one_of(st.sampled_from(("", "none", "recognised", "19", "-1", "99999999999999999999", "true", "%00", "\u202e")), st.text(max_size=30))


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(path=st.sampled_from(PAGES), params=st.lists(st.tuples(keys, values), max_size=8), htmx=st.booleans())
def test_no_page_url_gives_a_500(client, path, params, htmx):
    url = path + "?" + "&".join(f"{quote(key, safe='')}={quote(value, safe='')}" for key, value in params)
    response = client.get(url, headers={"HX-Request": "true", "HX-Target": "main"} if htmx else {})
    assert_secure(response)


surrogates = st.integers(0xD800, 0xDFFF).map(lambda code: f"\\u{code:04x}")
json_strings = st.lists(st.one_of(st.text(max_size=8).map(lambda text: json.dumps(text)[1:-1]), surrogates), max_size=4).map("".join)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(path=st.sampled_from(("/api/v1/recommendations", "/api/v1/feedback")), field=st.sampled_from(("age", "status", "lang", "service_id", "token", "as_of", "new")),
       key=json_strings, value=json_strings)
def test_no_json_string_or_key_gives_a_500(client, path, field, key, value):
    body = json.dumps(PROFILE)[:-1] + f', "{field}": "{value}", "{key}": 1}}'
    response = client.post(path, data=body.encode("utf-8", "surrogatepass"), content_type="application/json")
    assert_secure(response)
    assert response.status_code in (200, 202, 400, 422), response.get_data(as_text=True)
