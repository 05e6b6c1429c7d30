"""The services added for issue 13 (and IAE) reach the people they serve, and nobody outside their public."""

from __future__ import annotations

import itertools

import pytest

from recommender.domain.conditions import NO
from recommender.domain.profile import DISABILITIES, EDUCATION_LEVELS, STATUSES, Profile
from tests.conftest import TODAY, person

OVERSEAS = {"01", "02", "03", "04", "06"}
HIGHER = {"level5", "level6", "level7", "level8"}

# One person each service serves, as the answers alone show it (eligible or to confirm).
SERVED = {
    "info-jeunes": dict(age=19, status="job_seeker", education_level="none"),
    "mon-master": dict(age=22, status="student", education_level="level6"),
    "enseignant-referent": dict(age=14, status="pupil", disability="recognised", education_level="none"),
    "cma-cci": dict(age=17, status="inactive", education_level="none"),
    "formation-continue-universite": dict(age=30, status="job_seeker", education_level="none"),
    "smv": dict(age=20, status="job_seeker", region="44", education_level="level3"),
    "agefiph": dict(age=40, status="job_seeker", disability="recognised", education_level="level3"),
    "ladom": dict(age=25, status="job_seeker", region="04", education_level="level3"),
    "periode-reconversion": dict(age=45, status="employee", education_level="level4"),
    "demission-reconversion": dict(age=38, status="employee", education_level="level4"),
    "agir": dict(age=30, status="job_seeker", education_level="none"),
    "hope": dict(age=24, status="job_seeker", education_level="none"),
    "iae": dict(age=40, status="job_seeker", education_level="level3"),
}

# Who may ever see each of them (a necessary condition read from the rule's header and sources).
PUBLIC = {
    "info-jeunes": lambda p: p.age <= 29,
    "mon-master": lambda p: p.education_level in HIGHER,
    "enseignant-referent": lambda p: p.status == "pupil" and p.disability != "none",
    "cma-cci": lambda p: p.age >= 15,
    "formation-continue-universite": lambda p: p.age >= 20 and p.status not in ("pupil", "student", "apprentice"),
    "smv": lambda p: 18 <= p.age <= 25 and p.region not in OVERSEAS and p.education_level not in HIGHER
    and p.status in ("job_seeker", "inactive"),
    "agefiph": lambda p: p.disability == "recognised" and p.age >= 16 and p.status not in ("pupil", "student"),
    "ladom": lambda p: p.region in OVERSEAS,
    "periode-reconversion": lambda p: p.status == "employee",
    "demission-reconversion": lambda p: p.status == "employee" and p.age >= 20,
    "agir": lambda p: p.status in ("job_seeker", "inactive") and p.age >= 18 and p.region not in OVERSEAS | {"94"},
    "hope": lambda p: p.status in ("job_seeker", "inactive") and p.age >= 18 and p.region not in OVERSEAS | {"94"},
    "iae": lambda p: p.status in ("job_seeker", "inactive") and p.age >= 16,
}

AGES = (14, 15, 16, 17, 18, 19, 20, 21, 25, 26, 29, 30, 45, 62, 67)
GRID = [Profile(age=a, status=s, region=r, disability=d, education_level=e)
        for a, s, r, d, e in itertools.product(AGES, STATUSES, ("11", "94", "04"), DISABILITIES, EDUCATION_LEVELS)]


@pytest.mark.parametrize("service_id", sorted(SERVED))
def test_a_person_it_serves_sees_it_among_the_recommendations(recommender, service_id):
    answer = recommender.recommend(person(**SERVED[service_id]), TODAY, "en", limit=200)
    assert service_id in {r["id"] for r in answer["recommendations"]}


@pytest.mark.parametrize("service_id", sorted(PUBLIC))
def test_nobody_outside_its_public_is_offered_it(recommender, service_id):
    tables = recommender.knowledge.tables  # the compiled rules the answers read (they agree with a fresh evaluation:
    offered = [p for p in GRID  # test_properties.py)
               if (found := tables.decided(p, TODAY)).verdicts[found.positions[service_id]] != NO]
    assert offered, f"{service_id} is offered to nobody on the grid"
    outside = [p for p in offered if not PUBLIC[service_id](p)]
    assert not outside, f"{service_id} offered outside its public, e.g. {outside[0]}"

