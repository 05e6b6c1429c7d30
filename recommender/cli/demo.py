"""A demo partner's website, for development and the browser tests: a town hall page that embeds the widget.

It is a separate little Flask app, served on its own port (so on another origin, as a real partner's site is), by
`flask --app recommender demo` and by tests/web/test_embed.py. Its page carries the one-line snippet and a script that
lists the events the widget sends (`window.pathwaysEvents` too, for the tests). `?lang=`, `?accent=` and `?start=` on
its address become the snippet's data-lang, data-accent and data-start.
"""

from __future__ import annotations

from pathlib import Path

from flask import Flask, Response, abort, render_template, request

from ..settings import from_environment

DEMO_TEMPLATES = Path(from_environment()["TEMPLATES_DIR"]) / "demo"
ASSETS = {"partner.css": "text/css", "partner.js": "text/javascript"}
SNIPPET_OPTIONS = ("lang", "accent", "start")


def partner_site(pathways_url: str, slug: str) -> Flask:
    """The demo partner's site, embedding the widget of the Pathways app at `pathways_url` as partner `slug`."""
    site = Flask("pathways_demo_partner", template_folder=str(DEMO_TEMPLATES), static_folder=None)
    pathways_url = pathways_url.rstrip("/")

    @site.get("/")
    def page() -> Response:
        """The town hall's page; what the partner pastes is shown on it too."""
        options = {name: request.args[name] for name in SNIPPET_OPTIONS if request.args.get(name)}
        snippet = render_template("_snippet.html", pathways_url=pathways_url, slug=slug, options=options).strip()
        response = Response(render_template("partner.html", snippet=snippet, pathways_url=pathways_url))
        # What a partner's own policy needs for the widget: the loader's script and its frame, from Pathways.
        response.headers["Content-Security-Policy"] = f"default-src 'self'; script-src 'self' {pathways_url}; frame-src {pathways_url}; object-src 'none'; base-uri 'none'"
        return response

    @site.get("/favicon.ico")
    def favicon() -> Response:
        """No icon (and no 404 in the console)."""
        return Response(status=204)

    @site.get("/assets/<name>")
    def asset(name: str) -> Response:
        """The page's own stylesheet and script."""
        if name not in ASSETS:
            abort(404)
        return Response((DEMO_TEMPLATES / name).read_text(encoding="utf-8"), mimetype=ASSETS[name])

    return site
