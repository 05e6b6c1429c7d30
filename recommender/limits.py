"""Rate limiting of the public API per client address (Flask-Limiter; in memory, or Redis when configured)."""

from __future__ import annotations

from flask import Blueprint, Flask
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address


def init_app(app: Flask) -> None:
    """Bind a limiter of this app's own: limits registered on one app never stack onto another's."""
    app.extensions["limiter"] = Limiter(key_func=get_remote_address, headers_enabled=True, app=app)


def limit_blueprint(blueprint: Blueprint, app: Flask) -> None:
    """Apply the configured API limit to every route of a blueprint."""
    app.extensions["limiter"].limit(lambda: app.config["API_RATE_LIMIT"])(blueprint)
