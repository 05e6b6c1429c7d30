"""Serve an app with gunicorn on a free loopback port, the same way for every app, and read its memory."""

from __future__ import annotations

import http.client
import json
import os
import signal
import socket
import subprocess
import sys
import time
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PROJECT_CONFIG = ROOT / "gunicorn.conf.py"
# The API's per-address limit would turn a benchmark from one address into a stream of 429s; raised, not removed,
# so the limiter's own cost is still measured.
BENCH_ENV = {"PATHWAYS_API_RATE_LIMIT": "100000000 per minute"}


def free_port() -> int:
    """A TCP port nobody listens on right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def gunicorn_command(target: str, port: int, workers: int) -> list[str]:
    """The project's own gunicorn.conf.py (worker class, threads, preload, logging), with our port and worker count."""
    if PROJECT_CONFIG.exists():
        settings = ["--config", str(PROJECT_CONFIG)]
    else:  # an older checkout: plain sync workers
        settings = ["--config", "/dev/null", "--preload", "--worker-class", "sync", "--error-logfile", "-"]
    return [sys.executable, "-m", "gunicorn", *settings, "--bind", f"127.0.0.1:{port}", "--workers", str(workers), target]


@contextmanager
def served(target: str, *, workers: int, env: dict | None = None, log: Path, ready_body: bytes | None = None, start_timeout: float = 600):
    """Run gunicorn for `target` until the block ends; yields (port, process)."""
    port = free_port()
    environment = {**os.environ, **BENCH_ENV, **(env or {})}
    with open(log, "ab") as output:
        process = subprocess.Popen(gunicorn_command(target, port, workers), cwd=ROOT, env=environment,
                                   stdout=output, stderr=subprocess.STDOUT, start_new_session=True)
    try:
        wait_ready(port, process, ready_body, start_timeout, log)
        yield port, process
    finally:
        stop(process)


def wait_ready(port: int, process: subprocess.Popen, body: bytes | None, timeout: float, log: Path) -> None:
    """Poll until the recommend path answers 200, or fail with the server's log."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"gunicorn exited with {process.returncode} before serving; see {log}:\n{log.read_text()[-2000:]}")
        try:
            status, _, _ = post(port, "/api/v1/recommendations", body or b"{}", timeout=5)
            if status == 200:
                return
        except OSError:
            pass
        time.sleep(0.3)
    raise RuntimeError(f"gunicorn did not answer within {timeout:.0f} s; see {log}")


def stop(process: subprocess.Popen) -> None:
    """Stop gunicorn and its workers (its own process group only)."""
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()


def post(port: int, path: str, body: bytes, *, timeout: float = 30, headers: dict | None = None) -> tuple[int, dict, bytes]:
    """One POST of a JSON body; (status, headers, body)."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        connection.request("POST", path, body=body, headers={"Content-Type": "application/json", **(headers or {})})
        response = connection.getresponse()
        return response.status, dict(response.getheaders()), response.read()
    finally:
        connection.close()


def get(port: int, path: str, *, timeout: float = 30) -> tuple[int, dict, bytes]:
    """One GET; (status, headers, body)."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        connection.request("GET", path)
        response = connection.getresponse()
        return response.status, dict(response.getheaders()), response.read()
    finally:
        connection.close()


def process_tree(pid: int) -> list[int]:
    """The process and all its descendants."""
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            parent = int(stat.rsplit(")", 1)[1].split()[1])
            children.setdefault(parent, []).append(int(entry.name))
    tree, todo = [], [pid]
    while todo:
        current = todo.pop()
        tree.append(current)
        todo.extend(children.get(current, ()))
    return tree


def resident_kib(pid: int) -> int:
    """Resident memory of a process and its descendants, in KiB (VmRSS summed)."""
    total = 0
    for member in process_tree(pid):
        try:
            for line in Path(f"/proc/{member}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    total += int(line.split()[1])
        except OSError:
            continue
    return total


def json_body(payload: object) -> bytes:
    """A request body."""
    return json.dumps(payload, ensure_ascii=False).encode()
