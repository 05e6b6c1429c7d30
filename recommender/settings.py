"""The one settings object: defaults, overridden by environment variables, overridden by `create_app(config)`."""

from __future__ import annotations

import os
from pathlib import Path

from .domain.i18n import DEFAULT_DIRECTORY as TRANSLATIONS_DIR  # the languages spoken are the catalogues found there

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
        # Written by `flask ranker train` (feedback folded in); servers start from it when it matches their data.
        "RANKER_FILE": Path(os.environ.get("PATHWAYS_RANKER_FILE", ROOT / "instance" / "ranker.npz")),
        # Anonymous API use per client address; storage "memory://" (one process) or "redis://127.0.0.1:6379".
        "API_RATE_LIMIT": os.environ.get("PATHWAYS_API_RATE_LIMIT", "120 per minute"),
        "RATELIMIT_STORAGE_URI": os.environ.get("PATHWAYS_RATELIMIT_STORAGE_URI", "memory://"),
        "RATELIMIT_ENABLED": os.environ.get("PATHWAYS_RATELIMIT_ENABLED", "1") == "1",
        # Wrong partner keys (401) allowed per client address: each one costs a deliberately slow scrypt check.
        "API_KEY_FAILURE_LIMIT": os.environ.get("PATHWAYS_API_KEY_FAILURE_LIMIT", "10 per minute"),
        # Partners (embed origins, API keys) are read from the database at most this often per process.
        "PARTNERS_CACHE_SECONDS": float(os.environ.get("PATHWAYS_PARTNERS_CACHE_SECONDS", 30)),
        # How long browsers and proxies may keep the catalogue (it carries an ETag; a 304 answers a revalidation).
        "CATALOGUE_MAX_AGE": int(os.environ.get("PATHWAYS_CATALOGUE_MAX_AGE", 3600)),
        # A profile is a few hundred bytes; anything much larger is a mistake or an attack.
        "MAX_CONTENT_LENGTH": int(os.environ.get("PATHWAYS_MAX_BODY_BYTES", 16 * 1024)),
        # Events and feedback: PostgreSQL (postgresql+psycopg://...) or, by default, a SQLite file in the instance folder.
        "DATABASE_URL": os.environ.get("DATABASE_URL") or None,
        "MIGRATIONS_DIR": _shipped("migrations"),
        "DB_CONNECT_TIMEOUT": int(os.environ.get("PATHWAYS_DB_CONNECT_TIMEOUT", 2)),  # seconds; libpq's minimum is 2
        "DB_READ_TIMEOUT": float(os.environ.get("PATHWAYS_DB_READ_TIMEOUT", 3.0)),  # seconds a page waits for statistics
        "DB_RETRY_SECONDS": float(os.environ.get("PATHWAYS_DB_RETRY_SECONDS", 5.0)),  # how often a lost database is probed
        "FEEDBACK_WEIGHT": float(os.environ.get("PATHWAYS_FEEDBACK_WEIGHT", 0.1)),  # one answer's weight in `ranker train`
        "STATS_CACHE_SECONDS": float(os.environ.get("PATHWAYS_STATS_CACHE_SECONDS", 300)),
        "LOG_LEVEL": os.environ.get("PATHWAYS_LOG_LEVEL", "INFO"),
        "LOG_FORMAT": os.environ.get("PATHWAYS_LOG_FORMAT", "json"),  # json or text
        # Web pages: French by default; catalogues compiled in translations/ (see recommender/i18n.py).
        "BABEL_DEFAULT_LOCALE": "fr",
        "BABEL_TRANSLATION_DIRECTORIES": str(TRANSLATIONS_DIR),  # PATHWAYS_TRANSLATIONS_DIR, else as _shipped() finds it
        # Who publishes and hosts this copy of the service (legal notice, accessibility statement, results page). Empty:
        # the pages say plainly that whoever runs it has not set it yet (recommender/web/trust.py).
        "PUBLISHER": os.environ.get("PATHWAYS_PUBLISHER", "Pathways"),
        "PUBLISHER_ADDRESS": os.environ.get("PATHWAYS_PUBLISHER_ADDRESS", ""),
        "PUBLICATION_DIRECTOR": os.environ.get("PATHWAYS_PUBLICATION_DIRECTOR", ""),
        "CONTACT": os.environ.get("PATHWAYS_CONTACT", ""),  # an email address or a web address
        "HOST": os.environ.get("PATHWAYS_HOST", ""),  # the hosting provider's name
        "HOST_ADDRESS": os.environ.get("PATHWAYS_HOST_ADDRESS", ""),  # its postal address and telephone
        # htmx comes from npm (package.json, `npm ci`); the app serves it from node_modules, nothing is copied.
        "HTMX_FILE": Path(os.environ.get("PATHWAYS_HTMX_FILE", _shipped("node_modules") / "htmx.org" / "dist" / "htmx.min.js")),
    }
