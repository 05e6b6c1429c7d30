"""What is stored, on SQLite and PostgreSQL: only counts per coarse bucket, feedback through the API, retention, migrations."""

from __future__ import annotations

import datetime as dt
import os
import signal
import time
import uuid
import warnings

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import Boolean, Date, Uuid, column, inspect, select, table, text
from sqlmodel import SQLModel

from recommender import create_app
from recommender.domain.privacy import Bucket
from recommender.domain.ranking import train_ranker
from recommender.storage import db
from recommender.storage.reports import record_report
from recommender.storage.retention import retention_cutoff
from recommender.storage.training import feedback_rows
from recommender.storage.usage import NOT_RECORDED, RECORDED, disclosure, record_event, record_feedback
from tests.conftest import person
from tests.db_support import BACKENDS, MIGRATIONS, app_config, database_url, db_app, empty_db, make_database  # noqa: F401  (fixtures: SQLite, and PostgreSQL when configured)
from tests.feedback_support import api_token

# The whole list of what a count or a feedback answer may hold (issue 6): the buckets, the partner page, the service;
# counts; for feedback, the verdict and a random row key.
BUCKET_FIELDS = {"day", "age_band", "status", "region", "education_band"}
USAGE_COUNT_FIELDS = BUCKET_FIELDS | {"partner", "recommendations"}
SERVICE_COUNT_FIELDS = BUCKET_FIELDS | {"partner", "service_id", "shown"}
FEEDBACK_FIELDS = BUCKET_FIELDS | {"id", "partner_slug", "service_id", "useful"}
PERSON = {"age": 19, "status": "job_seeker", "region": "32", "disability": "recognised", "education_level": "level3", "executive": False, "goals": ["find_job"]}
TRACES = {"User-Agent": "Mozilla/5.0 (X11; Linux) TraceableBrowser/1.0", "X-Forwarded-For": "203.0.113.7", "Cookie": "session=abc123"}


def rows(app, table: str) -> list[dict]:
    """Every row of a table, as the database holds it."""
    store = app.extensions["pathways_store"]
    assert store.flush()
    with store.engine.connect() as connection:
        return [dict(row._mapping) for row in connection.execute(select(SQLModel.metadata.tables[table]))]


def test_the_schema_has_no_column_for_anything_but_the_buckets(db_app):
    columns = inspect(db_app.extensions["pathways_store"].engine)
    assert {c["name"] for c in columns.get_columns("usage_count")} == USAGE_COUNT_FIELDS
    assert {c["name"] for c in columns.get_columns("service_count")} == SERVICE_COUNT_FIELDS
    assert {c["name"] for c in columns.get_columns("feedback")} == FEEDBACK_FIELDS
    assert {c["name"] for c in columns.get_columns("error_report")} == {"id", "day", "service_id", "part", "comment"}  # no answers, no address
    assert set(columns.get_table_names()) == {"alembic_version", "partner", "usage_count", "service_count", "feedback", "error_report"}  # no row per recommendation


def test_a_served_recommendation_leaves_only_buckets_and_the_services_of_the_whole_bucket(empty_db):
    response = empty_db.test_client().post("/api/v1/recommendations", json=PERSON, headers=TRACES)
    assert response.status_code == 200
    shown = {r["id"] for r in response.get_json()["recommendations"]}
    with empty_db.app_context():
        offered_to_all = disclosure().offered_to_all(Bucket("18-25", "job_seeker", "32", "level3-4"), dt.date.today())

    [usage] = rows(empty_db, "usage_count")
    assert usage == {
        "day": dt.date.today(), "age_band": "18-25", "status": "job_seeker", "region": "32", "education_band": "level3-4", "partner": "", "recommendations": 1,
    }
    services = rows(empty_db, "service_count")
    # Cap emploi was shown (a recognised disability) but is not counted: counting it would tell the disability.
    assert "cap-emploi" in shown and "cap-emploi" not in offered_to_all
    assert {s["service_id"] for s in services} == offered_to_all and offered_to_all < shown and all(s["shown"] == 1 for s in services)
    assert all({k: v for k, v in s.items() if k in BUCKET_FIELDS | {"partner"}} == {k: usage[k] for k in BUCKET_FIELDS | {"partner"}} for s in services)
    stored = {str(value) for row in [usage, *services] for value in row.values()}
    assert not stored & {"recognised", "find_job", "level3", "19", *TRACES.values(), "203.0.113.7"}


