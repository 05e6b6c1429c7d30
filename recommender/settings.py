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
        "RANKER_ALPHA": float(os.environ.get("PATHWAYS_RANKER_ALPHA", 3.0)),  # chosen by cross-validation on the training cases
        # A profile is a few hundred bytes; anything much larger is a mistake or an attack.
        "MAX_CONTENT_LENGTH": int(os.environ.get("PATHWAYS_MAX_BODY_BYTES", 16 * 1024)),
        # Web pages: French by default; catalogues compiled in translations/ (see recommender/i18n.py).
        "BABEL_DEFAULT_LOCALE": "fr",
        "BABEL_TRANSLATION_DIRECTORIES": str(_shipped("translations")),
        # htmx comes from npm (package.json, `npm ci`); the app serves it from node_modules, nothing is copied.
        "HTMX_FILE": Path(os.environ.get("PATHWAYS_HTMX_FILE", ROOT / "node_modules" / "htmx.org" / "dist" / "htmx.min.js")),
    }
