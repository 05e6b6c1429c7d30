"""What the service keeps about its use, as coarse groups only; and reading feedback back for the ranker and the purge.

Pages and the API call `record_event` and `record_feedback`; neither ever raises, and a person's recommendations never
depend on the database. What is kept, and nothing else:
- per day, partner page and group (age band, situation, region, diploma band): how many recommendations were served,
  and, per service, how many of those people it was offered to, counting only the services that the rules offer to
  EVERY possible person of the group whatever their unkept answers (disability, exact age, exact diploma, cadre
  answer, goals). So the counts are a function of the group alone: changing any unkept answer changes nothing stored
  (recommender/domain/privacy.py derives those services from the rules; tests/storage/test_privacy_attack.py replays
  the attack that rebuilt disability answers from the old counts);
- feedback: the service, useful or not, the same group, partner page and day, and only about a service offered to the
  whole group (about any other, the mere fact that it was recommended could tell an unkept answer: it is not kept).
"""

from __future__ import annotations

import datetime as dt
import logging
import re
import uuid
from collections.abc import Mapping

from flask import current_app, g, has_request_context

from ..domain.privacy import Bucket, Disclosure
from ..domain.profile import Profile
from .models import SLUG_PATTERN, Feedback, ServiceCount, UsageCount

log = logging.getLogger(__name__)

PARTNER_SLUG = re.compile(SLUG_PATTERN)
NO_PARTNER = ""  # the partner of a count made on the site's own pages (the column is part of the key: never NULL)
USAGE_COUNTS, SERVICE_COUNTS, FEEDBACK = UsageCount.__table__, ServiceCount.__table__, Feedback.__table__
# Seconds a feedback's sender waits for the commit before saying, honestly, that it was not recorded.
FEEDBACK_COMMIT_WAIT = 2.5
RECORDED, NOT_KEPT, NOT_RECORDED = "recorded", "not_kept", "not_recorded"


def disclosure() -> Disclosure:
    """The privacy facts of the app's rules (made once per set of rules)."""
    rules = current_app.extensions["pathways"].knowledge.rules
    found = current_app.extensions.get("pathways_disclosure")
    if found is None or found.book is not rules:
        found = current_app.extensions["pathways_disclosure"] = Disclosure(rules)
    return found


def record_event(profile: Profile, *, partner: str | None = None, day: dt.date | None = None) -> bool:
    """Count that someone of `profile`'s group was served recommendations; False if it was dropped."""
    try:
        day = day or dt.date.today()
        bucket = Bucket.of(profile)
        key = (day, *bucket.as_dict().values(), _partner(partner) or NO_PARTNER)  # as models.CountKey
        counts = [(USAGE_COUNTS, key, "recommendations")]
        counts += [(SERVICE_COUNTS, (*key, sid), "shown") for sid in sorted(disclosure().offered_to_all(bucket, day))]
        return _store().add(counts, "usage event", request_id=_request_id())
    except Exception as error:
        log.warning("usage event dropped: %s", type(error).__name__)
        return False


def feedback_kept(profile: Profile, service_id: str, day: dt.date | None = None) -> bool:
    """Whether feedback about this service from this person may be kept (it is offered to their whole group)."""
    return service_id in disclosure().offered_to_all(Bucket.of(profile), day or dt.date.today())


def record_feedback(profile: Profile, service_id: str, useful: bool, *, partner: str | None = None, day: dt.date | None = None) -> str:
    """Record "useful" or "not useful" about one service: RECORDED once committed, NOT_KEPT when keeping it could tell
    an unkept answer, NOT_RECORDED when the database could not take it in time (a warning says so)."""
    try:
        day = day or dt.date.today()
        if service_id not in _known_services():
            log.warning("feedback dropped: not a catalogue service id")  # never echo it: it could be free text
            return NOT_RECORDED
        if not feedback_kept(profile, service_id, day):
            return NOT_KEPT
        row = {"id": uuid.uuid4(), "day": day, "partner_slug": _partner(partner), "service_id": service_id, "useful": bool(useful), **Bucket.of(profile).as_dict()}
        written = _store().write(((FEEDBACK, (row,)),), "feedback", request_id=_request_id(), wait=FEEDBACK_COMMIT_WAIT)
        return RECORDED if written else NOT_RECORDED
    except Exception as error:
        log.warning("feedback dropped: %s", type(error).__name__)
        return NOT_RECORDED


def _store():
    """The app's store."""
    return current_app.extensions["pathways_store"]


def _known_services() -> Mapping[str, object]:
    """The catalogue's services by id."""
    return current_app.extensions["pathways"].knowledge.catalogue.services


def _partner(slug: str | None) -> str | None:
    """A well-formed partner slug, or None: the column never holds free text."""
    return slug if slug and len(slug) <= 64 and PARTNER_SLUG.match(slug) else None


def _request_id() -> str | None:
    """The current request's id, for log lines written later by the writer thread (web/context.py keeps it in g)."""
    state = g.get("pathways") if has_request_context() else None
    return getattr(state, "request_id", None) or None
