"""Faults: a corrupt rules file at start-up, oversized and deeply nested bodies, the database going away under load."""

from __future__ import annotations

import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

from . import serve, wrk
from .proxy import Relay
from .serve import ROOT

CORRUPTIONS = {
    # name: (file, what to replace, replacement, what the refusal must say)
    "YAML syntax error": ("cep.yaml", "          min: 16\n", "          min: [16\n", "not valid YAML"),
    "value of the wrong type": ("cep.yaml", "          min: 16\n", "          min: sixteen\n", "min"),
    "unknown field value": ("cej.yaml", "in: [employee, self_employed, job_seeker, inactive]", "in: [employee, self_employed, job_seeker, retired]", "retired"),
}


def corrupt_rules(rules_dir: Path, workdir: Path, log: Path) -> list[dict]:
    """Start gunicorn and `rules check` on a copy of the rules with one mistake; both must refuse, naming file and line."""
    results = []
    for name, (filename, old, new, says) in CORRUPTIONS.items():
        copy = workdir / f"rules-{len(results)}"
        shutil.copytree(rules_dir, copy)
        text = (copy / filename).read_text(encoding="utf-8")
        if old not in text:
            results.append({"fault": name, "skipped": f"{filename} no longer contains {old.strip()!r}"})
            continue
        line = text[: text.index(old)].count("\n") + 1
        (copy / filename).write_text(text.replace(old, new, 1), encoding="utf-8")
        env = {**os.environ, **serve.BENCH_ENV, "PATHWAYS_RULES_DIR": str(copy)}
        for how, command in (("gunicorn", serve.gunicorn_command("recommender:create_app()", serve.free_port(), 1)),
                             ("rules check", [sys.executable, "-m", "flask", "--app", "recommender", "rules", "check"])):
            started = time.perf_counter()
            done = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)
            output = done.stdout + done.stderr
            with open(log, "a") as out:
                out.write(f"--- {name} / {how}: exit {done.returncode}\n{output}\n")
            found = re.search(re.escape(str(copy / filename)) + r":(\d+): (.*)", output)
            # A YAML parser notices a syntax error where it can no longer go on: at most a line or two further down.
            near = found is not None and 0 <= int(found.group(1)) - line <= 2
            results.append({
                "fault": f"corrupt rules file at start-up ({name})", "how": how, "exit_code": done.returncode,
                "edited_line": line, "reported_line": int(found.group(1)) if found else None,
                "says_what": bool(found) and says in found.group(2), "seconds": round(time.perf_counter() - started, 2),
                "message": found.group(0) if found else output[-300:], "ok": done.returncode != 0 and near,
            })
    return results


def hostile_bodies(port: int) -> list[dict]:
    """A 10 MB body, JSON nested 100,000 deep, and the deepest nesting under the size limit: each a 4xx, server up."""
    limit = 16 * 1024
    depth_under_limit = (limit - 2) // 2
    bodies = {
        "10 MB body": b'{"age": 30, "padding": "' + b"x" * (10 * 1024 * 1024) + b'"}',
        "JSON nested 100,000 deep": b"[" * 100_000 + b"]" * 100_000,
        f"JSON nested {depth_under_limit:,} deep (fits the size limit)": b"[" * depth_under_limit + b"]" * depth_under_limit,
        "JSON object nested 100,000 deep": b'{"a":' * 100_000 + b"1" + b"}" * 100_000,
    }
    good = serve.json_body({"age": 30, "status": "employee", "region": "11", "disability": "none", "education_level": "level4"})
    results = []
    for name, body in bodies.items():
        started = time.perf_counter()
        status, content_type = _send_raw(port, body)
        after, _, _ = serve.post(port, "/api/v1/recommendations", good)
        results.append({
            "fault": name, "bytes_sent": len(body), "status": status, "problem_json": content_type.startswith("application/problem+json"),
            "seconds": round(time.perf_counter() - started, 3), "next_request_status": after,
            "ok": status is not None and 400 <= status < 500 and after == 200,
        })
    return results


