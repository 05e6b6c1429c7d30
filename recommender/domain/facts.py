"""The follow-up questions: for each optional fact of the profile, the question a person reads and a label for each
answer (English source texts, translated with the pages' catalogues: i18n.translate)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from .i18n import N_, translate
from .profile import CHOICES, FIELD_VALUES, OPTIONAL_FIELDS


@dataclass(frozen=True)
class Question:
    """What is asked for one fact, and how each of its answers reads."""

    text: str
    labels: dict[Any, str]  # answer (or choice, for a several-choice fact) -> label

    def rendered(self, field: str, lang: str) -> dict[str, Any]:
        """The question as plain data in `lang`: field, question, whether several answers may be chosen, and the
        allowed values with their labels (for a several-choice fact, the choices; the answer is the list chosen)."""
        return {
            "field": field,
            "question": translate(lang, self.text),
            "multiple": field in CHOICES,
            "values": [{"value": value, "label": translate(lang, label)} for value, label in self.labels.items()],
        }


YES_NO = {True: N_("Yes"), False: N_("No")}
QUESTIONS: dict[str, Question] = {
    "executive": Question(N_("Are you a cadre (executive or manager status)?"), YES_NO),
    "retired": Question(N_("Have you taken your retirement pension?"),
                        {True: N_("Yes, I am retired"), False: N_("No, I am not retired")}),
    "nationality": Question(N_("What is your nationality?"), {
        "french": N_("French"),
        "eu": N_("Another country of the European Union or the European Economic Area, or Switzerland"),
        "other": N_("Another country"),
    }),
    "recognition": Question(N_("Which official recognitions of your disability do you have?"), {
        "rqth": N_("Recognition as a disabled worker (RQTH)"),
        "aah": N_("Disability allowance for adults (AAH)"),
        "invalidity_pension": N_("Invalidity pension"),
        "other": N_("Another recognition (disability card, work accident pension...)"),
    }),
    "benefits": Question(N_("Do you receive any of these benefits?"), {
        "rsa": N_("Active solidarity income (RSA)"),
        "aah": N_("Disability allowance for adults (AAH)"),
        "ass": N_("Specific solidarity allowance (ASS)"),
    }),
    "contract": Question(N_("What is your employment contract?"), {
        "cdi": N_("Permanent contract (CDI)"),
        "cdd": N_("Fixed-term contract (CDD)"),
        "interim": N_("Temporary agency work (intérim)"),
    }),
    "seniority": Question(N_("How long have you worked as an employee, in all?"), {
        "under_24_months": N_("Less than 24 months"),
        "24_months": N_("24 months or more, but less than 12 months with my current employer"),
        "24_months_12_with_employer": N_("24 months or more, including 12 months with my current employer"),
    }),
    "long_term_unemployed": Question(N_("Have you been out of work for 12 months or more?"), YES_NO),
    "international_protection": Question(N_("Have you been granted refugee status or subsidiary protection in France?"), YES_NO),
    "goal_apprenticeship": Question(N_("Are you looking for an apprenticeship?"), YES_NO),
    "goal_business": Question(N_("Do you want to start or take over a business?"), YES_NO),
}


def question_problems() -> list[str]:
    """What is missing or extra among the questions, against the profile's optional facts and their values."""
    problems = [f"no follow-up question for the fact '{name}'" for name in OPTIONAL_FIELDS if name not in QUESTIONS]
    for name, question in QUESTIONS.items():
        expected = set(CHOICES.get(name, FIELD_VALUES.get(name, ())))
        if set(question.labels) != expected:
            problems.append(f"the question on '{name}' labels {sorted(map(str, question.labels))}, its values are {sorted(map(str, expected))}")
    return problems
