"""Anonymous API use is rate-limited per address with a clear 429 and Retry-After; other clients are not affected."""

from __future__ import annotations

from recommender import create_app

BODY = {"age": 30, "status": "employee", "region": "11", "disability": "none", "education_level": "level4"}


def test_too_many_requests_get_a_problem_with_retry_after():
    app = create_app({"API_RATE_LIMIT": "3 per minute"})
    client = app.test_client()
    answers = [client.post("/api/v1/recommendations", json=BODY, environ_base={"REMOTE_ADDR": "10.0.0.7"}) for _ in range(4)]
    assert [a.status_code for a in answers] == [200, 200, 200, 429]
    refused = answers[-1]
    assert refused.mimetype == "application/problem+json"
    assert int(refused.headers["Retry-After"]) > 0
    assert "Retry-After" in refused.get_json()["detail"]
    other = client.post("/api/v1/recommendations", json=BODY, environ_base={"REMOTE_ADDR": "10.0.0.8"})
    assert other.status_code == 200
