"""The yardstick: a bare Flask app answering one constant JSON document, served like the real one."""

from __future__ import annotations

from flask import Flask, Response, json

# About the size of a small recommendation answer's head, so the comparison is about work, not bytes.
DOCUMENT = json.dumps({"status": "ok", "service": "bare", "items": [{"id": i, "name": f"item {i}"} for i in range(8)]})


def create_app() -> Flask:
    """One POST route at the recommend endpoint's path, returning the constant document."""
    app = Flask(__name__)

    @app.post("/api/v1/recommendations")
    def constant() -> Response:
        return Response(DOCUMENT, mimetype="application/json")

    return app


app = create_app()
