"""The one settings object: defaults, overridden by environment variables, validated, then by `create_app(config)`.

Every setting is read from the environment variable named beside it (README, "Configuration"). A value that cannot
be right stops start-up with the variable's name and what it allows, never with a traceback.
"""

from __future__ import annotations

import ipaddress
from pathlib import Path
from typing import Annotated, Literal
from urllib.parse import urlsplit

from limits import parse
from pydantic import AliasChoices, Field, ValidationError, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

from .domain.i18n import DEFAULT_DIRECTORY as TRANSLATIONS_DIR  # the languages spoken are the catalogues found there

ROOT = Path(__file__).resolve().parent.parent
RATELIMIT_SCHEMES = ("local", "memory", "redis", "rediss", "redis+unix")


class BadSettings(SystemExit):
    """Start-up refused: an environment variable has a value that cannot be used (the message says which and why)."""


def _shipped(name: str) -> Path:
    """A data folder next to the package (source checkout) or shipped inside it (installed wheel)."""
    beside = ROOT / name
    return beside if beside.is_dir() else Path(__file__).resolve().parent / "_shipped" / name


def _env(name: str, default, description: str, *others: str, **checks):
    """A setting read from the environment variable `name` (or, failing that, from `others`)."""
    factory = {"default_factory": default} if callable(default) and not isinstance(default, type) else {"default": default}
    return Field(**factory, validation_alias=AliasChoices(name, *others), description=description, **checks)


