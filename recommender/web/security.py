"""Security headers, in one place, for every response the app gives (pages, API, files, errors, redirects).

Everywhere: a strict Content-Security-Policy (our own files only: no inline script or style, no eval), `nosniff`, a
restrictive Permissions-Policy. What differs is decided per blueprint (`POLICIES`):
- framing: `frame-ancestors 'self'` and `X-Frame-Options: SAMEORIGIN` everywhere, except under /embed/<partner>/,
  which the embed module opens to exactly that partner's registered origins (`allow_framing_by`);
- referrer: `strict-origin-when-cross-origin`, except on the questionnaire's pages (site and embed) and error pages,
  whose address may hold a person's answers (disability included): those send `no-referrer`, which is stricter.

Why not flask-talisman: its policies are fixed per app or per view, while frame-ancestors here comes from the partner
registry on each embed request; and its defaults (forced HTTPS, HSTS, session-cookie flags) would all have to be
switched off for local use and for a service that sets no cookie. Twenty lines of our own say exactly what is sent.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from flask import Flask, Response, request

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
    return response


def init_app(app: Flask) -> None:
    """Run `secure` last on every response, after the blueprints' own after_request functions."""
    app.after_request(secure)
