"""Robustness under the load attacks of issue 11, each against its own gunicorn server on 127.0.0.1:
a Redis that accepts and never answers, the SQLite file locked under load, a feedback flood, a wrong-key flood.

Every loop is bounded in time and count, and talks to loopback addresses only.
"""

from __future__ import annotations

import json
import os
import socket
import sqlite3
import subprocess
import sys
import threading
import time
from pathlib import Path

from . import serve
from .serve import ROOT

PERSON = {"age": 45, "status": "employee", "region": "11", "disability": "none", "education_level": "level4"}
MAX_CALLS = 200_000  # no loop here makes more calls than this, whatever the duration


class Silent:
    """A TCP listener that accepts every connection and never answers."""

    def __init__(self):
        self.server = socket.create_server(("127.0.0.1", 0))
        self.port = self.server.getsockname()[1]
        self.held: list[socket.socket] = []
        self.stopped = threading.Event()
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self) -> None:
        """Take every connection and keep it, unanswered."""
        while not self.stopped.is_set():
            try:
                self.held.append(self.server.accept()[0])
            except OSError:
                return

    def close(self) -> None:
        """Stop listening and drop the connections."""
        self.stopped.set()
        for sock in [self.server, *self.held]:
            sock.close()


def hammer(call, seconds: float, threads: int) -> dict:
    """Run `call()` (returning a status) from `threads` threads for `seconds`: counts per status and latencies."""
    deadline = time.monotonic() + seconds
    statuses: dict[int, int] = {}
    latencies: list[float] = []
    lock = threading.Lock()

    def loop() -> None:
        """One thread's calls."""
        while time.monotonic() < deadline and len(latencies) < MAX_CALLS:
            started = time.perf_counter()
            try:
                status = call()
            except OSError:
                status = 0
            with lock:
                latencies.append(time.perf_counter() - started)
                statuses[status] = statuses.get(status, 0) + 1

    workers = [threading.Thread(target=loop) for _ in range(threads)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    return {"requests": len(latencies), "per_s": round(len(latencies) / seconds, 1), "statuses": {str(k): v for k, v in sorted(statuses.items())}, **_percentiles(latencies)}


def _percentiles(latencies: list[float]) -> dict:
    """p50, p99 and max of some latencies, in ms."""
    if not latencies:
        return {"p50_ms": None, "p99_ms": None, "max_ms": None}
    ordered = sorted(latencies)
    return {"p50_ms": round(ordered[len(ordered) // 2] * 1000, 2), "p99_ms": round(ordered[int(len(ordered) * 0.99)] * 1000, 2), "max_ms": round(ordered[-1] * 1000, 1)}


def _log_lines(log: Path, since: int, needle: str) -> int:
    """How many server log lines written after byte `since` contain `needle`."""
    with open(log, "rb") as text:
        text.seek(since)
        return sum(needle in line.decode(errors="replace") for line in text)


def _token(port: int) -> str:
    """A feedback token from one recommendation."""
    status, _, body = serve.post(port, "/api/v1/recommendations", serve.json_body(PERSON))
    assert status == 200, status
    return json.loads(body)["feedback_token"]


def silent_redis(workers: int, seconds: float, log: Path) -> dict:
    """Redis accepts and never answers (the audit: 0.73 req/s, p50 15 s); then Redis refuses (42,364 warnings in 30 s)."""
    result = {}
    for name, make in (("silent", Silent), ("refusing", None)):
        silent = make() if make else None
        port_of_redis = silent.port if silent else serve.free_port()
        env = {"PATHWAYS_RATELIMIT_STORAGE_URI": f"redis://127.0.0.1:{port_of_redis}"}
        try:
            since = log.stat().st_size
            body = serve.json_body(PERSON)
            with serve.served("recommender:create_app()", workers=workers, env=env, log=log, ready_body=body, start_timeout=120) as (port, _):
                api = hammer(lambda: serve.post(port, "/api/v1/recommendations", serve.json_body(PERSON), timeout=20)[0], seconds, 8)
                page = hammer(lambda: serve.get(port, "/results?age=45&status=employee&region=11&disability=none&education_level=level4&executive=false", timeout=20)[0], min(seconds, 3), 2)
            result[name] = {"api": api, "results_page": page, "warnings": _log_lines(log, since, "rate limit storage unreachable"), "seconds": seconds}
        finally:
            if silent:
                silent.close()
    return result


def locked_database(workers: int, seconds: float, work: Path, log: Path) -> dict:
    """Feedback under load while another process holds the SQLite write lock (the audit: 613 of 2,542 confirmed lost)."""
    database = work / "locked.sqlite3"
    env = {"DATABASE_URL": f"sqlite:///{database}", "PATHWAYS_API_RATE_LIMIT": "100000000 per minute", "PATHWAYS_DB_RETRY_SECONDS": "1"}
    with serve.served("recommender:create_app()", workers=workers, env=env, log=log, ready_body=serve.json_body(PERSON), start_timeout=120) as (port, _):
        token = _token(port)
        body = serve.json_body({**PERSON, "service_id": "cep", "useful": True, "token": token})
        confirmed = [0]
        readiness: list[str] = []

        def feedback() -> int:
            """One feedback post; counts it when confirmed."""
            status, _, answer = serve.post(port, "/api/v1/feedback", body, timeout=20)
            if status == 202 and json.loads(answer)["recorded"]:
                confirmed[0] += 1
            return status

        locker = threading.Thread(target=_hold_lock, args=(database, seconds))
        locker.start()
        watcher = threading.Thread(target=_watch_ready, args=(port, locker, readiness))
        watcher.start()
        load = hammer(feedback, seconds + 2, 8)
        locker.join()
        watcher.join()
        time.sleep(3)  # the writers of every worker finish what they have
        stored = sqlite3.connect(database).execute("SELECT count(*) FROM feedback").fetchone()[0]
    return {"locked_s": seconds, "answers": load["requests"], "statuses": load["statuses"], "confirmed": confirmed[0], "stored": stored,
            "confirmed_but_lost": max(0, confirmed[0] - stored), "readyz_seen": sorted(set(readiness)), "p99_ms": load["p99_ms"]}


def _hold_lock(database: Path, seconds: float) -> None:
    """Another process's long write: BEGIN EXCLUSIVE, a wait, then let go."""
    connection = sqlite3.connect(database, timeout=10, isolation_level=None)
    connection.execute("BEGIN EXCLUSIVE")
    time.sleep(seconds)
    connection.execute("ROLLBACK")
    connection.close()


def _watch_ready(port: int, locker: threading.Thread, seen: list[str]) -> None:
    """What /readyz says while the lock is held."""
    while locker.is_alive():
        try:
            seen.append(json.loads(serve.get(port, "/readyz", timeout=5)[2])["status"])
        except (OSError, ValueError):
            seen.append("no answer")
        time.sleep(0.25)


def feedback_flood(workers: int, seconds: float, log: Path) -> dict:
    """One address posts feedback as fast as it can, with the default limits (the audit: 20,160 accepted in 11.5 s)."""
    with serve.served("recommender:create_app()", workers=workers, env={"PATHWAYS_API_RATE_LIMIT": "120 per minute"}, log=log, ready_body=serve.json_body(PERSON), start_timeout=120) as (port, _):
        body = serve.json_body({**PERSON, "service_id": "afpa", "useful": True, "token": _token(port)})
        forged = serve.json_body({**PERSON, "service_id": "afpa", "useful": True, "token": "1999999999.739000.forged"})
        flood = hammer(lambda: serve.post(port, "/api/v1/feedback", body, timeout=20)[0], seconds, 8)
        forged_answers = hammer(lambda: serve.post(port, "/api/v1/feedback", forged, timeout=20)[0], 1, 1)
    accepted = flood["statuses"].get("202", 0)
    return {"seconds": seconds, "posted": flood["requests"], "accepted": accepted, "refused_429": flood["statuses"].get("429", 0),
            "accepted_per_minute": round(accepted * 60 / seconds, 1), "forged_token_statuses": forged_answers["statuses"]}


def wrong_key_flood(workers: int, seconds: float, work: Path, log: Path) -> dict:
    """Wrong keys for a real slug at full speed while the partner calls (the audit: partner p99 6 ms -> 1,014 ms)."""
    database = work / "keys.sqlite3"
    env = {"DATABASE_URL": f"sqlite:///{database}"}
    key = _add_partner(env)
    wrong = key[:-4] + ("AAAA" if not key.endswith("AAAA") else "BBBB")
    body = serve.json_body(PERSON)
    with serve.served("recommender:create_app()", workers=workers, env=env, log=log, ready_body=body, start_timeout=120) as (port, _):
        def call(with_key: str) -> int:
            """One recommendation with a key."""
            return serve.post(port, "/api/v1/recommendations", body, headers={"Authorization": f"Bearer {with_key}"})[0]

        alone = hammer(lambda: call(key), min(seconds, 3), 1)
        attack: dict = {}
        attacker = threading.Thread(target=lambda: attack.update(hammer(lambda: call(wrong), seconds, 6)))
        attacker.start()
        during = hammer(lambda: call(key), seconds, 1)
        attacker.join()
    return {"partner_alone": alone, "wrong_keys": attack, "partner_during": during, "slug_timing_us": _slug_timing(env)}


def _add_partner(env: dict) -> str:
    """Register the bench's partner; its key."""
    done = subprocess.run([sys.executable, "-m", "flask", "--app", "recommender", "partners", "add", "bench-partner", "--name", "Bench",
                           "--origin", "https://bench.example"], cwd=ROOT, env={**os.environ, **env}, capture_output=True, text=True, timeout=120)
    return next(word for word in done.stdout.split() if word.startswith("pw.bench-partner."))


def _slug_timing(env: dict) -> dict:
    """Median time of a wrong key for the real slug and for a slug that does not exist, in process (µs)."""
    code = (
        "import time, statistics\nfrom recommender import create_app\napp = create_app()\nr = app.extensions['pathways_partners']\n"
        "with app.app_context():\n r.partners()\n out = {}\n for slug in ('bench-partner', 'no-such-partner'):\n"
        "  key = f'pw.{slug}.' + 'A' * 43\n  times = []\n  for _ in range(2000):\n   t = time.perf_counter(); r.authenticate(key); times.append(time.perf_counter() - t)\n"
        "  out[slug] = round(statistics.median(times) * 1e6, 1)\nprint(out)"
    )
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env={**os.environ, **env}, capture_output=True, text=True, timeout=120)
    found = eval(done.stdout.strip().splitlines()[-1])
    return {"real_slug": found["bench-partner"], "unknown_slug": found["no-such-partner"]}


def run(workers: int, seconds: float, work: Path, log: Path, say) -> dict:
    """Every scenario, each said as it ends."""
    result = {"silent_redis": silent_redis(workers, seconds, log)}
    for name, figures in result["silent_redis"].items():
        api = figures["api"]
        say(f"   Redis {name}: API {api['per_s']:,} req/s, p50 {api['p50_ms']} ms, p99 {api['p99_ms']} ms, statuses {api['statuses']}; "
            f"results page p99 {figures['results_page']['p99_ms']} ms; {figures['warnings']} warnings in {seconds:g} s")
    result["locked_database"] = locked_database(workers, seconds, work, log)
    locked = result["locked_database"]
    say(f"   SQLite locked {locked['locked_s']:g} s under load: {locked['answers']:,} feedback answers, {locked['confirmed']:,} confirmed, "
        f"{locked['stored']:,} stored, {locked['confirmed_but_lost']} confirmed but lost; /readyz said {', '.join(locked['readyz_seen'])}")
    result["feedback_flood"] = feedback_flood(workers, seconds, log)
    flood = result["feedback_flood"]
    say(f"   feedback flood from one address: {flood['posted']:,} posted in {seconds:g} s, {flood['accepted']} accepted, {flood['refused_429']:,} refused (429); "
        f"forged token: {flood['forged_token_statuses']}")
    result["wrong_key_flood"] = wrong_key_flood(workers, seconds, work, log)
    keys = result["wrong_key_flood"]
    say(f"   wrong-key flood: {keys['wrong_keys'].get('per_s')} wrong keys/s {keys['wrong_keys'].get('statuses')}; partner p99 {keys['partner_alone']['p99_ms']} ms alone, "
        f"{keys['partner_during']['p99_ms']} ms during; a wrong key takes {keys['slug_timing_us']['real_slug']} µs for a real slug, {keys['slug_timing_us']['unknown_slug']} µs for an unknown one")
    return result


def verdicts(result: dict, add) -> None:
    """The robustness targets of issue 11 with their figures."""
    for name, figures in result["silent_redis"].items():
        add("robustness", f"Redis {name}: API p99 under 100 ms, no error", f"p99 {figures['api']['p99_ms']} ms, {figures['api']['statuses']}",
            figures["api"]["p99_ms"] is not None and figures["api"]["p99_ms"] < 100 and set(figures["api"]["statuses"]) == {"200"})
        add("robustness", f"Redis {name}: at most one warning a minute per worker", f"{figures['warnings']} in {figures['seconds']:g} s", figures["warnings"] <= 2 * max(1, figures["seconds"] / 60) * 8)
    locked = result["locked_database"]
    add("robustness", "SQLite locked under load: no confirmed feedback lost, /readyz degraded", f"{locked['confirmed_but_lost']} lost of {locked['confirmed']:,}; {locked['readyz_seen']}",
        locked["confirmed_but_lost"] == 0 and "degraded" in locked["readyz_seen"])
    flood = result["feedback_flood"]
    add("robustness", "feedback flood from one address: no more than the API limit accepted", f"{flood['accepted']} in {flood['seconds']:g} s", flood["accepted"] <= 120 + 1)
    keys = result["wrong_key_flood"]
    add("robustness", "wrong-key flood: partner p99 under 50 ms", f"{keys['partner_during']['p99_ms']} ms", (keys["partner_during"]["p99_ms"] or 1e9) < 50)
    timing = keys["slug_timing_us"]
    add("robustness", "wrong key: same time for a real and an unknown slug (within 2x)", f"{timing['real_slug']} µs vs {timing['unknown_slug']} µs",
        max(timing.values()) <= 2 * min(timing.values()) + 5)
