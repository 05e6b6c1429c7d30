"""Anonymous API use is rate-limited per address with a clear 429 and Retry-After; other clients are not affected."""

from __future__ import annotations

import os
import signal
import socket
import threading
import time
import uuid
import warnings

import pytest

from recommender import create_app
from recommender.web.limitstore import SweptMemoryStorage

BODY = {"age": 30, "status": "employee", "region": "11", "disability": "none", "education_level": "level4"}


STORAGES = ["memory://"] + ([os.environ["TEST_REDIS_URL"]] if os.environ.get("TEST_REDIS_URL") else [])


@pytest.mark.parametrize("storage", STORAGES)
def test_too_many_requests_get_a_problem_with_retry_after(storage):
    # A fresh key prefix per run, so that a shared Redis does not remember an earlier run's counts.
    # A patient Redis timeout: these tests are about what a shared count means, not about a machine busy elsewhere.
    app = create_app({"API_RATE_LIMIT": "3 per minute", "RATELIMIT_STORAGE_URI": storage, "RATELIMIT_KEY_PREFIX": uuid.uuid4().hex, "RATELIMIT_TIMEOUT_MS": 2000})
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
    settings = {"API_RATE_LIMIT": "2 per minute", "RATELIMIT_STORAGE_URI": os.environ["TEST_REDIS_URL"], "RATELIMIT_KEY_PREFIX": uuid.uuid4().hex, "RATELIMIT_TIMEOUT_MS": 2000}
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


class SilentListener:
    """A TCP listener on 127.0.0.1 that accepts every connection and never answers: the audit's stalled Redis."""

    def __init__(self):
        self.server = socket.create_server(("127.0.0.1", 0))
        self.port = self.server.getsockname()[1]
        self.held: list[socket.socket] = []
        self.closed = threading.Event()
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self) -> None:
        while not self.closed.is_set():
            try:
                connection, _ = self.server.accept()
            except OSError:
                return
            self.held.append(connection)

    def close(self) -> None:
        self.closed.set()
        for sock in [self.server, *self.held]:
            sock.close()


def test_a_redis_that_accepts_and_never_answers_costs_milliseconds_and_the_limit_still_holds(caplog):
    # The audit: 0.73 req/s and a 15 s median with such a Redis; results pages timed out.
    silent = SilentListener()
    try:
        app = create_app({"API_RATE_LIMIT": "5 per minute", "RATELIMIT_STORAGE_URI": f"redis://127.0.0.1:{silent.port}", "RATELIMIT_TIMEOUT_MS": 20})
        client = app.test_client()
        timings, codes = [], []
        for _ in range(8):
            started = time.perf_counter()
            codes.append(client.post("/api/v1/recommendations", json=BODY, environ_base={"REMOTE_ADDR": "10.0.0.21"}).status_code)
            timings.append(time.perf_counter() - started)
        assert codes == [200] * 5 + [429] * 3  # counted on this machine meanwhile
        assert max(timings) < 1.0 and sorted(timings)[len(timings) // 2] < 0.2  # the first call pays ~2 x 20 ms, the others nothing
        assert len([r for r in caplog.records if "rate limit storage unreachable" in r.getMessage()]) == 1
    finally:
        silent.close()


@pytest.mark.skipif(not hasattr(os, "fork"), reason="server workers are forked processes")
def test_the_default_storage_counts_across_processes_forked_after_the_app_was_made():
    # The audit: with memory:// each of 2 gunicorn workers counted alone, 240 a minute instead of 120.
    app = create_app({"API_RATE_LIMIT": "6 per minute", "RATELIMIT_KEY_PREFIX": uuid.uuid4().hex})
    assert app.config["RATELIMIT_STORAGE_URI"] == "local://"
    client = app.test_client()
    address = {"REMOTE_ADDR": "10.0.0.31"}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)  # fork() with threads running
        child = os.fork()
    if child == 0:  # a second worker: 4 calls
        signal.alarm(20)
        codes = [client.post("/api/v1/recommendations", json=BODY, environ_base=address).status_code for _ in range(4)]
        os._exit(0 if codes == [200] * 4 else 1)
    assert os.waitpid(child, 0)[1] == 0
    codes = [client.post("/api/v1/recommendations", json=BODY, environ_base=address).status_code for _ in range(4)]
    assert codes == [200, 200, 429, 429]  # 6 in all, across both processes


def test_the_address_comes_from_x_forwarded_for_only_when_a_trusted_proxy_sends_it():
    app = create_app({"API_RATE_LIMIT": "2 per minute", "TRUSTED_PROXIES": frozenset({"10.0.0.1"}), "RATELIMIT_KEY_PREFIX": uuid.uuid4().hex})
    client = app.test_client()

    def call(remote: str, forwarded: str) -> int:
        return client.post("/api/v1/recommendations", json=BODY, headers={"X-Forwarded-For": forwarded}, environ_base={"REMOTE_ADDR": remote}).status_code

    # Behind the proxy, each client has its own count (the audit: all clients shared the proxy's address).
    assert [call("10.0.0.1", "203.0.113.1") for _ in range(3)] == [200, 200, 429]
    assert call("10.0.0.1", "203.0.113.2") == 200
    assert call("10.0.0.1", "198.51.100.9, 203.0.113.2") == 200  # the proxy's own entry (the last one) is what counts
    # Anyone else who sends the header is counted by their own address: changing it does not reset the count.
    assert [call("192.0.2.50", f"203.0.113.{n}") for n in range(10, 13)] == [200, 200, 429]


def test_the_results_pages_share_the_apis_limit():
    # The audit: the HTML results page served the same recommendations with no limit at all.
    app = create_app({"API_RATE_LIMIT": "3 per minute", "RATELIMIT_KEY_PREFIX": uuid.uuid4().hex})
    client = app.test_client()
    address = {"REMOTE_ADDR": "10.0.0.41"}
    results = "/results?age=30&status=employee&region=11&disability=none&education_level=level4&executive=false&lang=en"
    codes = [client.post("/api/v1/recommendations", json=BODY, environ_base=address).status_code,
             client.get(results, environ_base=address).status_code,
             client.get(results.replace("/results", "/counsellor"), environ_base=address).status_code,
             client.get(results, environ_base=address)]
    refused = codes.pop()
    assert codes == [200, 200, 200] and refused.status_code == 429
    assert "Wait a minute, then reload this page" in refused.get_data(as_text=True) and int(refused.headers["Retry-After"]) > 0
    assert client.get("/questions/age?lang=en", environ_base=address).status_code == 200  # the questions are not limited


def test_error_reports_share_the_limit_so_a_script_cannot_fill_the_table():
    # Each report is a row in the database: a loop posting them must stop at the same limit as everything else.
    app = create_app({"API_RATE_LIMIT": "2 per minute", "RATELIMIT_KEY_PREFIX": uuid.uuid4().hex})
    client = app.test_client()
    address = {"REMOTE_ADDR": "10.0.0.42"}
    report = {"service": "cep", "part": "cost", "comment": "Le montant a changé.", "lang": "en"}
    codes = [client.post("/report", data=report, environ_base=address).status_code for _ in range(3)]
    assert codes[:2] != [429, 429] and codes[2] == 429
    assert client.get("/report?service=cep&lang=en", environ_base=address).status_code == 200  # the form itself is not limited
