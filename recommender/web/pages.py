"""How a page is answered: in full or as the fragment htmx swaps, with the helpers every template uses.

Every URL renders a full page; an htmx request swapping the main area gets only its fragment (`render`, `Vary:
HX-Request`). Pages whose address holds answers are kept out of caches (`no_store`).
"""

from __future__ import annotations

from flask import Flask, Response, current_app, render_template, request
from htmx_flask import Htmx
from jinja2 import StrictUndefined

from .french import french_terms, in_french, long_date
from .navigation import journey, language_url, page_url, step_url
from .security import CONTENT_SECURITY_POLICY

# Security headers (strict CSP: no inline script or style anywhere, htmx is configured for it in base.html; framing;
# no-referrer, as the URL holds the answers) are set on every response by recommender/web/security.py. This copy of the
# common ones stays for modules that still add them themselves; security.py has the last word.
SECURITY_HEADERS = {"Content-Security-Policy": CONTENT_SECURITY_POLICY, "X-Content-Type-Options": "nosniff", "Referrer-Policy": "no-referrer"}
# Pages whose URL holds answers are kept out of shared and disk caches.
PRIVATE_PAGES = {"question", "answer", "check", "results", "print_results", "counsellor", "feedback", "report", "send_report"}
HTMX_CONFIG = {
    "includeIndicatorStyles": False,  # htmx would inject an inline <style>, which the CSP forbids
    "allowEval": False,
    "allowScriptTags": False,
    "selfRequestsOnly": True,
    "historyCacheSize": 0,  # no copy of the answers in sessionStorage: going back reloads the URL
    "refreshOnHistoryMiss": True,
    "historyRestoreAsHxRequest": False,
    # Swap re-shown steps (422) and error pages too, so a person always sees what happened.
    "responseHandling": [
        {"code": "204", "swap": False},
        {"code": "[23]..", "swap": True},
        {"code": "422", "swap": True},
        {"code": "[45]..", "swap": True, "error": True},
    ],
}


def is_fragment() -> bool:
    """Whether to answer with the page's fragment: an htmx request swapping the main area (not a history restore)."""
    htmx = getattr(request, "htmx", None)
    return bool(htmx) and not htmx.history_restore_request and htmx.target == "main"


def template_helpers() -> dict:
    """Helpers every page can use (the base layout needs them, whichever blueprint renders)."""
    return {
        "fragment": is_fragment(),
        "language_url": language_url,
        "htmx_config": HTMX_CONFIG,
        "htmx_available": current_app.config["HTMX_FILE"].is_file(),
        "page_url": page_url,
        "step_url": step_url,
        "journey": journey,
        "long_date": long_date,
    }


def set_up_filters(app: Flask) -> None:
    """Template filters and globals for French passages (french.py)."""
    app.jinja_env.filters["fr_terms"] = french_terms
    app.jinja_env.globals["in_french"] = in_french


def set_up(app: Flask) -> None:
    """Make `request.htmx` and the helpers available, and fail on any undefined template variable in tests."""
    Htmx(app)
    app.context_processor(template_helpers)
    set_up_filters(app)
    if app.testing:
        app.jinja_env.undefined = StrictUndefined
    if not app.config["HTMX_FILE"].is_file():
        app.logger.warning("htmx not found at %s: run `npm ci`; pages work without JavaScript meanwhile", app.config["HTMX_FILE"])


def render(template: str, status: int = 200, **context) -> Response:
    """A page: in full, or only its fragment for an htmx request (base.html decides from `fragment`)."""
    response = current_app.make_response((render_template(template, **context), status))
    response.vary.add("HX-Request")
    return response


def no_store(response: Response) -> Response:
    """Answer-carrying pages are not cached (security headers: recommender/web/security.py, for every response)."""
    if request.endpoint and request.endpoint.split(".")[-1] in PRIVATE_PAGES:
        response.headers["Cache-Control"] = "no-store"
    return response
