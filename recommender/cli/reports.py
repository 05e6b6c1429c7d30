"""`flask --app recommender reports list`: what readers reported as wrong in the services' information."""

from __future__ import annotations

import datetime as dt

import click
from flask import current_app
from flask.cli import AppGroup

from ..storage import db
from ..storage.reports import stored_reports
from .db import _plain_errors

reports_cli = AppGroup("reports", help="Errors readers reported in the services' information.")


@reports_cli.command("list")
@click.option("--since", type=click.DateTime(["%Y-%m-%d"]), default=None, help="Only reports from this day on.")
@click.option("--service", "service_id", default=None, help="Only reports about this service id.")
@_plain_errors
def reports_list(since: dt.datetime | None, service_id: str | None) -> None:
    """Print each report: day, service, which information, and the comment."""
    with db.store(current_app).session() as session:
        reports = stored_reports(session, since=since.date() if since else None, service_id=service_id)
    for report in reports:
        click.echo(f"{report.day.isoformat()}  {report.service_id}  [{report.part}]")
        for line in report.comment.splitlines() or [""]:
            click.echo(f"    {line}")
    click.echo(f"{len(reports)} report{'s' if len(reports) != 1 else ''}")
