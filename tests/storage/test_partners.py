"""The partner registry: the commands, what is stored (never a key in clear), validation, the schema migration."""

from __future__ import annotations

import pytest
from alembic.script import ScriptDirectory
from sqlalchemy import select, text
from sqlmodel import SQLModel

from recommender.storage import db, partner_keys, partners
from recommender.storage.db import Unavailable
from recommender.storage.partners import PartnerEntry, PartnerRegistry
from tests.db_support import BACKENDS, MIGRATIONS, database_url, db_app, empty_db, make_database  # noqa: F401  (fixtures: SQLite, and PostgreSQL when configured)
from tests.partner_support import KEY, add_partner


def partner_rows(app) -> list[dict]:
    with db.store(app).engine.connect() as connection:
        return [dict(row._mapping) for row in connection.execute(select(SQLModel.metadata.tables["partner"]))]


def run(app, *args: str):
    return app.test_cli_runner().invoke(args=list(args))


@pytest.fixture()
def registry(empty_db):
    """The empty database's partner registry, reading it afresh."""
    found = partners.registry(empty_db)
    found.invalidate()
    return found


def test_add_prints_the_key_once_and_stores_only_its_hash(empty_db, registry):
    result = run(empty_db, "partners", "add", "mairie-de-lille", "--name", "Mairie de Lille", "--origin", "https://www.lille.fr", "--origin", "https://emploi.lille.fr", "--lang", "fr", "--accent", "#E2001A")
    assert result.exit_code == 0, result.output
    key = KEY.search(result.output).group(1)
    assert result.output.count(key) == 1
    assert '<script src="https://YOUR-PATHWAYS-HOST/embed.js" data-partner="mairie-de-lille" async></script>' in result.output
    [row] = partner_rows(empty_db)
    assert row["origins"] == ["https://www.lille.fr", "https://emploi.lille.fr"] and row["default_lang"] == "fr" and row["accent"] == "#e2001a"
    assert key not in str(row) and key.split(".")[-1] not in str(row)
    assert row["key_hash"] == partner_keys.hash_key(key) and row["key_hash"].startswith("sha256$")
    assert registry.authenticate(key).slug == "mairie-de-lille"
    assert registry.authenticate(key[:-1] + ("A" if key[-1] != "A" else "B")) is None


def test_a_rotated_key_replaces_the_old_one_at_once(empty_db, registry):
    old = add_partner(empty_db, "cio-nantes", "https://cio-nantes.fr")
    assert registry.authenticate(old) is not None  # now remembered as verified
    result = run(empty_db, "partners", "rotate-key", "cio-nantes")
    assert result.exit_code == 0 and "the previous one no longer works" in result.output
    new = KEY.search(result.output).group(1)
    assert registry.authenticate(old) is None
    assert registry.authenticate(new).slug == "cio-nantes"


def test_list_shows_every_partner_and_never_a_key(empty_db):
    key = add_partner(empty_db, "mission-locale-brest", "https://ml-brest.fr", "http://127.0.0.1:8000", accent="#005a9c", lang="en")
    listed = run(empty_db, "partners", "list").output
    assert "mission-locale-brest: Partner mission-locale-brest; origins https://ml-brest.fr http://127.0.0.1:8000; language en; accent #005a9c; API key set" in listed
    assert "1 partner" in listed and key not in listed and "scrypt" not in listed


def test_remove_stops_the_widget_and_the_key(empty_db, registry):
    key = add_partner(empty_db, "bibliotheque-caen", "https://bibliotheque.caen.fr")
    assert run(empty_db, "partners", "remove", "bibliotheque-caen").output == "removed bibliotheque-caen (Partner bibliotheque-caen)\n"
    assert partner_rows(empty_db) == [] and registry.get("bibliotheque-caen") is None and registry.authenticate(key) is None
    assert empty_db.test_client().get("/embed/bibliotheque-caen/?lang=fr").status_code == 404
    gone = run(empty_db, "partners", "remove", "bibliotheque-caen")
    assert gone.exit_code == 1 and "no such partner" in gone.output


@pytest.mark.parametrize(("option", "value", "says"), [
    ("--origin", "www.example.org", "start with https://"),
    ("--origin", "ftp://example.org", "start with https://"),
    ("--origin", "https://example.org/emploi", "no path, query or user; did you mean https://example.org?"),
    ("--origin", "https://example.org/", "leave out the final slash: https://example.org"),
    ("--origin", "https://example.org?x=1", "no path, query or user"),
    ("--origin", "https://user@example.org", "no path, query or user; did you mean https://example.org?"),
    ("--origin", "https://*.example.org", "no wildcard"),
    ("--origin", "https://example.org:99999", "the port must be a number from 1 to 65535"),
    ("--accent", "red", "six hexadecimal digits"),
    ("--accent", "#12345", "six hexadecimal digits"),
    ("--lang", "de", "'de' is not one of 'fr', 'en'"),
])
def test_a_wrong_setting_is_refused_with_what_is_allowed(empty_db, option, value, says):
    args = ["partners", "add", "mairie-test", "--name", "Mairie", "--origin", "https://mairie.example"]
    result = run(empty_db, *[*args, option, value])
    assert result.exit_code != 0
    assert says in result.output
    assert partner_rows(empty_db) == []


