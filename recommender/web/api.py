"""The JSON API under /api/v1: recommendations and the catalogue, errors as problem+json."""

from __future__ import annotations

import datetime as dt

import orjson
from flask import Blueprint, Response, current_app, request
from pydantic import Field, ValidationError
from werkzeug.exceptions import HTTPException

from . import access, ratelimit
from . import feedback as feedback_token
from .context import context
from .problems import HTTP_DETAILS, HTTP_TITLES, field_errors, problem
from ..domain.profile import LANGS, Lang, Profile, RecommendationRequest
from ..domain.recommendation import Recommender, service_view
from ..storage.usage import NOT_KEPT, RECORDED, record_event

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
    return request.accept_languages.best_match(LANGS, default="fr")


@bp.before_request
def check_partner_key() -> Response | None:
    """`Authorization: Bearer <partner key>` is optional; a wrong key is refused (401) rather than taken as anonymous."""
    if access.authenticate():
        return None
    lang = request_lang()
    response = problem(
        401,
        _t(lang, "Clé d'API invalide", "Invalid API key"),
        _t(lang, "L'en-tête Authorization doit être « Bearer <clé de partenaire> » avec une clé en cours de validité. Sans cet en-tête, l'API s'utilise anonymement, avec une limite de débit.",
           "The Authorization header must be 'Bearer <partner key>' with a current key. Without the header, the API can be used anonymously, with a rate limit."),
        "invalid-api-key",
    )
    response.headers["WWW-Authenticate"] = access.CHALLENGE
    return response


def _json_response(data: object, status: int = 200) -> Response:
    # orjson: a 27 KB answer in ~25 µs where the standard library takes ~250 µs (bench/README.md).
    return Response(orjson.dumps(data), status=status, mimetype="application/json")


@bp.post("/recommendations")
def recommendations() -> Response:
    """Validate a profile and answer with ranked, explained recommendations."""
    body = _read_json()
    if isinstance(body, Response):
        return body
    if not isinstance(body, dict):
        lang = request_lang(body)
        return problem(422, _t(lang, "Profil invalide", "Invalid profile"), _t(lang, "Le corps doit être un objet JSON.", "The body must be a JSON object."), "invalid-profile", errors=[])
    try:
        parsed = RecommendationRequest.model_validate(body)
    except ValidationError as error:
        lang = request_lang(body)
        errors = field_errors(error, lang)
        fields = ", ".join(e["field"] for e in errors)
        return problem(422, _t(lang, "Profil invalide", "Invalid profile"), _t(lang, f"Champs à corriger : {fields}.", f"Fields to correct: {fields}."), "invalid-profile", errors=errors)
    profile = parsed.profile()
    as_of = parsed.as_of or dt.date.today()
    answer = recommender().recommend(profile, as_of, parsed.lang, parsed.limit)
    record_event(profile, partner=context().partner_slug)  # coarse buckets only; never blocks
    answer["feedback_token"] = feedback_token.issue(profile, as_of)
    return _json_response(answer)


class FeedbackRequest(Profile):
    """The JSON body of POST /api/v1/feedback: the profile, a recommended service, useful or not. Stored anonymously."""

    service_id: str = Field(max_length=64, description="The recommended service the answer is about (an `id` from /services).")
    useful: bool = Field(strict=True, description="true: useful; false: not useful.")
    token: str = Field(max_length=80, description="The `feedback_token` of the recommendations answer (valid for an hour).")
    lang: Lang = "fr"


@bp.post("/feedback")
def feedback() -> Response:
    """Record whether a recommended service was useful: service id, yes/no and coarse buckets, nothing else."""
    body = _read_json()
    if isinstance(body, Response):
        return body
    lang = request_lang(body)
    title = _t(lang, "Avis invalide", "Invalid feedback")
    if not isinstance(body, dict):
        return problem(422, title, _t(lang, "Le corps doit être un objet JSON.", "The body must be a JSON object."), "invalid-feedback", errors=[])
    try:
        parsed = FeedbackRequest.model_validate(body)
    except ValidationError as error:
        errors = _feedback_errors(field_errors(error, lang), lang)
        fields = ", ".join(e["field"] for e in errors)
        return problem(422, title, _t(lang, f"Champs à corriger : {fields}.", f"Fields to correct: {fields}."), "invalid-feedback", errors=errors)
    known = list(recommender().knowledge.catalogue.services)
    if parsed.service_id not in known:
        detail = _t(lang, "service inconnu ; attendu : un identifiant de /api/v1/services", "unknown service; allowed: an id from /api/v1/services")
        errors = [{"field": "service_id", "code": "unknown_value", "detail": detail, "allowed": known, "received": parsed.service_id}]
        return problem(422, title, _t(lang, "Champs à corriger : service_id.", "Fields to correct: service_id."), "invalid-feedback", errors=errors)
    profile = Profile.model_validate(parsed.model_dump(include=set(Profile.model_fields)))
    try:
        outcome = feedback_token.take(profile, parsed.service_id, parsed.useful, parsed.token, partner=context().partner_slug)
    except feedback_token.BadToken as error:
        errors = [{"field": "token", "code": "invalid", "detail": str(error), "received": parsed.token}]
        return problem(422, title, _t(lang, "Champs à corriger : token.", "Fields to correct: token."), "invalid-feedback", errors=errors)
    answer = {"recorded": outcome == RECORDED}
    if outcome == NOT_KEPT:
        answer["detail"] = _t(lang, "Avis non conservé : savoir que ce service vous a été proposé pourrait révéler une réponse que nous ne gardons jamais.", "Answer not kept: knowing that this service was suggested could reveal an answer that we never keep.")
    elif outcome != RECORDED:
        answer["detail"] = _t(lang, "Votre avis n'a pas pu être enregistré pour le moment ; réessayez plus tard.", "Your answer could not be recorded for the moment; please try again later.")
    return _json_response(answer, 202)


