"""The questionnaire's pages (the `questionnaire` blueprint): one question per step, check, results, counsellor mode.

Answers travel in the URL and in the form, never in a cookie or a server session, so the pages also work inside a
third-party iframe (embed.py registers this blueprint a second time, as `embed.questionnaire`). What is asked lives in
questions.py, how answers are read and checked in answers.py, where each page leads in navigation.py, and how a page
is answered (full or fragment) in pages.py.
"""

from __future__ import annotations

import datetime as dt

from flask import Blueprint, Response, abort, redirect, request
from flask_babel import gettext as _

from ..domain.profile import APPLIES_WHEN, MAX_AGE, MIN_AGE
from ..storage.usage import RECORDED, record_event
from . import assets, followups, pages
from . import feedback as feedback_token
from .answers import MAX_ANSWER_LENGTH, SKIPPED, answers_line, check_answers, read_answers, read_return_to
from .context import context
from .grouping import Layout, layout
from .i18n import current_lang
from .navigation import back_url, error_links, follow_up_offer, journey, next_url, page_url, partner_slug, progress, step_url, summary_rows
from .pages import render
from .plausibility import unusual
from .questions import HINTS, SHORT_LABELS, STEP_BY_SLUG, STEPS, Option, Step, choices, option_label, question_text, recommender
from .security import public_url

bp = Blueprint("questionnaire", __name__)
bp.after_request(pages.no_store)
bp.add_url_rule("/assets/htmx.min.js", view_func=assets.htmx_script)  # endpoint questionnaire.htmx_script


@bp.record_once
def _set_up(state) -> None:
    """Once per app: htmx on requests, the template helpers (pages.py)."""
    pages.set_up(state.app)


@bp.get("/")
def start() -> Response:
    """What this is, in two sentences, and a start button."""
    return render("questionnaire/start.html", first_step=step_url(STEPS[0], {}))


@bp.get("/questions/<slug>")
def question(slug: str) -> Response:
    """One question, its answer (and all the others) taken from the URL."""
    step, answers = _step(slug), read_answers(request.args)
    if not step.applies(answers):
        return not_applicable(step, answers)
    return _step_page(step, answers, {}, read_return_to(request.args))


@bp.post("/questions/<slug>")
def answer(slug: str) -> Response:
    """Check this step's answer: on to the next page, or the same question again with the error. A follow-up
    question's "I'd rather not say" button sends `skipped=<field>`: the fact stays unanswered and is not asked again."""
    step = _step(slug)
    answers, return_to = read_answers(request.form), read_return_to(request.form)
    if not step.applies(answers):
        return not_applicable(step, answers)
    if step.follow_up and request.form.get("skip") == step.field:
        answers = {**{k: v for k, v in answers.items() if k not in (step.field, SKIPPED)},
                   SKIPPED: [*(f for f in answers.get(SKIPPED, ()) if f != step.field), step.field]}
        return redirect(next_url(step, answers, return_to), 303)
    _profile, errors = check_answers(answers)
    if step.follow_up and step.field not in answers:
        errors[step.field] = _("Choose an answer, or “I’d rather not say”.")
    if step.field in errors:
        context().here = (journey("question"), {"slug": step.slug, **answers, **({"return_to": return_to} if return_to else {})})
        response = _step_page(step, answers, {step.field: errors[step.field]}, return_to, status=422)
        response.headers["HX-Push-Url"] = "false"  # the address stays the step's; nothing typed is lost
        return response
    return redirect(next_url(step, answers, return_to), 303)


@bp.get("/check")
def check() -> Response:
    """Check your answers: one line per answer with a change link."""
    answers = read_answers(request.args)
    _profile, errors = check_answers(answers)
    return check_page(answers, errors)


@bp.get("/results")
def results() -> Response:
    """The ranked, explained recommendations; back to the check page if an answer is missing or wrong."""
    answers = read_answers(request.args)
    profile, errors = check_answers(answers)
    if profile is None:
        return check_page(answers, errors, status=422)
    recommendation = recommender().recommend(profile, dt.date.today(), current_lang())
    thanked = request.args.get("feedback")
    if thanked is None:  # coming back after a no-JavaScript feedback is not a new visit
        record_event(profile, partner=partner_slug())
    feedback_token.offer(profile, dt.date.today(), [item["id"] for item in recommendation["recommendations"]])
    share_url = public_url(page_url(f"{bp.name}.results", answers))  # the site's page, even from a widget
    return render("questionnaire/results.html", answers=answers, recommendation=recommendation, thanked=thanked,
                  share_url=share_url, answers_line=answers_line(answers), layout=results_layout(recommendation),
                  follow_up_offer=follow_up_offer(answers))


