"""Rate limiting of the public API per client address (Flask-Limiter; in memory, or Redis when configured)."""

from __future__ import annotations

from flask import Flask
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address

limiter = Limiter(key_func=get_remote_address, headers_enabled=True)


def init_app(app: Flask) -> None:
    """Bind the limiter; its storage and limits come from settings."""
    app.config.setdefault("RATELIMIT_STORAGE_URI", "memory://")
    limiter.init_app(app)


def limit_blueprint(blueprint, app: Flask) -> None:
    """Apply the API limit to every route of a blueprint."""
    limiter.limit(lambda: app.config["API_RATE_LIMIT"])(blueprint)
