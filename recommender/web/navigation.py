"""Where each page of the journey leads: addresses that carry the answers, next and back, progress, other language."""

from __future__ import annotations

from flask import request, url_for
from flask_babel import gettext as _

from . import followups
from .answers import SKIPPED, answer_text, check_answers
from .context import context
from .i18n import current_lang
from .questions import CORE_STEPS, FIXED_STEPS, SHORT_LABELS, STEP_BY_SLUG, Step


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


def step_of(field: str) -> Step:
    """The step that asks `field`."""
    return STEP_BY_SLUG[field.replace("_", "-")]


def next_url(step: Step, answers: dict, return_to: str | None) -> str:
    """After a valid answer: the next step of the five and the goals, then the next follow-up question worth asking
    (recomputed from these answers), then the check page; from the check page, back to it via any question that
    became necessary or worth asking."""
    if return_to == "check":
        _profile, errors = check_answers(answers)
        pending = [s for s in FIXED_STEPS if s.field in errors]
        if pending:
            return step_url(pending[0], answers, return_to="check")
    elif not step.follow_up and (later := FIXED_STEPS[FIXED_STEPS.index(step) + 1:]):
        return step_url(later[0], answers)
    following = followups.next_follow_up(answers)
    return step_url(step_of(following), answers, return_to=return_to) if following else page_url(".check", answers)


def back_url(step: Step, answers: dict, return_to: str | None) -> str:
    """The page before this step, answers kept: the follow-up question asked before it, or the fixed step before."""
    if return_to == "check":
        return page_url(".check", answers)
    if step.follow_up:
        index, order = followups.placed(step.field, answers)
        return step_url(step_of(order[index - 1]), answers) if index else step_url(FIXED_STEPS[-1], answers)
    earlier = FIXED_STEPS[: FIXED_STEPS.index(step)]
    return step_url(earlier[-1], answers) if earlier else url_for(".start", lang=current_lang())


def progress(step: Step, answers: dict) -> str:
    """"Question 2 of 5" for the five questions, "Optional question" for the goals, "Follow-up question 1 of 2" for
    the facts asked after them (their number follows the answers)."""
    if step.core:
        return _("Question %(number)d of %(total)d", number=CORE_STEPS.index(step) + 1, total=len(CORE_STEPS))
    if not step.follow_up:
        return _("Optional question")
    index, order = followups.placed(step.field, answers)
    return _("Follow-up question %(number)d of %(total)d", number=index + 1, total=len(order))


def summary_rows(answers: dict) -> list[dict]:
    """One row per question for the check page: the five and the goals, then the follow-up questions asked (or
    still worth asking) and any other follow-up answered; label, answer, change link."""
    rows = [{"field": step.field, "label": str(SHORT_LABELS[step.field]), "value": answer_text(step.field, answers),
             "change_url": step_url(step, answers, return_to="check"), "required": step.required, "skipped": False, "follow_up": False}
            for step in FIXED_STEPS]
    return rows + [{**row, "change_url": step_url(step_of(row["field"]), answers, return_to="check"), "required": False, "follow_up": True}
                   for row in followups.summary(answers)]


def follow_up_offer(answers: dict) -> dict | None:
    """For the results: how many questions skipped or still unanswered would settle a "possible" service, and the
    address of the first (skips forgotten, so that the journey asks them again); None when there are none."""
    again = {key: value for key, value in answers.items() if key != SKIPPED}
    remaining = [q["field"] for q in followups.worth_asking(again) if q["field"] not in again]
    if not remaining:
        return None
    return {"count": len(remaining), "url": step_url(step_of(remaining[0]), again)}


def error_links(errors: dict[str, str], answers: dict) -> list[tuple[str, str]]:
    """The check page's error summary: each message linking to its question."""
    return [(message, step_url(step_of(field), answers, return_to="check") + f"#{field}-field") for field, message in errors.items()]


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
