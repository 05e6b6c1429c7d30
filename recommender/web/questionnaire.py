"""The questionnaire in the browser: one question per step, check your answers, results, counsellor mode.

Answers travel in the URL and in the form, never in a cookie or a server session, so the pages also work inside a
third-party iframe. Every URL renders a full page; an htmx request gets only what it swaps (`render`). The answers are
validated by the API's own model (`Profile`) and its error classification (`problems.field_errors`).
"""

from __future__ import annotations

import datetime as dt
import gzip
import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from flask import Blueprint, Flask, Response, abort, current_app, redirect, render_template, request, url_for
from flask_babel import format_date
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from htmx_flask import Htmx
from jinja2 import StrictUndefined
from pydantic import ValidationError
from werkzeug.datastructures import MultiDict
from werkzeug.exceptions import HTTPException

from ..domain.profile import DISABILITIES, EDUCATION_LEVELS, EXECUTIVE_STATUSES, GOALS, MAX_AGE, MIN_AGE, STATUSES, Profile
from ..domain.recommendation import Recommender
from ..storage.usage import RECORDED, record_event
from . import feedback as feedback_token
from .context import context
from .i18n import current_lang
from .problems import field_errors
from .security import CONTENT_SECURITY_POLICY, public_url

bp = Blueprint("questionnaire", __name__)

# Security headers (strict CSP: no inline script or style anywhere, htmx is configured for it in base.html; framing;
# no-referrer, as the URL holds the answers) are set on every response by recommender/web/security.py. This copy of the
# common ones stays for modules that still add them themselves; security.py has the last word.
SECURITY_HEADERS = {"Content-Security-Policy": CONTENT_SECURITY_POLICY, "X-Content-Type-Options": "nosniff", "Referrer-Policy": "no-referrer"}
# Pages whose URL holds answers are kept out of shared and disk caches.
PRIVATE_PAGES = {"question", "answer", "check", "results", "counsellor", "feedback"}
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


@dataclass(frozen=True)
class Step:
    """One page of the questionnaire, asking for one profile field."""

    field: str
    core: bool = True  # one of the five questions everybody answers; the others are follow-ups
    required: bool = True

    @property
    def slug(self) -> str:
        """The step's name in the URL."""
        return self.field.replace("_", "-")

    def applies(self, answers: dict) -> bool:
        """The cadre question only makes sense for employees and job seekers."""
        return self.field != "executive" or answers.get("status") in EXECUTIVE_STATUSES


STEPS = (
    Step("age"), Step("status"), Step("region"), Step("disability"), Step("education_level"),
    Step("executive", core=False), Step("goals", core=False, required=False),
)
STEP_BY_SLUG = {step.slug: step for step in STEPS}
FIELDS = tuple(step.field for step in STEPS)
CORE_STEPS = tuple(step for step in STEPS if step.core)
BOOLEANS = {"true": True, "false": False}
MAX_ANSWER_LENGTH = 100  # longer is not an answer; cut so it cannot bloat URLs and pages

