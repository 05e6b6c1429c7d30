"""Partners and the API: CORS for registered origins only, partner keys (Bearer), Cache-Control, ETag and 304."""

from __future__ import annotations

import pytest

from recommender import create_app
from tests.contract_support import check
from tests.feedback_support import api_token
from tests.partner_support import add_partner

BODY = {"age": 30, "status": "employee", "region": "11", "disability": "none", "education_level": "level4", "lang": "en"}
PARTNER_ORIGIN = "https://emploi.partner-api.example"


@pytest.fixture(scope="module")
def partner_key(app):
    return add_partner(app, "partner-api", PARTNER_ORIGIN)


@pytest.fixture(scope="module")
def spec(app):
    return app.test_client().get("/api/v1/openapi.json").get_json()


@pytest.fixture(scope="module")
def limited(tmp_path_factory):
    """An app with a tight anonymous limit, and its partner's key."""
    database = tmp_path_factory.mktemp("limited") / "pathways.sqlite3"
    app = create_app({"TESTING": True, "DATABASE_URL": f"sqlite:///{database}", "API_RATE_LIMIT": "2 per minute", "API_KEY_FAILURE_LIMIT": "1 per minute"})
    return app, add_partner(app, "partner-limited", "https://limited.example")


# --- CORS ----------------------------------------------------------------------------------------------------------


def test_a_browser_on_a_partner_origin_may_ask_for_recommendations(client, partner_key):
    preflight = client.options("/api/v1/recommendations", headers={"Origin": PARTNER_ORIGIN, "Access-Control-Request-Method": "POST", "Access-Control-Request-Headers": "content-type"})
    assert preflight.status_code == 200
    assert preflight.headers["Access-Control-Allow-Origin"] == PARTNER_ORIGIN
    assert "POST" in preflight.headers["Access-Control-Allow-Methods"]
    assert "Content-Type" in preflight.headers["Access-Control-Allow-Headers"]
    assert "Authorization" not in preflight.headers["Access-Control-Allow-Headers"]  # keys never belong in a browser
    answer = client.post("/api/v1/recommendations", json=BODY, headers={"Origin": PARTNER_ORIGIN})
    assert answer.status_code == 200 and answer.headers["Access-Control-Allow-Origin"] == PARTNER_ORIGIN
    assert "Origin" in answer.headers["Vary"] and "Access-Control-Allow-Credentials" not in answer.headers
    catalogue = client.get("/api/v1/services/cep", headers={"Origin": PARTNER_ORIGIN})
    assert catalogue.headers["Access-Control-Allow-Origin"] == PARTNER_ORIGIN and "ETag" in catalogue.headers["Access-Control-Expose-Headers"]


@pytest.mark.parametrize("origin", ["https://evil.example", "https://emploi.partner-api.example.evil.example", "http://emploi.partner-api.example", "null"])
def test_other_origins_get_no_cors_header_so_browsers_refuse(client, partner_key, origin):
    for response in (
        client.options("/api/v1/recommendations", headers={"Origin": origin, "Access-Control-Request-Method": "POST"}),
        client.post("/api/v1/recommendations", json=BODY, headers={"Origin": origin}),
        client.get("/api/v1/services", headers={"Origin": origin}),
    ):
        assert "Access-Control-Allow-Origin" not in response.headers
        assert "Origin" in response.headers["Vary"]


def test_cors_covers_the_recommend_and_catalogue_endpoints_only(client, partner_key):
    token = api_token(client, BODY)
    feedback = client.post("/api/v1/feedback", json={**BODY, "service_id": "cep", "useful": True, "token": token}, headers={"Origin": PARTNER_ORIGIN})
    assert feedback.status_code == 202 and "Access-Control-Allow-Origin" not in feedback.headers


# --- partner keys --------------------------------------------------------------------------------------------------


def test_a_partner_key_is_exempt_from_the_anonymous_limit(limited):
    app, key = limited
    client = app.test_client()
    anonymous = [client.post("/api/v1/recommendations", json=BODY, environ_base={"REMOTE_ADDR": "10.1.0.1"}).status_code for _ in range(3)]
    assert anonymous == [200, 200, 429]
    with_key = [client.post("/api/v1/recommendations", json=BODY, headers={"Authorization": f"Bearer {key}"}, environ_base={"REMOTE_ADDR": "10.1.0.1"}).status_code for _ in range(5)]
    assert with_key == [200] * 5


def test_a_wrong_key_is_a_401_problem_never_taken_for_anonymous(client, partner_key, spec):
    for header in (f"Bearer {partner_key[:-2]}xx", "Bearer pw.partner-unknown.aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", "Bearer nonsense", f"Basic {partner_key}", "Bearer"):
        refused = client.get("/api/v1/services?lang=en", headers={"Authorization": header})
        assert refused.status_code == 401, header
        assert refused.mimetype == "application/problem+json" and refused.headers["WWW-Authenticate"].startswith("Bearer")
        assert "Bearer <partner key>" in refused.get_json()["detail"] and "anonymously" in refused.get_json()["detail"]
        assert refused.headers["Cache-Control"] == "no-store"
        check(spec, "/api/v1/services", "get", refused)


def test_wrong_keys_are_limited_per_address(limited):
    app, key = limited
    client = app.test_client()
    codes = [client.get("/api/v1/services", headers={"Authorization": "Bearer pw.partner-limited." + "b" * 43}, environ_base={"REMOTE_ADDR": "10.1.0.3"}).status_code for _ in range(2)]
    assert codes == [401, 429]
    assert client.get("/api/v1/services", environ_base={"REMOTE_ADDR": "10.1.0.4"}).status_code == 200  # others unaffected
    assert client.get("/api/v1/services", headers={"Authorization": f"Bearer {key}"}, environ_base={"REMOTE_ADDR": "10.1.0.3"}).status_code == 200  # a right key still works


