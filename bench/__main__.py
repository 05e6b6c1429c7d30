"""`python -m bench`: every benchmark and long robustness run of issue 7, a table, bench/results/latest.json and a chart.

Needs wrk (Debian: `apt-get install -y wrk`) for the HTTP sections and gunicorn (a project dependency);
PostgreSQL on 127.0.0.1:5432 (or BENCH_POSTGRES_URL) for the database-outage fault. Installs nothing itself:
what is missing is reported and its sections skipped. Only loopback addresses are ever loaded.
"""

from __future__ import annotations

import argparse
import datetime as dt
import gc
import json
import os
import platform
import re
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

from recommender.settings import from_environment

from . import chart, faults, fuzz, inprocess, pages, robustness, serve, synthetic, wrk
from .serve import ROOT

SECTIONS = ("inprocess", "scaling", "check", "http", "pages", "load", "faults", "fuzz", "robustness")
RESULTS = ROOT / "bench" / "results"
TARGETS = {
    "ratio": 0.60,  # recommend reaches at least 60 % of the bare endpoint's requests/s
    "p99_16_ms": 20.0,  # p99 under 20 ms at 16 connections
    "p99_10000_us": 50_000,  # a 10,000-service recommend under 50 ms p99 in process
    "check_s": 30.0,  # rules check under 30 s
    "rss_growth": 0.10,  # resident memory grows less than 10 % over the load run
}


def main(argv: list[str] | None = None) -> int:
    """Run the chosen sections, print what was done with its counts, write the results."""
    options = parse(argv)
    sections = [s for s in SECTIONS if s in options.only and s not in options.skip]
    results: dict = {"machine": machine(), "options": {k: v for k, v in vars(options).items() if k != "output"}, "skipped": {}}
    say(f"Pathways benchmark on {results['machine']['summary']}")
    say(f"sections: {', '.join(sections)}; HTTP runs {options.seconds:g} s each, load {options.load_seconds:g} s, {options.workers} gunicorn workers")
    missing = requirements()
    for need in missing:
        say(f"MISSING: {need}")
    with tempfile.TemporaryDirectory(prefix="pathways-bench-") as work:
        work_dir = Path(work)
        log = RESULTS / "server.log"
        RESULTS.mkdir(parents=True, exist_ok=True)
        log.write_text("")
        env = database_env(work_dir)
        os.environ.update(env)  # the in-process app and every server use a throw-away SQLite database
        settings = from_environment()
        bodies = request_bodies(settings["DATA_DIR"])
        if "inprocess" in sections:
            results["inprocess"] = run_inprocess(settings, options)
        if "scaling" in sections:
            results["scaling"] = run_scaling(options, work_dir)
        if "check" in sections:
            results["check"] = run_check()
        http_sections = [s for s in ("http", "pages", "load", "faults", "fuzz") if s in sections]
        if "wrk" in " ".join(missing):
            for section in {"http", "load", "faults"} & set(http_sections):
                results["skipped"][section] = "wrk is not installed: apt-get install -y wrk"
            http_sections = [s for s in http_sections if s in ("pages", "fuzz")]
        if "fuzz" in http_sections and not fuzz.available():
            results["skipped"]["fuzz"] = "schemathesis is not installed: .venv/bin/pip install -e '.[bench]'"
            http_sections.remove("fuzz")
        if "http" in http_sections:
            results["http"] = run_http(bodies, options, log)
        if {"pages", "load", "faults", "fuzz"} & set(http_sections):
            with serve.served("recommender:create_app()", workers=options.workers, log=log, ready_body=bodies[0]) as (port, process):
                if "pages" in http_sections:
                    results["pages"] = run_pages(port)
                if "load" in http_sections:
                    results["load"] = run_load(port, process, bodies, options)
                if "fuzz" in http_sections:
                    results["fuzz"] = run_fuzz(port, options)
                if "faults" in http_sections:
                    results["faults"] = run_faults(settings["RULES_DIR"], port, bodies, options, log)
        if "robustness" in sections:
            say("\n== robustness (issue 11: silent Redis, locked database, feedback flood, wrong-key flood)")
            results["robustness"] = robustness.run(options.workers, options.seconds, work_dir, log, say)
    results["machine"]["load_average_at_end"] = round(os.getloadavg()[0], 2)
    results = merged(results, options.output, sections)
    results["verdicts"] = verdicts(results)
    results["written"] = [str(options.output)] + ([str(options.output.parent / "latency_vs_catalogue.svg")] if results.get("scaling") else [])
    write(results, options.output)
    print_table(results)
    failed = [v for v in results["verdicts"] if v["kind"] == "robustness" and v["met"] is False]
    return 1 if failed else 0