QUESTIONS = {
    "age": _l("How old are you?"),
    "status": _l("What is your situation today?"),
    "region": _l("Which region do you live in?"),
    "disability": _l("Do you have a disability or a long-term health condition?"),
    "education_level": _l("What is your highest diploma?"),
    "executive": _l("Do you have cadre status?"),
    "goals": _l("What would you like to do? (optional)"),
}
HINTS = {
    "age": _l("In years, for example 34. Pathways is for people aged %(min)d to %(max)d.", min=MIN_AGE, max=MAX_AGE),
    "status": _l("Choose the one that fits you best."),
    "region": _l("Some services are run by each region."),
    "disability": _l("Some services are reserved for or adapted to people with a disability. This answer is never stored."),
    "education_level": _l("Count the highest diploma you have obtained, in France or abroad."),
    "executive": _l("In the private sector, cadre status (for managers and professionals) is written on your payslip."),
    "goals": _l("Choose as many as you like, or none. This helps put the most useful services first."),
}
SHORT_LABELS = {
    "age": _l("Age"),
    "status": _l("Situation"),
    "region": _l("Region"),
    "disability": _l("Disability"),
    "education_level": _l("Highest diploma"),
    "executive": _l("Cadre status"),
    "goals": _l("Goals"),
}
OPTIONS = {
    "status": {
        "pupil": (_l("Pupil"), _l("At collège or lycée")),
        "student": (_l("Student"), _l("In higher education: university, BTS, school…")),
        "apprentice": (_l("Apprentice"), _l("Work-study contract: apprenticeship")),
        "employee": (_l("Employee"), _l("Working for a private employer or an association")),
        "civil_servant": (_l("Public servant"), _l("Working for the State, a local authority or a public hospital")),
        "self_employed": (_l("Self-employed"), _l("Own business, freelance, micro-entrepreneur")),
        "job_seeker": (_l("Looking for work"), None),
        "inactive": (_l("Not working and not looking for work for now"), _l("For example at home, on leave or unable to work")),
    },
    "disability": {
        "none": (_l("No"), None),
        "recognised": (_l("Yes, officially recognised"), _l("RQTH, AAH, invalidity pension or another official recognition")),
        "unrecognised": (_l("Yes, but not officially recognised"), _l("Or you are not sure")),
    },
    "education_level": {
        "none": (_l("No diploma"), _l("Or only the brevet or the CFG")),
        "level3": (_l("CAP or BEP"), None),
        "level4": (_l("Baccalauréat"), _l("General, technological or vocational")),
        "level5": (_l("Bac+2"), _l("BTS, DUT, DEUG…")),
        "level6": (_l("Bac+3 or bac+4"), _l("Licence, BUT, maîtrise…")),
        "level7": (_l("Bac+5"), _l("Master, engineering degree…")),
        "level8": (_l("Doctorate"), None),
    },
    "executive": {"true": (_l("Yes"), None), "false": (_l("No"), None)},
    "goals": {
        "find_job": (_l("Find a job"), None),
        "change_career": (_l("Change career"), None),
        "train": (_l("Train or take a course"), None),
        "validate_experience": (_l("Get a diploma for my experience"), None),
        "choose_studies": (_l("Choose what to study"), None),
        "return_to_education": (_l("Go back to school or studies"), None),
    },
}
assert tuple(OPTIONS["status"]) == STATUSES and tuple(OPTIONS["disability"]) == DISABILITIES
assert tuple(OPTIONS["education_level"]) == EDUCATION_LEVELS and tuple(OPTIONS["goals"]) == GOALS

ERROR_MESSAGES = {
    ("age", "missing"): _l("Enter your age."),
    ("age", "wrong_type"): _l("Enter your age in figures, for example 34."),
    ("age", "out_of_range"): _l("Enter an age from %(min)d to %(max)d.", min=MIN_AGE, max=MAX_AGE),
    ("status", "missing"): _l("Choose the situation that fits you best."),
    ("region", "missing"): _l("Choose the region where you live."),
    ("disability", "missing"): _l("Say whether you have a disability or a long-term health condition."),
    ("education_level", "missing"): _l("Choose your highest diploma, or “No diploma”."),
    ("executive", "missing"): _l("Say whether you have cadre status."),
}
GENERIC_ERRORS = {"missing": _l("Answer this question."), "unknown_value": _l("Choose one of the answers listed.")}


@dataclass(frozen=True)
class Option:
    """One answer a person can pick."""

    value: str
    label: str
    hint: str | None = None
    overseas: bool = False  # regions only: listed apart


# --- answers: read, convert, check --------------------------------------------------------------------------------


