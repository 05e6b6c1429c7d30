"""Command-line tools: `flask --app recommender rules check`."""

from __future__ import annotations

import click
from flask import Flask, current_app
from flask.cli import AppGroup

from ..domain.analysis import check

SHOWN_ERRORS = 40
rules_cli = AppGroup("rules", help="Check the eligibility rules.")


@rules_cli.command("check")
def rules_check() -> None:
    """Validate the rules and analyse them over the whole answer space."""
    knowledge = current_app.extensions["pathways"].knowledge
    book = knowledge.rules
    versions = sum(len(r.versions) for r in book.services.values())
    click.echo(f"rules: {len(book.services)} files, {versions} versions; catalogue: {len(knowledge.catalogue.services)} services, {len(knowledge.catalogue.regions)} regions")
    report = check(book, tables=knowledge.tables)
    for fact in report.facts:
        click.echo(fact)
    for warning in report.warnings:
        click.echo(f"warning: {warning}")
    for error in report.errors[:SHOWN_ERRORS]:
        click.echo(f"error: {error}", err=True)
    if len(report.errors) > SHOWN_ERRORS:
        click.echo(f"error: ... and {len(report.errors) - SHOWN_ERRORS} more", err=True)
    click.echo(f"{len(report.errors)} errors, {len(report.warnings)} warnings in {report.seconds:.2f} s")
    if not report.ok:
        raise SystemExit(1)




ranker_cli = AppGroup("ranker", help="Train and evaluate the similarity ranker.")


@ranker_cli.command("evaluate")
@click.option("--alpha", default=None, type=float, help="Ridge regularisation (default: the app's).")
def ranker_evaluate(alpha: float | None) -> None:
    """Cross-validated NDCG@5 and hit-rate@3 against the priority and popularity baselines."""
    import datetime as dt
    import time

    from ..domain.evaluation import evaluate, report_lines
    from ..domain.ranking import load_cases

    recommender = current_app.extensions["pathways"]
    knowledge = recommender.knowledge
    started = time.perf_counter()
    cases = load_cases(current_app.config["DATA_DIR"] / "ranking_cases.yaml", knowledge.catalogue)
    result = evaluate(knowledge.catalogue, knowledge.rules, cases, dt.date.today(), alpha or current_app.config["RANKER_ALPHA"])
    for line in report_lines(result):
        click.echo(line)
    click.echo(f"\nevaluated in {time.perf_counter() - started:.1f} s")


@ranker_cli.command("train")
def ranker_train() -> None:
    """Train on the case set (and stored feedback, when there is any) and report how long it took."""
    import time

    from ..domain import ranker_file
    from ..domain.ranking import train_ranker
    from ..storage.training import stored_feedback

    started = time.perf_counter()
    knowledge, config = current_app.extensions["pathways"].knowledge, current_app.config
    feedback, source = stored_feedback()
    ranker, summary = train_ranker(knowledge, config, feedback=feedback)
    ranker_file.save(ranker, config["RANKER_FILE"], ranker_file.fingerprint(knowledge, config), len(feedback))
    click.echo(f"{summary} ({source}); trained in {time.perf_counter() - started:.2f} s; saved to {config['RANKER_FILE']} (servers load it at start-up)")


def init_app(app: Flask) -> None:
    """Register the command groups."""
    from .db import db_cli, events_cli
    from .partners import demo_command, partners_cli
    from .reports import reports_cli

    app.cli.add_command(rules_cli)
    app.cli.add_command(ranker_cli)
    app.cli.add_command(db_cli)
    app.cli.add_command(events_cli)
    app.cli.add_command(partners_cli)
    app.cli.add_command(demo_command)
    app.cli.add_command(reports_cli)
