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
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal, Protocol

import numpy as np
from pydantic import Field
from scipy import sparse
from sklearn.linear_model import Ridge

from .catalogue import Catalogue, Service
from .eligibility import verdict
from .features import AUDIENCE_PHRASES, all_profile_features, profile_features, same_people, service_features
from .i18n import LANGUAGES, N_, translate
from .memo import CACHES, cached
from .profile import Profile
from .rules import RuleBook
from .sourcefile import load_yaml
from .texts import Frozen, Text

if TYPE_CHECKING:
    from .recommendation import Knowledge

MAX_GRADE = 3
Floats = np.ndarray[Any, np.dtype[np.float64]]
FeedbackRow = tuple[Profile, str, int, float]  # a person's profile, a service, its grade, the row's weight
Group = tuple[Profile, float, list[tuple[str, int]]]  # a profile, its weight, and its candidates with their grades
# Reasons by position (the first, the next two, the rest), naming the people the pulling features describe.
POSITION_PHRASES = (
    N_("Recommended first for %(audience)s"),
    N_("Among the first recommendations for %(audience)s"),
    N_("Also useful for %(audience)s"),
)
TWO_AUDIENCES = N_("%(first)s and %(second)s")


@dataclass(frozen=True)
class Ranked:
    """One service's place: its score in [0, 1] and why it sits there."""

    service_id: str
    score: float
    reason: Text | None = None


class Ranker(Protocol):
    """Anything that orders candidate services for a profile."""

    def rank(self, profile: Profile, candidates: list[str], limit: int | None = None) -> list[Ranked]:
        """The candidates, best first: all of them, or the first `limit`."""


class PriorityRanker:
    """The fixed order of the catalogue's `priority` (lower first): a baseline."""

    def __init__(self, catalogue: Catalogue):
        """Read each service's priority."""
        self._priority = {sid: service.priority for sid, service in catalogue.services.items()}

    def rank(self, profile: Profile, candidates: list[str], limit: int | None = None) -> list[Ranked]:
        """Sort by priority, then id, scoring by position."""
        ordered = sorted(candidates, key=lambda sid: (self._priority[sid], sid))
        count = len(ordered)
        return [Ranked(sid, round(1 - index / count, 4)) for index, sid in enumerate(ordered[:limit])]