def read_answers(values: MultiDict) -> dict:
    """The answers in a query string or a form, as typed (trimmed); goals as a list; empty answers left out."""
    answers: dict = {}
    for field in FIELDS:
        if field == "goals":
            goals = [goal.strip()[:MAX_ANSWER_LENGTH] for goal in values.getlist("goals") if goal.strip()]
            if goals:
                answers["goals"] = goals
        elif value := values.get(field, "").strip()[:MAX_ANSWER_LENGTH]:
            answers[field] = value
    if not Step("executive").applies(answers):
        answers.pop("executive", None)
    return answers


def profile_input(answers: dict) -> dict:
    """Form text in the API's types: age as an integer when it is one, cadre status as a boolean."""
    data = dict(answers)
    if re.fullmatch(r"[0-9]{1,3}", data.get("age", "")):
        data["age"] = int(data["age"])
    if data.get("executive") in BOOLEANS:
        data["executive"] = BOOLEANS[data["executive"]]
    if "goals" in data:
        data["goals"] = tuple(data["goals"])
    return data


def check_answers(answers: dict) -> tuple[Profile | None, dict[str, str]]:
    """The profile, or a message for each missing or wrong answer (in the page's language)."""
    errors: dict[str, str] = {}
    profile = None
    try:
        profile = Profile.model_validate(profile_input(answers))
    except ValidationError as error:
        for entry in field_errors(error, current_lang()):
            field = entry["field"].split("[")[0]
            errors.setdefault(field, error_message(field, entry["code"], entry["detail"]))
    # The API may leave cadre status out; the questionnaire asks it whenever it matters.
    if "executive" not in answers and Step("executive").applies(answers):
        errors["executive"] = error_message("executive", "missing", "")
    ordered = {step.field: errors[step.field] for step in STEPS if step.field in errors}
    return (None if ordered else profile), ordered


def error_message(field: str, code: str, detail: str) -> str:
    """What to tell the person: our own words for the usual mistakes, the API's wording otherwise."""
    message = ERROR_MESSAGES.get((field, code)) or GENERIC_ERRORS.get(code)
    return str(message) if message else _("Check this answer: %(detail)s", detail=detail)


# --- navigation --------------------------------------------------------------------------------------------------


def answer_params(answers: dict, **extra) -> dict:
    """Query parameters carrying the answers and the language (and any non-empty extras)."""
    return {**answers, "lang": current_lang(), **{key: value for key, value in extra.items() if value}}


def page_url(endpoint: str, answers: dict, **extra) -> str:
    """A page of the journey, carrying the answers."""
    return url_for(endpoint, **answer_params(answers, **extra))


def step_url(step: Step, answers: dict, **extra) -> str:
    """One step's page, carrying the answers."""
    return url_for(journey("question"), slug=step.slug, **answer_params(answers, **extra))


def journey(view: str) -> str:
    """The endpoint of one of these pages where the person is: on the site, or inside a partner's widget (embed.py)."""
    return f"{context().journey}.{view}"


def partner_slug() -> str | None:
    """The partner whose widget is being used (recorded with events and feedback), or None on the site."""
    return context().partner_slug


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


def _return_to(values: MultiDict) -> str | None:
    return "check" if values.get("return_to") == "check" else None


# --- what the templates show ---------------------------------------------------------------------------------------


def recommender() -> Recommender:
    """The app's recommender, loaded once at start-up."""
    return current_app.extensions["pathways"]


def question_text(field: str, answers: dict) -> str:
    """The question as the person reads it."""
    if field == "executive" and answers.get("status") == "job_seeker":
        return _("Did you have cadre status in your last job?")
    return str(QUESTIONS[field])


def choices(field: str) -> list[Option]:
    """The answers offered for a field, in the page's language (regions sorted by name)."""
    if field == "region":
        lang = current_lang()
        regions = recommender().knowledge.catalogue.regions.values()
        return [Option(r.code, r.name(lang), overseas=r.overseas) for r in sorted(regions, key=lambda r: (r.overseas, _sort_key(r.name(lang))))]
    return [Option(value, str(label), str(hint) if hint else None) for value, (label, hint) in OPTIONS.get(field, {}).items()]


