"""The real server (gunicorn.conf.py, 2 workers): the rate limit counts across its workers, and its own log lines
(gunicorn's error log included) hold no query string and no client address."""

from __future__ import annotations

import http.client
import json
import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
BODY = json.dumps({"age": 30, "status": "employee", "region": "11", "disability": "none", "education_level": "level4"})


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    """gunicorn with the project's configuration, 2 workers, a tight limit, debug logs; its port and its log file."""
    folder = tmp_path_factory.mktemp("gunicorn")
    port, log = free_port(), folder / "server.log"
    env = {**os.environ, "PATHWAYS_BIND": f"127.0.0.1:{port}", "PATHWAYS_WORKERS": "2", "PATHWAYS_LOG_LEVEL": "DEBUG",
           "PATHWAYS_API_RATE_LIMIT": "10 per minute", "DATABASE_URL": f"sqlite:///{folder / 'db.sqlite3'}"}
    with open(log, "wb") as output:
        process = subprocess.Popen([str(Path(sys.executable).parent / "gunicorn"), "-c", "gunicorn.conf.py"], cwd=ROOT, env=env, stdout=output, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                socket.create_connection(("127.0.0.1", port), 0.2).close()
                break
            except OSError:
                time.sleep(0.2)
        yield port, log
    finally:
        process.terminate()
        process.wait(timeout=30)


def request(port: int, method: str, path: str, body: str | None = None) -> int:
    """One request on a new connection (so that both workers get some)."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=20)
    try:
        connection.request(method, path, body=body, headers={"Content-Type": "application/json"} if body else {})
        return connection.getresponse().status
    finally:
        connection.close()


def test_the_limit_is_counted_across_the_servers_workers(server):
    port, _ = server
    codes = [request(port, "POST", "/api/v1/recommendations", BODY) for _ in range(16)]
    assert codes.count(200) == 10 and codes.count(429) == 6  # the audit: each worker counted alone, twice the limit


def test_no_line_of_the_servers_log_holds_a_query_or_a_client_address(server):
    port, log = server
    assert request(port, "GET", "/results?age=19&status=job_seeker&region=32&disability=recognised&education_level=none&_anchor=x") in (200, 429)
    with socket.create_connection(("127.0.0.1", port), 5) as raw:  # a malformed request, which gunicorn logs itself
        raw.sendall(b"GARBAGE /results?disability=recognised HTTP/9.9\r\n\r\n")
        raw.recv(1024)
    time.sleep(1)
    lines = [line for line in log.read_text().splitlines() if line.strip()]
    assert lines and all(json.loads(line) for line in lines)  # every line JSON, gunicorn's included
    text = "\n".join(lines)
    assert "disability=recognised" not in text and "?age" not in text and "127.0.0.1" not in text
    assert any("gunicorn" in json.loads(line)["logger"] for line in lines)