def test_feedback_through_the_api_keeps_service_verdict_and_buckets_only(empty_db):
    client = empty_db.test_client()
    body = {**PERSON, "service_id": "mission-locale", "useful": True, "token": api_token(client, PERSON)}
    response = client.post("/api/v1/feedback", json=body, headers=TRACES)
    assert response.status_code == 202 and response.get_json() == {"recorded": True}
    [row] = rows(empty_db, "feedback")
    assert set(row) == FEEDBACK_FIELDS
    assert (row["service_id"], row["useful"], row["age_band"], row["education_band"]) == ("mission-locale", True, "18-25", "level3-4")
    assert "recognised" not in repr(row) and "Traceable" not in repr(row)


def test_feedback_about_a_service_that_tells_the_disability_is_not_kept_and_says_so(empty_db):
    client = empty_db.test_client()
    body = {**PERSON, "service_id": "cap-emploi", "useful": True, "lang": "en", "token": api_token(client, PERSON)}
    response = client.post("/api/v1/feedback", json=body)
    assert response.status_code == 202 and response.get_json()["recorded"] is False
    assert "could reveal an answer that we never keep" in response.get_json()["detail"]
    assert rows(empty_db, "feedback") == []


@pytest.mark.parametrize(("change", "field", "says"), [
    ({"service_id": "no-such-service"}, "service_id", "/api/v1/services"),
    ({"useful": "yes"}, "useful", "true or false"),
    ({"comment": "great"}, "comment", "service_id, useful"),
    ({"age": 7}, "age", "14"),
])
def test_bad_feedback_gets_a_problem_naming_the_field(empty_db, change, field, says):
    client = empty_db.test_client()
    body = {**PERSON, "service_id": "cep", "useful": False, "lang": "en", "token": api_token(client, PERSON), **change}
    response = client.post("/api/v1/feedback", json=body)
    assert response.status_code == 422 and response.mimetype == "application/problem+json"
    [error] = [e for e in response.get_json()["errors"] if e["field"] == field]
    assert says in error["detail"]
    assert rows(empty_db, "feedback") == []


def test_feedback_problems_are_in_french_by_default(empty_db):
    response = empty_db.test_client().post("/api/v1/feedback", json={**PERSON, "service_id": "cep", "useful": "oui"})
    assert response.get_json()["title"] == "Avis invalide"
    assert "true ou false" in response.get_json()["errors"][0]["detail"]


def test_feedback_about_an_unknown_service_is_never_stored(empty_db):
    with empty_db.test_request_context():
        assert record_feedback(person(), "free text that is not a service", True) == NOT_RECORDED
    assert rows(empty_db, "feedback") == []


def test_purge_removes_exactly_what_is_older_than_13_months(empty_db):
    today = dt.date(2026, 11, 23)
    cutoff = dt.date(2025, 10, 23)
    days = [cutoff - dt.timedelta(days=400), cutoff - dt.timedelta(days=1), cutoff, cutoff + dt.timedelta(days=1), today]
    with empty_db.test_request_context():
        for day in days:
            assert record_event(person(), day=day)
            assert record_feedback(person(), "cep", True, day=day) == RECORDED
            assert record_report(service_id="cep", part="cost", comment="Le montant a changé.", day=day)
    assert empty_db.extensions["pathways_store"].flush()
    result = empty_db.test_cli_runner().invoke(args=["events", "purge", "--today", today.isoformat()])
    assert result.exit_code == 0, result.output
    assert "deleted the counts of 2 recommendations, 2 feedback answers and 2 error reports from before 2025-10-23" in result.output
    assert sorted(r["day"] for r in rows(empty_db, "usage_count")) == days[2:]
    assert sorted({r["day"] for r in rows(empty_db, "service_count")}) == days[2:]
    assert sorted(r["day"] for r in rows(empty_db, "feedback")) == days[2:]
    assert sorted(r["day"] for r in rows(empty_db, "error_report")) == days[2:]


