"""Every text a person reads on the web pages exists in French and English, and the compiled catalogues are current."""

from __future__ import annotations

import importlib.util
import io
import re

import pytest
from babel.messages.mofile import read_mo, write_mo

from recommender.settings import ROOT


def _catalogue_tool():
    """translations/update.py, the one tool that extracts, updates and compiles the catalogues."""
    spec = importlib.util.spec_from_file_location("translations_update", ROOT / "translations" / "update.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


tool = _catalogue_tool()


@pytest.fixture(scope="module")
def source_texts() -> set:
    return {message.id if isinstance(message.id, str) else tuple(message.id) for message in tool.extract() if message.id}


@pytest.mark.parametrize("lang", tool.LANGS)
def test_every_text_of_the_pages_is_translated(lang, source_texts):
    catalog = tool.read(lang)
    texts = {message.id if isinstance(message.id, str) else tuple(message.id): message for message in catalog if message.id}
    missing = source_texts - set(texts)
    assert not missing, f"not in {lang}.po (run translations/update.py, then translate): {sorted(map(str, missing))}"
    assert not set(texts) - source_texts, f"{lang}.po holds texts the code no longer uses: run translations/update.py"
    untranslated = [str(message.id) for message in texts.values() if message.fuzzy or not tool.translated(message)]
    assert not untranslated, f"{lang}.po has empty or fuzzy entries: {untranslated}"


@pytest.mark.parametrize("lang", tool.LANGS)
def test_the_committed_mo_file_is_the_compiled_po_file(lang):
    compiled = io.BytesIO()
    write_mo(compiled, tool.read(lang), use_fuzzy=False)
    compiled.seek(0)
    with open(tool.po_path(lang).with_suffix(".mo"), "rb") as committed:
        assert _texts(read_mo(committed)) == _texts(read_mo(compiled)), f"run translations/update.py to recompile {lang}"


def _texts(catalog) -> dict:
    return {message.id if isinstance(message.id, str) else tuple(message.id): message.string for message in catalog}


@pytest.mark.parametrize("lang", tool.LANGS)
def test_placeholders_survive_translation(lang):
    for message in tool.read(lang):
        if not message.id:
            continue
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        wanted = _placeholders(ids[-1])
        for string in strings:
            assert _placeholders(string) == wanted, f"{lang}: {message.id!r} -> {string!r}"


def _placeholders(text: str) -> set[str]:
    return set(re.findall(r"%\(\w+\)[sd]|<a href=\"%\(url\)s\">", text))


def test_the_english_and_french_pages_differ_where_people_read(client):
    french = client.get("/questions/age").get_data(as_text=True)
    english = client.get("/questions/age?lang=en").get_data(as_text=True)
    assert "Quel âge avez-vous" in french and "How old are you?" in english
    assert "How old are you?" not in french and "Quel âge" not in english
