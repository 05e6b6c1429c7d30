"""The JSON API under /api/v1: recommendations, feedback and the catalogue, errors as problem+json.

What each endpoint takes and answers is declared in web/endpoints.py; texts go through the gettext catalogues in
the caller's language (`translate`, domain/i18n.py)."""

from __future__ import annotations

import datetime as dt

import orjson
from babel.numbers import format_decimal
from flask import Blueprint, Response, current_app, request
from pydantic import BaseModel, ValidationError
from werkzeug.exceptions import HTTPException

from ..domain.i18n import DEFAULT_LANG, N_, translate
from ..domain.profile import LANGS, Profile
from ..domain.recommendation import Recommender, service_view
from ..storage.usage import NOT_KEPT, RECORDED, record_event
from . import access, ratelimit
from . import feedback as feedback_token
from .context import context
from .endpoints import FEEDBACK, GET_SERVICE, LIST_SERVICES, RECOMMEND, serve
from .problems import HTTP_DETAILS, HTTP_TITLES, REFUSED, UNANSWERED, field_errors, invalid_fields, problem
from .schemas import Catalogue, CatalogueQuery, FeedbackAnswer, FeedbackRequest

bp = Blueprint("api", __name__, url_prefix="/api/v1")
JSON_TYPES = ("application/json",)
# Partner keys, CORS for partner origins and Cache-Control: recommender/web/access.py; the rate limit comes first.
bp.before_request(ratelimit.before_api_call)
bp.after_request(access.finish)
bp.after_request(ratelimit.after_api_call)


def recommender() -> Recommender:
    """The app's recommender, loaded once at start-up."""
    return current_app.extensions["pathways"]


def request_lang(body: object = None) -> str:
    """The language asked for: in the body, then `?lang=`, then Accept-Language, else French."""
    if isinstance(body, dict) and body.get("lang") in LANGS:
        return body["lang"]
    if request.args.get("lang") in LANGS:
        return request.args["lang"]
    return request.accept_languages.best_match(LANGS, default=DEFAULT_LANG)


@bp.before_request
def check_partner_key() -> Response | None:
    """`Authorization: Bearer <partner key>` is optional; a wrong key is refused (401) rather than taken as anonymous."""
    if access.authenticate():
        return None
    lang = request_lang()
    detail = translate(lang, N_("The Authorization header must be 'Bearer <partner key>' with a current key. Without the header, the API can be used anonymously, with a rate limit."))
    response = problem(lang, 401, detail, "invalid-api-key")
    response.headers["WWW-Authenticate"] = access.CHALLENGE
    return response


@serve(bp, RECOMMEND)
def recommendations() -> tuple[int, dict] | Response:
    """Validate a profile and answer with ranked, explained recommendations."""
    parsed = _validated(RECOMMEND.body, "invalid-profile")
    if isinstance(parsed, Response):
        return parsed
    profile = parsed.profile()
    as_of = parsed.as_of or dt.date.today()
    answer = recommender().recommend(profile, as_of, parsed.lang, parsed.limit)
    record_event(profile, partner=context().partner_slug)  # coarse buckets only; never blocks
    answer["feedback_token"] = feedback_token.issue(profile, as_of)  # web/feedback.py: proves this answer, for an hour
    return 200, answer


@serve(bp, FEEDBACK)
def feedback() -> tuple[int, FeedbackAnswer] | Response:
    """Record whether a recommended service was useful: service id, yes/no and coarse buckets, nothing else."""
    parsed = _validated(FeedbackRequest, "invalid-feedback")
    if isinstance(parsed, Response):
        return parsed
    lang = parsed.lang
    known = list(recommender().knowledge.catalogue.services)
    if parsed.service_id not in known:
        detail = translate(lang, N_("%(problem)s; allowed: %(allowed)s"), problem=translate(lang, N_("unknown service")),
                           allowed=translate(lang, N_("a service id from /api/v1/services")))
        return invalid_fields(lang, "invalid-feedback", [{"field": "service_id", "code": "unknown_value", "detail": detail, "allowed": known, "received": parsed.service_id}])
    profile = Profile.model_validate(parsed.model_dump(include=set(Profile.model_fields)))
    try:
        outcome = feedback_token.take(profile, parsed.service_id, parsed.useful, parsed.token, partner=context().partner_slug)
    except feedback_token.BadToken as error:
        return invalid_fields(lang, "invalid-feedback", [{"field": "token", "code": "invalid", "detail": str(error), "received": parsed.token}])
    answer = FeedbackAnswer(recorded=outcome == RECORDED)
    if outcome == NOT_KEPT:
        answer["detail"] = translate(lang, N_("Answer not kept: knowing that this service was suggested could reveal an answer that we never keep."))
    elif outcome != RECORDED:
        answer["detail"] = translate(lang, N_("Your answer could not be recorded for the moment; please try again later."))
    return 202, answer