@pytest.mark.parametrize(("today", "cutoff"), [
    ("2026-11-23", "2025-10-23"), ("2027-01-15", "2025-12-15"), ("2027-03-31", "2026-02-28"), ("2029-03-31", "2028-02-29"),
])
def test_retention_is_13_calendar_months(today, cutoff):
    assert retention_cutoff(dt.date.fromisoformat(today)) == dt.date.fromisoformat(cutoff)


def test_stored_feedback_can_move_a_service_down_for_the_people_who_found_it_useless(empty_db):
    someone = person(age=45, status="employee", education_level="level4")
    with empty_db.test_request_context():
        for _ in range(30):
            record_feedback(someone, "cep", False)
        record_feedback(someone, "bilan-competences", True)
    store = empty_db.extensions["pathways_store"]
    store.flush()
    with store.session() as session:
        folded = feedback_rows(session, services=empty_db.extensions["pathways"].knowledge.catalogue.services, weight_per_answer=0.05)
    # 31 answers of one day weigh 1.55 in all, under the day's bound; the bucket's 1.55 is under its bound too.
    assert [(p.age, p.status, p.disability, sid, round(grade, 2), round(weight, 2)) for p, sid, grade, weight in folded] == [
        (45, "employee", "none", "bilan-competences", 3.0, 0.05), (45, "employee", "none", "cep", 0.0, 1.5),
    ]
    before = empty_db.extensions["pathways"].ranker  # trained at start-up, on the cases alone
    after, summary = train_ranker(empty_db.extensions["pathways"].knowledge, empty_db.config, feedback=folded)
    assert summary.endswith("2 feedback rows")
    candidates = ["cep", "bilan-competences", "vae", "cpf"]
    score = lambda ranker: {r.service_id: r.score for r in ranker.rank(someone, candidates)}["cep"]  # noqa: E731
    assert score(after) < score(before)


def test_ranker_train_folds_stored_feedback_in(empty_db):
    with empty_db.test_request_context():
        for useful in (True, False, True):
            record_feedback(person(), "cep", useful)
    empty_db.extensions["pathways_store"].flush()
    ranker = empty_db.extensions["pathways"].ranker
    try:
        result = empty_db.test_cli_runner().invoke(args=["ranker", "train"])
    finally:
        empty_db.extensions["pathways"].ranker = ranker
    assert result.exit_code == 0, result.output
    assert "1 feedback rows (1 feedback groups from the database)" in result.output


def test_migrations_create_exactly_the_models(db_app):
    with db_app.extensions["pathways_store"].engine.connect() as connection:
        differences = compare_metadata(MigrationContext.configure(connection), SQLModel.metadata)
    assert differences == []


@pytest.mark.parametrize("backend", BACKENDS)
def test_start_up_refuses_a_schema_that_is_behind_and_names_the_fix(backend, tmp_path):
    url, schema = make_database(backend, tmp_path)
    try:
        engine = db.build_engine(url)
        db.upgrade(engine, MIGRATIONS)
        db.downgrade(engine, MIGRATIONS, "base")
        engine.dispose()
        with pytest.raises(db.SchemaBehind, match="flask --app recommender db upgrade"):
            create_app(app_config(url))
    finally:
        if schema:
            schema.drop()