def _sort_key(name: str) -> str:
    """Alphabetical order that puts Île-de-France among the I's."""
    return name.replace("Î", "I").replace("É", "E").casefold()


def answer_text(field: str, answers: dict) -> str | None:
    """An answer as the person reads it on the check page (None when not answered)."""
    value = answers.get(field)
    if value is None:
        return None
    if field == "age":
        return _("%(age)s years old", age=value)
    if field == "goals":
        return ", ".join(_option_label(field, goal) for goal in value)
    return _option_label(field, value)


def _option_label(field: str, value: str) -> str:
    """The label of an offered answer, or the raw value when it is not one of them."""
    labels = {option.value: option.label for option in choices(field)}
    return labels.get(value, value)


def answers_line(answers: dict) -> list[str]:
    """The answers in a few words each, for the top of the results ("19 years old", "Disability: no"...)."""
    plain = ("age", "status", "region", "education_level")
    return [
        answer_text(step.field, answers) if step.field in plain else _("%(label)s: %(value)s", label=SHORT_LABELS[step.field], value=answer_text(step.field, answers))
        for step in STEPS if step.field in answers and step.applies(answers)
    ]


def long_date(iso: str) -> str:
    """A date as people write it in the page's language (20 novembre 2026, 20 November 2026)."""
    return format_date(dt.date.fromisoformat(iso), "long")


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


def language_url(lang: str) -> str:
    """This page in another language: same answers, same step."""
    endpoint, values = context().here or (None, {})
    if endpoint is None and request.method == "GET" and request.endpoint:
        endpoint, values = request.endpoint, {**(request.view_args or {}), **plain_args()}
    if endpoint is None:
        endpoint, values = journey("start"), {}
    return url_for(endpoint, **{**values, "lang": lang})


def plain_args() -> dict:
    """The query's parameters, without url_for's reserved ones (_anchor, _method, _scheme, _external...), which a
    client must not be able to pass on (they gave a 500, or a link to the attacker's host)."""
    return {key: value for key, value in request.args.to_dict(flat=False).items() if not key.startswith("_")}


def is_fragment() -> bool:
    """Whether to answer with the page's fragment: an htmx request swapping the main area (not a history restore)."""
    htmx = getattr(request, "htmx", None)
    return bool(htmx) and not htmx.history_restore_request and htmx.target == "main"


@bp.app_context_processor
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


@bp.record_once
def _set_up(state) -> None:
    """Make `request.htmx` available, and fail on any undefined template variable in tests."""
    app: Flask = state.app
    Htmx(app)
    if app.testing:
        app.jinja_env.undefined = StrictUndefined
    if not app.config["HTMX_FILE"].is_file():
        app.logger.warning("htmx not found at %s: run `npm ci`; pages work without JavaScript meanwhile", app.config["HTMX_FILE"])


def render(template: str, status: int = 200, **context) -> Response:
    """A page: in full, or only its fragment for an htmx request (base.html decides from `fragment`)."""
    response = current_app.make_response((render_template(template, **context), status))
    response.vary.add("HX-Request")
    return response


@bp.after_request
def secure(response: Response) -> Response:
    """Answer-carrying pages are not cached (security headers: recommender/web/security.py, for every response)."""
    if request.endpoint and request.endpoint.split(".")[-1] in PRIVATE_PAGES:
        response.headers["Cache-Control"] = "no-store"
    return response


# --- pages -------------------------------------------------------------------------------------------------------


@bp.get("/")
def start() -> Response:
    """What this is, in two sentences, and a start button."""
    return render("questionnaire/start.html", first_step=step_url(STEPS[0], {}))


@bp.get("/questions/<slug>")
def question(slug: str) -> Response:
    """One question, its answer (and all the others) taken from the URL."""
    step = _step(slug)
    return _step_page(step, read_answers(request.args), {}, _return_to(request.args))


