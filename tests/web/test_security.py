"""Security headers on every response, from one place (recommender/web/security.py): only the widget may be framed by
other sites, and only by its partner's; everything else says `frame-ancestors 'self'` and SAMEORIGIN."""

from __future__ import annotations

import pytest

from tests.web.conftest import EMPLOYEE, query

# A value for each URL variable, so that every GET route of the app can be asked for.
SAMPLE_VALUES = {"slug": "age", "service_id": "cep", "filename": "pathways.css"}
ANSWER_PAGES = ("questionnaire.",)  # their address may hold a person's answers


def every_page_outside_the_widget(app) -> list[tuple[str, str]]:
    """(endpoint, URL) for every GET route that is not the widget's."""
    with app.test_request_context():
        from flask import url_for

        found = []
        for rule in app.url_map.iter_rules():
            if "GET" not in rule.methods or rule.endpoint.startswith("embed."):
                continue
            found.append((rule.endpoint, url_for(rule.endpoint, **{name: SAMPLE_VALUES[name] for name in rule.arguments})))
    return found


def assert_secure(response, referrer: str) -> None:
    policy = response.headers["Content-Security-Policy"]
    assert "default-src 'self'; script-src 'self'; style-src 'self'" in policy and "unsafe" not in policy
    assert "object-src 'none'" in policy and "base-uri 'none'" in policy
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == referrer
    assert all(f"{feature}=()" in response.headers["Permissions-Policy"] for feature in ("camera", "microphone", "geolocation", "payment"))


def test_every_route_outside_the_widget_may_only_be_framed_by_this_site(app, client):
    pages = every_page_outside_the_widget(app)
    assert {"questionnaire.start", "api.services", "api_docs.docs", "stats.overview", "ops.healthz", "static", "embed_loader.loader"} <= {e for e, _ in pages}
    for endpoint, url in pages:
        with client.get(url) as response:
            assert response.headers["Content-Security-Policy"].endswith("; frame-ancestors 'self'"), url
            assert response.headers["X-Frame-Options"] == "SAMEORIGIN", url
            assert_secure(response, "no-referrer" if endpoint.startswith(ANSWER_PAGES) else "strict-origin-when-cross-origin")


@pytest.mark.parametrize(("method", "url", "status", "referrer"), [
    ("post", "/questions/age", 303, "no-referrer"),  # on to the next question (answers in the address)
    ("get", "/nowhere?age=30", 404, "no-referrer"),
    ("delete", "/results", 405, "no-referrer"),
    ("get", "/api/v1/nowhere", 404, "strict-origin-when-cross-origin"),
    ("post", "/api/v1/recommendations", 415, "strict-origin-when-cross-origin"),
])
def test_redirects_and_errors_carry_the_same_headers(client, method, url, status, referrer):
    response = getattr(client, method)(url, data={"age": "30", "lang": "fr"} if method == "post" else None)
    assert response.status_code == status
    assert response.headers["Content-Security-Policy"].endswith("frame-ancestors 'self'") and response.headers["X-Frame-Options"] == "SAMEORIGIN"
    assert_secure(response, referrer)


def test_the_questionnaire_keeps_the_stricter_referrer_policy_because_its_addresses_hold_answers(client):
    # strict-origin-when-cross-origin would still send our origin to the services' sites; no-referrer sends nothing.
    assert client.get(f"/results?{query(EMPLOYEE)}").headers["Referrer-Policy"] == "no-referrer"
    assert client.get("/api/v1/services").headers["Referrer-Policy"] == "strict-origin-when-cross-origin"


def test_hsts_is_off_by_default_and_sent_everywhere_when_set(client):
    from recommender import create_app

    assert "Strict-Transport-Security" not in client.get("/").headers
    behind_https = create_app({"TESTING": True, "RATELIMIT_ENABLED": False, "HSTS_SECONDS": 31536000}).test_client()
    for path in ("/", "/api/v1/services", "/nowhere", "/static/pathways.css"):
        with behind_https.get(path) as response:
            assert response.headers["Strict-Transport-Security"] == "max-age=31536000"


def test_the_share_link_never_comes_from_the_host_header(client):
    from recommender import create_app

    # The audit: the Host header a client sends set the share link (a link to the attacker's host, for a person to share).
    results = f"/results?{query(EMPLOYEE, lang='en')}"
    shared = client.get(results, headers={"Host": "attacker.example"}).get_data(as_text=True)
    assert "attacker.example" not in shared
    configured = create_app({"TESTING": True, "RATELIMIT_ENABLED": False, "PUBLIC_BASE_URL": "https://pathways.example.org"}).test_client()
    page = configured.get(results, headers={"Host": "attacker.example"}).get_data(as_text=True)
    assert 'value="https://pathways.example.org/results?' in page and "attacker.example" not in page