def merged(results: dict, output: Path, sections: list[str]) -> dict:
    """A partial run (--only/--skip) keeps the previous run's figures for the sections it did not run, saying when each was taken."""
    machine = results["machine"]
    results["taken"] = {section: {"date": machine["date"], "load_average_at_start": machine["load_average_at_start"],
                                  "load_average_at_end": machine["load_average_at_end"]} for section in sections if section in results}
    if set(sections) == set(SECTIONS) or not output.exists():
        return results
    previous = json.loads(output.read_text(encoding="utf-8"))
    kept = {s: previous[s] for s in SECTIONS if s not in results and s in previous}
    before = previous["machine"]
    taken = {s: previous.get("taken", {}).get(s) or {"date": before["date"], "load_average_at_start": before["load_average_at_start"],
                                                        "load_average_at_end": before.get("load_average_at_end")} for s in kept}
    return {**results, **kept, "taken": {**taken, **results["taken"]}}


def parse(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--only", nargs="+", choices=SECTIONS, default=list(SECTIONS), help="run only these sections")
    parser.add_argument("--skip", nargs="+", choices=SECTIONS, default=[], help="leave these sections out")
    parser.add_argument("--sizes", type=lambda s: [int(n) for n in s.split(",")], default=list(synthetic.SIZES), help="synthetic catalogue sizes (default 25,250,2500,10000)")
    parser.add_argument("--seconds", type=float, default=10.0, help="length of each throughput/latency run (default 10)")
    parser.add_argument("--load-seconds", type=float, default=60.0, help="length of the sustained load run (default 60)")
    parser.add_argument("--check-timeout", type=float, default=120.0, help="stop a synthetic catalogue's rules check after this many seconds (default 120)")
    parser.add_argument("--fuzz-examples", type=int, default=100, help="schemathesis examples per operation (default 100)")
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1, help="gunicorn workers for both apps (default: cores)")
    parser.add_argument("--quick", action="store_true", help="a smoke run: 3 s runs, 15 s load, sizes 25,250, 20 s check limit")
    parser.add_argument("--output", type=Path, default=RESULTS / "latest.json")
    options = parser.parse_args(argv)
    if options.quick:
        options.seconds, options.load_seconds, options.sizes, options.check_timeout, options.fuzz_examples = 3.0, 15.0, [25, 250], 20.0, 20
    return options


def say(message: str) -> None:
    print(message, flush=True)