class PopularityRanker:
    """Services most often named by the experts first: the other baseline."""

    def __init__(self, catalogue: Catalogue, cases: list[Case]):
        """Add up each service's expert grades."""
        self._priority = {sid: service.priority for sid, service in catalogue.services.items()}
        self._weight = dict.fromkeys(catalogue.services, 0)
        for case in cases:
            for sid, grade in case.expert.items():
                self._weight[sid] += grade

    def rank(self, profile: Profile, candidates: list[str], limit: int | None = None) -> list[Ranked]:
        """Sort by total expert grade, then priority."""
        ordered = sorted(candidates, key=lambda sid: (-self._weight[sid], self._priority[sid], sid))
        top = max((self._weight[sid] for sid in ordered), default=0) or 1
        return [Ranked(sid, round(self._weight[sid] / top, 4)) for sid in ordered[:limit]]


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

    def __init__(self, catalogue: Catalogue, matrix: Floats, intercept: float):
        """Index the catalogue and the fitted matrix for ranking."""
        self._catalogue = catalogue
        self._profile_index = {name: i for i, name in enumerate(all_profile_features())}
        self._service_index = {sid: k for k, sid in enumerate(catalogue.services)}
        self._priority = {sid: s.priority for sid, s in catalogue.services.items()}
        self._names = all_profile_features()
        self._explains = [name in AUDIENCE_PHRASES for name in self._names]
        # Ties go to the lower priority, then the id: one integer per service says both.
        tie_break = {sid: k for k, sid in enumerate(sorted(catalogue.services, key=lambda sid: (self._priority[sid], sid)))}
        self._tie_breaks = np.array([tie_break[sid] for sid in catalogue.services])  # by service index
        self._phrased = cached("reason", self._phrase)
        self.matrix = matrix  # profile features x services
        self.intercept = intercept
        # The "ranking" cache's budget is in places (about 30 MB): 9,600 rankings of the real catalogue.
        self._ranked = cached("ranking", self._rank_features, size=max(16, CACHES["ranking"].size // max(1, len(catalogue.services))))

    @classmethod
    def fit(cls, catalogue: Catalogue, book: RuleBook, cases: list[Case], day: dt.date, alpha: float = 1.0,
            extra: Iterable[FeedbackRow] = ()) -> SimilarityRanker:
        """Fit on the cases (and optional extra (profile, service, grade, weight) feedback rows)."""
        groups: list[Group] = [(case.profile, case.weight, [(sid, case.expert.get(sid, 0)) for sid in candidates_for(book, case.profile, day)]) for case in cases]
        groups += [(profile, weight, [(sid, grade)]) for profile, sid, grade, weight in extra]
        # A service no case ever names has nothing of its own to learn: it is ranked by its audience alone,
        # which keeps the model's size independent of the catalogue's.
        named = {sid for _, _, pairs in groups for sid, grade in pairs if grade > 0}
        service_names, service_matrix = _service_matrix(catalogue, named)
        design, targets, row_weights = _compact_design(catalogue, service_matrix, groups)
        # Ridge without intercept: the "bias" profile feature crossed with each service plays that part.
        model = Ridge(alpha=alpha, fit_intercept=False, solver="cholesky").fit(design, targets, sample_weight=row_weights)
        weights = model.coef_.reshape(len(all_profile_features()), len(service_names))
        return cls(catalogue, weights @ service_matrix.T, 0.0)

    def rank(self, profile: Profile, candidates: list[str], limit: int | None = None) -> list[Ranked]:
        """Candidates by learned similarity, ties by priority; each with its reason."""
        return list(self._ranked(tuple(profile_features(profile)), tuple(candidates), limit))

    def _rank_features(self, features: tuple[str, ...], candidates: tuple[str, ...], limit: int | None) -> tuple[Ranked, ...]:
        """The ranking for a profile's features (all the ranking reads of a person) and a candidate set.

        Scores are one sum of matrix rows over every candidate (numpy); only the places asked for are sorted out
        and explained, so a catalogue of thousands costs little more than its first `limit` services."""
        rows = [self._profile_index[name] for name in ["bias", *features]]
        columns = np.fromiter((self._service_index[sid] for sid in candidates), dtype=np.intp, count=len(candidates))
        scores = self.matrix[rows][:, columns].sum(axis=0) + self.intercept
        # Best score first (to 9 decimals, so that float noise never decides), then the tie-break order.
        order = np.lexsort((self._tie_breaks[columns], -np.round(scores, 9)))[:limit]
        # Only features that describe someone in particular may explain a rank (see AUDIENCE_PHRASES).
        explaining = [(r, self._names[r]) for r in rows[1:] if self._explains[r]]
        explained = np.array([r for r, _ in explaining], dtype=np.intp)
        pulls = self.matrix[np.ix_(explained, columns[order])].T.tolist() if explaining else [[] for _ in order]
        ranked = []
        for position, (i, contributions) in enumerate(zip(order.tolist(), pulls)):
            score = min(max(float(scores[i]) / MAX_GRADE, 0.0), 1.0)
            ranked.append(Ranked(candidates[i], round(score, 4), self._reason(position, explaining, contributions)))
        return tuple(ranked)

    def _reason(self, position: int, explaining: list[tuple[int, str]], contributions: list[float]) -> Text | None:
        """Name the one or two profile features that pull this service up the most (two that name much the same
        people count as one); none when no feature pulls: no reason rather than a vague one."""
        pulls = sorted(((c, name) for (_, name), c in zip(explaining, contributions) if c > 0.05), reverse=True)
        names = [name for _, name in pulls]
        if not names:
            return None
        second = next((name for name in names[1:] if not same_people(names[0], name)), None)
        prefix = 0 if position == 0 else 1 if position < 3 else 2
        return self._phrased(prefix, (names[0],) if second is None else (names[0], second))

    @staticmethod
    def _phrase(prefix_index: int, names: tuple[str, ...]) -> Text:
        """The reason for a position and its pulling features, in every language (made once per key)."""
        def phrase(lang: str) -> str:
            """The reason in one language."""
            audiences = [translate(lang, AUDIENCE_PHRASES[name]) for name in names]
            audience = audiences[0] if len(audiences) == 1 else translate(lang, TWO_AUDIENCES, first=audiences[0], second=audiences[1])
            return translate(lang, POSITION_PHRASES[prefix_index], audience=audience)

        return Text(**{lang: phrase(lang) for lang in LANGUAGES})


def _service_matrix(catalogue: Catalogue, named: set[str]) -> tuple[list[str], Floats]:
    """Services x service features (0/1); identity features only for the services the cases name."""
    def features(sid: str, service: Service) -> list[str]:
        """A service's features, its identity only when the cases name it."""
        return [name for name in service_features(service) if not name.startswith("service:") or sid in named]

    names = sorted({name for sid, s in catalogue.services.items() for name in features(sid, s)})
    index = {name: j for j, name in enumerate(names)}
    matrix = np.zeros((len(catalogue.services), len(names)))
    for k, (sid, service) in enumerate(catalogue.services.items()):
        matrix[k, [index[name] for name in features(sid, service)]] = 1.0
    return names, matrix


def _compact_design(catalogue: Catalogue, service_matrix: Floats, groups: list[Group]) -> tuple[sparse.csr_matrix, Floats, Floats]:
    """The ridge problem's rows, a few per case whatever the number of services, with the same solution.

    A case's rows are the outer products of its profile's features p with each candidate's features (the rows
    of block B), graded y. For any weights, the squared error of those rows equals that of the rows p x R
    graded Q'y, where B = QR, plus a constant: at most one row per service feature instead of one per candidate.
    """
    profile_index = {name: i for i, name in enumerate(all_profile_features())}
    service_row = {sid: k for k, sid in enumerate(catalogue.services)}
    width = service_matrix.shape[1]
    data, rows, columns, targets, weights, start = [], [], [], [], [], 0
    for profile, weight, pairs in groups:
        present = np.array([profile_index[name] for name in ["bias", *profile_features(profile)]])
        q, r = np.linalg.qr(service_matrix[[service_row[sid] for sid, _ in pairs]])
        values = np.broadcast_to(r[:, None, :], (r.shape[0], len(present), width))
        keep = np.abs(values) > 1e-12
        data.append(values[keep])
        columns.append(np.broadcast_to(present[:, None] * width + np.arange(width), values.shape)[keep])
        rows.append(np.broadcast_to((start + np.arange(r.shape[0]))[:, None, None], values.shape)[keep])
        targets.append(q.T @ np.array([grade for _, grade in pairs], dtype=float))
        weights.append(np.full(r.shape[0], weight))
        start += r.shape[0]
    shape = (start, len(profile_index) * width)
    design = sparse.csr_matrix((np.concatenate(data), (np.concatenate(rows), np.concatenate(columns))), shape=shape)
    return design, np.concatenate(targets), np.concatenate(weights)


def train_ranker(knowledge: Knowledge, config: Mapping[str, Any], feedback: Iterable[FeedbackRow] = ()) -> tuple[SimilarityRanker, str]:
    """Fit the production ranker on every case (and feedback rows, if given)."""
    cases = load_cases(config["DATA_DIR"] / "ranking_cases.yaml", knowledge.catalogue)
    rows = list(feedback)
    ranker = SimilarityRanker.fit(knowledge.catalogue, knowledge.rules, cases, dt.date.today(), alpha=config["RANKER_ALPHA"], extra=rows)
    return ranker, f"{len(cases)} cases, {len(rows)} feedback rows"
