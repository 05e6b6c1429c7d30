"""Encode profiles and services as named binary features, the same way for training and ranking."""

from __future__ import annotations

from .catalogue import Service
from .profile import EXECUTIVE_STATUSES, Profile
from .texts import Text

AGE_BANDS = ((14, 15), (16, 17), (18, 25), (26, 29), (30, 44), (45, 54), (55, 99))
OVERSEAS = frozenset({"01", "02", "03", "04", "06"})


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
# Features that describe nobody in particular (mainland, no disability, no goal) never explain a rank.
AUDIENCE_PHRASES: dict[str, Text] = {
    "age:14-15": Text(fr="aux 14-15 ans", en="14 and 15 year olds"),
    "age:16-17": Text(fr="aux 16-17 ans", en="16 and 17 year olds"),
    "age:18-25": Text(fr="aux 18-25 ans", en="people aged 18 to 25"),
    "age:26-29": Text(fr="aux 26-29 ans", en="people aged 26 to 29"),
    "age:30-44": Text(fr="aux 30-44 ans", en="people aged 30 to 44"),
    "age:45-54": Text(fr="aux 45-54 ans", en="people aged 45 to 54"),
    "age:55-99": Text(fr="aux 55 ans et plus", en="people aged 55 and over"),
    "status:pupil": Text(fr="aux collégiens et lycéens", en="secondary school pupils"),
    "status:student": Text(fr="aux étudiants", en="students"),
    "status:apprentice": Text(fr="aux apprentis et alternants", en="apprentices and work-study trainees"),
    "status:employee": Text(fr="aux salariés", en="employees"),
    "status:civil_servant": Text(fr="aux agents publics", en="public servants"),
    "status:self_employed": Text(fr="aux indépendants", en="self-employed people"),
    "status:job_seeker": Text(fr="aux personnes qui cherchent un emploi", en="people looking for work"),
    "status:inactive": Text(fr="aux personnes sans emploi ni formation", en="people neither in work nor in training"),
    "region:overseas": Text(fr="aux habitants des outre-mer", en="people living overseas"),
    "disability:recognised": Text(fr="aux personnes dont le handicap est reconnu", en="people with a recognised disability"),
    "disability:unrecognised": Text(fr="aux personnes avec un handicap ou une maladie durable non encore reconnus", en="people with a disability or lasting condition not yet recognised"),
    "education:none": Text(fr="aux personnes sans diplôme", en="people without a diploma"),
    "education:level3": Text(fr="aux titulaires d'un CAP ou BEP", en="people with a CAP or BEP"),
    "education:level4": Text(fr="aux bacheliers", en="people with the baccalauréat"),
    "education:level5": Text(fr="aux diplômés bac+2", en="people with two years of higher education"),
    "education:level6": Text(fr="aux diplômés bac+3 ou bac+4", en="people with a bachelor's degree"),
    "education:level7": Text(fr="aux diplômés bac+5", en="people with a master's degree"),
    "education:level8": Text(fr="aux docteurs", en="people with a doctorate"),
    "public:minors": Text(fr="aux mineurs", en="people under 18"),
    "public:young": Text(fr="aux jeunes de 16 à 25 ans", en="young people aged 16 to 25"),
    "public:low_qualified": Text(fr="aux personnes peu ou pas diplômées", en="people with few or no qualifications"),
    "public:graduates": Text(fr="aux jeunes diplômés du supérieur", en="young graduates"),
    "executive:yes": Text(fr="aux cadres", en="executives (cadres)"),
    "goal:find_job": Text(fr="à qui cherche un emploi", en="people who want to find a job"),
    "goal:change_career": Text(fr="à qui veut changer de métier", en="people who want to change career"),
    "goal:train": Text(fr="à qui veut se former", en="people who want to train"),
    "goal:validate_experience": Text(fr="à qui veut faire reconnaître son expérience", en="people who want their experience recognised"),
    "goal:choose_studies": Text(fr="à qui choisit ses études", en="people choosing their studies"),
    "goal:return_to_education": Text(fr="à qui veut reprendre des études", en="people who want to return to education"),
}
