"""In-process cost per call: rules alone, ranking alone, the whole recommend call, JSON encoding."""

from __future__ import annotations

import datetime as dt
import statistics
import time
from pathlib import Path

import orjson
import yaml

from recommender.domain.profile import DEFAULT_LIMIT, Profile
from recommender.domain.ranking import candidates_for

Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
MIN_CALLS, BUDGET_SECONDS = 200, 3.0


def profile_mix(data_dir: Path) -> list[Profile]:
    """A realistic mix: the profiles of the expert ranking cases (every status, age, region and goal)."""
    cases = yaml.load((data_dir / "ranking_cases.yaml").read_text(encoding="utf-8"), Loader=Loader)["cases"]
    return [Profile.model_validate(case["profile"]) for case in cases]


def timed(call, items: list, min_calls: int = MIN_CALLS, budget: float = BUDGET_SECONDS) -> dict:
    """Call `call(item)` over the items, round after round, until both the minimum count and the budget are spent.

    Steady state: every item is met once before timing starts. Otherwise a big catalogue, with few rounds in the
    budget, would time mostly first meetings (each decision made and explained once) and a small one almost none,
    which made growth look worse than linear. The cost of a first meeting is reported apart (scaling: first answer)."""
    for item in items:
        call(item)
    samples: list[int] = []
    started = time.perf_counter()
    while len(samples) < min_calls or time.perf_counter() - started < budget:
        for item in items:
            before = time.perf_counter_ns()
            call(item)
            samples.append(time.perf_counter_ns() - before)
        if len(samples) >= len(items) * 20:
            break
    return summary(samples)


def summary(samples_ns: list[int]) -> dict:
    """Mean and percentiles in microseconds."""
    ordered = sorted(samples_ns)
    pick = lambda q: ordered[min(len(ordered) - 1, int(q * len(ordered)))] / 1000  # noqa: E731
    return {"calls": len(ordered), "mean_us": round(statistics.fmean(ordered) / 1000, 1),
            "p50_us": round(pick(0.50), 1), "p95_us": round(pick(0.95), 1), "p99_us": round(pick(0.99), 1)}


def measure(recommender, profiles: list[Profile], day: dt.date | None = None, budget: float = BUDGET_SECONDS) -> dict:
    """µs per call of each stage over the profile mix, alternating French and English answers."""
    day = day or dt.date.today()
    book = recommender.knowledge.rules
    jobs = [(p, "fr" if i % 2 else "en") for i, p in enumerate(profiles)]
    candidates = {id(p): candidates_for(book, p, day) for p in profiles}
    result = {
        # Every service's verdict, as answers get them (each decision is then read only for the services shown).
        "rules": timed(lambda p: recommender.knowledge.tables.decided(p, day), profiles, budget=budget),
        # The ranking as an answer asks for it: every candidate scored, the first DEFAULT_LIMIT placed and explained.
        "ranking": timed(lambda p: recommender.ranker.rank(p, candidates[id(p)], DEFAULT_LIMIT), profiles, budget=budget),
        "recommend": timed(lambda job: recommender.recommend(job[0], day, job[1]), jobs, budget=budget),
        "candidates": round(statistics.fmean(len(c) for c in candidates.values()), 1),
    }
    # Answers are kept only for this last step, and only a sample: a heap of big answers would slow the others.
    answers = [recommender.recommend(p, day, lang) for p, lang in jobs[:: max(1, len(jobs) // 40)]]
    result["json"] = timed(orjson.dumps, answers, min_calls=40, budget=budget)  # as the API encodes answers
    result["answer_bytes"] = round(statistics.fmean(len(orjson.dumps(a)) for a in answers))
    return result
