"""Feedback that proves itself: a signed, short-lived token that the answer's own recommendation request handed out.

A results page (in its forms) and an API answer (`feedback_token`) carry a token: an HMAC, with a secret only the
servers know, of the profile, the date the recommendation was made for and an expiry time. No cookie, no server state:
a feedback is accepted only with a token that matches its profile and has not expired, only about a service that
profile was recommended on that date, and only about a service offered to the person's whole group (about any other,
keeping it could tell an answer that is never kept: recommender/storage/usage.py).

The secret is FEEDBACK_SECRET, or one generated once into the instance folder (so that every worker and every
restart share it; removing the file only invalidates the tokens of the hour).
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import hmac
import os
import secrets
import time
from dataclasses import dataclass
from pathlib import Path

from flask import Flask, current_app
from flask_babel import gettext as _

from ..domain.conditions import NO
from ..domain.eligibility import decided
from ..domain.privacy import Bucket
from ..domain.profile import Profile
from ..storage.usage import NOT_KEPT, disclosure, record_feedback
from .context import context

SECRET_FILE = "feedback-secret"
MAC_BYTES = 18  # 144 bits: forging one is out of reach, and the token stays short in a form
EXPIRY_STEP = 300  # seconds


class BadToken(ValueError):
    """A feedback token that is not one of ours, is for other answers, or has expired."""


@dataclass(frozen=True)
class Offer:
    """What a results page may ask feedback about: its token, and the services whose feedback is kept."""

    token: str
    kept: frozenset[str]


def issue(profile: Profile, as_of: dt.date, now: float | None = None) -> str:
    """A token for feedback on the recommendations `profile` got for `as_of`: expiry.day.mac. The expiry is rounded up
    to EXPIRY_STEP, so that the same question asked twice gets the same answer, and the token tells no exact time."""
    ends = (now if now is not None else time.time()) + float(current_app.config["FEEDBACK_TOKEN_SECONDS"])
    expires = int(-(-ends // EXPIRY_STEP) * EXPIRY_STEP)
    return f"{expires}.{as_of.toordinal()}.{_mac(profile, as_of.toordinal(), expires)}"


def verify(token: str, profile: Profile, service_id: str, now: float | None = None) -> None:
    """Accept a token for this profile and service, or raise BadToken saying why (in English, for logs and tests)."""
    expires, day = _parts(token)
    if not hmac.compare_digest(token.rpartition(".")[2], _mac(profile, day, expires)):
        raise BadToken("the token was not issued for these answers")
    if expires < (now if now is not None else time.time()):
        raise BadToken("the token has expired")
    as_of = dt.date.fromordinal(day)
    found = decided(current_app.extensions["pathways"].knowledge.rules, profile, as_of)
    position = found.positions.get(service_id)
    if position is None or found.verdicts[position] == NO:
        raise BadToken("this service was not recommended for these answers")


def offer(profile: Profile, as_of: dt.date, service_ids: list[str]) -> Offer:
    """The feedback a results page may ask for, kept in the request context for the templates."""
    bucket_offered = disclosure().offered_to_all(Bucket.of(profile), dt.date.today())
    found = context().feedback = Offer(issue(profile, as_of), frozenset(service_ids) & bucket_offered)
    return found


def current_offer() -> Offer | None:
    """The page's offer (a template global): None where no feedback may be asked."""
    return context().feedback


def _parts(token: str) -> tuple[int, int]:
    """The expiry time and day ordinal of a well-formed token."""
    expires, _, rest = (token or "").partition(".")
    day, _, mac = rest.partition(".")
    if not (expires.isdigit() and day.isdigit() and mac and len(token) < 80):
        raise BadToken("not a feedback token")
    if not dt.date.min.toordinal() <= int(day) <= dt.date.max.toordinal():
        raise BadToken("not a feedback token")
    return int(expires), int(day)


def _mac(profile: Profile, day: int, expires: int) -> str:
    """The token's signature over what it vouches for."""
    message = f"{expires}|{day}|{profile.model_dump_json()}".encode()
    digest = hmac.new(current_app.extensions["pathways_feedback_secret"], message, hashlib.sha256).digest()
    return base64.urlsafe_b64encode(digest[:MAC_BYTES]).decode()


def _instance_secret(folder: Path) -> bytes:
    """The secret in the instance folder, created once (atomically: workers starting together agree on one)."""
    path = folder / SECRET_FILE
    if not path.exists():
        folder.mkdir(parents=True, exist_ok=True)
        scratch = folder / f".{SECRET_FILE}.{os.getpid()}"
        descriptor = os.open(scratch, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(descriptor, "w") as out:
            out.write(secrets.token_hex(32))
        try:
            os.link(scratch, path)  # complete or absent, never half-written; the first process to get there wins
        except FileExistsError:
            pass
        finally:
            scratch.unlink(missing_ok=True)
    return bytes.fromhex(path.read_text().strip())


def init_app(app: Flask) -> None:
    """The signing secret, and the template global the feedback forms ask."""
    configured = app.config.get("FEEDBACK_SECRET")
    app.extensions["pathways_feedback_secret"] = configured.encode() if configured else _instance_secret(Path(app.instance_path))
    app.jinja_env.globals["feedback_offer"] = current_offer


# --- taking a feedback (pages and API) -------------------------------------------------------------------------------

BAD_TOKEN = "bad_token"


def take(profile: Profile, service_id: str, useful: bool, token: str, *, partner: str | None) -> str:
    """Check the token and record: RECORDED, NOT_KEPT or NOT_RECORDED (storage/usage.py); BadToken if it does not prove
    that this profile was recommended this service. The page's offer is set again, so that a form can be re-shown."""
    verify(token, profile, service_id)
    context().feedback = Offer(token, disclosure().offered_to_all(Bucket.of(profile), dt.date.today()))
    return record_feedback(profile, service_id, useful, partner=partner)


def page_reason(outcome: str) -> str:
    """What a person is told when their opinion was not recorded, in the page's language."""
    if outcome == BAD_TOKEN:
        return _("This page is too old to take your opinion: open your results again, then answer.")
    if outcome == NOT_KEPT:
        return _("We do not keep opinions about this service: knowing that it was suggested to you could reveal an answer that we never keep.")
    return _("Your opinion could not be recorded for the moment. Please try again in a few minutes.")