@bp.post("/feedback")
def feedback() -> Response:
    """Was this useful? Recorded anonymously (service, yes/no, coarse buckets); thanks either way."""
    answers = read_answers(request.form)
    profile, errors = check_answers(answers)
    service_id = request.form.get("service_id", "")[:MAX_ANSWER_LENGTH]
    useful = {"yes": True, "no": False}.get(request.form.get("useful", ""))
    if profile is None or useful is None or service_id not in recommender().knowledge.catalogue.services:
        return _feedback_refused(answers, service_id, errors, useful)
    try:
        outcome = feedback_token.take(profile, service_id, useful, request.form.get("token", ""), partner=partner_slug())
    except feedback_token.BadToken:
        outcome = feedback_token.BAD_TOKEN
    if outcome != RECORDED:  # said as it is: a "thank you" only for what was kept
        return _feedback_refused(answers, service_id, errors, useful, feedback_token.page_reason(outcome), 503 if outcome == "not_recorded" else 422)
    if request.htmx:
        return render("questionnaire/_feedback.html", service_id=service_id, thanked=True, answers=answers, name="", problem=None)
    return redirect(page_url(".results", answers, feedback=service_id) + f"#feedback-{service_id}", 303)


def _feedback_refused(answers: dict, service_id: str, errors: dict, useful: bool | None, reason: str | None = None, status: int = 422) -> Response:
    """A feedback we cannot take or could not record: say exactly why."""
    if reason:
        pass
    elif errors:
        reason = _("The answers sent with it are incomplete or wrong: %(fields)s.", fields=", ".join(str(SHORT_LABELS[f]) for f in errors))
    elif useful is None:
        reason = _("Say “Yes” or “No”.")
    else:
        reason = _("There is no service “%(service)s”.", service=service_id)
    if request.htmx:
        return render("questionnaire/_feedback.html", status=status, service_id=service_id, thanked=False, answers=answers, name="", problem=reason)
    return render("errors/error.html", status=status, code=status, title=_("We could not record your opinion"), message=reason,
                  back=page_url(".results", answers) if not errors else None)


@bp.get("/counsellor")
def counsellor() -> Response:
    """All the questions on one page, the results beside them, updated as answers change."""
    answers = read_answers(request.args)
    profile, errors = check_answers(answers)
    pending = [str(SHORT_LABELS[f]) for f in errors if f not in answers]
    shown_errors = {f: m for f, m in errors.items() if f in answers}
    recommendation = recommender().recommend(profile, dt.date.today(), current_lang()) if profile else None
    values = {"answers": answers, "errors": shown_errors, "pending": pending, "recommendation": recommendation, "options": choices,
              "age_hint": _("In years, from %(min)d to %(max)d.", min=MIN_AGE, max=MAX_AGE), "notes": unusual(answers),
              "layout": results_layout(recommendation) if recommendation else None, "follow_ups": followups.offered(answers),
              "question_text": question_text, "not_answered": Option("", _("Not answered"))}
    if request.htmx and request.htmx.target == "counsellor-results":
        return render("questionnaire/_counsellor_results.html", oob=True, **values)
    return render("questionnaire/counsellor.html", oob=False, **values)


@bp.get("/privacy")
def privacy() -> Response:
    """What is stored, what is not, for how long."""
    return render("questionnaire/privacy.html")


def results_layout(recommendation: dict) -> Layout:
    """The recommendations as the page shows them: the first ones, then the others grouped (grouping.py)."""
    return layout(recommendation["recommendations"], recommender().knowledge.catalogue)


def _step(slug: str) -> Step:
    """The step a URL names; 404 for any other name."""
    if slug not in STEP_BY_SLUG:
        abort(404)
    return STEP_BY_SLUG[slug]


def _step_page(step: Step, answers: dict, errors: dict, return_to: str | None, status: int = 200) -> Response:
    """One question's page, with its answer so far and any error."""
    hint = " ".join(([str(HINTS[step.field])] if step.field in HINTS else []) + ([followups.hint(step.field, answers)] if step.follow_up else []))
    carried = {**answers, SKIPPED: [f for f in answers.get(SKIPPED, ()) if f != step.field]}
    return render(
        "questionnaire/step.html", status=status, step=step, answers=answers, errors=errors, return_to=return_to,
        question=question_text(step.field, answers), hint=hint, options=choices(step.field), carried=carried,
        progress=progress(step, answers), back_url=back_url(step, answers, return_to),
    )


def not_applicable(step: Step, answers: dict) -> Response:
    """A follow-up question asked of someone it means nothing for (a contract for a job seeker): say which answer
    it depends on, and lead back to the check page with every answer kept."""
    other, values = APPLIES_WHEN[step.field]
    message = _("The question “%(question)s” is only asked when the answer to “%(field)s” is %(values)s.", question=SHORT_LABELS[step.field],
                field=SHORT_LABELS[other], values=", ".join(_("“%(answer)s”", answer=option_label(other, value)) for value in values))
    return render("errors/error.html", status=422, code=422, title=_("This question does not apply to your answers"), message=message,
                  back=page_url(".check", answers), back_label=_("Back to your answers"))


def check_page(answers: dict, errors: dict, status: int = 200) -> Response:
    """The check page: every answer, with the errors linked to their questions."""
    return render("questionnaire/check.html", status=status, answers=answers, errors=errors, rows=summary_rows(answers),
                  error_links=error_links(errors, answers))


from . import keep, reports, trust  # noqa: E402,F401 - their pages join this blueprint (print, error reports, legal)