def _feedback_errors(errors: list[dict], lang: str) -> list[dict]:
    """The profile's field errors, completed for the two feedback fields and the feedback's list of fields."""
    accepted = ", ".join(FeedbackRequest.model_fields)
    allowed = {
        "service_id": (_t(lang, "un identifiant de service de /api/v1/services", "a service id from /api/v1/services"), None),
        "useful": (_t(lang, "true ou false", "true or false"), [True, False]),
    }
    for entry in errors:
        if entry["code"] == "extra_forbidden":
            entry["detail"] = _t(lang, f"champ inconnu ; champs acceptés : {accepted}", f"unknown field; accepted fields: {accepted}")
        elif entry["field"] in allowed:
            text, values = allowed[entry["field"]]
            entry["detail"] += (" ; attendu : " if lang == "fr" else "; allowed: ") + text
            if values is not None:
                entry["allowed"] = values
    return errors


def _unknown_lang() -> Response | None:
    """A `?lang=` other than fr or en is refused rather than silently ignored (the description lists both)."""
    asked = request.args.get("lang")
    if asked is None or asked in LANGS:
        return None
    lang = request_lang()  # the asked one is unknown: Accept-Language, else French
    detail = _t(lang, "langue inconnue ; attendu : fr ou en", "unknown language; allowed: fr or en")
    errors = [{"field": "lang", "code": "unknown_value", "detail": detail, "allowed": list(LANGS), "received": asked}]
    return problem(422, _t(lang, "Paramètre invalide", "Invalid parameter"), _t(lang, "Paramètre à corriger : lang.", "Parameter to correct: lang."), "invalid-parameter", errors=errors)


@bp.get("/services")
def services() -> Response:
    """The whole catalogue."""
    if refused := _unknown_lang():
        return refused
    lang = request_lang()
    catalogue = recommender().knowledge.catalogue
    return _json_response({"version": catalogue.version, "services": [service_view(s, lang) for s in catalogue.services.values()]})


@bp.get("/services/<service_id>")
def service(service_id: str) -> Response:
    """One catalogue entry."""
    if refused := _unknown_lang():
        return refused
    lang = request_lang()
    found = recommender().knowledge.catalogue.services.get(service_id)
    if found is None:
        known = ", ".join(recommender().knowledge.catalogue.services)
        return problem(404, _t(lang, "Service inconnu", "Unknown service"), _t(lang, f"Aucun service « {service_id} ». Services connus : {known}.", f"No service '{service_id}'. Known services: {known}."), "unknown-service")
    return _json_response(service_view(found, lang))


def _read_json() -> object | Response:
    """The parsed body, or the problem that stops us from parsing it."""
    if request.mimetype not in JSON_TYPES and not request.mimetype.endswith("+json"):
        lang = request_lang()
        return problem(415, _t(lang, "Type de contenu non pris en charge", "Unsupported media type"), _t(lang, "Envoyez le profil en JSON avec Content-Type: application/json.", "Send the profile as JSON with Content-Type: application/json."), "unsupported-media-type")
    raw = request.get_data(cache=False)  # raises 413 beyond MAX_CONTENT_LENGTH (chunked bodies: security.py)
    try:
        return orjson.loads(raw)  # strict: a lone surrogate ("\ud800") is malformed JSON, not a 500 later
    except orjson.JSONDecodeError as error:
        lang = request_lang()
        if str(error).startswith("depth limit exceeded"):
            return problem(400, _t(lang, "JSON trop imbriqué", "JSON nested too deeply"), _t(lang, "Le corps est imbriqué trop profondément ; un profil est un objet à un seul niveau.", "The body is nested too deeply; a profile is a flat object."), "malformed-json")
        where = f" (line {error.lineno}, column {error.colno})"
        return problem(400, _t(lang, "JSON mal formé", "Malformed JSON"), _t(lang, f"Le corps n'est pas du JSON valide{where}.", f"The body is not valid JSON{where}."), "malformed-json")


def _t(lang: str, fr: str, en: str) -> str:
    return en if lang == "en" else fr


def api_http_error(error: HTTPException) -> Response:
    """Any HTTP error under /api/v1 (404, 405, 413...) as problem+json."""
    lang = request_lang()
    code = error.code or 500
    detail = HTTP_DETAILS[code](lang) if code in HTTP_DETAILS else (error.description or "")
    if code == 413:
        limit = current_app.config["MAX_CONTENT_LENGTH"]
        detail = _t(lang, f"Le corps dépasse {limit} octets.", f"The body exceeds {limit} bytes.")
    title = HTTP_TITLES[code](lang) if code in HTTP_TITLES else error.name
    response = problem(code, title, detail)
    if error.code == 405 and error.valid_methods:
        response.headers["Allow"] = ", ".join(error.valid_methods)
    return response


def api_server_error(error: Exception) -> Response:
    """An unexpected failure: logged in full, answered without internals."""
    current_app.logger.exception("unexpected error on %s", request.path)
    lang = request_lang()
    return problem(500, _t(lang, "Erreur interne", "Internal error"), _t(lang, "Une erreur inattendue s'est produite ; elle a été enregistrée.", "An unexpected error happened; it has been logged."))
