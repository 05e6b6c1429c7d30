"""The widget partners put on their pages: the loader `/embed.js`, and `/embed/<partner>/...`, what it frames.

`/embed/<partner>/` is the questionnaire blueprint itself, registered a second time inside this one: the same views
and templates in a compact layout (base.html asks `embedded()`), with the partner's accent colour (a generated
stylesheet, so no inline style), a discreet "provided by" footer, and static/pathways-embed.js, which tells the host
page the frame's height and which services were recommended. Only the partner's registered origins may frame it
(recommender/web/security.py). The partner's slug travels in the path and is recorded with events and feedback; the
language and an accent asked by the host page travel in the URL like the answers. No cookie, ever.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from flask import Blueprint, Response, abort, redirect, request, url_for
from flask_babel import gettext as _

from ..storage.db import Unavailable
from ..storage.partners import ACCENT, PartnerEntry, registry
from . import questionnaire
from .context import context
from .navigation import plain_args
from .pages import render
from .security import allow_framing_by

bp = Blueprint("embed", __name__, url_prefix="/embed/<partner>")
bp.register_blueprint(questionnaire.bp)  # the same pages, as embed.questionnaire.*
JOURNEY = f"{bp.name}.{questionnaire.bp.name}"
loader_bp = Blueprint("embed_loader", __name__)

LOADER = Path(__file__).resolve().parent.parent / "static" / "embed.js"
LOADER_CACHE = "public, max-age=86400, stale-while-revalidate=604800"  # partners paste a fixed URL: a day, then revalidate
THEME_CACHE = "public, max-age=31536000, immutable"  # a theme's address names its colour: it never changes
HEX = re.compile(r"^[0-9a-f]{6}$")


@dataclass(frozen=True)
class Embed:
    """The widget being shown: whose, and in which colour."""

    partner: PartnerEntry
    accent_asked: str | None  # data-accent on the host page, carried in every link and form

    @property
    def accent(self) -> str | None:
        """The colour to use: the host page's, else the partner's registered one, else the site's own."""
        return self.accent_asked or self.partner.accent

    @property
    def origins(self) -> str:
        """The origins allowed to frame it, for the frame's script to check messages against."""
        return " ".join(self.partner.origins)


def embedded() -> Embed | None:
    """The widget being rendered, or None on the site's own pages (a template global)."""
    return context().embed


@bp.record_once
def _set_up(state) -> None:
    """Templates ask `embedded()` (macros too: they are imported without the context) and `theme_url(embed)`."""
    state.app.jinja_env.globals.update(embedded=embedded, theme_url=theme_url)


@bp.url_value_preprocessor
def _take_partner(endpoint: str | None, values: dict | None) -> None:
    """The views are the questionnaire's: they never see the partner, the request context keeps it."""
    context().embed_slug = (values or {}).pop("partner", None)


@bp.url_defaults
def _keep_partner(endpoint: str, values: dict) -> None:
    """Links and forms of a widget stay in that widget, in the colour asked."""
    embed = embedded()
    if embed is None:
        return
    values.setdefault("partner", embed.partner.slug)
    if embed.accent_asked and endpoint.startswith(JOURNEY):
        values.setdefault("accent", embed.accent_asked)


@bp.before_request
def _find_partner() -> Response | None:
    """Look the partner up: unknown gets a clear 404 page; known opens framing to its origins and only those."""
    state = context()
    slug, state.embed_slug = state.embed_slug, None
    try:
        partner = registry().get(slug) if slug else None
    except Unavailable:
        return _problem_page(slug, 503, _("The guidance service is unavailable for a moment"), _("Please try again in a few minutes."))
    if partner is None:
        return _problem_page(slug, 404, _("This guidance widget is not set up"), _(
            "No partner “%(slug)s” is registered with Pathways. If you manage this website, check the data-partner "
            "attribute of the Pathways script; otherwise you can use Pathways directly from its home page.", slug=slug[:64]))
    asked = request.values.get("accent", "")
    state.embed = Embed(partner, asked.lower() if ACCENT.fullmatch(asked) else None)
    state.journey, state.partner_slug = JOURNEY, partner.slug
    allow_framing_by(partner.origins)
    if partner.default_lang and "lang" not in request.values and request.method == "GET" and request.endpoint.startswith(JOURNEY):
        return redirect(url_for(request.endpoint, **_this_address(lang=partner.default_lang)), 302)
    return None


def _this_address(**changes) -> dict:
    """The values that build the requested address again (query, path, then `changes`)."""
    return {**plain_args(), **(request.view_args or {}), **changes}


def _problem_page(slug: str | None, code: int, title: str, message: str) -> Response:
    """A page explaining why there is no widget: framed by no other site (who would frame an unknown partner's page?
    a clickjacking page); the webmaster reads it by opening the frame's address."""
    context().here = (request.endpoint, _this_address(partner=slug))  # its language switch stays on this address
    response = render("errors/error.html", status=code, code=code, title=title, message=message, back=None)
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.get("/theme/<colour>.css")
def theme(colour: str) -> Response:
    """The partner's accent as CSS custom properties, adjusted so that white text on it stays readable (WCAG AA)."""
    if not HEX.fullmatch(colour):
        abort(404)
    brand = readable_on_white(colour)
    css = f":root {{ --brand: #{brand}; --brand-dark: #{mix(brand, 0.35)}; --link: #{brand}; }}\n"
    response = Response(css, mimetype="text/css")
    response.headers["Cache-Control"] = THEME_CACHE
    return response


def theme_url(embed: Embed) -> str | None:
    """The stylesheet of a widget's accent, if it has one."""
    return url_for(f"{bp.name}.theme", colour=embed.accent[1:]) if embed.accent else None


# --- colours ---------------------------------------------------------------------------------------------------------


def luminance(colour: str) -> float:
    """WCAG relative luminance of an rrggbb colour."""
    channels = [int(colour[i:i + 2], 16) / 255 for i in (0, 2, 4)]
    r, g_, b = (c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels)
    return 0.2126 * r + 0.7152 * g_ + 0.0722 * b


def contrast_with_white(colour: str) -> float:
    """The contrast ratio of white text on this colour."""
    return 1.05 / (luminance(colour) + 0.05)


def mix(colour: str, black: float) -> str:
    """The colour with a share of black mixed in."""
    return "".join(f"{round(int(colour[i:i + 2], 16) * (1 - black)):02x}" for i in (0, 2, 4))


def readable_on_white(colour: str) -> str:
    """The colour itself when white text on it reaches 4.5:1, else the same hue darkened just enough."""
    shade = colour
    for step in range(1, 21):
        if contrast_with_white(shade) >= 4.5:
            break
        shade = mix(colour, step * 0.05)
    return shade


# --- the loader ------------------------------------------------------------------------------------------------------


@loader_bp.get("/embed.js")
def loader() -> Response:
    """The one-line snippet's script: it inserts the iframe where it stands and relays the frame's events."""
    response = Response(_loader_bytes(str(LOADER)), mimetype="text/javascript")
    response.headers["Cache-Control"] = LOADER_CACHE
    response.headers["Cross-Origin-Resource-Policy"] = "cross-origin"  # partners' pages may be cross-origin isolated
    response.add_etag()
    return response.make_conditional(request)


@cache
def _loader_bytes(path: str) -> bytes:
    """The loader's bytes, read once per process."""
    return Path(path).read_bytes()
