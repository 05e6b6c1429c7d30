"""What a partner's page may learn of a person's results: only services whose presence reveals no sensitive answer.

The widget tells its host page which services were recommended (`pathways:results`). A service whose rule tests a
sensitive answer (disability first: recommender/domain/privacy.py derives which from the rules) is never named, and the
others are sorted by id, never in rank order, which the sensitive answers also move.
"""

from __future__ import annotations

import datetime as dt

from flask import Flask

from ..storage.usage import disclosure


def shareable_services(recommendations: list[dict]) -> str:
    """The ids a widget may send to its host page, space-separated (a template global)."""
    return " ".join(disclosure().shareable([item["id"] for item in recommendations], dt.date.today()))


def init_app(app: Flask) -> None:
    """Give the templates `shareable_services`."""
    app.jinja_env.globals["shareable_services"] = shareable_services
