"""RFC 9457 problem details: the API's one error format, in French or English."""

from __future__ import annotations

from flask import Response, json
from pydantic import ValidationError

from ..domain.profile import CHOICES, DISABILITIES, EDUCATION_LEVELS, FIELD_VALUES, GOALS, LANGS, MAX_AGE, MAX_LIMIT, MIN_AGE, OPTIONAL_FIELDS, REGIONS, STATUSES, RecommendationRequest
from ..domain.texts import Text

PROBLEM_TYPE = "application/problem+json"

# What each request field accepts, as the error messages say it.
ALLOWED: dict[str, tuple[Text, object]] = {
    "age": (Text(fr=f"un nombre entier de {MIN_AGE} à {MAX_AGE}", en=f"an integer from {MIN_AGE} to {MAX_AGE}"), {"minimum": MIN_AGE, "maximum": MAX_AGE}),
    "status": (Text(fr="une de ces valeurs : " + ", ".join(STATUSES), en="one of: " + ", ".join(STATUSES)), list(STATUSES)),
    "region": (Text(fr="un code de région INSEE entre guillemets : " + ", ".join(REGIONS), en="a quoted INSEE region code: " + ", ".join(REGIONS)), list(REGIONS)),
    "disability": (Text(fr="une de ces valeurs : " + ", ".join(DISABILITIES), en="one of: " + ", ".join(DISABILITIES)), list(DISABILITIES)),
    "education_level": (Text(fr="une de ces valeurs : " + ", ".join(EDUCATION_LEVELS), en="one of: " + ", ".join(EDUCATION_LEVELS)), list(EDUCATION_LEVELS)),
    "executive": (Text(fr="true ou false (ou l'omettre)", en="true or false (or leave it out)"), [True, False]),
    "goals": (Text(fr="une liste prise parmi : " + ", ".join(GOALS), en="a list of any of: " + ", ".join(GOALS)), list(GOALS)),
    "as_of": (Text(fr="une date AAAA-MM-JJ entre 2019-01-01 et dans un an", en="a date YYYY-MM-DD between 2019-01-01 and one year from now"), {"format": "date"}),
    "lang": (Text(fr="fr ou en", en="fr or en"), list(LANGS)),
    "limit": (Text(fr=f"un nombre entier de 1 à {MAX_LIMIT}", en=f"an integer from 1 to {MAX_LIMIT}"), {"minimum": 1, "maximum": MAX_LIMIT}),
}

def _fact_allowed(name: str) -> tuple[Text, object]:
    """What an optional fact of the profile accepts (its values, or a list of its choices), as ALLOWED says it."""
    if name in CHOICES:
        return Text(fr="une liste prise parmi : " + ", ".join(CHOICES[name]), en="a list of any of: " + ", ".join(CHOICES[name])), list(CHOICES[name])
    values = FIELD_VALUES[name]
    if values == (True, False):
        return ALLOWED["executive"]
    return Text(fr="une de ces valeurs (ou l'omettre) : " + ", ".join(map(str, values)), en="one of (or leave it out): " + ", ".join(map(str, values))), list(values)


ALLOWED.update({name: _fact_allowed(name) for name in OPTIONAL_FIELDS if name not in ALLOWED})
KNOWN_FIELDS = tuple(RecommendationRequest.model_fields)

PROBLEMS = {
    "missing": Text(fr="ce champ est obligatoire", en="this field is required"),
    "extra_forbidden": Text(fr="champ inconnu ; champs acceptés : " + ", ".join(KNOWN_FIELDS), en="unknown field; accepted fields: " + ", ".join(KNOWN_FIELDS)),
    "out_of_range": Text(fr="valeur hors limites", en="value out of range"),
    "wrong_type": Text(fr="type de valeur incorrect", en="wrong type of value"),
    "unknown_value": Text(fr="valeur inconnue", en="unknown value"),
    "invalid": Text(fr="valeur invalide", en="invalid value"),
}
# Our own validators raise value errors only for ranges (as_of).
RANGE_ERRORS = {"greater_than_equal", "less_than_equal", "greater_than", "less_than", "value_error"}
VALUE_ERRORS = {"literal_error", "enum"}


HTTP_TITLES = {
    400: Text(fr="Requête invalide", en="Bad request"),
    404: Text(fr="Adresse inconnue", en="Not found"),
    405: Text(fr="Méthode non autorisée", en="Method not allowed"),
    413: Text(fr="Corps trop volumineux", en="Content too large"),
    429: Text(fr="Trop de requêtes", en="Too many requests"),
}
HTTP_DETAILS = {
    404: Text(fr="Cette adresse n'existe pas dans l'API ; voir /api/v1/services et POST /api/v1/recommendations.", en="This address does not exist in the API; see /api/v1/services and POST /api/v1/recommendations."),
    405: Text(fr="Cette méthode n'est pas acceptée à cette adresse.", en="This method is not accepted at this address."),
    429: Text(fr="Trop de requêtes depuis votre adresse ; réessayez après le délai indiqué par l'en-tête Retry-After.", en="Too many requests from your address; try again after the delay given in the Retry-After header."),
}


def problem(status: int, title: str, detail: str, kind: str | None = None, **extra) -> Response:
    """A problem+json response; `kind` names one of our documented problem types."""
    body = {"type": f"/api/v1/problems/{kind}" if kind else "about:blank", "title": title, "status": status, "detail": detail, **extra}
    return Response(json.dumps(body, ensure_ascii=False), status=status, mimetype=PROBLEM_TYPE)


def field_errors(error: ValidationError, lang: str) -> list[dict]:
    """One entry per offending field: the field, what is wrong, what is allowed."""
    entries: dict[str, dict] = {}
    for item in error.errors():
        loc = item["loc"]
        name = str(loc[0]) if loc else "body"
        path = name + "".join(f"[{part}]" for part in loc[1:])
        code = _code(item)
        allowed_text, allowed = ALLOWED.get(name, (None, None))
        detail = PROBLEMS[code](lang)
        if allowed_text is not None and code != "extra_forbidden":
            detail += (" ; attendu : " if lang == "fr" else "; allowed: ") + allowed_text(lang)
        entry = {"field": path, "code": code, "detail": detail}
        if allowed is not None and code != "extra_forbidden":
            entry["allowed"] = allowed
        if "input" in item and code not in ("missing",) and _is_plain(item["input"]):
            entry["received"] = item["input"]
        entries.setdefault(path, entry)
    return list(entries.values())


def _code(item: dict) -> str:
    """A stable, documented error code from pydantic's error type."""
    kind = item["type"]
    if kind in ("missing", "extra_forbidden"):
        return kind
    if kind in RANGE_ERRORS:
        return "out_of_range"
    if kind in VALUE_ERRORS:
        return "unknown_value"
    if kind.endswith("_type") or kind.endswith("_parsing") or kind in ("bool_parsing", "int_from_float"):
        return "wrong_type"
    return "invalid"


def _is_plain(value: object) -> bool:
    """Echo back only short scalar inputs, never whole structures."""
    return isinstance(value, (str, int, float, bool)) and len(str(value)) <= 100
