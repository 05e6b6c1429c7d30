"""Encode profiles and services as named binary features, the same way for training and ranking."""

from __future__ import annotations

from .catalogue import Service
from .i18n import N_
from .profile import EXECUTIVE_STATUSES, Profile

AGE_BANDS = ((14, 15), (16, 17), (18, 25), (26, 29), (30, 44), (45, 54), (55, 99))
OVERSEAS = frozenset({"01", "02", "03", "04", "06"})


# Features that name much the same people: a ranking reason names one of them, never both ("people looking for work
# and people who want to find a job").
SAME_PEOPLE = (
    frozenset({"status:job_seeker", "goal:find_job"}),
    frozenset({"public:young", "age:16-17", "age:18-25"}),
    frozenset({"public:minors", "age:14-15", "age:16-17"}),
    frozenset({"public:low_qualified", "education:none", "education:level3"}),
    frozenset({"public:graduates", "education:level6", "education:level7", "education:level8"}),
    frozenset({"status:pupil", "status:student", "goal:choose_studies"}),
    frozenset({"status:student", "goal:return_to_education"}),
    frozenset({"status:employee", "status:civil_servant", "executive:yes"}),
)


def same_people(first: str, second: str) -> bool:
    """Whether two features name much the same people (SAME_PEOPLE)."""
    return any(first in group and second in group for group in SAME_PEOPLE)


def age_band(age: int) -> str:
    """The band an age falls in, e.g. '18-25'."""
    return next(f"{low}-{high}" for low, high in AGE_BANDS if low <= age <= high)


def profile_features(profile: Profile) -> list[str]:
    """The names of the features a profile has (all binary)."""
    features = [
        "age:" + age_band(profile.age),
        "status:" + profile.status,
        "region:" + ("overseas" if profile.region in OVERSEAS else "mainland"),
        "disability:" + profile.disability,
        "education:" + profile.education_level,
    ]
    if profile.status in EXECUTIVE_STATUSES:
        features.append("executive:" + {True: "yes", False: "no", None: "unknown"}[profile.executive])
    features += _audiences(profile)
    features += ["goal:" + goal for goal in profile.goals] or ["goal:none"]
    return features


def _audiences(profile: Profile) -> list[str]:
    """The catalogue's public groups the person belongs to, as services describe their audience."""
    groups = []
    if profile.age < 18:
        groups.append("public:minors")
    if 16 <= profile.age <= 25:
        groups.append("public:young")
    if profile.education_level in ("none", "level3"):
        groups.append("public:low_qualified")
    if profile.age <= 30 and profile.education_level in ("level6", "level7", "level8"):
        groups.append("public:graduates")
    return groups


def all_profile_features() -> list[str]:
    """Every profile feature name, in a fixed order (the columns of the model)."""
    from .profile import DISABILITIES, EDUCATION_LEVELS, GOALS, STATUSES

    return (
        ["bias"]
        + [f"age:{low}-{high}" for low, high in AGE_BANDS]
        + [f"status:{s}" for s in STATUSES]
        + ["region:mainland", "region:overseas"]
        + [f"disability:{d}" for d in DISABILITIES]
        + [f"education:{e}" for e in EDUCATION_LEVELS]
        + ["executive:yes", "executive:no", "executive:unknown"]
        + [f"goal:{g}" for g in GOALS] + ["goal:none"]
        + ["public:minors", "public:young", "public:low_qualified", "public:graduates"]
    )


def service_features(service: Service) -> list[str]:
    """A service's audience as feature names, plus its identity."""
    audience = service.audience
    return (
        [f"public:{p}" for p in audience.publics]
        + [f"theme:{t}" for t in audience.themes]
        + [f"help:{h}" for h in audience.help]
        + [f"service:{service.id}"]
    )


# How a ranking reason names the people a profile feature describes ("recommended first for ...").
# English source texts, translated by the catalogues (domain/i18n.py). Features that describe nobody in particular (mainland, no disability, no goal) never explain a rank.
AUDIENCE_PHRASES: dict[str, str] = {
    "age:14-15": N_("14 and 15 year olds"),
    "age:16-17": N_("16 and 17 year olds"),
    "age:18-25": N_("people aged 18 to 25"),
    "age:26-29": N_("people aged 26 to 29"),
    "age:30-44": N_("people aged 30 to 44"),
    "age:45-54": N_("people aged 45 to 54"),
    "age:55-99": N_("people aged 55 and over"),
    "status:pupil": N_("secondary school pupils"),
    "status:student": N_("students"),
    "status:apprentice": N_("apprentices and work-study trainees"),
    "status:employee": N_("employees"),
    "status:civil_servant": N_("public servants"),
    "status:self_employed": N_("self-employed people"),
    "status:job_seeker": N_("people looking for work"),
    "status:inactive": N_("people neither in work nor in training"),
    "region:overseas": N_("people living overseas"),
    "disability:recognised": N_("people with a recognised disability"),
    "disability:unrecognised": N_("people with a disability or lasting condition not yet recognised"),
    "education:none": N_("people without a diploma"),
    "education:level3": N_("people with a CAP or BEP"),
    "education:level4": N_("people with the baccalauréat"),
    "education:level5": N_("people with two years of higher education"),
    "education:level6": N_("people with a bachelor's degree"),
    "education:level7": N_("people with a master's degree"),
    "education:level8": N_("people with a doctorate"),
    "public:minors": N_("people under 18"),
    "public:young": N_("young people aged 16 to 25"),
    "public:low_qualified": N_("people with few or no qualifications"),
    "public:graduates": N_("young graduates"),
    "executive:yes": N_("executives (cadres)"),
    "goal:find_job": N_("people who want to find a job"),
    "goal:change_career": N_("people who want to change career"),
    "goal:train": N_("people who want to train"),
    "goal:validate_experience": N_("people who want their experience recognised"),
    "goal:choose_studies": N_("people choosing their studies"),
    "goal:return_to_education": N_("people who want to return to education"),
}
