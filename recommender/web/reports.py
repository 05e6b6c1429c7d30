""""Report an error in this information": a form under every service that stores which service, which text and a
comment, and nothing that identifies the person (no answers, no address, the day only: storage/reports.py)."""

from __future__ import annotations

from flask import Response, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from ..storage.reports import record_report
from .answers import read_answers
from .context import context
from .i18n import current_lang
from .navigation import answer_params, journey, page_url
from .pages import render
from .questionnaire import bp
from .questions import recommender

MAX_COMMENT = 1000  # characters; a report says what is wrong in a few sentences
PARTS = {
    "summary": _l("The description of the service"),
    "why": _l("Why it fits you"),
    "to_confirm": _l("What is to confirm"),
    "contact": _l("Who to contact (address, telephone, website)"),
    "next_steps": _l("The next steps"),
    "cost": _l("The cost"),
    "legal_basis": _l("The legal basis"),
    "other": _l("Something else"),
}

ERROR_ANCHORS = {"service": "#service-error", "part": "#part-summary", "comment": "#comment"}  # what a summary links to


def report_url(service_id: str, answers: dict) -> str:
    """The report form for one service; the answers ride along only to lead back to the results."""
    return url_for(journey("report"), service=service_id, **answer_params(answers))


@bp.app_context_processor
def _report_helper() -> dict:
    """Every card links to the form."""
    return {"report_url": report_url}


@bp.get("/report")
def report() -> Response:
    """The form, for the service named in the address."""
    service_id = request.args.get("service", "")[:64]
    return _form(service_id, request.args.get("part", ""), "", {}, read_answers(request.args))


@bp.post("/report")
def send_report() -> Response:
    """Store the report, or show the form again with what is wrong and everything typed kept."""
    form = request.form
    service_id, part, comment = form.get("service", "")[:64], form.get("part", ""), form.get("comment", "").strip()
    answers = read_answers(form)
    errors = report_errors(service_id, part, comment)
    if errors:
        return _form(service_id, part, comment, errors, answers, status=422)
    if not record_report(service_id=service_id, part=part, comment=comment):
        problem = {"comment": _("Your report could not be recorded just now. Please try again in a few minutes: your text is still here.")}
        return _form(service_id, part, comment, problem, answers, status=503)
    back = page_url(".results", answers) if answers else None
    return render("questionnaire/report_sent.html", service=_service_name(service_id), back=back)


def report_errors(service_id: str, part: str, comment: str) -> dict[str, str]:
    """What is wrong with a report, field by field, in the page's language."""
    errors = {}
    if _service_name(service_id) is None:
        errors["service"] = _("There is no service “%(service)s”. Use the link under the service itself.", service=service_id)
    if part not in PARTS:
        errors["part"] = _("Choose which information is wrong.")
    if not comment:
        errors["comment"] = _("Say in a few words what is wrong.")
    elif len(comment) > MAX_COMMENT:
        errors["comment"] = _("Your comment is %(length)d characters long: shorten it to %(max)d at most.", length=len(comment), max=MAX_COMMENT)
    return errors


def _service_name(service_id: str) -> str | None:
    """The service's name in the page's language, or None for an id the catalogue does not know."""
    service = recommender().knowledge.catalogue.services.get(service_id)
    return service.name(current_lang()) if service else None


def _form(service_id: str, part: str, comment: str, errors: dict, answers: dict, status: int = 200) -> Response:
    """The report form with its values and errors; the language switch keeps the service."""
    context().here = (journey("report"), {"service": service_id, **answers})
    back = page_url(".results", answers) if answers else None
    links = [(message, ERROR_ANCHORS[field]) for field, message in errors.items()]
    return render("questionnaire/report.html", status=status, service_id=service_id, service=_service_name(service_id),
                  part=part, comment=comment, errors=errors, error_links=links, parts=PARTS, max_comment=MAX_COMMENT,
                  answers=answers, back=back)
