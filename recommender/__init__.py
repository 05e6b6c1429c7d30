"""Pathways: which French guidance service fits this person, and why."""

from __future__ import annotations

import gc

from flask import Flask, request
from werkzeug.exceptions import HTTPException

from . import cli
from .domain import i18n as domain_i18n
from .domain import ranker_file
from .domain.recommendation import Knowledge, Recommender
from .domain.sourcefile import DataFileError
from .settings import from_environment
from .storage import db, partners
from .web import api, disclosed, embed, errors, feedback, i18n, openapi, ops, questionnaire, ratelimit, security, stats


class BrokenData(SystemExit):
    """Start-up refused: a rules or catalogue file is wrong (the message names file and line)."""


def create_app(config: dict | None = None) -> Flask:
    """Build the application: settings, knowledge, blueprints, error handlers, commands."""
    settings = {**from_environment(), **(config or {})}
    app = Flask(__name__, template_folder=str(settings["TEMPLATES_DIR"]), instance_relative_config=True)
    app.config.update(settings)
    app.json.sort_keys = False  # answers read top-down: profile, versions, recommendations
    register_extensions(app)
    register_knowledge(app)
    register_blueprints(app)
    register_errorhandlers(app)
    cli.init_app(app)
    return app


def register_extensions(app: Flask) -> None:
    """Extensions and stores, each bound through its own init_app."""
    ops.init_app(app)
    ratelimit.init_app(app)
    i18n.init_app(app)
    db.init_app(app)
    partners.init_app(app)
    feedback.init_app(app)
    disclosed.init_app(app)
    security.init_app(app)


def register_knowledge(app: Flask) -> None:
    """Load and validate rules and catalogue once; a broken file stops start-up."""
    domain_i18n.configure(app.config["BABEL_TRANSLATION_DIRECTORIES"])  # texts the domain renders itself
    try:
        knowledge = Knowledge.load(app.config["RULES_DIR"], app.config["DATA_DIR"])
    except DataFileError as error:
        message = "Start-up refused: the rules or catalogue contain errors:\n" + "\n".join(f"  {p}" for p in error.problems)
        raise BrokenData(message) from None  # SystemExit: its message is printed once and the exit status is 1
    ranker, _ = ranker_file.ranker_for(knowledge, app.config)
    app.extensions["pathways"] = Recommender(knowledge, ranker)
    # Rules and catalogue live as long as the process: keep the garbage collector from walking them again and again
    # (with 2,500 services, full collections cost seconds of p99; bench/README.md).
    gc.freeze()


def register_blueprints(app: Flask) -> None:
    """One blueprint per audience."""
    app.register_blueprint(api.bp)
    app.register_blueprint(openapi.bp)
    app.register_blueprint(questionnaire.bp)
    app.register_blueprint(embed.bp)  # the questionnaire again, inside partners' widgets
    app.register_blueprint(embed.loader_bp)
    app.register_blueprint(stats.bp)
    app.register_blueprint(ops.bp)


def register_errorhandlers(app: Flask) -> None:
    """API paths answer problem+json; other paths get a page in the person's language."""

    def http_error(error: HTTPException):
        if request.path.startswith(api.bp.url_prefix):
            return api.api_http_error(error)
        return errors.page_error(error)

    def server_error(error: Exception):
        if isinstance(error, HTTPException):
            return http_error(error)
        if request.path.startswith(api.bp.url_prefix):
            return api.api_server_error(error)
        return errors.server_error_page(error)

    app.register_error_handler(HTTPException, http_error)
    app.register_error_handler(Exception, server_error)