def _validated(model: type[BaseModel], kind: str) -> BaseModel | Response:
    """The body as `model`, or the problem (in the caller's language) that names what to correct."""
    body = _read_json()
    if isinstance(body, Response):
        return body
    lang = request_lang(body)
    if not isinstance(body, dict):
        return problem(lang, 422, translate(lang, N_("The body must be a JSON object.")), kind, errors=[])
    try:
        return model.model_validate(body)
    except ValidationError as error:
        return invalid_fields(lang, kind, field_errors(error, lang, model))


def _query() -> CatalogueQuery | Response:
    """The catalogue's query string; an unknown `?lang=` is refused rather than silently ignored."""
    try:
        return CatalogueQuery.model_validate(request.args.to_dict())
    except ValidationError as error:
        lang = request_lang()  # the asked one is unknown: Accept-Language, else French
        errors = field_errors(error, lang, CatalogueQuery)
        return invalid_fields(lang, "invalid-parameter", errors, N_("Parameters to correct: %(fields)s."))


@serve(bp, LIST_SERVICES)
def services() -> tuple[int, Catalogue] | Response:
    """The whole catalogue."""
    query = _query()
    if isinstance(query, Response):
        return query
    catalogue = recommender().knowledge.catalogue
    lang = request_lang()
    return 200, Catalogue(version=catalogue.version, services=[service_view(s, lang) for s in catalogue.services.values()])


@serve(bp, GET_SERVICE)
def service(service_id: str) -> tuple[int, dict] | Response:
    """One catalogue entry."""
    query = _query()
    if isinstance(query, Response):
        return query
    lang = request_lang()
    found = recommender().knowledge.catalogue.services.get(service_id)
    if found is None:
        known = ", ".join(recommender().knowledge.catalogue.services)
        detail = translate(lang, N_("No service '%(service)s'. Known services: %(known)s."), service=service_id, known=known)
        return problem(lang, 404, detail, "unknown-service")
    return 200, service_view(found, lang)


def _read_json() -> object | Response:
    """The parsed body, or the problem that stops us from parsing it."""
    if request.mimetype not in JSON_TYPES and not request.mimetype.endswith("+json"):
        lang = request_lang()
        return problem(lang, 415, translate(lang, N_("Send the profile as JSON with Content-Type: application/json.")), "unsupported-media-type")
    raw = request.get_data(cache=False)  # raises 413 beyond MAX_CONTENT_LENGTH (chunked bodies: security.py)
    try:
        return orjson.loads(raw)  # strict: a lone surrogate ("\ud800") is malformed JSON, not a 500 later
    except orjson.JSONDecodeError as error:
        lang = request_lang()
        if str(error).startswith("depth limit exceeded"):
            detail = translate(lang, N_("The body is nested too deeply; a profile is a flat object."))
            return problem(lang, 400, detail, "malformed-json", title=N_("JSON nested too deeply"))
        detail = translate(lang, N_("The body is not valid JSON (line %(line)d, column %(column)d)."), line=error.lineno, column=error.colno)
        return problem(lang, 400, detail, "malformed-json")


def api_http_error(error: HTTPException) -> Response:
    """Any HTTP error under /api/v1 (404, 405, 413...) as problem+json."""
    lang = request_lang()
    code = error.code or 500
    if code == 413:
        detail = translate(lang, N_("The body exceeds %(limit)s bytes."), limit=format_decimal(current_app.config["MAX_CONTENT_LENGTH"], locale=lang))
    else:
        detail = translate(lang, HTTP_DETAILS.get(code, UNANSWERED), status=code)
    response = problem(lang, code, detail, title=HTTP_TITLES.get(code, REFUSED))
    if error.code == 405 and error.valid_methods:
        response.headers["Allow"] = ", ".join(error.valid_methods)
    return response


def api_server_error(error: Exception) -> Response:
    """An unexpected failure: logged in full, answered without internals."""
    current_app.logger.exception("unexpected error on %s", request.path)
    lang = request_lang()
    return problem(lang, 500, translate(lang, HTTP_DETAILS[500]))
