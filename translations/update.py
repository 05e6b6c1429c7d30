"""Refresh the web pages' catalogues after texts changed in recommender/*.py or templates/.

Run from the repository root:  .venv/bin/python translations/update.py
1. extracts every text (`_`, `gettext`, `ngettext`, `_l`, `{% trans %}`) as babel.cfg says;
2. updates every catalogue (translations/<lang>/, English included): new texts are added, vanished ones dropped;
3. fills the English catalogue from the source texts, which are English;
4. compiles both to .mo (committed: tests/web/test_i18n.py checks they match the .po files).
New entries come out empty or fuzzy: translate them in translations/<lang>/LC_MESSAGES/messages.po, then run this
again so the .mo is rebuilt. The tests fail while any text is missing or fuzzy.
A new language: `mkdir -p translations/<lang>/LC_MESSAGES`, run this (it writes the empty catalogue), translate it.
"""

from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po, write_po

ROOT = Path(__file__).resolve().parent.parent
TRANSLATIONS = ROOT / "translations"
SOURCE = "en"
# Every language with a folder, English (the source) included; French first, as the service's default.
LANGS = tuple(sorted({entry.name for entry in TRANSLATIONS.iterdir() if entry.is_dir() and not entry.name.startswith(("_", "."))} | {SOURCE}, key=lambda lang: (lang != "fr", lang)))
# _l is lazy_gettext; translate(lang, text, ...) and translate_plural(lang, one, many, count) are domain/i18n.py's.
KEYWORDS = {**DEFAULT_KEYWORDS, "_l": None, "translate": (2,), "translate_plural": (2, 3)}
HEADER = {
    "fr": "# French texts of the Pathways web pages: translate each msgstr.\n# After changing texts in the code or templates, run: .venv/bin/python translations/update.py",
    "en": "# English texts of the Pathways web pages (the source language: filled in by translations/update.py).\n# Edit a msgstr to reword a page in English without touching the code.",
    "other": "# Texts of the Pathways web pages and API in {lang}: translate each msgstr.\n# After changing texts in the code or templates, run: .venv/bin/python translations/update.py",
}
CREATED = dt.datetime(2026, 11, 23, tzinfo=dt.UTC)  # fixed, so that a run without changes changes nothing


def extract() -> Catalog:
    """Every translatable text of the code and templates, as babel.cfg maps them."""
    with open(ROOT / "babel.cfg", encoding="utf-8") as config:
        method_map, options_map = parse_mapping_cfg(config)
    template = Catalog(project="Pathways", charset="utf-8", creation_date=CREATED)
    for filename, lineno, message, comments, context in extract_from_dir(ROOT, method_map, options_map, keywords=KEYWORDS, strip_comment_tags=True):
        template.add(message, None, [(filename, lineno)], auto_comments=comments, context=context)
    return template


def po_path(lang: str) -> Path:
    """Where a language's catalogue lives."""
    return TRANSLATIONS / lang / "LC_MESSAGES" / "messages.po"


def read(lang: str) -> Catalog:
    """A language's catalogue as committed."""
    with open(po_path(lang), "rb") as file:
        return read_po(file, locale=lang)


def update(template: Catalog) -> None:
    """Bring both catalogues in line with the extracted texts, English filled from the source, and compile them."""
    for lang in LANGS:
        path = po_path(lang)
        if path.exists():
            catalog = read(lang)
        else:
            path.parent.mkdir(parents=True, exist_ok=True)
            catalog = Catalog(locale=lang, project="Pathways", charset="utf-8")
        catalog.update(template, no_fuzzy_matching=(lang == SOURCE))
        catalog.obsolete.clear()
        catalog.fuzzy = False
        catalog.revision_date = catalog.creation_date = CREATED
        catalog.project, catalog.version, catalog.copyright_holder = "Pathways", "1", "Pathways contributors"
        catalog.msgid_bugs_address = catalog.last_translator = catalog.language_team = "Pathways contributors"
        catalog.header_comment = HEADER.get(lang, HEADER["other"].format(lang=lang))
        if lang == SOURCE:
            _fill_from_source(catalog)
        with open(path, "wb") as file:
            write_po(file, catalog, width=120, no_location=True, include_previous=False)
        compile_catalog(lang)


def _fill_from_source(catalog: Catalog) -> None:
    """English is the source language: each English text is its own translation."""
    for message in catalog:
        if message.id and (message.fuzzy or not translated(message)):
            message.string = message.id
            message.flags.discard("fuzzy")


def translated(message) -> bool:
    """Whether every form of a message (one, or singular and plurals) has a translation."""
    forms = message.string if isinstance(message.string, (tuple, list)) else (message.string,)
    return all(forms)


def compile_catalog(lang: str) -> Path:
    """Write the .mo next to the .po (translated entries only, as gettext does)."""
    mo = po_path(lang).with_suffix(".mo")
    with open(mo, "wb") as file:
        write_mo(file, read(lang), use_fuzzy=False)
    return mo


if __name__ == "__main__":
    update(extract())
    missing = {lang: [m.id for m in read(lang) if m.id and (m.fuzzy or not translated(m))] for lang in LANGS}
    for lang, texts in missing.items():
        print(f"{lang}: catalogue updated and compiled; texts to translate: {len(texts)}")
        for text in texts:
            print("  -", text if isinstance(text, str) else text[0])
    sys.exit(1 if any(missing.values()) else 0)