def test_calls_with_a_key_are_counted_for_that_partner(limited):
    app, key = limited
    app.test_client().post("/api/v1/recommendations", json=BODY, headers={"Authorization": f"Bearer {key}"})
    store = app.extensions["pathways_store"]
    assert store.flush()
    with store.engine.connect() as connection:
        assert "partner-limited" in [row[0] for row in connection.exec_driver_sql("SELECT partner FROM usage_count")]


# --- caching -------------------------------------------------------------------------------------------------------


def test_recommendations_are_never_stored_by_caches(client):
    assert client.post("/api/v1/recommendations", json=BODY).headers["Cache-Control"] == "no-store"
    assert client.post("/api/v1/recommendations", json={**BODY, "age": 7}).headers["Cache-Control"] == "no-store"


@pytest.mark.parametrize("url", ["/api/v1/services?lang=en", "/api/v1/services/cep?lang=fr"])
def test_the_catalogue_is_public_with_an_etag_and_a_304_when_unchanged(client, spec, url):
    first = client.get(url)
    assert first.status_code == 200 and first.headers["Cache-Control"] == "public, max-age=3600"
    etag = first.headers["ETag"]
    again = client.get(url, headers={"If-None-Match": etag})
    assert again.status_code == 304 and again.data == b"" and again.headers["ETag"] == etag
    assert "304" in spec["paths"][url.split("?")[0].replace("/cep", "/{service_id}")]["get"]["responses"]
    assert client.get(url, headers={"If-None-Match": '"something-else"'}).status_code == 200


def test_each_language_of_the_catalogue_has_its_own_etag(client):
    french, english = client.get("/api/v1/services?lang=fr"), client.get("/api/v1/services?lang=en")
    assert french.headers["ETag"] != english.headers["ETag"]
    assert client.get("/api/v1/services?lang=en", headers={"If-None-Match": french.headers["ETag"]}).status_code == 200


def test_an_unknown_service_is_not_cached(client):
    assert client.get("/api/v1/services/nope").headers["Cache-Control"] == "no-store"


def test_the_description_declares_the_partner_key_and_the_new_answers(spec):
    assert spec["components"]["securitySchemes"]["partnerKey"] == {**spec["components"]["securitySchemes"]["partnerKey"], "type": "http", "scheme": "bearer"}
    for path, method in (("/api/v1/recommendations", "post"), ("/api/v1/services", "get"), ("/api/v1/services/{service_id}", "get")):
        operation = spec["paths"][path][method]
        assert "401" in operation["responses"] and operation["security"] == [{}, {"partnerKey": []}]


# --- wrong keys are cheap, and say nothing of which slugs exist (issue 11) ------------------------------------------


def hashing_calls(monkeypatch) -> list[str]:
    """Record every hash a key check does."""
    import hashlib
    import hmac

    from recommender.storage import partner_keys

    calls: list[str] = []
    real_compare, real_sha256 = hmac.compare_digest, hashlib.sha256
    monkeypatch.setattr(partner_keys.hashlib, "scrypt", lambda *a, **k: calls.append("scrypt") or b"")
    monkeypatch.setattr(partner_keys.hashlib, "sha256", lambda data=b"": calls.append("sha256") or real_sha256(data))
    monkeypatch.setattr(partner_keys.hmac, "compare_digest", lambda a, b: calls.append("compare") or real_compare(a, b))
    return calls


def test_a_wrong_key_costs_no_slow_hash_and_the_same_work_whether_the_slug_exists_or_not(app, partner_key, monkeypatch):
    registry = app.extensions["pathways_partners"]
    secret = "A" * 43
    with app.app_context():
        registry.partners()
        calls = hashing_calls(monkeypatch)
        assert registry.authenticate(f"pw.partner-api.{secret}") is None  # a real partner, a wrong key
        real_slug, calls[:] = list(calls), []
        assert registry.authenticate(f"pw.no-such-slug.{secret}") is None  # a slug that does not exist
        assert calls == real_slug == ["sha256", "compare"]  # one fast hash and one comparison in both cases: no scrypt
        calls.clear()
        assert registry.authenticate("not-a-key") is None and calls == []  # not shaped like a key: refused before hashing
        assert registry.authenticate(partner_key).slug == "partner-api"


def test_a_key_made_before_sha256_still_works_once_slowly_then_fast(app, monkeypatch):
    import hashlib
    import secrets

    from recommender.storage import partner_keys

    key = add_partner(app, "partner-legacy", "https://legacy.example")
    salt = secrets.token_bytes(16)
    legacy = f"scrypt$16384$8$1${salt.hex()}${hashlib.scrypt(key.encode(), salt=salt, n=2**14, r=8, p=1, dklen=32).hex()}"
    store = app.extensions["pathways_store"]
    with store.session() as session:
        row = partners_find(session, "partner-legacy")
        row.key_hash = legacy
        session.add(row)
        session.commit()
    registry = app.extensions["pathways_partners"]
    registry.invalidate()
    with app.app_context():
        assert registry.authenticate(key).slug == "partner-legacy"  # checked with scrypt, then upgraded
        with store.session() as session:
            assert partners_find(session, "partner-legacy").key_hash == partner_keys.hash_key(key)
        calls = hashing_calls(monkeypatch)
        assert registry.authenticate(key).slug == "partner-legacy" and "scrypt" not in calls


def partners_find(session, slug):
    from recommender.storage.partners import find

    return find(session, slug)