class Settings(BaseSettings):
    """Every setting, typed: what the app reads from `app.config` (under the upper-case field names)."""

    model_config = SettingsConfigDict(extra="ignore", case_sensitive=True, frozen=True)

    rules_dir: Path = _env("PATHWAYS_RULES_DIR", lambda: _shipped("rules"), "folder of the eligibility rules (YAML)")
    data_dir: Path = _env("PATHWAYS_DATA_DIR", lambda: _shipped("data"), "folder of the catalogue (YAML)")
    ranker_alpha: float = _env("PATHWAYS_RANKER_ALPHA", 3.0, "ridge regularisation, chosen by cross-validation", gt=0)
    ranker_file: Path = _env("PATHWAYS_RANKER_FILE", lambda: ROOT / "instance" / "ranker.npz", "written by `flask ranker train`")
    api_rate_limit: str = _env("PATHWAYS_API_RATE_LIMIT", "120 per minute", "anonymous API calls and results pages per client address")
    ratelimit_storage_uri: str = _env("PATHWAYS_RATELIMIT_STORAGE_URI", "local://", "local:// (shared by the workers of one machine), memory:// or redis://")
    ratelimit_enabled: bool = _env("PATHWAYS_RATELIMIT_ENABLED", True, "1 or 0")
    ratelimit_timeout_ms: int = _env("PATHWAYS_RATELIMIT_TIMEOUT_MS", 50, "Redis connect and read timeout, milliseconds", ge=1, le=5000)
    api_key_failure_limit: str = _env("PATHWAYS_API_KEY_FAILURE_LIMIT", "10 per minute", "wrong partner keys per client address")
    trusted_proxies: Annotated[tuple[str, ...], NoDecode] = _env("PATHWAYS_TRUSTED_PROXIES", (), "addresses of reverse proxies whose X-Forwarded-For is believed, comma-separated")
    public_base_url: str = _env("PATHWAYS_PUBLIC_BASE_URL", "", "https://host the share links point to (empty: links without a host)")
    hsts_seconds: int = _env("PATHWAYS_HSTS_SECONDS", 0, "Strict-Transport-Security max-age (0: not sent; set it only behind https)", ge=0)
    partners_cache_seconds: float = _env("PATHWAYS_PARTNERS_CACHE_SECONDS", 30.0, "how often the partner table is read again", ge=0)
    catalogue_max_age: int = _env("PATHWAYS_CATALOGUE_MAX_AGE", 3600, "seconds caches may keep the catalogue", ge=0)
    max_content_length: int = _env("PATHWAYS_MAX_BODY_BYTES", 16 * 1024, "largest request body, bytes", ge=1024)
    database_url: str | None = _env("DATABASE_URL", None, "postgresql+psycopg://... or sqlite:///...; empty: a SQLite file in the instance folder")
    db_connect_timeout: int = _env("PATHWAYS_DB_CONNECT_TIMEOUT", 2, "seconds; libpq's minimum is 2", ge=2)
    db_read_timeout: float = _env("PATHWAYS_DB_READ_TIMEOUT", 3.0, "seconds a page waits for statistics", gt=0)
    db_retry_seconds: float = _env("PATHWAYS_DB_RETRY_SECONDS", 5.0, "how often a lost database is probed", gt=0)
    feedback_weight: float = _env("PATHWAYS_FEEDBACK_WEIGHT", 0.1, "one answer's weight in `ranker train`", ge=0)
    feedback_secret: str | None = _env("PATHWAYS_FEEDBACK_SECRET", None, "signs feedback tokens (empty: one generated in the instance folder)", min_length=32)
    feedback_token_seconds: int = _env("PATHWAYS_FEEDBACK_TOKEN_SECONDS", 3600, "how long a results page can take feedback", ge=60, le=86400)
    stats_cache_seconds: float = _env("PATHWAYS_STATS_CACHE_SECONDS", 300.0, "how long statistics are kept in memory", ge=0)
    log_level: Literal["DEBUG", "INFO", "WARNING", "ERROR"] = _env("PATHWAYS_LOG_LEVEL", "INFO", "DEBUG, INFO, WARNING or ERROR")
    log_format: Literal["json", "text"] = _env("PATHWAYS_LOG_FORMAT", "json", "json or text")
    # Who runs this copy (legal notice, accessibility statement, results); empty shows "to be set" (web/trust.py).
    publisher: str = _env("PATHWAYS_PUBLISHER", "Pathways", "who publishes this copy of the service")
    publisher_address: str = _env("PATHWAYS_PUBLISHER_ADDRESS", "", "the publisher's postal address")
    publication_director: str = _env("PATHWAYS_PUBLICATION_DIRECTOR", "", "the publication director's name")
    contact: str = _env("PATHWAYS_CONTACT", "", "an email address or a web address to reach the publisher")
    host: str = _env("PATHWAYS_HOST", "", "the hosting provider's name")
    host_address: str = _env("PATHWAYS_HOST_ADDRESS", "", "the hosting provider's postal address and telephone")
    htmx_file: Path = _env("PATHWAYS_HTMX_FILE", lambda: _shipped("node_modules") / "htmx.org" / "dist" / "htmx.min.js", "htmx as npm installed it")

    @field_validator("api_rate_limit", "api_key_failure_limit")
    @classmethod
    def _a_limit(cls, value: str) -> str:
        """A rate limit as the limits library reads it."""
        try:
            parse(value)
        except ValueError:
            raise ValueError("write a rate limit such as '120 per minute' or '10/second'") from None
        return value

    @field_validator("ratelimit_storage_uri")
    @classmethod
    def _a_storage(cls, value: str) -> str:
        """One of the rate-limit storages we support."""
        if urlsplit(value).scheme not in RATELIMIT_SCHEMES:
            raise ValueError(f"use one of {', '.join(s + '://' for s in RATELIMIT_SCHEMES)}")
        return value

    @field_validator("trusted_proxies", mode="before")
    @classmethod
    def _addresses(cls, value: object) -> object:
        """Comma-separated IP addresses, each one checked."""
        if isinstance(value, str):
            value = tuple(part.strip() for part in value.split(",") if part.strip())
        for address in value:
            try:
                ipaddress.ip_address(address)
            except ValueError:
                raise ValueError(f"{address!r} is not an IP address; give addresses separated by commas, e.g. 127.0.0.1,::1") from None
        return value

    @field_validator("public_base_url")
    @classmethod
    def _a_base_url(cls, value: str) -> str:
        """scheme://host[:port], no path: the address people reach the site at."""
        parts = urlsplit(value)
        if value and (parts.scheme not in ("http", "https") or not parts.netloc or parts.path not in ("", "/") or parts.query):
            raise ValueError("write the site's address as https://host (no path), e.g. https://pathways.example.org")
        return value.rstrip("/")

    @field_validator("log_level", mode="before")
    @classmethod
    def _upper_level(cls, value: object) -> object:
        """warning is WARNING (gunicorn's own settings are written in lowercase)."""
        return value.upper() if isinstance(value, str) else value

    @field_validator("database_url", "feedback_secret", mode="before")
    @classmethod
    def _empty_is_none(cls, value: object) -> object:
        """An empty variable means the default."""
        return value or None

    def as_config(self) -> dict:
        """The settings as Flask config keys, with the fixed ones."""
        config = {name.upper(): value for name, value in self}
        config["TRUSTED_PROXIES"] = frozenset(config["TRUSTED_PROXIES"])
        config.update(TEMPLATES_DIR=_shipped("templates"), MIGRATIONS_DIR=_shipped("migrations"), BABEL_DEFAULT_LOCALE="fr",
                      BABEL_TRANSLATION_DIRECTORIES=str(TRANSLATIONS_DIR))  # PATHWAYS_TRANSLATIONS_DIR, else as _shipped() finds it
        return config


