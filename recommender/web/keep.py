"""Results to keep: the print page (its own address, no JavaScript needed), without the sensitive answers (disability...)."""

from __future__ import annotations

import datetime as dt

from flask import Response, current_app, request, url_for

from ..domain.profile import SENSITIVE_FIELDS
from .answers import answers_line, check_answers, read_answers
from .i18n import current_lang
from .pages import render
from .questionnaire import bp, check_page
from .questions import recommender
from .security import public_url


@bp.get("/results/print")
def print_results() -> Response:
    """Every recommended service with its contacts and next steps, the day the results were produced, the site's address."""
    answers = read_answers(request.args)
    profile, errors = check_answers(answers)
    if profile is None:
        return check_page(answers, errors, status=422)
    recommendation = recommender().recommend(profile, dt.date.today(), current_lang())
    # A printed page lies on desks and in bags: no sensitive answer (health, benefits, nationality...) on paper.
    printed = {field: value for field, value in answers.items() if field not in SENSITIVE_FIELDS}
    return render("questionnaire/print.html", answers=answers, recommendation=recommendation,
                  answers_line=answers_line(printed), site=site_address())


def site_address() -> str:
    """The site's home page as people type it: PATHWAYS_PUBLIC_BASE_URL's, else the address this browser used (only
    ever shown back to the browser that sent it)."""
    home = url_for(f"{bp.name}.start")
    return public_url(home) if current_app.config.get("PUBLIC_BASE_URL") else request.url_root.rstrip("/") + home
