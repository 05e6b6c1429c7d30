"""Order the services the rules let through. The rules filter; ranking only re-orders.

The similarity ranker learns, from cases graded by guidance practice, how much each
profile feature (age band, status, goal...) draws on each service feature (its
publics, themes, kind of help, identity): a bilinear similarity p·W·s fitted by
ridge regression on the expert grades. Folding W into one column per service
leaves a small matrix M (profile features x services): ranking a request is a
sum of a few of its cells, and the largest cell says why a service ranks high.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path
from typing import Literal, Protocol

import numpy as np
from pydantic import Field
from scipy import sparse
from sklearn.linear_model import Ridge

from .catalogue import Catalogue
from .eligibility import verdict
from .features import AUDIENCE_PHRASES, all_profile_features, profile_features, service_features
from .profile import Profile
from .rules import RuleBook
from .sourcefile import load_yaml
from .texts import Frozen, Text

MAX_GRADE = 3
# Reason prefixes by position: the first, the next two, the rest.
POSITION_PHRASES = (
    Text(fr="Conseillé en premier", en="Recommended first for"),
    Text(fr="Parmi les premiers conseils", en="Among the first recommendations for"),
    Text(fr="Également utile", en="Also useful for"),
)
GENERIC_REASON = Text(fr="Également utile dans votre situation", en="Also useful in your situation")


@dataclass(frozen=True)
class Ranked:
    """One service's place: its score in [0, 1] and why it sits there."""

    service_id: str
    score: float
    reason: Text | None = None


class Ranker(Protocol):
    """Anything that orders candidate services for a profile."""

    def rank(self, profile: Profile, candidates: list[str]) -> list[Ranked]:
        """The candidates, best first; the same set, never more or fewer."""


class PriorityRanker:
    """The fixed order of the catalogue's `priority` (lower first): a baseline."""

    def __init__(self, catalogue: Catalogue):
        self._priority = {sid: service.priority for sid, service in catalogue.services.items()}

    def rank(self, profile: Profile, candidates: list[str]) -> list[Ranked]:
        """Sort by priority, then id, scoring by position."""
        ordered = sorted(candidates, key=lambda sid: (self._priority[sid], sid))
        count = len(ordered)
        return [Ranked(sid, round(1 - index / count, 4)) for index, sid in enumerate(ordered)]


class PopularityRanker:
    """Services most often named by the experts first: the other baseline."""

    def __init__(self, catalogue: Catalogue, cases: list["Case"]):
        self._priority = {sid: service.priority for sid, service in catalogue.services.items()}
        self._weight = {sid: 0 for sid in catalogue.services}
        for case in cases:
            for sid, grade in case.expert.items():
                self._weight[sid] += grade

    def rank(self, profile: Profile, candidates: list[str]) -> list[Ranked]:
        """Sort by total expert grade, then priority."""
        ordered = sorted(candidates, key=lambda sid: (-self._weight[sid], self._priority[sid], sid))
        top = max((self._weight[sid] for sid in ordered), default=0) or 1
        return [Ranked(sid, round(self._weight[sid] / top, 4)) for sid in ordered]


class Case(Frozen):
    """A profile and the services a guidance counsellor would name, graded 3 (first) to 1."""

    id: str
    profile: Profile
    expert: dict[str, int]
    split: Literal["train", "holdout"]
    weight: float = Field(default=1.0, gt=0)


class CaseSet(Frozen):
    """The labelled cases file."""

    cases: tuple[Case, ...] = Field(min_length=1)


def load_cases(path: Path, catalogue: Catalogue) -> list[Case]:
    """Read the case set; every graded service must exist."""
    cases = list(load_yaml(path).validate(CaseSet).cases)
    for case in cases:
        unknown = set(case.expert) - set(catalogue.services)
        if unknown or not set(case.expert.values()) <= {1, 2, 3}:
            raise ValueError(f"{path}: case {case.id}: unknown services {sorted(unknown)} or grades outside 1-3")
    return cases


def candidates_for(book: RuleBook, profile: Profile, day: dt.date) -> list[str]:
    """The services the rules let this person use (eligible or to confirm)."""
    return [sid for sid, rules in book.services.items() if verdict(rules, profile, day) != "ineligible"]


