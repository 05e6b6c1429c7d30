"""What the questionnaire asks: its steps, the answers it offers, and the words of each question."""

from __future__ import annotations

from dataclasses import dataclass

from flask import current_app
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from ..domain.facts import QUESTIONS as FACT_QUESTIONS
from ..domain.profile import CHOICES, DISABILITIES, EDUCATION_LEVELS, GOALS, MAX_AGE, MIN_AGE, OPTIONAL_FIELDS, STATUSES, applies
from ..domain.recommendation import Recommender
from .i18n import current_lang


@dataclass(frozen=True)
class Step:
    """One page of the questionnaire, asking for one profile field."""

    field: str
    core: bool = True  # one of the five questions everybody answers
    required: bool = True
    follow_up: bool = False  # an optional fact, asked only when the rules say it settles a service (followups.py)

    @property
    def slug(self) -> str:
        """The step's name in the URL."""
        return self.field.replace("_", "-")

    @property
    def multiple(self) -> bool:
        """Whether several answers may be chosen (checkboxes)."""
        return self.field == "goals" or self.field in CHOICES

    def applies(self, answers: dict) -> bool:
        """Whether the question means something for these answers (a contract only for employees: APPLIES_WHEN)."""
        return not self.follow_up or applies(self.field, answers)


# The five questions, the goals (optional, for the order of the services: no rule reads them), then every optional
# fact; which facts are asked, and in which order, is derived from the rules at each step (followups.py).
STEPS = (
    Step("age"), Step("status"), Step("region"), Step("disability"), Step("education_level"),
    Step("goals", core=False, required=False),
    *(Step(field, core=False, required=False, follow_up=True) for field in OPTIONAL_FIELDS),
)
STEP_BY_SLUG = {step.slug: step for step in STEPS}
FIELDS = tuple(step.field for step in STEPS)
CORE_STEPS = tuple(step for step in STEPS if step.core)
FIXED_STEPS = tuple(step for step in STEPS if not step.follow_up)  # asked of everybody, in this order
FOLLOW_UP_FIELDS = tuple(step.field for step in STEPS if step.follow_up)
BOOLEAN_FIELDS = tuple(field for field in OPTIONAL_FIELDS if FACT_QUESTIONS[field].labels.keys() == {True, False})

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
    "retired": _l("Retirement"),
    "nationality": _l("Nationality"),
    "recognition": _l("Recognition of the disability"),
    "benefits": _l("Benefits received"),
    "contract": _l("Employment contract"),
    "seniority": _l("Time worked as an employee"),
    "long_term_unemployed": _l("Out of work for 12 months or more"),
    "international_protection": _l("International protection"),
    "goal_apprenticeship": _l("Looking for an apprenticeship"),
    "goal_business": _l("Starting or taking over a business"),
}
assert set(SHORT_LABELS) == set(FIELDS)
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


@dataclass(frozen=True)
class Option:
    """One answer a person can pick."""

    value: str
    label: str
    hint: str | None = None
    overseas: bool = False  # regions only: listed apart


def recommender() -> Recommender:
    """The app's recommender, loaded once at start-up (its catalogue names the regions)."""
    return current_app.extensions["pathways"]


def question_text(field: str, answers: dict) -> str:
    """The question as the person reads it (a follow-up fact's: the domain's, facts.py, but the cadre question's)."""
    if field == "executive" and answers.get("status") == "job_seeker":
        return _("Did you have cadre status in your last job?")
    if field in QUESTIONS:
        return str(QUESTIONS[field])
    return _(FACT_QUESTIONS[field].text)


def choices(field: str) -> list[Option]:
    """The answers offered for a field, in the page's language (regions sorted by name)."""
    if field == "region":
        lang = current_lang()
        regions = recommender().knowledge.catalogue.regions.values()
        return [Option(r.code, r.name(lang), overseas=r.overseas) for r in sorted(regions, key=lambda r: (r.overseas, _sort_key(r.name(lang))))]
    if field not in FACT_QUESTIONS or field in OPTIONS:
        return [Option(value, str(label), str(hint) if hint else None) for value, (label, hint) in OPTIONS.get(field, {}).items()]
    offered = [Option(form_value(value), _(label)) for value, label in FACT_QUESTIONS[field].labels.items()]
    return offered + [Option(NONE_OF_THESE, _("None of these"))] if field in CHOICES else offered


NONE_OF_THESE = "none"  # a several-choice fact's answer "none of them" (the API's empty list)


def form_value(value: object) -> str:
    """An answer as a form sends it: true/false for yes and no."""
    return str(value).lower() if isinstance(value, bool) else str(value)


def _sort_key(name: str) -> str:
    """Alphabetical order that puts Île-de-France among the I's."""
    return name.replace("Î", "I").replace("É", "E").casefold()


def option_label(field: str, value: str) -> str:
    """The label of an offered answer, or the raw value when it is not one of them."""
    labels = {option.value: option.label for option in choices(field)}
    return labels.get(value, value)
