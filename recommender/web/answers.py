"""The answers a person gave: read from a URL or a form, converted to the API's types, checked, and put in words."""

from __future__ import annotations

import re

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from pydantic import ValidationError
from werkzeug.datastructures import MultiDict

from ..domain.profile import MAX_AGE, MIN_AGE, OPTIONAL_FIELDS, Profile
from .i18n import current_lang
from .problems import field_errors
from .questions import BOOLEAN_FIELDS, FIELDS, NONE_OF_THESE, SHORT_LABELS, STEP_BY_SLUG, STEPS, choices, option_label

BOOLEANS = {"true": True, "false": False}
MAX_ANSWER_LENGTH = 100  # longer is not an answer; cut so it cannot bloat URLs and pages
MAX_CHOICES = 20  # more answers to one question than any question offers are not answers
SKIPPED = "skipped"  # the follow-up facts a person preferred not to give (repeated), carried like the answers
LISTS = tuple(step.field for step in STEPS if step.multiple)

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
    """The answers in a query string or a form, as typed (trimmed); several-choice answers as lists; empty answers
    left out, and so are the follow-up answers that mean nothing for the others (a contract for a job seeker, as the
    API drops them). The facts skipped come last, as a list of field names (`skipped`)."""
    answers: dict = {}
    for field in FIELDS:
        if field in LISTS:
            chosen = [value.strip()[:MAX_ANSWER_LENGTH] for value in values.getlist(field)[:MAX_CHOICES] if value.strip()]
            if chosen:
                answers[field] = list(dict.fromkeys(chosen))
        elif value := values.get(field, "").strip()[:MAX_ANSWER_LENGTH]:
            answers[field] = value
    for field in [f for f in answers if f in OPTIONAL_FIELDS and not STEP_BY_SLUG[f.replace("_", "-")].applies(answers)]:
        del answers[field]
    skipped = [field for field in OPTIONAL_FIELDS if field in values.getlist(SKIPPED) and field not in answers]
    if skipped := [field for field in skipped if STEP_BY_SLUG[field.replace("_", "-")].applies(answers)]:
        answers[SKIPPED] = skipped
    return answers


def read_return_to(values: MultiDict) -> str | None:
    """Where a step goes once answered: back to the check page, or on (None)."""
    return "check" if values.get("return_to") == "check" else None


def profile_input(answers: dict) -> dict:
    """Form text in the API's types: age as an integer when it is one, yes and no as booleans, lists as tuples
    ("none of these" as the empty list); the skipped facts are no part of the profile."""
    data = {field: value for field, value in answers.items() if field != SKIPPED}
    if re.fullmatch(r"[0-9]{1,3}", data.get("age", "")):
        data["age"] = int(data["age"])
    for field in BOOLEAN_FIELDS:
        if data.get(field) in BOOLEANS:
            data[field] = BOOLEANS[data[field]]
    for field in LISTS:
        if field in data:
            data[field] = () if data[field] == [NONE_OF_THESE] and field != "goals" else tuple(data[field])
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
    for field in LISTS:
        if NONE_OF_THESE in answers.get(field, ()) and len(answers[field]) > 1 and field != "goals":
            errors[field] = _("%(field)s: “None of these” cannot be chosen with another answer.", field=SHORT_LABELS[field])
    ordered = {step.field: errors[step.field] for step in STEPS if step.field in errors}
    return (None if ordered else profile), ordered


def error_message(field: str, code: str, detail: str) -> str:
    """What to tell the person: our own words for the usual mistakes, the API's wording otherwise; for a follow-up
    fact, the question named with the answers it allows."""
    if field in OPTIONAL_FIELDS:
        return not_an_answer(field)
    message = ERROR_MESSAGES.get((field, code)) or GENERIC_ERRORS.get(code)
    return str(message) if message else _("Check this answer: %(detail)s", detail=detail)


def not_an_answer(field: str) -> str:
    """A follow-up answer that is not one of those offered: which question, and what it allows."""
    allowed = ", ".join(_("“%(answer)s”", answer=option.label) for option in choices(field))
    return _("%(field)s: this is not one of the answers offered. Choose one of these: %(allowed)s, or “I’d rather not say”.",
             field=SHORT_LABELS[field], allowed=allowed)


def answer_text(field: str, answers: dict) -> str | None:
    """An answer as the person reads it on the check page (None when not answered)."""
    value = answers.get(field)
    if value is None:
        return None
    if field == "age":
        return _("%(age)s years old", age=value)
    if field in LISTS:
        return ", ".join(option_label(field, chosen) for chosen in value)
    return option_label(field, value)


def answers_line(answers: dict) -> list[str]:
    """The answers in a few words each, for the top of the results ("19 years old", "Disability: no"...)."""
    plain = ("age", "status", "region", "education_level")
    return [
        answer_text(step.field, answers) if step.field in plain else _("%(label)s: %(value)s", label=SHORT_LABELS[step.field], value=answer_text(step.field, answers))
        for step in STEPS if step.field in answers and step.applies(answers)
    ]
