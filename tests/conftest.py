"""Shared fixtures: one app for the whole run (rules load once), a client and a CLI runner."""

from __future__ import annotations

import datetime as dt

import pytest

from recommender import create_app
from recommender.profile import Profile

TODAY = dt.date(2026, 11, 23)


@pytest.fixture(scope="session")
def app(tmp_path_factory):
    """The application with the shipped rules and catalogue, storing into a throw-away SQLite file."""
    database = tmp_path_factory.mktemp("db") / "pathways.sqlite3"
    # The rate limit has its own test; here it would only get in the way of many requests from one address.
    return create_app({"TESTING": True, "RATELIMIT_ENABLED": False, "DATABASE_URL": f"sqlite:///{database}"})


@pytest.fixture()
def client(app):
    return app.test_client()


@pytest.fixture()
def runner(app):
    return app.test_cli_runner()


@pytest.fixture(scope="session")
def recommender(app):
    return app.extensions["pathways"]


def person(**answers) -> Profile:
    """A profile with neutral defaults for whatever the test does not care about."""
    defaults = {"age": 30, "status": "employee", "region": "11", "disability": "none", "education_level": "level4"}
    return Profile(**{**defaults, **answers})
