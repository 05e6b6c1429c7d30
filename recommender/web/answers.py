"""The answers a person gave: read from a URL or a form, converted to the API's types, checked, and put in words."""

from __future__ import annotations

import re

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from pydantic import ValidationError
from werkzeug.datastructures import MultiDict

from ..domain.profile import MAX_AGE, MIN_AGE, Profile
from .i18n import current_lang
from .problems import field_errors
from .questions import FIELDS, SHORT_LABELS, STEPS, Step, option_label

BOOLEANS = {"true": True, "false": False}
MAX_ANSWER_LENGTH = 100  # longer is not an answer; cut so it cannot bloat URLs and pages
EXECUTIVE = Step("executive")

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
    if not EXECUTIVE.applies(answers):
        answers.pop("executive", None)
    return answers


def read_return_to(values: MultiDict) -> str | None:
    """Where a step goes once answered: back to the check page, or on (None)."""
    return "check" if values.get("return_to") == "check" else None


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
    if "executive" not in answers and EXECUTIVE.applies(answers):
        errors["executive"] = error_message("executive", "missing", "")
    ordered = {step.field: errors[step.field] for step in STEPS if step.field in errors}
    return (None if ordered else profile), ordered


def error_message(field: str, code: str, detail: str) -> str:
    """What to tell the person: our own words for the usual mistakes, the API's wording otherwise."""
    message = ERROR_MESSAGES.get((field, code)) or GENERIC_ERRORS.get(code)
    return str(message) if message else _("Check this answer: %(detail)s", detail=detail)


def answer_text(field: str, answers: dict) -> str | None:
    """An answer as the person reads it on the check page (None when not answered)."""
    value = answers.get(field)
    if value is None:
        return None
    if field == "age":
        return _("%(age)s years old", age=value)
    if field == "goals":
        return ", ".join(option_label(field, goal) for goal in value)
    return option_label(field, value)


def answers_line(answers: dict) -> list[str]:
    """The answers in a few words each, for the top of the results ("19 years old", "Disability: no"...)."""
    plain = ("age", "status", "region", "education_level")
    return [
        answer_text(step.field, answers) if step.field in plain else _("%(label)s: %(value)s", label=SHORT_LABELS[step.field], value=answer_text(step.field, answers))
        for step in STEPS if step.field in answers and step.applies(answers)
    ]
