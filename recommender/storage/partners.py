"""The partner registry: who may frame the widget and call the API from a browser, and partners' API keys.

Partners are rows of the `partner` table (recommender/storage/models.py), managed with `flask --app recommender partners ...`
(recommender/cli/partners.py). Web requests never wait on the database for them: the registry keeps an immutable
snapshot of the whole (small) table in memory, refreshed every PARTNERS_CACHE_SECONDS; while the database is away the
last snapshot keeps serving.

An API key reads `pw.<slug>.<secret>`: the slug says which partner it claims to be, the 256-bit secret proves it. Only
a salted scrypt hash of the whole key is stored, and it is compared in constant time. scrypt is slow on purpose, so a
key that verified once is remembered (by its SHA-256) for as long as the partner's stored hash stays the same:
rotating or removing the key ends it within one refresh.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
import threading
import time
from collections import OrderedDict
from collections.abc import Iterable
from dataclasses import dataclass
from urllib.parse import urlsplit

from flask import Flask, current_app
from sqlmodel import Session, select

from ..domain.profile import LANGS
from .db import Unavailable
from .models import SLUG_PATTERN, Partner

KEY_PREFIX = "pw"
SCRYPT = {"n": 2**14, "r": 8, "p": 1}  # the usual interactive-login cost: 16 MiB, tens of milliseconds
SLUG = re.compile(SLUG_PATTERN)
ACCENT = re.compile(r"^#[0-9a-fA-F]{6}$")
HOST = re.compile(r"^(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)(?:\.[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)*$")
DEFAULT_PORTS = {"http": 80, "https": 443}
VERIFIED_KEYS_KEPT = 1024


class InvalidPartner(ValueError):
    """A partner setting that cannot be accepted; the message says which and what is allowed."""


# --- validation ------------------------------------------------------------------------------------------------------


def check_slug(slug: str) -> str:
    """A slug as URLs use it: lowercase letters, digits and single hyphens, at most 64 characters."""
    if not SLUG.fullmatch(slug) or len(slug) > 64:
        raise InvalidPartner(f"slug {slug!r}: use lowercase letters, digits and single hyphens (at most 64), e.g. mairie-de-lille")
    return slug


def check_origin(origin: str) -> str:
    """An origin as browsers send it (scheme://host[:port], lowercase, default port left out); nothing else."""
    parts = urlsplit(origin.strip())
    if parts.scheme not in DEFAULT_PORTS or not parts.netloc:
        raise InvalidPartner(f"origin {origin!r}: start with https:// (or http:// for a local test site), e.g. https://www.example.org")
    if parts.path not in ("", "/") or parts.query or parts.fragment or "@" in parts.netloc:
        raise InvalidPartner(f"origin {origin!r}: an origin is scheme://host[:port] only, no path, query or user; did you mean {parts.scheme}://{parts.netloc.rpartition('@')[2]}?")
    if parts.path == "/":
        raise InvalidPartner(f"origin {origin!r}: leave out the final slash: {parts.scheme}://{parts.netloc}")
    try:
        port = parts.port
    except ValueError:
        raise InvalidPartner(f"origin {origin!r}: the port must be a number from 1 to 65535") from None
    host = (parts.hostname or "").lower()
    if not HOST.fullmatch(host):
        raise InvalidPartner(f"origin {origin!r}: the host must be a domain name or an IPv4 address (IDN in punycode, no wildcard)")
    if port == 0:
        raise InvalidPartner(f"origin {origin!r}: the port must be a number from 1 to 65535")
    return f"{parts.scheme}://{host}" + (f":{port}" if port and port != DEFAULT_PORTS[parts.scheme] else "")


def check_accent(accent: str) -> str:
    """A colour written #RRGGBB (returned in lowercase)."""
    if not ACCENT.fullmatch(accent.strip()):
        raise InvalidPartner(f"accent {accent!r}: write the colour as # and six hexadecimal digits, e.g. #1d4f91")
    return accent.strip().lower()


def check_lang(lang: str) -> str:
    """fr or en."""
    if lang not in LANGS:
        raise InvalidPartner(f"language {lang!r}: use one of {', '.join(LANGS)}")
    return lang


def check_name(name: str) -> str:
    """A display name: not empty, at most 200 characters."""
    if not name.strip() or len(name.strip()) > 200:
        raise InvalidPartner("name: give the partner's name as people know it (1 to 200 characters)")
    return name.strip()


def check_origins(origins: Iterable[str]) -> list[str]:
    """At least one origin, each valid, without repeats (in the order given)."""
    checked = list(dict.fromkeys(check_origin(origin) for origin in origins))
    if not checked:
        raise InvalidPartner("origin: give at least one --origin, the address of the site that will show the widget, e.g. https://www.example.org")
    return checked


# --- keys ------------------------------------------------------------------------------------------------------------


def new_key(slug: str) -> str:
    """A fresh API key for a partner: shown once, never stored."""
    return f"{KEY_PREFIX}.{slug}.{secrets.token_urlsafe(32)}"


def hash_key(key: str) -> str:
    """The salted scrypt hash stored in place of the key: scrypt$n$r$p$salt$hash (hex)."""
    salt = secrets.token_bytes(16)
    digest = hashlib.scrypt(key.encode(), salt=salt, dklen=32, **SCRYPT)
    return f"scrypt${SCRYPT['n']}${SCRYPT['r']}${SCRYPT['p']}${salt.hex()}${digest.hex()}"


def key_matches(key: str, stored: str) -> bool:
    """Whether `key` is the one `stored` was made from (constant-time comparison)."""
    try:
        scheme, n, r, p, salt, digest = stored.split("$")
        if scheme != "scrypt":
            return False
        candidate = hashlib.scrypt(key.encode(), salt=bytes.fromhex(salt), n=int(n), r=int(r), p=int(p), dklen=len(digest) // 2)
    except ValueError:
        return False
    return hmac.compare_digest(candidate.hex(), digest)


def key_slug(key: str) -> str | None:
    """The partner a key claims to belong to (None when it is not shaped like one of our keys)."""
    prefix, _, rest = key.partition(".")
    slug, _, secret = rest.partition(".")
    return slug if prefix == KEY_PREFIX and SLUG.fullmatch(slug) and len(secret) >= 32 else None


# --- the registry ----------------------------------------------------------------------------------------------------


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
        self._verified: OrderedDict[bytes, str] = OrderedDict()

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
        """The partner whose API key this is, or None."""
        slug = key_slug(key)
        partner = self.get(slug) if slug else None
        if partner is None or not partner.key_hash:
            return None
        fingerprint = hashlib.sha256(key.encode()).digest()
        if self._verified.get(fingerprint) == partner.key_hash:
            return partner
        if not key_matches(key, partner.key_hash):
            return None
        with self._lock:
            self._verified[fingerprint] = partner.key_hash
            while len(self._verified) > VERIFIED_KEYS_KEPT:
                self._verified.popitem(last=False)
        return partner

    def invalidate(self) -> None:
        """Read the table again on next use (after a command changed it in this process)."""
        self._loaded_at = -float("inf")

    def _refresh(self) -> None:
        try:
            rows = self.store.read(lambda session: [PartnerEntry.from_row(row) for row in session.exec(select(Partner))])
        except Unavailable:
            self._loaded_at = time.monotonic() - self.ttl + min(self.ttl, 1.0)  # keep the old snapshot, ask again soon
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


def add(session: Session, *, slug: str, name: str, origins: Iterable[str], lang: str | None = None, accent: str | None = None) -> tuple[Partner, str]:
    """Register a partner; its row and its API key (the only time the key exists in clear)."""
    slug, name, origins = check_slug(slug), check_name(name), check_origins(origins)
    lang = check_lang(lang) if lang else None
    accent = check_accent(accent) if accent else None
    if find(session, slug) is not None:
        raise InvalidPartner(f"slug {slug!r}: a partner with this slug already exists (see `partners list`)")
    key = new_key(slug)
    partner = Partner(slug=slug, name=name, origins=origins, default_lang=lang, accent=accent, key_hash=hash_key(key))
    session.add(partner)
    session.commit()
    session.refresh(partner)
    return partner, key


def rotate_key(session: Session, *, slug: str) -> str:
    """Give a partner a new API key; the old one stops working."""
    partner = _existing(session, slug)
    key = new_key(slug)
    partner.key_hash = hash_key(key)
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
    partner = find(session, slug)
    if partner is None:
        raise InvalidPartner(f"slug {slug!r}: no such partner (see `partners list`)")
    return partner
