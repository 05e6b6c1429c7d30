"""Registering partners in tests, the way an operator does: with `flask --app recommender partners add`."""

from __future__ import annotations

import re

KEY = re.compile(r"API key \(shown only now[^)]*\): (pw\.\S+)")


def add_partner(app, slug: str, *origins: str, name: str | None = None, lang: str | None = None, accent: str | None = None) -> str:
    """Register a partner through the command line; its API key, as the command printed it."""
    args = ["partners", "add", slug, "--name", name or f"Partner {slug}"]
    args += [part for origin in origins for part in ("--origin", origin)]
    args += ["--lang", lang] if lang else []
    args += ["--accent", accent] if accent else []
    result = app.test_cli_runner().invoke(args=args)
    assert result.exit_code == 0, result.output
    return KEY.search(result.output).group(1)
