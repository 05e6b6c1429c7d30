"""Anonymous API use is rate-limited per address with a clear 429 and Retry-After; other clients are not affected."""

from __future__ import annotations

import os
import time
import uuid

import pytest

from recommender import create_app
from recommender.web.limitstore import SweptMemoryStorage

BODY = {"age": 30, "status": "employee", "region": "11", "disability": "none", "education_level": "level4"}


STORAGES = ["memory://"] + ([os.environ["TEST_REDIS_URL"]] if os.environ.get("TEST_REDIS_URL") else [])


@pytest.mark.parametrize("storage", STORAGES)
def test_too_many_requests_get_a_problem_with_retry_after(storage):
    # A fresh key prefix per run, so that a shared Redis does not remember an earlier run's counts.
    app = create_app({"API_RATE_LIMIT": "3 per minute", "RATELIMIT_STORAGE_URI": storage, "RATELIMIT_KEY_PREFIX": uuid.uuid4().hex})
    client = app.test_client()
    answers = [client.post("/api/v1/recommendations", json=BODY, environ_base={"REMOTE_ADDR": "10.0.0.7"}) for _ in range(4)]
    assert [a.status_code for a in answers] == [200, 200, 200, 429]
    refused = answers[-1]
    assert refused.mimetype == "application/problem+json"
    assert int(refused.headers["Retry-After"]) > 0
    assert "Retry-After" in refused.get_json()["detail"]
    other = client.post("/api/v1/recommendations", json=BODY, environ_base={"REMOTE_ADDR": "10.0.0.8"})
    assert other.status_code == 200


@pytest.mark.skipif(not os.environ.get("TEST_REDIS_URL"), reason="needs Redis: scripts/test sets TEST_REDIS_URL when one answers on 127.0.0.1:6379")
def test_two_servers_sharing_redis_share_the_limit():
    settings = {"API_RATE_LIMIT": "2 per minute", "RATELIMIT_STORAGE_URI": os.environ["TEST_REDIS_URL"], "RATELIMIT_KEY_PREFIX": uuid.uuid4().hex}
    first, second = create_app(settings).test_client(), create_app(settings).test_client()
    address = {"REMOTE_ADDR": "10.0.0.9"}
    codes = [c.post("/api/v1/recommendations", json=BODY, environ_base=address).status_code for c in (first, second, first)]
    assert codes == [200, 200, 429]


def test_answers_say_how_many_calls_are_left():
    app = create_app({"API_RATE_LIMIT": "5 per minute"})
    client = app.test_client()
    answers = [client.post("/api/v1/recommendations", json=BODY, environ_base={"REMOTE_ADDR": "10.0.0.11"}) for _ in range(2)]
    assert [a.headers["X-RateLimit-Limit"] for a in answers] == ["5", "5"]
    assert [a.headers["X-RateLimit-Remaining"] for a in answers] == ["4", "3"]
    assert all(int(a.headers["X-RateLimit-Reset"]) > 0 for a in answers)


def test_an_unreachable_shared_limit_store_falls_back_to_counting_on_this_machine(caplog):
    # Nothing listens on port 9 of the loopback: every call to the store fails at once. The limit still holds.
    app = create_app({"API_RATE_LIMIT": "1 per minute", "RATELIMIT_STORAGE_URI": "redis://127.0.0.1:9"})
    client = app.test_client()
    codes = [client.post("/api/v1/recommendations", json=BODY, environ_base={"REMOTE_ADDR": "10.0.0.12"}).status_code for _ in range(3)]
    assert codes == [200, 429, 429]
    assert len([r for r in caplog.records if "rate limit storage unreachable" in r.getMessage()]) == 1  # not one a call


def test_counts_of_a_window_that_is_over_are_forgotten():
    storage = SweptMemoryStorage()
    clock = [1_000_000.0]
    storage.clock = lambda: clock[0]
    assert storage.incr("10.0.0.1", expiry=0.05) == 1 and storage.incr("10.0.0.1", expiry=0.05) == 2
    time.sleep(0.06)
    assert storage.get("10.0.0.1") == 0  # the window is over: counting starts again
    storage.incr("10.0.0.2", expiry=0.01)
    time.sleep(0.02)
    clock[0] += SweptMemoryStorage.SWEEP_EVERY
    storage.incr("10.0.0.3", expiry=60)  # the first call after the sweep interval frees the expired counts
    assert "10.0.0.2" not in storage.storage and storage.get("10.0.0.3") == 1
