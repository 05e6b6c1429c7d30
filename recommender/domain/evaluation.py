"""Offline evaluation of the ranker against expert judgement: NDCG@5 and hit-rate@3.

Cross-validation runs on the training cases only (each case is scored by a model
that never saw it); the held-out cases are scored once, by a model trained on all
training cases, and are never used to choose anything.
"""

from __future__ import annotations

import datetime as dt
import math
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from sklearn.model_selection import KFold

from .catalogue import Catalogue
from .ranking import Case, PopularityRanker, PriorityRanker, Ranker, SimilarityRanker, candidates_for
from .rules import RuleBook

RANKERS = ("ranker", "priority", "popularity")
FOLDS = 5


def ndcg_at(k: int, ranked: list[str], grades: dict[str, int]) -> float:
    """Normalised discounted cumulative gain of the top k, gains 2^grade - 1."""
    gain = sum((2 ** grades.get(sid, 0) - 1) / math.log2(i + 2) for i, sid in enumerate(ranked[:k]))
    ideal = sorted(grades.values(), reverse=True)[:k]
    best = sum((2**g - 1) / math.log2(i + 2) for i, g in enumerate(ideal))
    return gain / best if best else 0.0


def hit_at(k: int, ranked: list[str], grades: dict[str, int]) -> float:
    """1 when one of the expert's first choices (the highest grade) is in the top k."""
    if not grades:
        return 0.0
    top = max(grades.values())
    return float(any(grades.get(sid, 0) == top for sid in ranked[:k]))


@dataclass
class Scores:
    """Per-case metric values, grouped for the report."""

    ndcg: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))
    hit: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))
    groups: dict[tuple[str, str], dict[str, list[float]]] = field(default_factory=lambda: defaultdict(lambda: defaultdict(list)))

    def add(self, name: str, case: Case, ranked: list[str], grades: dict[str, int]) -> None:
        """Record one ranker's result on one case."""
        value = ndcg_at(5, ranked, grades)
        self.ndcg[name].append(value)
        self.hit[name].append(hit_at(3, ranked, grades))
        self.groups[("status", case.profile.status)][name].append(value)
        self.groups[("disability", case.profile.disability)][name].append(value)


def _score_cases(scores: Scores, cases: list[Case], rankers: dict[str, Ranker], book: RuleBook, day: dt.date) -> int:
    """Rank each case's allowed services with every ranker; return how many expert picks the rules exclude."""
    excluded = 0
    for case in cases:
        candidates = candidates_for(book, case.profile, day)
        grades = {sid: g for sid, g in case.expert.items() if sid in candidates}
        excluded += len(case.expert) - len(grades)
        for name, ranker in rankers.items():
            scores.add(name, case, [r.service_id for r in ranker.rank(case.profile, candidates)], grades)
    return excluded


def evaluate(catalogue: Catalogue, book: RuleBook, cases: list[Case], day: dt.date, alpha: float = 1.0) -> dict[str, Any]:
    """Cross-validated scores on the training cases and scores on the held-out cases."""
    train = [c for c in cases if c.split == "train"]
    holdout = [c for c in cases if c.split == "holdout"]
    cross, excluded = Scores(), 0
    for fit_index, test_index in KFold(n_splits=FOLDS, shuffle=True, random_state=0).split(train):
        fold = [train[i] for i in fit_index]
        rankers = _rankers(catalogue, book, fold, day, alpha)
        excluded += _score_cases(cross, [train[i] for i in test_index], rankers, book, day)
    held = Scores()
    excluded += _score_cases(held, holdout, _rankers(catalogue, book, train, day, alpha), book, day)
    return {"cross_validation": cross, "holdout": held, "train_cases": len(train), "holdout_cases": len(holdout), "excluded_picks": excluded}


def _rankers(catalogue: Catalogue, book: RuleBook, cases: list[Case], day: dt.date, alpha: float) -> dict[str, Ranker]:
    """The ranker fitted on `cases`, and the two baselines."""
    return {
        "ranker": SimilarityRanker.fit(catalogue, book, cases, day, alpha=alpha),
        "priority": PriorityRanker(catalogue),
        "popularity": PopularityRanker(catalogue, cases),
    }


def report_lines(result: dict[str, Any]) -> list[str]:
    """The evaluation as a plain-text table."""
    lines = [f"cases: {result['train_cases']} for cross-validation ({FOLDS} folds), {result['holdout_cases']} held out; "
             f"expert picks the rules exclude: {result['excluded_picks']}"]
    for title, scores in (("cross-validation (training cases)", result["cross_validation"]), ("held-out cases", result["holdout"])):
        lines.append("")
        lines.append(f"{title}: {len(scores.ndcg['ranker'])} cases")
        lines.append(f"  {'':28}{'NDCG@5':>10}{'hit@3':>10}")
        for name in RANKERS:
            lines.append(f"  {name:28}{_mean(scores.ndcg[name]):>10.3f}{_mean(scores.hit[name]):>10.3f}")
        lines.append(f"  NDCG@5 by group{'':13}" + "".join(f"{name:>12}" for name in RANKERS) + f"{'cases':>8}")
        for (kind, value), by_ranker in sorted(scores.groups.items()):
            lines.append(f"    {kind + '=' + value:26}" + "".join(f"{_mean(by_ranker[n]):>12.3f}" for n in RANKERS) + f"{len(by_ranker['ranker']):>8}")
    return lines


def _mean(values: list[float]) -> float:
    """The average, 0 for no values."""
    return sum(values) / len(values) if values else 0.0
