"""The app's error pages for every path outside the API: a page in the person's language, never a traceback."""

from __future__ import annotations

from flask import Response, current_app, request
from flask_babel import lazy_gettext as _l
from werkzeug.exceptions import HTTPException

from .pages import no_store, render

ERROR_TEXTS = {
    404: (_l("Page not found"), _l("This address does not exist. If you typed it, check it; otherwise start again from the home page.")),
    405: (_l("This page cannot be used this way"), _l("Start again from the home page.")),
    413: (_l("Too much data"), _l("What was sent is far larger than any answer. Start again from the home page.")),
    500: (_l("Sorry, something went wrong"), _l("Try again in a moment. Your answers are kept in the address of the page, so reloading it is enough.")),
}


def page_error(error: HTTPException) -> Response:
    """An HTTP error on a web page, as a page in the person's language."""
    if error.code is not None and error.code < 400:
        return error  # redirects raised as exceptions are not errors
    code = error.code or 500
    title, message = ERROR_TEXTS.get(code, (error.name, _l("Start again from the home page.")))
    return no_store(render("errors/error.html", status=code, code=code, title=str(title), message=str(message), back=None))


def server_error_page(error: Exception) -> Response:
    """An unexpected failure on a web page: logged in full, answered with a plain apology."""
    current_app.logger.exception("unexpected error on %s", request.path)
    title, message = ERROR_TEXTS[500]
    return no_store(render("errors/error.html", status=500, code=500, title=str(title), message=str(message), back=None))
