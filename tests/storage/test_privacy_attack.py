"""The audit's attack on stored data, replayed (issue 11): rebuild people's disability answers from the tables.

A realistic day: varied people, most of them alone in their group (age band, situation, region, diploma band) that
day, using the site, the API and a partner's widget, some of them giving feedback. The same day is run twice, once
with the people's real sensitive and unkept answers and once with every one of those changed (disability, exact age
within its band, exact diploma within its band, cadre answer, goals): the tables must come out identical, so that
nothing stored can tell them apart. Then the audit's own inference (Cap emploi counted: recognised disability; RQTH
counted: unrecognised), which got 40 of 40 before, must do no better than guessing "no disability" for everyone.
"""

from __future__ import annotations

import datetime as dt
import random

import pytest
from sqlalchemy import select
from sqlmodel import SQLModel

from recommender import create_app
from recommender.domain.features import AGE_BANDS
from recommender.domain.privacy import EDUCATION_BANDS
from recommender.domain.profile import DISABILITIES, EXECUTIVE_STATUSES, GOALS, REGIONS, STATUSES
from tests.db_support import BACKENDS, app_config, make_database
from tests.feedback_support import api_token, page_token
from tests.partner_support import add_partner

PEOPLE = 60
PARTNER = "mairie-test"
LEVELS = tuple(EDUCATION_BANDS)


def day_of_people(seed: int = 11) -> list[dict]:
    """Varied people; each with how they come (site, API, widget) and the feedback they will give, if any."""
    rng = random.Random(seed)
    people = []
    for _ in range(PEOPLE):
        status = rng.choice(STATUSES)
        person = {"age": rng.randint(16, 70), "status": status, "region": rng.choice(REGIONS),
                  "disability": rng.choices(DISABILITIES, weights=(6, 2, 2))[0], "education_level": rng.choice(LEVELS),
                  "goals": rng.sample(GOALS, rng.randint(0, 2))}
        if status in EXECUTIVE_STATUSES:
            person["executive"] = rng.choice((True, False))
        people.append({"answers": person, "via": rng.choice(("site", "api", "widget")), "feedback": (rng.random() < 0.6, rng.random() < 0.5, rng.random())})
    return people


def changed(person: dict) -> dict:
    """The same person with every answer that is never kept changed, and the kept ones (their group) as they were."""
    answers = dict(person)
    answers["disability"] = DISABILITIES[(DISABILITIES.index(person["disability"]) + 1) % len(DISABILITIES)]
    low, high = next(band for band in AGE_BANDS if band[0] <= person["age"] <= band[1])
    answers["age"] = high if person["age"] != high else low
    same_band = [level for level in LEVELS if EDUCATION_BANDS[level] == EDUCATION_BANDS[person["education_level"]]]
    answers["education_level"] = same_band[(same_band.index(person["education_level"]) + 1) % len(same_band)]
    if "executive" in person:
        answers["executive"] = not person["executive"]
    answers["goals"] = [goal for goal in GOALS if goal not in person["goals"]][:2]
    return answers


def as_form(answers: dict) -> dict:
    """Answers as the pages carry them."""
    form = {key: str(value) for key, value in answers.items() if key not in ("goals", "executive")}
    if "executive" in answers:
        form["executive"] = "true" if answers["executive"] else "false"
    return {**form, "goals": answers["goals"], "lang": "fr"}


def live_a_day(app, people: list[dict], answers_of) -> None:
    """Everyone gets their recommendations and, if they wish, says whether a service was useful (any catalogue service
    they pick: the server decides what it keeps)."""
    client = app.test_client()
    services = sorted(app.extensions["pathways"].knowledge.catalogue.services)
    for person in people:
        answers = answers_of(person["answers"])
        wants, useful, pick = person["feedback"]
        service_id = services[int(pick * len(services))]
        if person["via"] == "api":
            token = api_token(client, answers)
            if wants:
                client.post("/api/v1/feedback", json={**answers, "service_id": service_id, "useful": useful, "token": token})
            continue
        prefix = f"/embed/{PARTNER}" if person["via"] == "widget" else ""
        token = page_token(client, as_form(answers), prefix)
        if wants:
            client.post(f"{prefix}/feedback", data={**as_form(answers), "service_id": service_id, "useful": "yes" if useful else "no", "token": token})
    assert app.extensions["pathways_store"].flush()


