"""Shared fixtures: one app for the whole run (rules load once), a client and a CLI runner."""

from __future__ import annotations

import datetime as dt
import os
import tempfile
from pathlib import Path

import pytest

from recommender import create_app
from recommender.domain.profile import Profile

from .contract_support import every_api_answer_matches_the_description  # noqa: F401  (autouse: answers vs their description)

TODAY = dt.date(2026, 11, 23)

# Every app a test builds stores into throw-away files, never the developer's instance/ database or trained ranker.
_SCRATCH = Path(tempfile.mkdtemp(prefix="pathways-tests-"))
os.environ["DATABASE_URL"] = f"sqlite:///{_SCRATCH / 'pathways.sqlite3'}"
os.environ["PATHWAYS_RANKER_FILE"] = str(_SCRATCH / "ranker.npz")


@pytest.fixture(scope="session")
def app():
    """The application with the shipped rules and catalogue."""
    # The rate limit has its own test; here it would only get in the way of many requests from one address.
    return create_app({"TESTING": True, "RATELIMIT_ENABLED": False})


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
