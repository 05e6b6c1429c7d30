"""The follow-up questions in the pages: which facts to ask next, derived from the rules at every step, and in what
order the journey asks them (for its progress line and its back links).

After the five questions (and the goals), a person is asked, one per page, the unanswered facts that the rules say
would settle at least one of their "possible" services (`Recommender.follow_up_questions`, the list the API gives),
most decisive first, recomputed after each answer; a fact they preferred not to give travels in the URL as
`skipped=<field>` and is not asked again. Nothing here is a list kept by hand.
"""

from __future__ import annotations

import datetime as dt

from flask_babel import gettext as _

from ..domain.profile import CHOICES, SENSITIVE_FIELDS, applies
from .answers import SKIPPED, answer_text, check_answers
from .i18n import current_lang
from .questions import FOLLOW_UP_FIELDS, SHORT_LABELS, choices, recommender


def worth_asking(answers: dict) -> list[dict]:
    """The follow-up questions that would settle a "possible" service for these answers, most decisive first, without
    the ones skipped (each as the API gives it: field, question, values, services...); none while an answer of the
    five is missing or wrong."""
    profile, errors = check_answers(answers)
    if profile is None:
        return []
    skipped = set(answers.get(SKIPPED, ()))
    return [q for q in recommender().follow_up_questions(profile, dt.date.today(), current_lang()) if q["field"] not in skipped]


def next_follow_up(answers: dict) -> str | None:
    """The field of the next follow-up question to ask, or None when no answer would change anything any more."""
    remaining = [q["field"] for q in worth_asking(answers) if q["field"] not in answers]
    return remaining[0] if remaining else None


def sequence(answers: dict) -> list[str]:
    """The follow-up questions of this journey in the order they were asked and will be: replayed from the answers
    given before them, each question asked taking the person's answer (or their skip), then the ones still to ask."""
    partial = {field: value for field, value in answers.items() if field not in FOLLOW_UP_FIELDS and field != SKIPPED}
    asked: list[str] = []
    while pending := [q["field"] for q in worth_asking(partial) if q["field"] not in asked]:
        asked.append(pending[0])
        if pending[0] in answers:
            partial[pending[0]] = answers[pending[0]]
        elif pending[0] not in answers.get(SKIPPED, ()):
            return asked + pending[1:]  # the next question: what follows it depends on its answer
    return asked


def placed(field: str, answers: dict) -> tuple[int, list[str]]:
    """Where a follow-up question stands in its journey: its index, and the whole sequence (with it)."""
    order = sequence(answers)
    if field not in order:  # reached by a link: it comes after those already answered or skipped
        given = [f for f in order if f in answers or f in answers.get(SKIPPED, ())]
        order = given + [field] + [f for f in order if f not in given]
    return order.index(field), order


def settled_by(field: str, answers: dict) -> list[str]:
    """The ids of the services that an answer to `field` would settle for this person (its answer set aside)."""
    others = {key: value for key, value in answers.items() if key != field}
    others[SKIPPED] = [f for f in answers.get(SKIPPED, ()) if f != field]
    return next((q["services"] for q in worth_asking(others) if q["field"] == field), [])


def hint(field: str, answers: dict) -> str:
    """Why the question is asked (the services it settles, by name), that it may be skipped, and for a sensitive
    fact that the answer is never kept."""
    catalogue, lang = recommender().knowledge.catalogue, current_lang()
    names = [catalogue.services[sid].name(lang) for sid in settled_by(field, answers) if sid in catalogue.services]
    parts = [_("Your answer tells whether these services are open to you: %(services)s.", services=", ".join(names))] if names else []
    parts.append(_("If you prefer not to say, these services stay “to confirm”."))
    if field in SENSITIVE_FIELDS:
        parts.append(_("This answer is never stored."))
    return " ".join(parts)


def summary(answers: dict) -> list[dict]:
    """The check page's follow-up rows: the questions asked (or to ask) and any other follow-up answer given, each
    with what was answered, "preferred not to say", or nothing yet."""
    shown = sequence(answers)
    shown += [f for f in FOLLOW_UP_FIELDS if f not in shown and (f in answers or f in answers.get(SKIPPED, ()))]
    return [{"field": field, "label": str(SHORT_LABELS[field]), "value": answer_text(field, answers),
             "skipped": field in answers.get(SKIPPED, ())} for field in shown if applies(field, answers)]


def offered(answers: dict) -> list[dict]:
    """For the counsellor's form: the follow-up questions to show, the ones worth asking and the ones answered (in
    the order of the journey), each with its offered answers."""
    fields = sequence({key: value for key, value in answers.items() if key != SKIPPED})
    fields += [f for f in FOLLOW_UP_FIELDS if f in answers and f not in fields]
    return [{"field": field, "options": choices(field), "multiple": field in CHOICES} for field in fields if applies(field, answers)]

