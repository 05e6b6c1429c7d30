"""The trained ranker on disk: `ranker train` writes it (with feedback folded in), start-up reads it back.

Start-up never depends on it: without a file, or with one trained on other rules, catalogue or cases,
the ranker is trained afresh from the case set alone, in well under a second.
"""

from __future__ import annotations

import hashlib
import logging
import os
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from .ranking import SimilarityRanker, train_ranker

if TYPE_CHECKING:
    from .recommendation import Knowledge

log = logging.getLogger(__name__)


def fingerprint(knowledge: Knowledge, config: Mapping[str, Any]) -> str:
    """What a trained model depends on: rules, catalogue, case set and regularisation."""
    digest = hashlib.sha256()
    digest.update(f"{knowledge.rules.version}|{knowledge.catalogue.version}|{config['RANKER_ALPHA']}|".encode())
    digest.update((Path(config["DATA_DIR"]) / "ranking_cases.yaml").read_bytes())
    return digest.hexdigest()[:16]


def save(ranker: SimilarityRanker, path: Path, stamp: str, feedback_rows: int) -> None:
    """Write the model atomically, so a server starting meanwhile never reads half a file."""
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(path.name + ".part")
    with partial.open("wb") as handle:
        np.savez(handle, matrix=ranker.matrix, fingerprint=np.array(stamp), feedback_rows=np.array(feedback_rows))
    os.replace(partial, path)


def load(path: Path, knowledge: Knowledge, stamp: str) -> tuple[SimilarityRanker, int] | None:
    """The saved model if it was trained on exactly this knowledge, else None."""
    if not path.is_file():
        return None
    try:
        with np.load(path, allow_pickle=False) as saved:
            if str(saved["fingerprint"]) != stamp or saved["matrix"].shape[1] != len(knowledge.catalogue.services):
                log.info("trained ranker at %s is for other rules, catalogue or cases: training afresh", path)
                return None
            return SimilarityRanker(knowledge.catalogue, saved["matrix"], 0.0), int(saved["feedback_rows"])
    except (OSError, ValueError, KeyError) as error:
        log.warning("trained ranker at %s is unreadable (%s): training afresh", path, error)
        return None


def ranker_for(knowledge: Knowledge, config: Mapping[str, Any]) -> tuple[SimilarityRanker, str]:
    """The ranker a server starts with: the saved one when it fits, else one trained on the cases."""
    path = Path(config["RANKER_FILE"])
    stamp = fingerprint(knowledge, config)
    loaded = load(path, knowledge, stamp)
    if loaded is not None:
        ranker, rows = loaded
        return ranker, f"loaded from {path} ({rows} feedback rows folded in)"
    return train_ranker(knowledge, config)
