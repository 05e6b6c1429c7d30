"""The domain's only caches, in one place: each bounded, keyed by plain values, and saying why it exists.

Eligibility needs none (the decision tables are made at load, see tables.py). What remains is rendering: the parts of
an answer that depend on a decision, a language and a region but not on the person are written out once and reused.
A cache's key is made of strings, numbers and tuples of them (never an object's identity), so it cannot mix up two
things; its size bounds its memory, and least-recently-used entries make room (functools.lru_cache).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import _lru_cache_wrapper, lru_cache
from typing import TypeVar

Result = TypeVar("Result")


@dataclass(frozen=True)
class Cache:
    """A cache's bound and its reason."""

    size: int
    why: str


CACHES: dict[str, Cache] = {
    "catalogue": Cache(16, "each language's compiled gettext catalogue, read from disk once (i18n.py)"),
    "recommendation": Cache(65_536, "a recommendation's text, steps and contact, by decision, operator, region and "
                                    "language: rendering them is most of an answer's cost, and people share decisions"),
    "refusal": Cache(65_536, "a refusal's texts, by decision and language, for the same reason"),
    "fixed": Cache(16_384, "what an answer says of a service and its rule version whoever asks, by language"),
    "ranking": Cache(250_000, "services' places kept over all remembered rankings (see ranking.SimilarityRanker): people "
                              "share feature sets and candidate sets, and each pair is ranked once"),
    "follow_ups": Cache(16_384, "a person's follow-up questions by language, by the facts that settle each of their services "
                                "and the answers that make facts meaningful: people share them, and deriving them is a "
                                "tenth of an answer's cost"),
    "operator": Cache(65_536, "which of a service's operators serves a person, by service and the answers an operator's "
                              "`when` may test (most services have one operator and skip it)"),
    "question": Cache(256, "a follow-up question's text and answer labels, by fact and language (a few dozen in all): "
                           "every answer carries its questions"),
    "reason": Cache(4_096, "a ranking reason's wording, by position and the features it names (3 positions x pairs "
                           "of features: a few thousand at most)"),
}


def cached(name: str, function: Callable[..., Result], size: int | None = None) -> _lru_cache_wrapper[Result]:
    """`function` with the cache `name` of CACHES (its size overridden by `size` when given)."""
    cache = CACHES[name]
    return lru_cache(maxsize=cache.size if size is None else size)(function)