@pytest.mark.parametrize(("slug", "extra", "says"), [
    ("Mairie Lille", [], "use lowercase letters, digits and single hyphens"),
    ("mairie--lille", [], "use lowercase letters, digits and single hyphens"),
    ("mairie", ["--name", "  "], "give the partner's name"),
])
def test_a_wrong_slug_or_name_is_refused(empty_db, slug, extra, says):
    result = run(empty_db, "partners", "add", slug, "--name", "Mairie", "--origin", "https://mairie.example", *extra)
    assert result.exit_code == 1 and says in result.output


def test_a_partner_needs_an_origin_and_a_slug_only_once(empty_db):
    assert "Missing option '--origin'" in run(empty_db, "partners", "add", "mairie", "--name", "Mairie").output
    add_partner(empty_db, "mairie", "https://mairie.example")
    again = run(empty_db, "partners", "add", "mairie", "--name", "Autre", "--origin", "https://autre.example")
    assert again.exit_code == 1 and "already exists" in again.output


def test_origins_are_kept_as_browsers_send_them(empty_db):
    add_partner(empty_db, "mairie", "HTTPS://Mairie.Example:443", "http://LOCALHOST:8000", "https://mairie.example")
    assert partner_rows(empty_db)[0]["origins"] == ["https://mairie.example", "http://localhost:8000"]


def test_plain_http_is_allowed_for_test_sites_with_a_warning(empty_db):
    result = run(empty_db, "partners", "add", "mairie", "--name", "Mairie", "--origin", "http://mairie.example", "--origin", "http://127.0.0.1:8000")
    assert result.exit_code == 0
    assert "warning: http://mairie.example is not https" in result.output and "127.0.0.1:8000 is not https" not in result.output


# --- the registry in a web process ---------------------------------------------------------------------------------


class FlakyStore:
    """A store whose database can go away."""

    def __init__(self, rows):
        self.rows, self.problem, self.reads = rows, None, 0

    def read(self, work):
        self.reads += 1
        if self.problem:
            raise Unavailable(self.problem)
        return self.rows


def entry(slug: str, *origins: str) -> PartnerEntry:
    return PartnerEntry(slug, slug.title(), origins, None, None, None)


def test_the_registry_keeps_serving_its_last_copy_while_the_database_is_away():
    store = FlakyStore([entry("a", "https://a.example")])
    registry = PartnerRegistry(store, ttl=0)
    assert registry.get("a") is not None and registry.origin_allowed("https://a.example")
    store.problem = "unreachable"
    assert registry.get("a") is not None and registry.origin_allowed("https://a.example")
    assert not registry.origin_allowed("https://b.example")


def test_the_registry_reads_the_database_at_most_once_per_period():
    store = FlakyStore([entry("a", "https://a.example")])
    registry = PartnerRegistry(store, ttl=3600)
    for _ in range(50):
        registry.get("a")
    assert store.reads == 1
    store.rows = [entry("b")]
    registry.invalidate()
    assert registry.get("a") is None and registry.get("b") is not None


def test_without_any_copy_an_unreachable_database_is_said_not_taken_for_no_partner():
    store = FlakyStore([])
    store.problem = "unreachable"
    registry = PartnerRegistry(store, ttl=0)
    with pytest.raises(Unavailable):
        registry.get("a")
    assert registry.origin_allowed("https://a.example") is False


# --- the migration -------------------------------------------------------------------------------------------------


def test_the_migrations_have_one_head():
    assert len(ScriptDirectory.from_config(db.alembic_config(MIGRATIONS)).get_heads()) == 1


@pytest.mark.parametrize("backend", BACKENDS)
def test_partners_registered_before_the_registry_migration_keep_working(backend, tmp_path):
    url, schema = make_database(backend, tmp_path, upgrade=False)
    try:
        engine = db.build_engine(url)
        db.upgrade(engine, MIGRATIONS, "0001")
        with engine.begin() as connection:
            connection.execute(text("INSERT INTO partner (slug, name, created_on) VALUES ('ancien', 'Ancien partenaire', '2026-01-05')"))
        db.upgrade(engine, MIGRATIONS)
        with engine.connect() as connection:
            row = connection.execute(text("SELECT slug, origins, default_lang, accent, key_hash FROM partner")).one()
        assert row.slug == "ancien" and row.origins in ([], "[]") and row.key_hash is None
        db.downgrade(engine, MIGRATIONS, "0001")
        with engine.connect() as connection:
            assert connection.execute(text("SELECT slug FROM partner")).scalar_one() == "ancien"
        engine.dispose()
    finally:
        if schema:
            schema.drop()
