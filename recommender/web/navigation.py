"""Where each page of the journey leads: addresses that carry the answers, next and back, progress, other language."""

from __future__ import annotations

from flask import request, url_for
from flask_babel import gettext as _

from .answers import answer_text, check_answers
from .context import context
from .i18n import current_lang
from .questions import CORE_STEPS, SHORT_LABELS, STEP_BY_SLUG, STEPS, Step


def journey(view: str) -> str:
    """The endpoint of one of these pages where the person is: on the site, or inside a partner's widget (embed.py)."""
    return f"{context().journey}.{view}"


def partner_slug() -> str | None:
    """The partner whose widget is being used (recorded with events and feedback), or None on the site."""
    return context().partner_slug


def answer_params(answers: dict, **extra) -> dict:
    """Query parameters carrying the answers and the language (and any non-empty extras)."""
    return {**answers, "lang": current_lang(), **{key: value for key, value in extra.items() if value}}


def page_url(endpoint: str, answers: dict, **extra) -> str:
    """A page of the journey, carrying the answers."""
    return url_for(endpoint, **answer_params(answers, **extra))


def step_url(step: Step, answers: dict, **extra) -> str:
    """One step's page, carrying the answers."""
    return url_for(journey("question"), slug=step.slug, **answer_params(answers, **extra))


def next_url(step: Step, answers: dict, return_to: str | None) -> str:
    """After a valid answer: the next step, or back to the check page (via any question that became necessary)."""
    if return_to == "check":
        _profile, errors = check_answers(answers)
        pending = [s for s in STEPS if s.field in errors and s.applies(answers)]
        return step_url(pending[0], answers, return_to="check") if pending else page_url(".check", answers)
    later = [s for s in STEPS[STEPS.index(step) + 1:] if s.applies(answers)]
    return step_url(later[0], answers) if later else page_url(".check", answers)


def back_url(step: Step, answers: dict, return_to: str | None) -> str:
    """The page before this step, answers kept."""
    if return_to == "check":
        return page_url(".check", answers)
    earlier = [s for s in STEPS[: STEPS.index(step)] if s.applies(answers)]
    return step_url(earlier[-1], answers) if earlier else url_for(".start", lang=current_lang())


def progress(step: Step, answers: dict) -> str:
    """"Question 2 of 5" for the five questions, "Follow-up question 1 of 2" after them."""
    if step.core:
        return _("Question %(number)d of %(total)d", number=CORE_STEPS.index(step) + 1, total=len(CORE_STEPS))
    follow_ups = [s for s in STEPS if not s.core and (s.applies(answers) or s == step)]
    return _("Follow-up question %(number)d of %(total)d", number=follow_ups.index(step) + 1, total=len(follow_ups))


def summary_rows(answers: dict) -> list[dict]:
    """One row per applicable question for the check page: label, answer, change link."""
    return [
        {"field": step.field, "label": str(SHORT_LABELS[step.field]), "value": answer_text(step.field, answers),
         "change_url": step_url(step, answers, return_to="check"), "required": step.required}
        for step in STEPS if step.applies(answers)
    ]


def error_links(errors: dict[str, str], answers: dict) -> list[tuple[str, str]]:
    """The check page's error summary: each message linking to its question."""
    return [(message, step_url(STEP_BY_SLUG[field.replace("_", "-")], answers, return_to="check") + f"#{field}-field") for field, message in errors.items()]


def plain_args() -> dict:
    """The query's parameters, without url_for's reserved ones (_anchor, _method, _scheme, _external...), which a
    client must not be able to pass on (they gave a 500, or a link to the attacker's host)."""
    return {key: value for key, value in request.args.to_dict(flat=False).items() if not key.startswith("_")}


def language_url(lang: str) -> str:
    """This page in another language: same answers, same step."""
    endpoint, values = context().here or (None, {})
    if endpoint is None and request.method == "GET" and request.endpoint:
        endpoint, values = request.endpoint, {**(request.view_args or {}), **plain_args()}
    if endpoint is None:
        endpoint, values = journey("start"), {}
    return url_for(endpoint, **{**values, "lang": lang})
