"""Answers that fit together only rarely (a pupil of 45, a doctorate at 19): counsellor mode says so, as a typing
mistake is more likely than such a person, and the results take the answers as given."""

from __future__ import annotations

from flask_babel import gettext as _

from .answers import answer_text

# Situations that are unusual from some age on (apprentices: contracts are signed before 30, except with a recognised
# disability, which lifts the limit), and the age under which each diploma is unusual.
UNUSUAL_FROM_AGE = {"pupil": 21, "apprentice": 30}
DIPLOMA_NOT_BEFORE = {"level4": 16, "level5": 18, "level6": 19, "level7": 21, "level8": 24}
WORKING = ("employee", "civil_servant", "self_employed", "job_seeker")
SCHOOL_UNTIL = 16  # school is compulsory until 16: work or a job search before is unusual


def unusual(answers: dict) -> list[str]:
    """A note for each unusual combination of the answers (none when the age is missing or not a number)."""
    age_text = answers.get("age", "")
    if not age_text.isdigit():
        return []
    age, status, level = int(age_text), answers.get("status"), answers.get("education_level")
    notes = []
    limit = UNUSUAL_FROM_AGE.get(status)
    if (limit and age >= limit and not (status == "apprentice" and answers.get("disability") == "recognised")) or (status in WORKING and age < SCHOOL_UNTIL):
        notes.append(_("“%(situation)s” at %(age)d: an unusual combination. Check the age and the situation; the results take them as given.",
                       situation=answer_text("status", answers), age=age))
    if level in DIPLOMA_NOT_BEFORE and age < DIPLOMA_NOT_BEFORE[level]:
        notes.append(_("“%(diploma)s” at %(age)d: an unusual combination. Check the age and the highest diploma; the results take them as given.",
                       diploma=answer_text("education_level", answers), age=age))
    return notes
