"""Operations: health and readiness, JSON logs with a request id, and a database that goes away and comes back."""

from __future__ import annotations

import datetime as dt
import json
import logging
import os
import sys
import time
from pathlib import Path

import pytest
from sqlalchemy.engine import make_url

from recommender import create_app
from recommender.storage import counting
from recommender.storage.usage import NOT_RECORDED, record_event, record_feedback
from tests.conftest import person
from tests.db_support import StallingProxy, app_config, closed_port, make_database, postgres_base_url
from tests.feedback_support import api_token

YOUNG = {"age": 19, "status": "job_seeker", "region": "32", "disability": "none", "education_level": "none"}
FAST = 1.0  # seconds: far below the 2-second connect timeout a request would pay if it waited on the database


def wait_for(condition, seconds: float = 10.0) -> bool:
    """Poll until `condition()` holds (the store recovers in the background)."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.05)
    return False


def counted_recommendations(app) -> int:
    """Recommendations counted in the database, once this process has written its counts."""
    from sqlmodel import func, select

    from recommender.storage.models import UsageCount

    store = app.extensions["pathways_store"]
    store.flush()
    with store.session() as session:
        return session.exec(select(func.coalesce(func.sum(UsageCount.recommendations), 0))).one()


def timed_recommendation(client) -> tuple[int, float]:
    started = time.perf_counter()
    response = client.post("/api/v1/recommendations", json=YOUNG)
    return response.status_code, time.perf_counter() - started


def test_healthz_says_the_process_is_up(client):
    response = client.get("/healthz")
    assert response.status_code == 200 and response.get_json() == {"status": "ok"}
    assert response.headers["Cache-Control"] == "no-store"


def test_readyz_checks_rules_and_database(client, recommender):
    answer = client.get("/readyz").get_json()
    assert answer["status"] == "ready"
    assert answer["checks"]["rules"] == {"status": "ok", "services": len(recommender.knowledge.catalogue.services), "versions": recommender.knowledge.versions}
    assert answer["checks"]["database"]["status"] == "ok"


def test_readyz_is_not_ready_without_rules(app, client, monkeypatch):
    monkeypatch.delitem(app.extensions, "pathways")
    response = client.get("/readyz")
    assert response.status_code == 503 and response.get_json()["status"] == "not_ready"


def test_a_request_id_is_kept_only_from_a_trusted_proxy_and_only_as_a_uuid():
    app = create_app({"TESTING": True, "RATELIMIT_ENABLED": False, "TRUSTED_PROXIES": frozenset({"10.9.9.9"})})
    client = app.test_client()
    first, second = client.get("/healthz"), client.get("/healthz")
    assert first.headers["X-Request-ID"] != second.headers["X-Request-ID"]
    proxied = {"REMOTE_ADDR": "10.9.9.9"}
    uuid_id = "5f0c6a1e-7d3b-4c8e-9a2f-0b1c2d3e4f50"
    assert client.get("/healthz", headers={"X-Request-ID": uuid_id}, environ_base=proxied).headers["X-Request-ID"] == uuid_id.replace("-", "")
    # The audit's tag: a caller chose an id, which was logged and sent back, to follow one person across requests.
    for chosen, sender in (("person-42-tracking", proxied), (uuid_id, {"REMOTE_ADDR": "10.0.0.5"}), ("<script>", proxied)):
        answered = client.get("/healthz", headers={"X-Request-ID": chosen}, environ_base=sender).headers["X-Request-ID"]
        assert answered != chosen.replace("-", "") and len(answered) == 32


def test_a_request_id_is_never_sent_on_an_answer_a_shared_cache_may_give_to_others(client):
    catalogue = client.get("/api/v1/services")
    assert "public" in catalogue.headers["Cache-Control"] and "X-Request-ID" not in catalogue.headers
    assert "X-Request-ID" in client.get("/healthz").headers


def test_requests_are_logged_as_json_without_address_agent_or_answers(client, capsys):
    capsys.readouterr()
    response = client.get("/api/v1/services/nope?lang=en&age=19", headers={"User-Agent": "TraceableBrowser/1.0", "X-Forwarded-For": "203.0.113.7"})
    lines = [json.loads(line) for line in capsys.readouterr().err.splitlines() if line.startswith("{")]
    [entry] = [line for line in lines if line.get("path") == "/api/v1/services/nope"]
    assert entry["request_id"] == response.headers["X-Request-ID"]
    assert (entry["method"], entry["status"], entry["level"]) == ("GET", 404, "INFO") and entry["duration_ms"] >= 0
    line = json.dumps(entry)
    assert "TraceableBrowser" not in line and "203.0.113" not in line and "age=19" not in line


def test_no_log_line_of_anyone_holds_a_query_an_address_or_an_answer_and_all_are_json(app, capsys):
    # The audit: an unhandled error logged the whole URL (disability=recognised), gunicorn logged ip=, psycopg
    # wrote plain-text lines into the JSON log.
    capsys.readouterr()
    with app.test_request_context("/results?age=19&disability=recognised"):
        try:
            raise ValueError("could not build /results?age=19&disability=recognised for 203.0.113.7")
        except ValueError:
            logging.getLogger("recommender").exception("unexpected error on /results?age=19&disability=recognised")
    logging.getLogger("gunicorn.error").error("Invalid request from ip=203.0.113.7: Invalid HTTP method")
    logging.getLogger("psycopg").warning('connection to server at "198.51.100.4", port 5432 failed; client 2001:db8::7 gave up')
    logging.getLogger("psycopg").debug("never written: below WARNING for libraries")
    lines = [line for line in capsys.readouterr().err.splitlines() if line.strip()]
    assert len(lines) == 3 and all(json.loads(line) for line in lines)  # every line JSON, the library's too
    text = "\n".join(lines)
    assert "disability=recognised" not in text and "age=19" not in text and "?age" not in text
    assert "203.0.113.7" not in text and "198.51.100.4" not in text and "2001:db8::7" not in text
    assert "unexpected error on /results" in text and "Invalid request from ip=<address>" in text


def test_a_closed_database_port_degrades_feedback_but_not_recommendations(caplog):
    app = create_app(app_config(f"postgresql+psycopg://postgres@127.0.0.1:{closed_port()}/pathways"))
    client = app.test_client()
    try:
        with caplog.at_level(logging.WARNING, logger="recommender"):
            started = time.perf_counter()
            response = client.post("/api/v1/recommendations", json=YOUNG)
            assert response.status_code == 200 and time.perf_counter() - started < FAST
            assert not [r for r in caplog.records if "usage event dropped" in r.getMessage()]  # counted in memory until the database answers
            body = {**YOUNG, "service_id": "cep", "useful": True, "lang": "en", "token": api_token(client, YOUNG)}
            feedback = client.post("/api/v1/feedback", json=body)
        assert feedback.status_code == 202 and feedback.get_json()["recorded"] is False  # said as it is
        assert "could not be recorded for the moment" in feedback.get_json()["detail"]
        [warning] = [r for r in caplog.records if "feedback not recorded" in r.getMessage()]
        assert warning.request_id and "unreachable" in warning.getMessage()
        ready = client.get("/readyz")
        assert ready.status_code == 200
        assert ready.get_json()["status"] == "degraded"
        assert ready.get_json()["checks"]["database"] == {"status": "degraded", "backend": "postgresql", "problem": "unreachable", "degraded": ["events", "feedback", "stats"]}
        with app.test_request_context():
            assert record_feedback(person(), "cep", True) == NOT_RECORDED
    finally:
        app.extensions["pathways_store"].close()


def test_sqlite_going_away_mid_run_degrades_then_recovers_by_itself(tmp_path, caplog):
    folder = tmp_path / "data"
    app = create_app(app_config(f"sqlite:///{folder / 'pathways.sqlite3'}"))
    store, client = app.extensions["pathways_store"], app.test_client()
    try:
        with app.test_request_context():
            assert record_event(person())
        assert counted_recommendations(app) == 1

        folder.rename(tmp_path / "gone")  # the database disappears under the running app
        with caplog.at_level(logging.WARNING, logger="recommender"), app.test_request_context():
            assert record_event(person())
            store.flush()  # the writer finds the database gone and opens the breaker
            assert store.problem == "unreachable"
            assert record_event(person())  # still counted, in memory
            assert record_feedback(person(), "cep", True) == NOT_RECORDED  # at once, and said so
        assert any("feedback not recorded" in r.getMessage() for r in caplog.records)
        status, seconds = timed_recommendation(client)
        assert status == 200 and seconds < FAST
        assert client.get("/readyz").get_json()["status"] == "degraded"

        (tmp_path / "gone").rename(folder)  # it comes back; nobody calls /readyz
        assert wait_for(lambda: store.problem is None)
        assert client.get("/readyz").get_json()["status"] == "ready"
        with app.test_request_context():
            assert record_event(person())
        assert counted_recommendations(app) == 5  # 1 before, the 3 served while it was away, 1 after
    finally:
        store.close()


def test_counts_kept_through_an_outage_are_bounded(tmp_path, monkeypatch, caplog):
    monkeypatch.setattr(counting, "MAX_COUNTED_KEYS", 1)  # the keys of one recommendation, no more
    folder = tmp_path / "data"
    app = create_app(app_config(f"sqlite:///{folder / 'pathways.sqlite3'}"))
    store = app.extensions["pathways_store"]
    try:
        folder.rename(tmp_path / "gone")
        with caplog.at_level(logging.WARNING, logger="recommender"), app.test_request_context():
            assert record_event(person(region="11"))  # the recommendation and the services of its bucket
            store.flush()  # the writer finds the database gone: the counts stay in memory
            assert store.problem == "unreachable"
            assert record_event(person(region="32")) is False  # new keys are dropped...
            assert record_event(person(region="11"))  # ...and what is already counted goes on counting
        assert any("usage event not recorded (too many counts waiting)" in r.getMessage() for r in caplog.records)

        (tmp_path / "gone").rename(folder)
        assert wait_for(lambda: store.problem is None)
        assert counted_recommendations(app) == 2
    finally:
        store.close()


def test_postgresql_that_stops_answering_mid_run_never_holds_up_a_request(tmp_path):
    base = make_url(postgres_base_url())
    url, schema = make_database("postgresql", tmp_path)
    proxy = StallingProxy((base.host or "127.0.0.1", base.port or 5432))
    app = create_app(app_config(make_url(url).set(host="127.0.0.1", port=proxy.port).render_as_string(hide_password=False), DB_READ_TIMEOUT=1.0))
    store, client = app.extensions["pathways_store"], app.test_client()
    try:
        with app.test_request_context():
            assert record_event(person())
        assert counted_recommendations(app) == 1

        proxy.stall()  # connections stay open, nothing comes back
        for _ in range(3):
            status, seconds = timed_recommendation(client)
            assert status == 200 and seconds < FAST
        ready = client.get("/readyz").get_json()
        assert ready["status"] == "degraded" and ready["checks"]["database"]["problem"] == "timeout"
        status, seconds = timed_recommendation(client)
        assert status == 200 and seconds < FAST

        proxy.resume()
        assert wait_for(lambda: store.problem is None)
        assert client.get("/readyz").get_json()["status"] == "ready"
        with app.test_request_context():
            assert record_event(person())
        assert counted_recommendations(app) == 6  # 1 before, the 4 served while it hung, 1 after
    finally:
        proxy.resume()
        store.close()
        proxy.close()
        schema.drop()


@pytest.mark.skipif(os.name != "posix", reason="gunicorn runs on POSIX systems only")
def test_gunicorn_as_configured_serves_the_app_and_logs_json_without_access_lines(monkeypatch, capfd):
    from gunicorn.app.wsgiapp import WSGIApplication
    from werkzeug.test import Client

    path = Path(__file__).resolve().parents[2] / "gunicorn.conf.py"
    monkeypatch.setenv("WEB_CONCURRENCY", "3")
    monkeypatch.setenv("PATHWAYS_BIND", "127.0.0.1:9876")
    monkeypatch.setattr(sys, "argv", ["gunicorn", "-c", str(path)])  # as `gunicorn -c gunicorn.conf.py` reads it
    server = WSGIApplication()
    config = server.cfg
    assert config.address == [("127.0.0.1", 9876)] and config.workers == 3  # the environment decides
    assert config.preload_app and config.worker_class_str == "gthread"
    assert Client(server.load()).get("/healthz").status_code == 200  # the app it names starts and answers
    logger = config.logger_class(config)  # gunicorn's own logger, set up from logconfig_dict
    capfd.readouterr()
    logger.error("worker %s stopped", "w1")
    environ = {"REQUEST_METHOD": "GET", "RAW_URI": "/results?age=19&disability=recognised", "SERVER_PROTOCOL": "HTTP/1.1", "REMOTE_ADDR": "203.0.113.9", "HTTP_USER_AGENT": "agent-007"}
    logger.access(type("Response", (), {"status": "200 OK", "sent": 0, "headers": []})(), type("Request", (), {"headers": []})(), environ, dt.timedelta(0))
    logged = capfd.readouterr().err
    assert [json.loads(line)["message"] for line in logged.splitlines() if line.strip()] == ["worker w1 stopped"]  # JSON lines
    assert "203.0.113.9" not in logged and "disability" not in logged and "agent-007" not in logged  # no access line


def test_postgresql_down_at_start_up_is_picked_up_when_it_returns(tmp_path):
    base = make_url(postgres_base_url())
    url, schema = make_database("postgresql", tmp_path)
    proxy = StallingProxy((base.host or "127.0.0.1", base.port or 5432))
    proxy.refuse()
    app = create_app(app_config(make_url(url).set(host="127.0.0.1", port=proxy.port).render_as_string(hide_password=False)))
    store, client = app.extensions["pathways_store"], app.test_client()
    try:
        assert store.problem == "unreachable"
        assert client.post("/api/v1/recommendations", json=YOUNG).status_code == 200  # also wakes the background prober
        proxy.resume()
        assert wait_for(lambda: store.problem is None)  # nobody calls /readyz: it comes back by itself
        with app.test_request_context():
            assert record_event(person())
        assert counted_recommendations(app) == 2  # the recommendation served while it was down is counted too
    finally:
        store.close()
        proxy.close()
        schema.drop()
