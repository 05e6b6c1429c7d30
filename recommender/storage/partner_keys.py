"""Partners' API keys: `pw.<slug>.<secret>`, the slug saying which partner a key claims to be, 256 random bits proving it.

Only a SHA-256 of the whole key is stored (`sha256$<hex>`). A slow, salted hash protects passwords, which people pick
and which can be guessed; a 256-bit random secret cannot be guessed, so a fast hash is as safe for it, and a wrong key
then costs microseconds instead of a deliberately slow scrypt (the audit: 33 wrong keys a second pushed partners' p99
from 6 ms to 1,014 ms). A key for a slug that does not exist is compared with a stand-in digest, the same work, so the
time of the answer does not tell whether a slug exists.

Keys made before this change are stored as `scrypt$n$r$p$salt$hash`: they still work, and the first time one is used
its stored hash is replaced by its SHA-256 (partners.py), so the slow check is paid once per partner. Until then a wrong
key for such a partner still costs a scrypt check (limited per address by API_KEY_FAILURE_LIMIT).
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets

from .models import SLUG_PATTERN

KEY_PREFIX = "pw"
SLUG = re.compile(SLUG_PATTERN)
SECRET = re.compile(r"^[A-Za-z0-9_-]{43}$")  # secrets.token_urlsafe(32)
STAND_IN = "sha256$" + hashlib.sha256(b"no partner has this key").hexdigest()


def new_key(slug: str) -> str:
    """A fresh API key for a partner: shown once, never stored."""
    return f"{KEY_PREFIX}.{slug}.{secrets.token_urlsafe(32)}"


def hash_key(key: str) -> str:
    """What is stored in place of the key."""
    return "sha256$" + hashlib.sha256(key.encode()).hexdigest()


def key_slug(key: str) -> str | None:
    """The partner a key claims to belong to; None when it is not shaped like one of our keys (refused at once)."""
    prefix, _, rest = key.partition(".")
    slug, _, secret = rest.partition(".")
    return slug if prefix == KEY_PREFIX and len(slug) <= 64 and SLUG.fullmatch(slug) and SECRET.fullmatch(secret) else None


def key_matches(key: str, stored: str | None) -> bool:
    """Whether `key` is the one `stored` was made from (a constant-time comparison); None stands for "no such partner"."""
    stored = stored or STAND_IN
    if stored.startswith("sha256$"):
        return hmac.compare_digest(hash_key(key), stored)
    return _legacy_matches(key, stored)


def is_legacy(stored: str | None) -> bool:
    """A hash made before SHA-256 keys (scrypt): to be replaced on its first successful use."""
    return bool(stored) and stored.startswith("scrypt$")


def _legacy_matches(key: str, stored: str) -> bool:
    """The scrypt check of keys made before this version."""
    try:
        scheme, n, r, p, salt, digest = stored.split("$")
        if scheme != "scrypt":
            return False
        candidate = hashlib.scrypt(key.encode(), salt=bytes.fromhex(salt), n=int(n), r=int(r), p=int(p), dklen=len(digest) // 2)
    except ValueError:
        return False
    return hmac.compare_digest(candidate.hex(), digest)