def test_a_fresh_machine_gets_its_sqlite_schema_by_itself(tmp_path):
    path = tmp_path / "instance" / "pathways.sqlite3"
    app = create_app(app_config(f"sqlite:///{path}"))
    store = app.extensions["pathways_store"]
    assert path.is_file() and store.problem is None
    assert db.current_revision(store.engine) == store.revisions.head
    store.close()


def test_without_database_url_events_go_to_a_file_in_the_instance_folder(tmp_path):
    from flask import Flask

    bare = Flask("pathways_elsewhere", instance_path=str(tmp_path / "instance"))
    bare.config["DATABASE_URL"] = None
    assert db.database_url(bare) == f"sqlite:///{tmp_path}/instance/pathways.sqlite3"


def test_a_busy_second_of_recommendations_is_counted_in_full(empty_db):
    # 3,000 recommendations in about a second, more than one server process answers: none may be dropped (the
    # statistics would under-count busy days). Recording must keep up: one transaction per event (~1.5 ms) once
    # filled the writer's 1,000-place queue within half a second and lost most of them.
    with empty_db.test_request_context():
        someone = person(age=34, status="employee", region="84")
        recorded = []
        for _ in range(100):
            started = time.monotonic()
            recorded += [record_event(someone) for _ in range(30)]
            time.sleep(max(0.0, 0.01 - (time.monotonic() - started)))
        offered = disclosure().offered_to_all(Bucket.of(someone), dt.date.today())
    assert recorded.count(False) == 0
    assert [usage["recommendations"] for usage in rows(empty_db, "usage_count")] == [3000]
    assert {s["service_id"]: s["shown"] for s in rows(empty_db, "service_count")} == dict.fromkeys(offered, 3000)


def test_counts_from_two_processes_add_up(empty_db, database_url):
    other = create_app(app_config(database_url))  # a second server process on the same database, with its own counts
    try:
        for app, times in ((empty_db, 2), (other, 3), (empty_db, 1)):
            with app.test_request_context():
                assert all(record_event(person()) for _ in range(times))
            assert app.extensions["pathways_store"].flush()
    finally:
        other.extensions["pathways_store"].close()
    assert [usage["recommendations"] for usage in rows(empty_db, "usage_count")] == [6]
    assert {s["shown"] for s in rows(empty_db, "service_count")} == {6}


@pytest.mark.skipif(not hasattr(os, "fork"), reason="forking server workers is POSIX only")
def test_a_forked_worker_does_not_write_its_parents_counts_again(empty_db):
    store = empty_db.extensions["pathways_store"]
    with empty_db.test_request_context():
        assert record_event(person())  # counted in this process, not written yet
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", DeprecationWarning)  # fork() with threads running: the store is made for it
            child = os.fork()
        if child == 0:
            signal.alarm(10)  # a child stuck on a lock fails the test instead of hanging it
            os._exit(0 if record_event(person()) and store.flush() else 1)
    assert os.waitpid(child, 0)[1] == 0
    assert [usage["recommendations"] for usage in rows(empty_db, "usage_count")] == [2]


OLD_EVENT = table("usage_event", column("id", Uuid()), column("day", Date()), *map(column, ("age_band", "status", "region", "education_band", "partner_slug")))
OLD_EVENT_SERVICE = table("usage_event_service", column("event_id", Uuid()), column("service_id"), column("shown", Boolean()), column("clicked", Boolean()))


