"""French words inside English pages, marked `lang="fr"` so that speech synthesis reads them in French; and dates
written as each language writes them ("1er décembre 2026", "1 December 2026")."""

from __future__ import annotations

import datetime as dt
import re

from flask_babel import format_date
from markupsafe import Markup, escape

from .acronyms import marked, spelled_out
from .i18n import current_lang

# French names and terms that the English pages keep as they are (names of services and bodies, diplomas, school
# levels, statuses): the longest first, so that "Missions locales" wins over "Mission locale".
TERMS = sorted((
    "Mission locale", "Missions locales", "France Travail", "Cap emploi", "Parcoursup", "Défenseur des droits",
    "Libre réponse", "Carte Vitale", "collège", "lycée", "Baccalauréat", "baccalauréat", "brevet", "maîtrise", "cadre",
    "Cité des métiers", "Reviens te former", "Mon orientation en ligne", "Transitions Pro", "Service civique",
    "Référentiel général d’amélioration de l’accessibilité",
), key=len, reverse=True)
TERM = re.compile(r"(?<![\w-])(" + "|".join(re.escape(term) for term in TERMS) + r")(?![\w-])")
ENGLISH_DATE = "d MMMM y"  # one style on every English page: 1 December 2026


def in_french(text: str) -> Markup:
    """A French passage (the title of a law): marked as French on a page in another language, as it is on a French
    page, its acronyms marked (acronyms.py)."""
    lang = current_lang()
    quoted = marked(str(escape(text)), lang)
    if lang == "fr":
        return quoted
    return Markup('<span lang="fr">%s</span>') % quoted


def french_terms(text: str | None) -> Markup:
    """The text, escaped, with the French terms it holds marked as French when the page is not in French, and its
    acronyms spelled out where the page uses them first (acronyms.py)."""
    escaped, lang = escape(text or ""), current_lang()
    if lang != "fr":
        escaped = Markup(TERM.sub(lambda found: f'<span lang="fr">{found.group(1)}</span>', str(escaped)))
    return spelled_out(str(escaped), lang)


def long_date(value: str | dt.date) -> str:
    """A date as people write it in the page's language (1er décembre 2026, 20 novembre 2026, 20 November 2026)."""
    day = dt.date.fromisoformat(value) if isinstance(value, str) else value
    if current_lang() == "fr":
        written = format_date(day, "d MMMM y")
        return "1er" + written[1:] if day.day == 1 else written
    return format_date(day, ENGLISH_DATE)
