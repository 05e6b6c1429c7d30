"""A third language is one catalogue plus one key per data text: with a pseudo-locale built that way (tests/pseudo_locale.py),
every visible string of every page and every text of every API answer, problems included, comes from a catalogue or
the data; and a data text without the new key stops start-up with its file and line."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def run(*args: str, env: dict | None = None) -> subprocess.CompletedProcess:
    """A fresh interpreter: the languages spoken are read once, at import."""
    return subprocess.run([sys.executable, *args], cwd=ROOT, capture_output=True, text=True, timeout=600, env={**os.environ, **(env or {})})


@pytest.fixture(scope="module")
def pseudo(tmp_path_factory):
    folder = tmp_path_factory.mktemp("pseudo-locale")
    done = run("-m", "tests.pseudo_locale", str(folder))
    assert done.returncode == 0, done.stderr[-3000:]
    return folder, json.loads(done.stdout.strip().splitlines()[-1])


def test_every_string_people_read_comes_from_a_catalogue_or_the_data(pseudo):
    _, result = pseudo
    visited = {url.split("?")[0] for url in result["visited"]}
    assert {"/", "/check", "/results", "/counsellor", "/privacy", "/stats", "/nowhere", "/questions/age", "/questions/goals"} <= visited
    assert result["not_from_a_catalogue"] == {}


def test_a_data_text_without_the_new_language_stops_start_up_with_file_and_line(pseudo):
    folder, _ = pseudo
    service = folder / "data" / "services" / "cep.yaml"
    lines = service.read_text(encoding="utf-8").splitlines()
    first = next(i for i, line in enumerate(lines) if line.strip().startswith("eo:"))
    service.write_text("\n".join(lines[:first] + lines[first + 1:]) + "\n", encoding="utf-8")
    done = run("-c", f"from pathlib import Path; from tests.pseudo_locale import start; start(Path({str(folder)!r}))")
    assert done.returncode == 1
    assert "cep.yaml:" in done.stderr and "the text in eo is missing" in done.stderr