def tables(app) -> dict[str, list[tuple]]:
    """Everything stored about use, row by row (feedback without its random key), in a stable order."""
    store = app.extensions["pathways_store"]
    found = {}
    with store.engine.connect() as connection:
        for name in ("usage_count", "service_count", "feedback"):
            table = SQLModel.metadata.tables[name]
            columns = [column for column in table.columns if column.name != "id"]
            found[name] = sorted(tuple(str(value) for value in row) for row in connection.execute(select(*columns)))
    return found


@pytest.fixture(scope="module", params=BACKENDS)
def recorded_day(request, tmp_path_factory):
    """One day of people lived twice on two fresh databases of one backend (real answers, then every unkept answer
    changed); the people and both databases' tables."""
    folder = tmp_path_factory.mktemp(f"privacy-{request.param}")
    made = [make_database(request.param, folder / name) for name in ("real", "changed")]
    apps = [create_app(app_config(url)) for url, _ in made]
    people = day_of_people()
    try:
        for app, answers_of in zip(apps, (lambda answers: answers, changed)):
            add_partner(app, PARTNER, "https://www.example.org")
            live_a_day(app, people, answers_of)
        yield people, tables(apps[0]), tables(apps[1])
    finally:
        for app, (_, schema) in zip(apps, made):
            app.extensions["pathways_store"].close()
            if schema:
                schema.drop()


def test_changing_every_unkept_answer_of_a_day_of_people_changes_nothing_stored(recorded_day):
    _, stored, stored_with_other_answers = recorded_day
    assert stored["usage_count"] and stored["service_count"] and stored["feedback"]  # a day was recorded
    assert stored == stored_with_other_answers


def audit_guess(stored: dict[str, list[tuple]]) -> dict[tuple, str]:
    """The audit's inference, per group seen alone in a day: Cap emploi counted means recognised, RQTH unrecognised."""
    alone = {row[:6] for row in stored["usage_count"] if row[6] == "1"}
    counted = {}
    for row in stored["service_count"]:
        counted.setdefault(row[:6], set()).add(row[6])
    guesses = {}
    for key in alone:
        services = counted.get(key, set())
        guesses[key] = "recognised" if "cap-emploi" in services else "unrecognised" if "rqth" in services else "none"
    return guesses


def test_the_audits_attack_now_learns_nothing_better_than_chance(recorded_day):
    people, stored, _ = recorded_day
    guesses = audit_guess(stored)
    truth: dict[tuple, list[str]] = {}
    for person in people:
        answers = person["answers"]
        band = next(f"{low}-{high}" for low, high in AGE_BANDS if low <= answers["age"] <= high)
        partner = PARTNER if person["via"] == "widget" else ""
        key = (str(dt.date.today()), band, answers["status"], answers["region"], EDUCATION_BANDS[answers["education_level"]], partner)
        truth.setdefault(key, []).append(answers["disability"])
    singles = {key: values[0] for key, values in truth.items() if len(values) == 1}
    assert len(singles) >= 40  # most people were alone in their group that day: the audit's 40 of 40
    right = sum(guesses.get(key) == disability for key, disability in singles.items())
    with_disability = [key for key, disability in singles.items() if disability != "none"]
    assert with_disability and not any(guesses.get(key) == singles[key] for key in with_disability)  # found none of them
    assert right == len(singles) - len(with_disability)  # exactly the blind guess "nobody has a disability"
