"""Commands for partners: `flask --app recommender partners add|list|remove|rotate-key`, and `demo`.

A running server sees a change within PARTNERS_CACHE_SECONDS (30 s by default).
"""

from __future__ import annotations

import functools
import threading
import time

import click
from flask import current_app
from flask.cli import AppGroup, with_appcontext
from sqlalchemy.exc import OperationalError, ProgrammingError
from sqlmodel import select
from werkzeug.serving import make_server

from ..domain.profile import LANGS
from ..storage import db, partners
from ..storage.models import Partner

partners_cli = AppGroup("partners", help="Partners: the sites that embed the widget, and their API keys.")
SNIPPET = '<script src="https://YOUR-PATHWAYS-HOST/embed.js" data-partner="{slug}" async></script>'
DEMO_SLUG = "demo"
LOCAL_HOSTS = ("127.0.0.1", "localhost", "[::1]")


def _plain_errors(command):
    """A wrong setting or an unreachable database is a one-line message, not a traceback."""

    @functools.wraps(command)
    def run(*args, **kwargs):
        """The command, its errors said in one line."""
        store = db.store(current_app)
        if store.problem == "schema_behind":
            raise click.ClickException(f"the database schema is behind this version; run: {db.UPGRADE_COMMAND}")
        try:
            return command(*args, **kwargs)
        except partners.InvalidPartner as error:
            raise click.ClickException(str(error)) from None
        except (OperationalError, ProgrammingError) as error:
            where = store.engine.url.render_as_string(hide_password=True)
            raise click.ClickException(f"cannot use the database at {where}: {str(error.orig).strip().splitlines()[0]}") from None
        finally:
            partners.registry(current_app).invalidate()

    return run


def _session():
    """A session on the app's database."""
    return db.store(current_app).session()


def _describe(partner) -> str:
    """A partner in one line."""
    extras = [f"language {partner.default_lang}" if partner.default_lang else None, f"accent {partner.accent}" if partner.accent else None]
    return f"{partner.slug}: {partner.name}; origins {' '.join(partner.origins) or '(none)'}" + "".join(f"; {e}" for e in extras if e)


def _show_key(key: str) -> None:
    """Show a new key once, with how to use it."""
    click.echo(f"API key (shown only now; store it, e.g. in the partner's server configuration): {key}")
    click.echo("Use it server to server only, as `Authorization: Bearer <key>`; never in a web page.")


@partners_cli.command("add")
@click.argument("slug")
@click.option("--name", required=True, help="The partner's name as people know it.")
@click.option("--origin", "origins", multiple=True, required=True, help="A site that will show the widget: scheme://host[:port]. Repeat for several.")
@click.option("--lang", type=click.Choice(LANGS), default=None, help="The widget's language when the page does not choose (default: fr).")
@click.option("--accent", default=None, help="The widget's accent colour, #RRGGBB.")
@_plain_errors
def partners_add(slug: str, name: str, origins: tuple[str, ...], lang: str | None, accent: str | None) -> None:
    """Register partner SLUG; prints its API key, once."""
    with _session() as session:
        partner, key = partners.add(session, slug=slug, name=name, origins=origins, lang=lang, accent=accent)
        click.echo(f"added {_describe(partner)}")
        _warn_plain_http(partner.origins)
    _show_key(key)
    click.echo(f"The line to paste in the partner's page: {SNIPPET.format(slug=slug)}")


def _warn_plain_http(origins: list[str]) -> None:
    """Say that plain http origins are for test sites only."""
    for origin in origins:
        if origin.startswith("http://") and origin.removeprefix("http://").rsplit(":", 1)[0] not in LOCAL_HOSTS:
            click.echo(f"warning: {origin} is not https: fine for a test site, not for a real one", err=True)


@partners_cli.command("list")
@_plain_errors
def partners_list() -> None:
    """Every partner, with its origins (keys are never shown)."""
    with _session() as session:
        rows = session.exec(select(Partner).order_by(Partner.slug)).all()
        for partner in rows:
            click.echo(f"{_describe(partner)}; API key {'set' if partner.key_hash else 'none (run rotate-key)'}; since {partner.created_on.isoformat()}")
    click.echo(f"{len(rows)} partner{'s' if len(rows) != 1 else ''}")


@partners_cli.command("remove")
@click.argument("slug")
@_plain_errors
def partners_remove(slug: str) -> None:
    """Remove partner SLUG: its widget and its key stop working (its anonymous statistics stay)."""
    with _session() as session:
        partner = partners.remove(session, slug=slug)
        click.echo(f"removed {partner.slug} ({partner.name})")


@partners_cli.command("rotate-key")
@click.argument("slug")
@_plain_errors
def partners_rotate_key(slug: str) -> None:
    """Give partner SLUG a new API key; the old one stops working. Prints the new key, once."""
    with _session() as session:
        key = partners.rotate_key(session, slug=slug)
    click.echo(f"new key for {slug}; the previous one no longer works")
    _show_key(key)


# --- demo ------------------------------------------------------------------------------------------------------------


@click.command("demo")
@click.option("--port", default=5000, show_default=True, help="Where Pathways is served.")
@click.option("--partner-port", default=8000, show_default=True, help="Where the demo partner's site is served (another origin).")
@with_appcontext
def demo_command(port: int, partner_port: int) -> None:
    """Development only: Pathways and a demo partner's page embedding the widget, in one command.

    Brings the database schema up to date, registers (or updates) the partner "demo" for the partner site's origins,
    and serves both sites on 127.0.0.1 until Ctrl-C.
    """
    from .demo import partner_site

    app = current_app._get_current_object()
    store = db.store(app)
    db.upgrade(store.engine, app.config["MIGRATIONS_DIR"])
    store.check()
    origins = [f"http://127.0.0.1:{partner_port}", f"http://localhost:{partner_port}"]
    key = _ensure_demo_partner(origins)
    pathways_url = f"http://127.0.0.1:{port}"
    servers = [make_server("127.0.0.1", port, app, threaded=True), make_server("127.0.0.1", partner_port, partner_site(pathways_url, DEMO_SLUG), threaded=True)]
    for server in servers:
        threading.Thread(target=server.serve_forever, daemon=True).start()
    click.echo(f"Pathways:              {pathways_url}/")
    click.echo(f"Demo partner's page:   http://127.0.0.1:{partner_port}/   (try ?lang=en&accent=%23b3261e or ?start=results)")
    if key:
        _show_key(key)
    click.echo("Ctrl-C to stop.")
    try:
        while True:
            time.sleep(3600)
    except KeyboardInterrupt:
        pass
    finally:
        for server in servers:
            server.shutdown()


def _ensure_demo_partner(origins: list[str]) -> str | None:
    """The demo partner, for these origins; its API key when it was just created."""
    with _session() as session:
        existing = partners.find(session, DEMO_SLUG)
        if existing is None:
            _partner, key = partners.add(session, slug=DEMO_SLUG, name="Mairie de Saint-Exemple (démo)", origins=origins, accent="#5b2a86")
            partners.registry(current_app).invalidate()
            return key
        existing.origins = origins
        session.add(existing)
        session.commit()
    partners.registry(current_app).invalidate()
    return None
