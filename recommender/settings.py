"""The one settings object: defaults, overridden by environment variables, overridden by `create_app(config)`."""

from __future__ import annotations

import os
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _shipped(name: str) -> Path:
    """A data folder next to the package (source checkout) or shipped inside it (installed wheel)."""
    beside = ROOT / name
    return beside if beside.is_dir() else Path(__file__).resolve().parent / "_shipped" / name


def from_environment() -> dict:
    """Settings read from `PATHWAYS_*` environment variables, with working defaults."""
    return {
        "RULES_DIR": Path(os.environ.get("PATHWAYS_RULES_DIR", _shipped("rules"))),
        "DATA_DIR": Path(os.environ.get("PATHWAYS_DATA_DIR", _shipped("data"))),
        "TEMPLATES_DIR": _shipped("templates"),
        # A profile is a few hundred bytes; anything much larger is a mistake or an attack.
        "RANKER_ALPHA": float(os.environ.get("PATHWAYS_RANKER_ALPHA", 1.0)),
        "MAX_CONTENT_LENGTH": int(os.environ.get("PATHWAYS_MAX_BODY_BYTES", 16 * 1024)),
    }