@pytest.mark.parametrize("backend", BACKENDS)
def test_upgrading_adds_the_events_already_stored_up_into_counts(backend, tmp_path):
    url, schema = make_database(backend, tmp_path, upgrade=False)
    engine = db.build_engine(url)
    try:
        db.upgrade(engine, MIGRATIONS, "0002")  # a database with one row per recommendation
        buckets = {"day": dt.date(2026, 11, 20), "age_band": "18-25", "status": "job_seeker", "region": "32", "education_band": "level3-4"}
        events = [(None, {"cep": False, "cpf": True}), (None, {"cep": False, "cpf": False}), ("cite-metiers-lyon", {"cep": True})]  # shown: clicked?
        with engine.begin() as connection:
            for partner, clicks in events:
                event_id = uuid.uuid4()
                connection.execute(OLD_EVENT.insert(), {"id": event_id, "partner_slug": partner, **buckets})
                connection.execute(OLD_EVENT_SERVICE.insert(), [{"event_id": event_id, "service_id": sid, "shown": True, "clicked": clicked} for sid, clicked in clicks.items()])
        db.upgrade(engine, MIGRATIONS, "0003")
        with engine.connect() as connection:
            counts = SQLModel.metadata.tables["usage_count"]
            usage = [dict(row._mapping) for row in connection.execute(select(counts).order_by(counts.c.partner))]
            services = {(row.partner, row.service_id): (row.shown, row.clicked) for row in connection.execute(text("SELECT * FROM service_count"))}
        assert usage == [{**buckets, "partner": "", "recommendations": 2}, {**buckets, "partner": "cite-metiers-lyon", "recommendations": 1}]
        assert services == {("", "cep"): (2, 0), ("", "cpf"): (2, 1), ("cite-metiers-lyon", "cep"): (1, 1)}
        assert "usage_event" not in inspect(engine).get_table_names()

        db.downgrade(engine, MIGRATIONS, "0002")  # the old tables come back, empty: events cannot be rebuilt from counts
        with engine.connect() as connection:
            assert connection.execute(text("SELECT count(*) FROM usage_event")).scalar_one() == 0
        assert "usage_count" not in inspect(engine).get_table_names()
    finally:
        engine.dispose()
        if schema:
            schema.drop()


@pytest.mark.parametrize("backend", BACKENDS)
def test_upgrading_to_0005_deletes_the_counts_and_feedback_that_could_tell_a_disability(backend, tmp_path):
    url, schema = make_database(backend, tmp_path, upgrade=False)
    engine = db.build_engine(url)
    try:
        db.upgrade(engine, MIGRATIONS, "0003")
        key = {"day": dt.date(2026, 11, 20), "age_band": "18-25", "status": "job_seeker", "region": "32", "education_band": "level3-4", "partner": ""}
        with engine.begin() as connection:
            connection.execute(text("INSERT INTO usage_count (day, age_band, status, region, education_band, partner, recommendations) VALUES (:day, :age_band, :status, :region, :education_band, :partner, 1)"), key)
            connection.execute(text("INSERT INTO service_count (day, age_band, status, region, education_band, partner, service_id, shown, clicked) VALUES (:day, :age_band, :status, :region, :education_band, :partner, 'cap-emploi', 1, 0)"), key)
            connection.execute(text("INSERT INTO feedback (id, day, age_band, status, region, education_band, partner_slug, service_id, useful) VALUES (:id, :day, :age_band, :status, :region, :education_band, NULL, 'cap-emploi', true)"),
                               {**key, "id": uuid.uuid4().hex if backend == "sqlite" else uuid.uuid4()})
        db.upgrade(engine, MIGRATIONS)
        with engine.connect() as connection:
            assert connection.execute(text("SELECT count(*) FROM service_count")).scalar_one() == 0  # "one person, Cap emploi" is gone
            assert connection.execute(text("SELECT count(*) FROM feedback")).scalar_one() == 0
            assert connection.execute(text("SELECT recommendations FROM usage_count")).scalar_one() == 1  # holds no unkept answer: kept
        assert "clicked" not in {c["name"] for c in inspect(engine).get_columns("service_count")}
        db.downgrade(engine, MIGRATIONS, "0003")
        assert "clicked" in {c["name"] for c in inspect(engine).get_columns("service_count")}
    finally:
        engine.dispose()
        if schema:
            schema.drop()