def describe(error: ValidationError, model: type[BaseSettings] = Settings) -> str:
    """A start-up refusal naming each wrong variable, its value and what is allowed."""
    lines = []
    for entry in error.errors():
        variable = str(entry["loc"][0]) if entry["loc"] else "?"
        allowed = next((f.description for f in model.model_fields.values() if variable in f.validation_alias.choices), "")
        lines.append(f"  {variable}={entry.get('input')!r}: {entry['msg'].removeprefix('Value error, ')} ({allowed})")
    return "Start-up refused: these environment variables cannot be used:\n" + "\n".join(lines)


def from_environment() -> dict:
    """Settings read from the environment, validated; a wrong one stops start-up with its name and what is allowed."""
    try:
        return Settings().as_config()
    except ValidationError as error:
        raise BadSettings(describe(error)) from None


class ServerSettings(BaseSettings):
    """Gunicorn's own settings (gunicorn.conf.py), validated the same way."""

    model_config = SettingsConfigDict(extra="ignore", case_sensitive=True, frozen=True)

    bind: str = _env("PATHWAYS_BIND", "127.0.0.1:8000", "host:port the server listens on")
    # WEB_CONCURRENCY is read by gunicorn itself too, before this file (a wrong value is its own traceback).
    workers: int = _env("PATHWAYS_WORKERS", lambda: _cpus(), "worker processes", "WEB_CONCURRENCY", ge=1, le=64)
    threads: int = _env("PATHWAYS_THREADS", 4, "threads per worker", ge=1, le=64)
    forwarded_allow_ips: str = _env("FORWARDED_ALLOW_IPS", "127.0.0.1", "proxies gunicorn believes about the scheme")
    log_level: Literal["DEBUG", "INFO", "WARNING", "ERROR"] = _env("PATHWAYS_LOG_LEVEL", "INFO", "DEBUG, INFO, WARNING or ERROR")

    _upper_level = field_validator("log_level", mode="before")(Settings._upper_level.__func__)


def _cpus() -> int:
    """The machine's processors (gunicorn's usual default of workers)."""
    import os

    return os.cpu_count() or 1


def server_settings() -> ServerSettings:
    """Gunicorn's settings from the environment; a wrong one stops the server naming it."""
    try:
        return ServerSettings()
    except ValidationError as error:
        raise BadSettings(describe(error, ServerSettings)) from None
