"""Security headers, in one place, for every response the app gives (pages, API, files, errors, redirects).

Everywhere: a strict Content-Security-Policy (our own files only: no inline script or style, no eval), `nosniff`, a
restrictive Permissions-Policy. What differs is decided per blueprint (`POLICIES`):
- framing: `frame-ancestors 'self'` and `X-Frame-Options: SAMEORIGIN` everywhere, except under /embed/<partner>/,
  which the embed module opens to exactly that partner's registered origins (`allow_framing_by`);
- referrer: `strict-origin-when-cross-origin`, except on the questionnaire's pages (site and embed) and error pages,
  whose address may hold a person's answers (disability included): those send `no-referrer`, which is stricter.

Strict-Transport-Security only when HSTS_SECONDS is set (a deployment behind https): sent from a plain-http local
server, it would lock browsers out of it.

A last guard (`LastResort`, around the whole WSGI app) answers a bare 500 with the same headers if even the error
page fails to render, so that no response ever leaves without them.

Why not flask-talisman: its policies are fixed per app or per view, while frame-ancestors here comes from the partner
registry on each embed request; and its defaults (forced HTTPS, HSTS, session-cookie flags) would all have to be
switched off for local use and for a service that sets no cookie. Twenty lines of our own say exactly what is sent.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from dataclasses import dataclass

from flask import Flask, Response, abort, current_app, request

from .context import context

CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self'; connect-src 'self'; "
    "form-action 'self'; base-uri 'none'; object-src 'none'"
)
# Every powerful feature off: none of the pages needs one (each name is one Chromium knows, so none is reported).
PERMISSIONS_POLICY = ", ".join(
    f"{feature}=()"
    for feature in (
        "accelerometer", "autoplay", "camera", "display-capture", "encrypted-media", "fullscreen", "geolocation",
        "gyroscope", "magnetometer", "microphone", "midi", "payment", "picture-in-picture", "publickey-credentials-get",
        "screen-wake-lock", "usb", "xr-spatial-tracking",
    )
)
SAME_ORIGIN = "'self'"
HEADERS = {"X-Content-Type-Options": "nosniff", "Permissions-Policy": PERMISSIONS_POLICY}
log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Policy:
    """What an audience's responses send beyond the common headers."""

    referrer: str = "strict-origin-when-cross-origin"


ANSWERS_IN_URL = Policy(referrer="no-referrer")
POLICIES = {"questionnaire": ANSWERS_IN_URL, "embed": ANSWERS_IN_URL}
DEFAULT = Policy()


def policy() -> Policy:
    """The policy of the request's (outermost) blueprint; error pages for unknown addresses count as questionnaire pages."""
    blueprints = request.blueprints
    if blueprints:
        return POLICIES.get(blueprints[-1], DEFAULT)
    return ANSWERS_IN_URL if request.endpoint is None and not request.path.startswith("/api/") else DEFAULT


def allow_framing_by(origins: Iterable[str] | str) -> None:
    """Let these origins (or "*") frame the response being prepared; nobody else. An empty list means nobody at all."""
    context().frame_ancestors = origins if isinstance(origins, str) else (" ".join(origins) or "'none'")


def secure(response: Response) -> Response:
    """Set every security header on a response."""
    ancestors = context().frame_ancestors
    response.headers.update(HEADERS)
    response.headers["Referrer-Policy"] = policy().referrer
    response.headers["Content-Security-Policy"] = f"{CONTENT_SECURITY_POLICY}; frame-ancestors {ancestors or SAME_ORIGIN}"
    if ancestors is None:
        response.headers["X-Frame-Options"] = "SAMEORIGIN"
    else:
        response.headers.pop("X-Frame-Options", None)  # it cannot name other origins; frame-ancestors says it all
    if current_app.config.get("HSTS_SECONDS"):
        response.headers["Strict-Transport-Security"] = f"max-age={int(current_app.config['HSTS_SECONDS'])}"
    return response


def whole_body_or_413() -> None:
    """A chunked body (no Content-Length) longer than MAX_CONTENT_LENGTH is refused with a 413, not cut short and
    answered as if it were whole (werkzeug stops reading it at the limit without a word)."""
    if request.content_length is None and request.environ.get("wsgi.input_terminated") and request.method in ("POST", "PUT", "PATCH"):
        limit = current_app.config["MAX_CONTENT_LENGTH"]
        if limit and len(request.get_data(cache=True, parse_form_data=False)) >= limit:
            abort(413)


def public_url(path: str) -> str:
    """An address on the site for people to keep or share: from PUBLIC_BASE_URL, never from the request's Host header
    (which the sender chooses); without it, the path alone."""
    return f"{current_app.config.get('PUBLIC_BASE_URL') or ''}{path}"


LAST_RESORT_BODY = b"<!doctype html><title>500</title><p>Erreur interne. Internal error.</p>"


class LastResort:
    """Around the WSGI app: if anything escapes Flask (the error page itself failing), a plain 500 with every security
    header, instead of the server's bare page without them."""

    def __init__(self, app, wsgi_app):
        self.app, self.wsgi_app = app, wsgi_app

    def __call__(self, environ, start_response):
        try:
            return self.wsgi_app(environ, start_response)
        except Exception:
            log.exception("the error page itself failed on %s", environ.get("PATH_INFO", "?"))
            headers = [("Content-Type", "text/html; charset=utf-8"), ("Cache-Control", "no-store"), ("X-Frame-Options", "SAMEORIGIN"),
                       ("Referrer-Policy", "no-referrer"), ("Content-Security-Policy", f"{CONTENT_SECURITY_POLICY}; frame-ancestors 'self'"),
                       *HEADERS.items()]
            if self.app.config.get("HSTS_SECONDS"):
                headers.append(("Strict-Transport-Security", f"max-age={int(self.app.config['HSTS_SECONDS'])}"))
            start_response("500 INTERNAL SERVER ERROR", headers)
            return [LAST_RESORT_BODY]


def init_app(app: Flask) -> None:
    """Run `secure` last on every response, after the blueprints' own after_request functions; the last guard around all."""
    app.before_request(whole_body_or_413)
    app.after_request(secure)
    app.wsgi_app = LastResort(app, app.wsgi_app)
