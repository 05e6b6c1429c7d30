"""Schemathesis against the OpenAPI description the app serves: generated valid and invalid requests, every check."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

SERVER_ERROR_CODES = ("ST101", "ST102")  # schemathesis: a 5xx answer, or a 5xx with the wrong content type


def available() -> bool:
    """Whether schemathesis is installed (the `bench` extra)."""
    return _command() is not None


def _command() -> str | None:
    beside = Path(sys.executable).with_name("schemathesis")
    return str(beside) if beside.exists() else shutil.which("schemathesis")


def run(port: int, *, examples: int, seed: int = 7, log: Path) -> dict:
    """One schemathesis run over every operation; counts of generated cases and failures by kind."""
    command = [_command(), "run", f"http://127.0.0.1:{port}/api/v1/openapi.json", "--checks", "all", "--max-examples", str(examples),
               "--seed", str(seed), "--workers", "1", "--phases", "examples,coverage,fuzzing,stateful"]
    # Run from the results folder: schemathesis keeps a cache folder where it runs.
    done = subprocess.run(command, capture_output=True, text=True, timeout=1800, env={**os.environ, "NO_COLOR": "1"}, cwd=log.parent)
    output = done.stdout + done.stderr
    log.write_text(output)
    cases = re.search(r"(\d[\d,]*) generated", output)
    failures = {title.strip(): int(count) for title, count in re.findall(r"❌ (ST\d+ [^:\n]+): (\d+)", output)}
    return {
        "operations": (m.group(1) if (m := re.search(r"Operations:\s+(\d+) selected", output)) else None),
        "test_cases": int(cases.group(1).replace(",", "")) if cases else None, "exit_code": done.returncode,
        "failures": failures, "server_errors": sum(n for title, n in failures.items() if title.startswith(SERVER_ERROR_CODES) or "server error" in title.lower()),
        "seed": seed, "log": str(log),
    }
