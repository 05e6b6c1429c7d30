"""What one request carries from hook to view to template, in one typed object instead of loose `flask.g` names."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from flask import g, has_request_context

if TYPE_CHECKING:
    from .embed import Embed
    from .feedback import Offer

SITE_JOURNEY = "questionnaire"  # the blueprint of the questionnaire's pages on the site itself
NOT_LOOKED_UP = object()  # the API caller has not been looked up yet


@dataclass
class RequestContext:
    """The state of the request being served; each field says who sets it."""

    request_id: str = ""  # ops: the id in log lines and the X-Request-ID header
    started: float | None = None  # ops: perf_counter() when the request arrived
    journey: str = SITE_JOURNEY  # embed: the blueprint of the questionnaire pages (site, or a partner's widget)
    partner_slug: str | None = None  # embed or access: the partner whose widget or key is in use (for the counts)
    embed: Embed | None = None  # embed: the widget being rendered
    embed_slug: str | None = None  # embed: the slug taken from the path, until the partner is looked up
    here: tuple[str, dict] | None = None  # questionnaire: the address the language switch rebuilds, when not the URL's
    frame_ancestors: str | None = None  # security, via allow_framing_by: who may frame this response
    api_caller: Any = NOT_LOOKED_UP  # access: the partner of a valid key, None for a wrong one, or UNCHECKED
    rate_limit: tuple | None = None  # ratelimit: (limit, key, count) of the call just counted
    rate_limited: Any = None  # ratelimit: the limit this call went over
    feedback: Offer | None = None  # feedback: the token and services a results page may ask feedback about
    client_address: str | None = None  # ratelimit: the caller's address (from the trusted proxy's header, if any)


def context() -> RequestContext:
    """The current request's context, made on first use."""
    found = g.get("pathways")
    if found is None:
        found = g.pathways = RequestContext()
    return found


def current() -> RequestContext | None:
    """The current request's context, or None outside a request (commands, the writer thread)."""
    return context() if has_request_context() else None
