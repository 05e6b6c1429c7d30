"""Languages of the web pages: Flask-Babel with gettext catalogues, the language taken from `lang` in the URL or form.

The catalogues live in translations/<lang>/LC_MESSAGES/messages.po (English is the source language). After changing a
text, `.venv/bin/python translations/update.py` extracts, updates both catalogues and compiles them; the .mo files are
committed, and tests/web/test_i18n.py fails while a text is untranslated or a .mo no longer matches its .po.
"""

from __future__ import annotations

from functools import cache

from babel import Locale
from flask import Flask, request
from flask_babel import Babel, get_locale

from ..domain.i18n import DEFAULT_LANG
from ..domain.profile import LANGS

babel = Babel()


def select_lang() -> str:
    """`lang` from the query string or the submitted form when it is one we speak, else French."""
    lang = request.values.get("lang") if request else None
    return lang if lang in LANGS else DEFAULT_LANG


def current_lang() -> str:
    """The language of the page being rendered ("fr", "en" or any other with a catalogue)."""
    return str(get_locale() or DEFAULT_LANG)


def other_langs() -> list[str]:
    """The languages the page can switch to."""
    return [lang for lang in LANGS if lang != current_lang()]


@cache
def language_name(lang: str) -> str:
    """A language's name in that language ("Français", "English"), from Babel's locale data."""
    name = Locale.parse(lang).get_display_name(lang) or lang
    return name[:1].upper() + name[1:]


def init_app(app: Flask) -> None:
    """Bind Flask-Babel (which also installs the Jinja i18n extension: `_()`, `{% trans %}`)."""
    babel.init_app(app, locale_selector=select_lang)
    app.jinja_env.globals.update(current_lang=current_lang, other_langs=other_langs, language_name=language_name)