class SimilarityRanker:
    """Learned profile-service similarity; deterministic, microseconds per request."""

    def __init__(self, catalogue: Catalogue, matrix: np.ndarray, intercept: float):
        self._catalogue = catalogue
        self._profile_index = {name: i for i, name in enumerate(all_profile_features())}
        self._service_index = {sid: k for k, sid in enumerate(catalogue.services)}
        self._priority = {sid: s.priority for sid, s in catalogue.services.items()}
        self._names = all_profile_features()
        self.matrix = matrix  # profile features x services
        self.intercept = intercept

    @classmethod
    def fit(cls, catalogue: Catalogue, book: RuleBook, cases: list[Case], day: dt.date, alpha: float = 1.0, extra=()) -> "SimilarityRanker":
        """Fit on the cases (and optional extra (profile, service, grade, weight) feedback rows)."""
        rows = [(case.profile, sid, case.expert.get(sid, 0), case.weight) for case in cases for sid in candidates_for(book, case.profile, day)]
        rows += list(extra)
        profile_names, service_names, design = _design(catalogue, rows)
        # No separate intercept: the "bias" profile feature crossed with each service plays that part.
        model = Ridge(alpha=alpha, solver="cholesky", fit_intercept=False)
        model.fit(design, np.array([grade for _, _, grade, _ in rows], dtype=float), sample_weight=np.array([w for *_, w in rows]))
        weights = model.coef_.reshape(len(profile_names), len(service_names))
        # Fold service features into one column per service: M = W . S^T
        service_matrix = np.zeros((len(catalogue.services), len(service_names)))
        index = {name: j for j, name in enumerate(service_names)}
        for k, service in enumerate(catalogue.services.values()):
            for name in service_features(service):
                service_matrix[k, index[name]] = 1.0
        return cls(catalogue, weights @ service_matrix.T, 0.0)

    def rank(self, profile: Profile, candidates: list[str]) -> list[Ranked]:
        """Candidates by learned similarity, ties by priority; each with its reason."""
        rows = [self._profile_index[name] for name in ["bias", *profile_features(profile)]]
        columns = [self._service_index[sid] for sid in candidates]
        cells = self.matrix[np.ix_(rows, columns)]
        scores = cells.sum(axis=0) + self.intercept
        order = sorted(range(len(candidates)), key=lambda i: (-round(float(scores[i]), 9), self._priority[candidates[i]], candidates[i]))
        ranked = []
        for position, i in enumerate(order):
            score = min(max(float(scores[i]) / MAX_GRADE, 0.0), 1.0)
            ranked.append(Ranked(candidates[i], round(score, 4), self._reason(position, rows, cells[:, i])))
        return ranked

    def _reason(self, position: int, rows: list[int], contributions: np.ndarray) -> Text:
        """Name the one or two profile features that pull this service up the most."""
        pulls = sorted(((float(c), self._names[r]) for r, c in zip(rows[1:], contributions[1:]) if c > 0.05 and self._names[r] in AUDIENCE_PHRASES), reverse=True)
        phrases = [AUDIENCE_PHRASES[name] for _, name in pulls[:2]]
        if not phrases:
            return GENERIC_REASON
        prefix = POSITION_PHRASES[0 if position == 0 else 1 if position < 3 else 2]
        fr = prefix.fr + " " + " et ".join(p.fr for p in phrases)
        en = prefix.en + " " + " and ".join(p.en for p in phrases)
        return Text(fr=fr, en=en)


def _design(catalogue: Catalogue, rows) -> tuple[list[str], list[str], sparse.csr_matrix]:
    """One row per (profile, service) pair: the outer product of their binary features."""
    profile_names = all_profile_features()
    service_names = sorted({name for s in catalogue.services.values() for name in service_features(s)})
    p_index = {n: i for i, n in enumerate(profile_names)}
    s_index = {n: j for j, n in enumerate(service_names)}
    width = len(service_names)
    data_rows, data_cols = [], []
    for r, (profile, sid, _, _) in enumerate(rows):
        for p in ["bias", *profile_features(profile)]:
            for s in service_features(catalogue.services[sid]):
                data_rows.append(r)
                data_cols.append(p_index[p] * width + s_index[s])
    shape = (len(rows), len(profile_names) * width)
    return profile_names, service_names, sparse.csr_matrix((np.ones(len(data_rows)), (data_rows, data_cols)), shape=shape)


def train_ranker(knowledge, config: dict, feedback=()) -> tuple[SimilarityRanker, str]:
    """Fit the production ranker on every case (and feedback rows, if given)."""
    cases = load_cases(config["DATA_DIR"] / "ranking_cases.yaml", knowledge.catalogue)
    rows = list(feedback)
    ranker = SimilarityRanker.fit(knowledge.catalogue, knowledge.rules, cases, dt.date.today(), alpha=config["RANKER_ALPHA"], extra=rows)
    return ranker, f"{len(cases)} cases, {len(rows)} feedback rows"
