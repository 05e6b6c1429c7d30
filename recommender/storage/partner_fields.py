"""What a partner's settings may be, as the partner model's validators check them (models.PartnerBase), with
messages that say what is allowed; origins normalised as browsers send them."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

ACCENT = re.compile(r"^#[0-9a-fA-F]{6}$")  # a colour as a page may ask it (the widget's data-accent)
HOST = re.compile(r"^(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)(?:\.[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)*$")
DEFAULT_PORTS = {"http": 80, "https": 443}
# What to say when the model refuses a field for a reason of its own (length, pattern, type).
HINTS = {
    "slug": "use lowercase letters, digits and single hyphens (at most 64), e.g. mairie-de-lille",
    "name": "give the partner's name as people know it (1 to 200 characters)",
    "accent": "write the colour as # and six hexadecimal digits, e.g. #1d4f91",
    "default_lang": "use one of fr, en",
    "origins": "give at least one --origin, the address of the site that will show the widget, e.g. https://www.example.org",
}


def origin(value: str) -> str:
    """An origin as browsers send it (scheme://host[:port], lowercase, default port left out); ValueError otherwise."""
    parts = urlsplit(value.strip())
    if parts.scheme not in DEFAULT_PORTS or not parts.netloc:
        raise ValueError(f"origin {value!r}: start with https:// (or http:// for a local test site), e.g. https://www.example.org")
    if parts.path not in ("", "/") or parts.query or parts.fragment or "@" in parts.netloc:
        raise ValueError(f"origin {value!r}: an origin is scheme://host[:port] only, no path, query or user; did you mean {parts.scheme}://{parts.netloc.rpartition('@')[2]}?")
    if parts.path == "/":
        raise ValueError(f"origin {value!r}: leave out the final slash: {parts.scheme}://{parts.netloc}")
    try:
        port = parts.port
    except ValueError:
        raise ValueError(f"origin {value!r}: the port must be a number from 1 to 65535") from None
    host = (parts.hostname or "").lower()
    if not HOST.fullmatch(host):
        raise ValueError(f"origin {value!r}: the host must be a domain name or an IPv4 address (IDN in punycode, no wildcard)")
    if port == 0:
        raise ValueError(f"origin {value!r}: the port must be a number from 1 to 65535")
    return f"{parts.scheme}://{host}" + (f":{port}" if port and port != DEFAULT_PORTS[parts.scheme] else "")


def origins(values: list[str]) -> list[str]:
    """At least one origin, each valid, without repeats (in the order given)."""
    checked = list(dict.fromkeys(origin(value) for value in values))
    if not checked:
        raise ValueError(f"origin: {HINTS['origins']}")
    return checked
