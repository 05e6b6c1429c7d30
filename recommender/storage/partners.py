"""The partner registry: who may frame the widget and call the API from a browser, and which API key is whose.

Partners are rows of the `partner` table (models.py), managed with `flask --app recommender partners ...`
(recommender/cli/partners.py); their settings are validated by the model itself (models.PartnerBase), and keys are
made and checked by partner_keys.py. Web requests never wait on the database for partners: the registry keeps an
immutable snapshot of the whole (small) table in memory, refreshed every PARTNERS_CACHE_SECONDS; while the database
is away the last snapshot keeps serving.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Iterable
from dataclasses import dataclass

from flask import Flask, current_app
from pydantic import ValidationError
from sqlmodel import Session, select

from . import partner_keys
from .engine import Unavailable
from .models import Partner, PartnerBase
from .partner_fields import ACCENT, HINTS  # noqa: F401  (ACCENT: the widget checks a page's colour with it)

log = logging.getLogger(__name__)


class InvalidPartner(ValueError):
    """A partner setting that cannot be accepted; the message says which and what is allowed."""


@dataclass(frozen=True)
class PartnerEntry:
    """What the web layer needs to know about one partner."""

    slug: str
    name: str
    origins: tuple[str, ...]
    default_lang: str | None
    accent: str | None
    key_hash: str | None

    @classmethod
    def from_row(cls, row: Partner) -> PartnerEntry:
        """The entry of a table row."""
        return cls(row.slug, row.name, tuple(row.origins or ()), row.default_lang, row.accent, row.key_hash)


class PartnerRegistry:
    """The partner table as an in-memory snapshot, refreshed in the background of requests every `ttl` seconds."""

    def __init__(self, store, ttl: float):
        self.store = store
        self.ttl = ttl
        self._snapshot: dict[str, PartnerEntry] | None = None
        self._origins: frozenset[str] = frozenset()
        self._loaded_at = -float("inf")
        self._lock = threading.Lock()

    def partners(self) -> dict[str, PartnerEntry]:
        """Every partner by slug; raises Unavailable only when the database never answered since start-up."""
        if time.monotonic() - self._loaded_at >= self.ttl and self._lock.acquire(blocking=self._snapshot is None):
            try:
                self._refresh()
            finally:
                self._lock.release()
        if self._snapshot is None:
            raise Unavailable(self.store.problem or "unreachable")
        return self._snapshot

    def get(self, slug: str) -> PartnerEntry | None:
        """One partner, or None."""
        return self.partners().get(slug)

    def origin_allowed(self, origin: str) -> bool:
        """Whether some partner registered this exact origin (False while the registry cannot be read)."""
        try:
            self.partners()
        except Unavailable:
            return False
        return origin in self._origins

    def authenticate(self, key: str) -> PartnerEntry | None:
        """The partner whose API key this is, or None; the same work whether the claimed slug exists or not."""
        slug = partner_keys.key_slug(key)
        if slug is None:
            return None  # not shaped like one of our keys: refused before any hashing
        partner = self.get(slug)
        stored = partner.key_hash if partner is not None else None
        if not partner_keys.key_matches(key, stored) or partner is None:
            return None
        if partner_keys.is_legacy(stored):
            self._upgrade(partner, key)
        return partner

    def _upgrade(self, partner: PartnerEntry, key: str) -> None:
        """Replace a legacy scrypt hash by the key's SHA-256, so that it is checked quickly from now on."""

        def work(session: Session) -> None:
            """The update, if the stored hash is still the one that was checked."""
            row = find(session, partner.slug)
            if row is not None and row.key_hash == partner.key_hash:
                row.key_hash = partner_keys.hash_key(key)
                session.add(row)
                session.commit()

        try:
            self.store.read(work)
        except Unavailable:
            return  # checked slowly once more next time
        self.invalidate()
        log.info("API key hash of partner %s upgraded from scrypt to sha256", partner.slug)

    def invalidate(self) -> None:
        """Read the table again on next use (after a command changed it in this process)."""
        self._loaded_at = -float("inf")

    def _refresh(self) -> None:
        """Read the whole table; keep the old snapshot (and ask again soon) while the database cannot answer."""
        try:
            rows = self.store.read(lambda session: [PartnerEntry.from_row(row) for row in session.exec(select(Partner))])
        except Unavailable:
            self._loaded_at = time.monotonic() - self.ttl + min(self.ttl, 1.0)
            return
        self._snapshot = {entry.slug: entry for entry in rows}
        self._origins = frozenset(origin for entry in rows for origin in entry.origins)
        self._loaded_at = time.monotonic()


def registry(app: Flask | None = None) -> PartnerRegistry:
    """The app's partner registry."""
    return (app or current_app).extensions["pathways_partners"]


def init_app(app: Flask) -> None:
    """Attach the registry to the app's database store."""
    app.extensions["pathways_partners"] = PartnerRegistry(app.extensions["pathways_store"], float(app.config["PARTNERS_CACHE_SECONDS"]))


# --- changes (the commands use these; each takes an explicit session) --------------------------------------------------


def checked(**settings) -> PartnerBase:
    """Settings validated by the partner model; InvalidPartner naming the first wrong one and what is allowed."""
    try:
        return PartnerBase.model_validate(settings)
    except ValidationError as error:
        first = error.errors()[0]
        field = str(first["loc"][0]) if first["loc"] else "partner"
        said = first["msg"].removeprefix("Value error, ")
        if first["type"] == "value_error":
            raise InvalidPartner(said) from None
        shown = f" {settings.get(field)!r}" if field in ("slug", "accent") else ""
        raise InvalidPartner(f"{field}{shown}: {HINTS.get(field, said)}") from None


def add(session: Session, *, slug: str, name: str, origins: Iterable[str], lang: str | None = None, accent: str | None = None) -> tuple[Partner, str]:
    """Register a partner; its row and its API key (the only time the key exists in clear)."""
    settings = checked(slug=slug, name=name, origins=list(origins), default_lang=lang, accent=accent)
    if find(session, settings.slug) is not None:
        raise InvalidPartner(f"slug {slug!r}: a partner with this slug already exists (see `partners list`)")
    key = partner_keys.new_key(settings.slug)
    partner = Partner(**settings.model_dump(), key_hash=partner_keys.hash_key(key))
    session.add(partner)
    session.commit()
    session.refresh(partner)
    return partner, key


def rotate_key(session: Session, *, slug: str) -> str:
    """Give a partner a new API key; the old one stops working."""
    partner = _existing(session, slug)
    key = partner_keys.new_key(slug)
    partner.key_hash = partner_keys.hash_key(key)
    session.add(partner)
    session.commit()
    return key


def remove(session: Session, *, slug: str) -> Partner:
    """Delete a partner: its widget and its key stop working (its anonymous statistics stay)."""
    partner = _existing(session, slug)
    session.delete(partner)
    session.commit()
    return partner


def find(session: Session, slug: str) -> Partner | None:
    """The partner with this slug, if any."""
    return session.exec(select(Partner).where(Partner.slug == slug)).first()


def _existing(session: Session, slug: str) -> Partner:
    """The partner with this slug, or InvalidPartner."""
    partner = find(session, slug)
    if partner is None:
        raise InvalidPartner(f"slug {slug!r}: no such partner (see `partners list`)")
    return partner
