"""Translations of the texts that live in domain code (not in the YAML data): the same gettext catalogues as the
pages (translations/<lang>/LC_MESSAGES/messages.po), read with Babel, without Flask.

Mark a text where it is written with `N_("...")` (pybabel extracts it; English is the source language), and turn it
into the reader's language where it is rendered with `translate(lang, text, **params)`: `%(name)s` placeholders are
filled after translation, as gettext does.

The languages the service speaks are the catalogues present: English (the source) and every `translations/<lang>/`
folder, read once at import from PATHWAYS_TRANSLATIONS_DIR or, by default, the folder beside the package (a source
checkout) or shipped inside it (an installed wheel). French comes first: it is the default language.
"""

from __future__ import annotations

import os
from functools import cache
from pathlib import Path

from babel.support import NullTranslations, Translations

SOURCE_LANG = "en"
DEFAULT_LANG = "fr"


def _default_directory() -> Path:
    """PATHWAYS_TRANSLATIONS_DIR, else translations/ beside the package, else the copy shipped in the wheel."""
    if os.environ.get("PATHWAYS_TRANSLATIONS_DIR"):
        return Path(os.environ["PATHWAYS_TRANSLATIONS_DIR"])
    package = Path(__file__).resolve().parents[1]
    beside = package.parent / "translations"
    return beside if beside.is_dir() else package / "_shipped" / "translations"


def languages_in(directory: Path) -> tuple[str, ...]:
    """The default language, then every other one with a catalogue in `directory` (and English), alphabetically."""
    found = {entry.name for entry in directory.glob("*") if (entry / "LC_MESSAGES" / "messages.po").is_file()}
    found |= {SOURCE_LANG, DEFAULT_LANG}
    return (DEFAULT_LANG, *sorted(found - {DEFAULT_LANG}))


DEFAULT_DIRECTORY = _default_directory()
LANGUAGES = languages_in(DEFAULT_DIRECTORY)
_directory = DEFAULT_DIRECTORY


def configure(directory: Path | str) -> None:
    """Read catalogues from `directory` (the app's BABEL_TRANSLATION_DIRECTORIES) from now on."""
    global _directory
    if Path(directory) != _directory:
        _directory = Path(directory)
        catalogue.cache_clear()


def N_(text: str) -> str:
    """Mark a text for translation where it is defined; it stays the English source text."""
    return text


@cache
def catalogue(lang: str) -> NullTranslations:
    """The compiled catalogue of one language (the source texts themselves when there is none)."""
    return Translations.load(str(_directory), [lang])


def translate(lang: str, text: str, **params: object) -> str:
    """`text` (an English source text) in `lang`, placeholders filled."""
    translated = catalogue(lang).gettext(text)
    return translated % params if params else translated


def translate_plural(lang: str, singular: str, plural: str, count: int, **params: object) -> str:
    """The singular or plural form for `count`, in `lang`; `%(count)d` is available to both."""
    translated = catalogue(lang).ngettext(singular, plural, count)
    return translated % {"count": count, **params}