def _send_raw(port: int, body: bytes) -> tuple[int | None, str]:
    """POST a body over a plain socket, reading the answer even if the server stops reading the body early."""
    with socket.create_connection(("127.0.0.1", port), timeout=60) as sock:
        head = f"POST /api/v1/recommendations HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: {len(body)}\r\nConnection: close\r\n\r\n"
        try:
            sock.sendall(head.encode() + body)
        except OSError:  # the server answered (413) and closed before taking everything: expected
            pass
        answer = b""
        try:
            while chunk := sock.recv(65536):
                answer += chunk
        except OSError:
            pass
    found = re.match(rb"HTTP/1\.[01] (\d{3})", answer)
    content_type = re.search(rb"(?im)^content-type: *([^\r\n]+)", answer)
    return (int(found.group(1)) if found else None), (content_type.group(1).decode() if content_type else "")


def database_outage(bodies: list[bytes], workers: int, log: Path, phase_seconds: float = 8.0, connections: int = 16) -> dict:
    """Load the recommend endpoint while the database (PostgreSQL behind a relay) refuses, then hangs, then returns."""
    admin = os.environ.get("BENCH_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/postgres")
    try:
        import psycopg
    except ImportError:
        return {"fault": "database outage", "skipped": "psycopg is not installed"}
    database = f"pathways_bench_{os.getpid()}"
    try:
        with psycopg.connect(admin, autocommit=True, connect_timeout=3) as connection:
            connection.execute(f'CREATE DATABASE "{database}"')
    except psycopg.Error as error:
        return {"fault": "database outage", "skipped": f"no PostgreSQL at {admin}: {error}".strip()}
    relay = Relay(("127.0.0.1", 5432)).start()
    direct = f"postgresql+psycopg://postgres@127.0.0.1:5432/{database}"
    try:
        upgrade = subprocess.run([sys.executable, "-m", "flask", "--app", "recommender", "db", "upgrade"], cwd=ROOT,
                                 env={**os.environ, "DATABASE_URL": direct}, capture_output=True, text=True, timeout=120)
        if upgrade.returncode != 0:
            return {"fault": "database outage", "skipped": f"db upgrade failed: {upgrade.stderr[-500:]}"}
        env = {"DATABASE_URL": f"postgresql+psycopg://postgres@127.0.0.1:{relay.port}/{database}", "PATHWAYS_DB_RETRY_SECONDS": "1"}
        with serve.served("recommender:create_app()", workers=workers, env=env, log=log, ready_body=bodies[0]) as (port, _):
            before = _count_events(direct)
            schedule = [(phase_seconds, relay.refuse), (2 * phase_seconds, relay.blackhole), (3 * phase_seconds, relay.restore)]
            timers = [threading.Timer(at, action) for at, action in schedule]
            for timer in timers:
                timer.start()
            result = wrk.run(port, bodies, connections=connections, seconds=4 * phase_seconds)
            for timer in timers:
                timer.join()
            time.sleep(3)  # the writer probes every second; let it find the database again
            middle = _count_events(direct)
            settle = wrk.run(port, bodies, connections=2, seconds=2)
            time.sleep(2)
            after = _count_events(direct)
        return {
            "fault": "database refuses, then hangs, then returns, under load",
            "phases_s": f"{phase_seconds:g} up, {phase_seconds:g} refusing, {phase_seconds:g} hanging, {phase_seconds:g} back",
            "connections": connections, "requests": result["requests"], "errors": result["errors"],
            "status_errors": result["status_errors"], "p99_ms": result["p99_ms"], "max_ms": result["max_ms"],
            "requests_per_s": result["requests_per_s"], "usage_events_recorded": after - before,
            "events_recorded_after_recovery": after > middle and settle["requests"] > 0,
            "ok": result["errors"] == 0 and settle["errors"] == 0,
        }
    finally:
        relay.stop()
        with psycopg.connect(admin, autocommit=True, connect_timeout=3) as connection:
            connection.execute(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)')


def _count_events(url: str) -> int:
    """Recommendations counted in the database (the app's background writer adds its counts every few seconds)."""
    import psycopg

    with psycopg.connect(url.replace("postgresql+psycopg://", "postgresql://"), connect_timeout=3) as connection:
        return connection.execute("SELECT COALESCE(SUM(recommendations), 0) FROM usage_count").fetchone()[0]


def run_all(rules_dir: Path, port: int, bodies: list[bytes], workers: int, log: Path) -> dict:
    """Every fault; each entry says what was done and whether the promise held."""
    with tempfile.TemporaryDirectory() as workdir:
        return {
            "corrupt_rules": corrupt_rules(rules_dir, Path(workdir), log),
            "hostile_bodies": hostile_bodies(port),
            "database_outage": database_outage(bodies, workers, log),
        }