def machine() -> dict:
    """What the figures were taken on."""
    cpu = next((line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines() if line.startswith("model name")), platform.processor())
    memory = next((int(line.split()[1]) // 1024 for line in Path("/proc/meminfo").read_text().splitlines() if line.startswith("MemTotal")), 0)
    commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True).stdout.strip()
    load = os.getloadavg()[0]
    summary = f"{cpu}, {os.cpu_count()} cores, {memory / 1024:.0f} GiB, Python {platform.python_version()}, {platform.system()} {platform.release()}"
    return {"summary": summary, "cpu": cpu, "cores": os.cpu_count(), "memory_mib": memory, "python": platform.python_version(),
            "commit": commit or None, "load_average_at_start": round(load, 2), "date": dt.datetime.now(dt.UTC).isoformat(timespec="seconds")}


def requirements() -> list[str]:
    """What is missing, said as the command that installs it."""
    missing = []
    if not wrk.available():
        missing.append("wrk (the HTTP load generator): apt-get install -y wrk")
    try:
        __import__("gunicorn")
    except ImportError:
        missing.append("gunicorn: .venv/bin/pip install -e '.[test]' (it is a project dependency)")
    return missing


def database_env(work_dir: Path) -> dict:
    """A throw-away SQLite database with the current schema, as a fresh installation has."""
    url = f"sqlite:///{work_dir / 'bench.sqlite3'}"
    done = subprocess.run([sys.executable, "-m", "flask", "--app", "recommender", "db", "upgrade"], cwd=ROOT,
                          env={**os.environ, "DATABASE_URL": url}, capture_output=True, text=True)
    if done.returncode != 0 and "No such command" not in done.stderr:
        say(f"warning: db upgrade failed ({done.stderr.strip()[-200:]}); events will be dropped")
    return {"DATABASE_URL": url}


def request_bodies(data_dir: Path) -> list[bytes]:
    """The realistic profile mix as API requests, half in French, half in English."""
    profiles = inprocess.profile_mix(data_dir)
    return [serve.json_body({**p.model_dump(mode="json", exclude_none=True), "lang": "en" if i % 2 else "fr"}) for i, p in enumerate(profiles)]


# --- sections --------------------------------------------------------------------------------------------------------

def run_inprocess(settings: dict, options) -> dict:
    from recommender import create_app

    say("\n== in-process cost per call, shipped catalogue (profile mix: the 215 expert cases)")
    app = create_app()
    recommender = app.extensions["pathways"]
    result = inprocess.measure(recommender, inprocess.profile_mix(settings["DATA_DIR"]))
    result["services"] = len(recommender.knowledge.catalogue.services)
    say(f"   {result['recommend']['calls']:,} recommend calls, {result['rules']['calls']:,} rules calls, {result['ranking']['calls']:,} ranking calls")
    return result


def run_scaling(options, work_dir: Path) -> list[dict]:
    from recommender import create_app

    say("\n== scaling: synthetic catalogues (variants of the real services, generated rules of the same shape)")
    rows = []
    for size in options.sizes:
        target = work_dir / f"synthetic-{size}"
        started = time.perf_counter()
        rules_dir, data_dir = synthetic.generate(size, target)
        generated = time.perf_counter() - started
        started = time.perf_counter()
        app = create_app({"RULES_DIR": rules_dir, "DATA_DIR": data_dir})
        startup = time.perf_counter() - started
        recommender = app.extensions["pathways"]
        row = {"services": size, "generate_s": round(generated, 2), "startup_s": round(startup, 2)}
        first = time.perf_counter()
        recommender.recommend(inprocess.profile_mix(data_dir)[0], dt.date.today(), "fr")
        row["first_recommend_us"] = round((time.perf_counter() - first) * 1e6, 1)  # before any decision is remembered
        row.update(inprocess.measure(recommender, inprocess.profile_mix(data_dir), budget=2.0 if size <= 2500 else 4.0))
        row["rules_check"] = timed_check(recommender.knowledge.rules, options.check_timeout)
        rows.append(row)
        say(f"   {size:>6,} services: start-up {startup:6.1f} s, recommend mean {row['recommend']['mean_us']:>9,.0f} µs "
            f"p99 {row['recommend']['p99_us']:>9,.0f} µs ({row['recommend']['calls']} calls), rules check {_check_text(row['rules_check'])}")
        del app, recommender
        gc.collect()
        shutil.rmtree(target, ignore_errors=True)
    for before, after in zip(rows, rows[1:]):
        growth = after["services"] / before["services"]
        after["growth_exponent"] = {stage: round(_exponent(before[stage]["mean_us"], after[stage]["mean_us"], growth), 2) for stage in ("rules", "ranking", "recommend")}
    return rows


def timed_check(book, timeout: float) -> dict:
    """`rules check`'s analysis of a rule book, in a forked child that is stopped after `timeout` seconds."""
    import multiprocessing

    from recommender.domain.analysis import check

    def work(pipe) -> None:
        started = time.perf_counter()
        report = check(book)
        pipe.send({"seconds": round(time.perf_counter() - started, 2), "errors": len(report.errors), "warnings": len(report.warnings), "facts": report.facts})

    context = multiprocessing.get_context("fork")
    receiver, sender = context.Pipe(duplex=False)
    child = context.Process(target=work, args=(sender,))
    child.start()
    done = receiver.poll(timeout)
    result = receiver.recv() if done else {"seconds": None, "timed_out_after_s": timeout}
    if child.is_alive():
        child.terminate()
    child.join()
    return result


def _exponent(low: float, high: float, growth: float) -> float:
    """k in cost ~ n^k between two sizes: 1 is linear."""
    import math

    return math.log(high / low) / math.log(growth)


def _check_text(result: dict) -> str:
    return f"{result['seconds']:.1f} s" if result.get("seconds") is not None else f"> {result['timed_out_after_s']:g} s"


def run_check() -> dict:
    say("\n== rules check over the whole answer space (the real command, start-up included)")
    started = time.perf_counter()
    done = subprocess.run([sys.executable, "-m", "flask", "--app", "recommender", "rules", "check"], cwd=ROOT, capture_output=True, text=True)
    wall = time.perf_counter() - started
    analysed = re.search(r"in ([0-9.]+) s", done.stdout.splitlines()[-1] if done.stdout else "")
    space = re.search(r"answer space: ([0-9,]+) profiles.*?([0-9,]+) equivalence classes", done.stdout)
    result = {"exit_code": done.returncode, "wall_s": round(wall, 2), "analysis_s": float(analysed.group(1)) if analysed else None,
              "profiles": space.group(1) if space else None, "classes": space.group(2) if space else None,
              "last_line": done.stdout.strip().splitlines()[-1] if done.stdout.strip() else done.stderr.strip()[-300:]}
    say(f"   {result['last_line']} (wall time {wall:.1f} s)")
    return result


def run_http(bodies: list[bytes], options, log: Path) -> dict:
    say(f"\n== throughput and latency over HTTP: gunicorn ({options.workers} workers, the project's gunicorn.conf.py) and wrk, same machine")
    result: dict = {}
    variants = (("bare", "bench.bare:app", {}), ("recommend", "recommender:create_app()", {}),
                # The same, without the per-address rate limit: what the limiter itself costs.
                ("recommend_unlimited", "recommender:create_app()", {"PATHWAYS_RATELIMIT_ENABLED": "0"}))
    for name, target, env in variants:
        with serve.served(target, workers=options.workers, env=env, log=log, ready_body=bodies[0]) as (port, _):
            wrk.run(port, bodies, connections=16, seconds=2)  # warm-up, not counted
            result[name] = {}
            for connections in (1, 16, 64):
                run = wrk.run(port, bodies, connections=connections, seconds=options.seconds)
                result[name][str(connections)] = run
                say(f"   {name:<19} {connections:>2} connections: {run['requests']:>7,} requests, {run['requests_per_s']:>8,.0f}/s, "
                    f"p50 {run['p50_ms']:.2f} ms, p95 {run['p95_ms']:.2f} ms, p99 {run['p99_ms']:.2f} ms, {run['errors']} errors")
    result["ratio"] = {c: round(result["recommend"][c]["requests_per_s"] / result["bare"][c]["requests_per_s"], 3) for c in ("1", "16", "64")}
    result["ratio_unlimited"] = {c: round(result["recommend_unlimited"][c]["requests_per_s"] / result["bare"][c]["requests_per_s"], 3) for c in ("1", "16", "64")}
    return result


def run_pages(port: int) -> list[dict]:
    say("\n== page weight (HTML plus same-host CSS/JS/images)")
    found = pages.measure(port)
    for page in found:
        if page["exists"]:
            say(f"   {page['path'][:60]:<60} {page['total_bytes']:>8,} bytes ({page['assets']} assets), gzip {page['total_gzip_bytes']:,} bytes")
        else:
            say(f"   {page['path'][:60]:<60} not served (status {page['status']})")
    return found


def run_load(port: int, process, bodies: list[bytes], options) -> dict:
    say(f"\n== sustained load: {options.load_seconds:g} s at 64 connections, resident memory of gunicorn and its workers every second")
    samples: list[tuple[float, int]] = []
    stop = threading.Event()

    def sample() -> None:
        started = time.monotonic()
        while not stop.wait(1.0):
            samples.append((round(time.monotonic() - started, 1), serve.resident_kib(process.pid)))

    sampler = threading.Thread(target=sample, daemon=True)
    events_before = _sqlite_events()
    sampler.start()
    run = wrk.run(port, bodies, connections=64, seconds=options.load_seconds)
    stop.set()
    sampler.join()
    time.sleep(3)  # let the background writers finish their queues
    events = _sqlite_events() - events_before if events_before is not None else None
    window = min(10, max(1, len(samples) // 3))
    first = sum(kib for _, kib in samples[:window]) / window
    last = sum(kib for _, kib in samples[-window:]) / window
    result = {**run, "rss_first_10s_mib": round(first / 1024, 1), "rss_last_10s_mib": round(last / 1024, 1),
              "rss_growth": round(last / first - 1, 4), "rss_samples_kib": samples, "usage_events_recorded": events}
    say(f"   {run['requests']:,} requests, {run['errors']} errors, {run['requests_per_s']:,.0f}/s, p99 {run['p99_ms']:.1f} ms; "
        f"RSS {result['rss_first_10s_mib']} MiB -> {result['rss_last_10s_mib']} MiB ({result['rss_growth']:+.1%}); "
        f"usage events recorded: {events if events is not None else 'unknown'}")
    return result


def _sqlite_events() -> int | None:
    """Recommendations counted in the bench database (each worker adds its counts every few seconds, in the background)."""
    import sqlite3

    path = os.environ.get("DATABASE_URL", "").removeprefix("sqlite:///")
    try:
        with sqlite3.connect(path, timeout=5) as connection:
            return connection.execute("SELECT COALESCE(SUM(recommendations), 0) FROM usage_count").fetchone()[0]
    except sqlite3.Error:
        return None


def run_fuzz(port: int, options) -> dict:
    say(f"\n== fuzzing: schemathesis against /api/v1/openapi.json, every check, up to {options.fuzz_examples} examples per operation")
    result = fuzz.run(port, examples=options.fuzz_examples, log=RESULTS / "schemathesis.log")
    found = ", ".join(f"{title}: {count}" for title, count in result["failures"].items()) or "none"
    say(f"   {result['test_cases']} test cases over {result['operations']} operations; server errors {result['server_errors']}; findings: {found}")
    return result


def run_faults(rules_dir: Path, port: int, bodies: list[bytes], options, log: Path) -> dict:
    say("\n== faults")
    with tempfile.TemporaryDirectory() as work:
        result = {"corrupt_rules": faults.corrupt_rules(rules_dir, Path(work), log)}
    for item in result["corrupt_rules"]:
        say(f"   {item['fault']} via {item.get('how')}: exit {item.get('exit_code')}, reported line {item.get('reported_line')} "
            f"(edited {item.get('edited_line')}) -> {'ok' if item.get('ok') else 'FAILED'}")
    result["hostile_bodies"] = faults.hostile_bodies(port)
    for item in result["hostile_bodies"]:
        say(f"   {item['fault']} ({item['bytes_sent']:,} bytes): {item['status']}, problem+json {item['problem_json']}, "
            f"next request {item['next_request_status']} -> {'ok' if item['ok'] else 'FAILED'}")
    result["database_outage"] = faults.database_outage(bodies, options.workers, log)
    outage = result["database_outage"]
    if "skipped" in outage:
        say(f"   database outage: skipped ({outage['skipped']})")
    else:
        say(f"   database outage ({outage['phases_s']}): {outage['requests']:,} requests, {outage['errors']} failed, p99 {outage['p99_ms']:.1f} ms, "
            f"max {outage['max_ms']:.0f} ms; {outage['usage_events_recorded']:,} usage events recorded, recording again after recovery: {outage['events_recorded_after_recovery']} "
            f"-> {'ok' if outage['ok'] else 'FAILED'}")
    return result


# --- verdicts and output -----------------------------------------------------------------------------------------------

def verdicts(results: dict) -> list[dict]:
    """Each target of issue 7 with the measured figure; met is None when the section did not run."""
    found = []

    def add(kind: str, what: str, figure, met) -> None:
        found.append({"kind": kind, "target": what, "figure": figure, "met": met})

    http = results.get("http")
    if http:
        add("performance", "recommend >= 60 % of the bare endpoint's requests/s (64 connections)", f"{http['ratio']['64']:.0%}", http["ratio"]["64"] >= TARGETS["ratio"])
        p99 = http["recommend"]["16"]["p99_ms"]
        add("performance", "p99 < 20 ms at 16 connections", f"{p99:.1f} ms", p99 < TARGETS["p99_16_ms"])
    scaling = results.get("scaling") or []
    biggest = max(scaling, key=lambda row: row["services"], default=None)
    if biggest:
        p99 = biggest["recommend"]["p99_us"]
        add("performance", f"recommend p99 < 50 ms in process at {biggest['services']:,} services", f"{p99 / 1000:.1f} ms", p99 < TARGETS["p99_10000_us"] if biggest["services"] >= 10_000 else None)
        exponents = [row["growth_exponent"]["recommend"] for row in scaling if "growth_exponent" in row]
        if exponents:
            add("performance", "cost grows no worse than linearly (exponent <= 1.1)", ", ".join(f"{e:.2f}" for e in exponents), max(exponents) <= 1.1)
    check = results.get("check")
    if check:
        add("performance", "rules check < 30 s", f"{check['wall_s']:.1f} s", check["exit_code"] == 0 and check["wall_s"] < TARGETS["check_s"])
    load = results.get("load")
    if load:
        add("robustness", "60 s at 64 connections: 0 errors", f"{load['errors']} errors in {load['requests']:,} requests", load["errors"] == 0)
        add("robustness", "resident memory grows < 10 % (first vs last 10 s)", f"{load['rss_growth']:+.1%}", load["rss_growth"] < TARGETS["rss_growth"])
    fault_runs = results.get("faults")
    if fault_runs:
        corrupt = fault_runs["corrupt_rules"]
        add("robustness", "corrupt rules file: refusal naming file and line, exit non-zero", f"{sum(c.get('ok', False) for c in corrupt)}/{len(corrupt)} runs", all(c.get("ok") for c in corrupt))
        hostile = fault_runs["hostile_bodies"]
        add("robustness", "10 MB body and 100,000-deep JSON: 4xx, server stays up", ", ".join(str(h["status"]) for h in hostile), all(h["ok"] for h in hostile))
        outage = fault_runs["database_outage"]
        add("robustness", "database away under load: no failed recommendation", outage.get("skipped") or f"{outage['errors']} failed of {outage['requests']:,}", None if "skipped" in outage else outage["ok"])
    if results.get("robustness"):
        robustness.verdicts(results["robustness"], add)
    fuzzed = results.get("fuzz")
    if fuzzed:
        add("robustness", "schemathesis: no server error (5xx) for any generated request", f"{fuzzed['server_errors']} in {fuzzed['test_cases']} cases", fuzzed["server_errors"] == 0 and fuzzed["test_cases"] is not None)
        add("conformance", "schemathesis: answers conform to the OpenAPI description", ", ".join(f"{t}: {n}" for t, n in fuzzed["failures"].items()) or "no finding", not fuzzed["failures"])
    return found


def write(results: dict, output: Path) -> None:
    output.parent.mkdir(parents=True, exist_ok=True)
    output.write_text(json.dumps(results, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    if results.get("scaling"):
        (output.parent / "latency_vs_catalogue.svg").write_text(chart.render(results["scaling"], results["machine"]["summary"]), encoding="utf-8")


def print_table(results: dict) -> None:
    """The figures people quote, in one table."""
    say("\n" + "=" * 100)
    inproc = results.get("inprocess")
    if inproc:
        say(f"In process, {inproc['services']} services, µs per call   mean      p50      p95      p99    calls")
        for stage in ("rules", "ranking", "recommend", "json"):
            s = inproc[stage]
            say(f"  {stage:<44} {s['mean_us']:>8,.0f} {s['p50_us']:>8,.0f} {s['p95_us']:>8,.0f} {s['p99_us']:>8,.0f} {s['calls']:>8,}")
    if results.get("scaling"):
        say("\nScaling (in process, µs per call)  rules mean  ranking mean  recommend mean    p99  first answer  start-up  rules check")
        for row in results["scaling"]:
            say(f"  {row['services']:>8,} services {'':<15} {row['rules']['mean_us']:>10,.0f} {row['ranking']['mean_us']:>13,.0f} "
                f"{row['recommend']['mean_us']:>15,.0f} {row['recommend']['p99_us']:>6,.0f} {row['first_recommend_us']:>13,.0f} "
                f"{row['startup_s']:>8.1f} s {_check_text(row['rules_check']):>11}")
    http = results.get("http")
    if http:
        say("\nHTTP (gunicorn + wrk)        conns   requests/s    p50 ms    p95 ms    p99 ms   errors")
        for name in ("bare", "recommend", "recommend_unlimited"):
            for connections in ("1", "16", "64"):
                r = http[name][connections]
                say(f"  {name:<27} {connections:>4} {r['requests_per_s']:>12,.0f} {r['p50_ms']:>9.2f} {r['p95_ms']:>9.2f} {r['p99_ms']:>9.2f} {r['errors']:>8}")
        say(f"  recommend / bare: {', '.join(f'{c} conns {v:.0%}' for c, v in http['ratio'].items())}; "
            f"without the rate limit: {', '.join(f'{c} conns {v:.0%}' for c, v in http['ratio_unlimited'].items())}")
    for page in results.get("pages") or []:
        if page["exists"]:
            say(f"Page {page['path'][:50]:<50} {page['total_bytes']:>8,} bytes ({page['html_bytes']:,} HTML + {page['assets']} assets), gzip {page['total_gzip_bytes']:,}")
    say(f"\nMachine: {results['machine']['summary']}")
    for section, taken in results.get("taken", {}).items():
        busy = taken["load_average_at_start"] > 1.5  # at the end the load includes the bench's own servers
        say(f"  {section:<10} taken {taken['date']}, load average {taken['load_average_at_start']} -> {taken['load_average_at_end']}"
            + (" (other work was running: figures are pessimistic)" if busy else ""))
    say("\nTargets")
    for verdict in results["verdicts"]:
        mark = {True: "met", False: "NOT MET", None: "not measured"}[verdict["met"]]
        say(f"  [{mark:^12}] {verdict['target']}: {verdict['figure']}")
    for section, why in results["skipped"].items():
        say(f"  [  skipped   ] {section}: {why}")
    say(f"\nwritten: {', '.join(results['written'])}")


if __name__ == "__main__":
    sys.exit(main())