@bp.post("/questions/<slug>")
def answer(slug: str) -> Response:
    """Check this step's answer: on to the next page, or the same question again with the error."""
    step = _step(slug)
    answers, return_to = read_answers(request.form), _return_to(request.form)
    _profile, errors = check_answers(answers)
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
    return _check_page(answers, errors)


@bp.get("/results")
def results() -> Response:
    """The ranked, explained recommendations; back to the check page if an answer is missing or wrong."""
    answers = read_answers(request.args)
    profile, errors = check_answers(answers)
    if profile is None:
        return _check_page(answers, errors, status=422)
    recommendation = recommender().recommend(profile, dt.date.today(), current_lang())
    thanked = request.args.get("feedback")
    if thanked is None:  # coming back after a no-JavaScript feedback is not a new visit
        record_event(profile, partner=partner_slug())
    feedback_token.offer(profile, dt.date.today(), [item["id"] for item in recommendation["recommendations"]])
    share_url = public_url(page_url(f"{bp.name}.results", answers))  # the site's page, even from a widget
    return render("questionnaire/results.html", answers=answers, recommendation=recommendation, thanked=thanked,
                  share_url=share_url, answers_line=answers_line(answers))


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
    context = {"answers": answers, "errors": shown_errors, "pending": pending, "recommendation": recommendation, "options": choices,
               "age_hint": _("In years, from %(min)d to %(max)d.", min=MIN_AGE, max=MAX_AGE)}
    if request.htmx and request.htmx.target == "counsellor-results":
        return render("questionnaire/_counsellor_results.html", oob=True, **context)
    return render("questionnaire/counsellor.html", oob=False, **context)


@bp.get("/privacy")
def privacy() -> Response:
    """What is stored, what is not, for how long."""
    return render("questionnaire/privacy.html")


@bp.get("/assets/htmx.min.js")
def htmx_script() -> Response:
    """htmx as npm installed it (package.json), gzipped when the browser accepts it."""
    path: Path = current_app.config["HTMX_FILE"]
    if not path.is_file():
        abort(404)
    zipped = "gzip" in request.headers.get("Accept-Encoding", "")
    response = Response(_script_bytes(str(path), zipped), mimetype="text/javascript")
    if zipped:
        response.headers["Content-Encoding"] = "gzip"
    response.vary.add("Accept-Encoding")
    response.cache_control.public, response.cache_control.max_age = True, 86400
    response.add_etag()
    return response.make_conditional(request)


@cache
def _script_bytes(path: str, zipped: bool) -> bytes:
    """The file's bytes, compressed once per process when asked."""
    data = Path(path).read_bytes()
    return gzip.compress(data, mtime=0) if zipped else data


def _step(slug: str) -> Step:
    if slug not in STEP_BY_SLUG:
        abort(404)
    return STEP_BY_SLUG[slug]


def _step_page(step: Step, answers: dict, errors: dict, return_to: str | None, status: int = 200) -> Response:
    return render(
        "questionnaire/step.html", status=status, step=step, answers=answers, errors=errors, return_to=return_to,
        question=question_text(step.field, answers), hint=str(HINTS[step.field]), options=choices(step.field),
        progress=progress(step, answers), back_url=back_url(step, answers, return_to),
    )


def _check_page(answers: dict, errors: dict, status: int = 200) -> Response:
    return render("questionnaire/check.html", status=status, answers=answers, errors=errors, rows=summary_rows(answers),
                  error_links=error_links(errors, answers))


# --- error pages (registered by the factory for every path outside the API) --------------------------------------

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
    return secure(render("errors/error.html", status=code, code=code, title=str(title), message=str(message), back=None))


def server_error_page(error: Exception) -> Response:
    """An unexpected failure on a web page: logged in full, answered with a plain apology."""
    current_app.logger.exception("unexpected error on %s", request.path)
    title, message = ERROR_TEXTS[500]
    return secure(render("errors/error.html", status=500, code=500, title=str(title), message=str(message), back=None))
