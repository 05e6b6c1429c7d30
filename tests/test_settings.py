"""Settings are one validated object: a bad environment variable stops start-up with its name and what is allowed."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from recommender.settings import BadSettings, from_environment

ROOT = Path(__file__).resolve().parent.parent


@pytest.mark.parametrize(("variable", "value", "says"), [
    ("PATHWAYS_RANKER_ALPHA", "abc", "valid number"),
    ("PATHWAYS_RATELIMIT_ENABLED", "maybe", "1 or 0"),
    ("PATHWAYS_API_RATE_LIMIT", "lots", "such as '120 per minute'"),
    ("PATHWAYS_RATELIMIT_STORAGE_URI", "mongodb://db", "local://, memory://, redis://"),
    ("PATHWAYS_TRUSTED_PROXIES", "10.0.0.1,proxy", "'proxy' is not an IP address"),
    ("PATHWAYS_PUBLIC_BASE_URL", "pathways.example.org/app", "https://host (no path)"),
    ("PATHWAYS_LOG_LEVEL", "LOUD", "DEBUG, INFO, WARNING or ERROR"),
    ("PATHWAYS_DB_CONNECT_TIMEOUT", "1", "libpq's minimum is 2"),
    ("PATHWAYS_FEEDBACK_SECRET", "short", "at least 32 characters"),
])
def test_a_bad_variable_names_itself_and_what_is_allowed(monkeypatch, variable, value, says):
    monkeypatch.setenv(variable, value)
    with pytest.raises(BadSettings) as refused:
        from_environment()
    assert f"{variable}={value!r}" in str(refused.value) and says in str(refused.value)


def run(command: list[str], **variables) -> subprocess.CompletedProcess:
    return subprocess.run(command, cwd=ROOT, env={**os.environ, **variables}, capture_output=True, text=True, timeout=120)


def test_start_up_stops_with_one_message_and_no_traceback():
    done = run([sys.executable, "-c", "from recommender import create_app; create_app()"], PATHWAYS_MAX_BODY_BYTES="big", PATHWAYS_HSTS_SECONDS="-1")
    assert done.returncode == 1 and "Traceback" not in done.stderr
    assert "PATHWAYS_MAX_BODY_BYTES='big'" in done.stderr and "PATHWAYS_HSTS_SECONDS='-1'" in done.stderr


def test_the_server_stops_the_same_way():
    done = run([str(Path(sys.executable).parent / "gunicorn"), "-c", "gunicorn.conf.py", "--check-config"], PATHWAYS_THREADS="many")
    assert done.returncode == 1 and "Traceback" not in done.stderr and "PATHWAYS_THREADS='many'" in done.stderr
