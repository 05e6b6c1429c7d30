"""The French pages follow French typography: typographic apostrophes, a non-breaking space before ; : ! ? and inside
« », "1er" for the first of the month; and the English pages write dates one way (1 December 2026)."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest
from babel.messages.pofile import read_po

from recommender.web.french import long_date

from .conftest import YOUNG, query
from .test_questionnaire import page

CATALOGUE = Path(__file__).resolve().parents[2] / "translations" / "fr" / "LC_MESSAGES" / "messages.po"
TAGS_AND_PLACEHOLDERS = re.compile(r"<[^>]+>|%\([a-z_]+\)[sd]")
NO_BREAK = "\u00a0\u202f"
RULES = {
    "a straight apostrophe (’ is the French one)": re.compile(r"'"),
    "no non-breaking space before ; ! ?": re.compile(rf"(?<![{NO_BREAK}])[;!?]"),
    "no non-breaking space before :": re.compile(rf"(?<![{NO_BREAK}]):(?!//)"),
    "no non-breaking space after «": re.compile(rf"«(?![{NO_BREAK}])"),
    "no non-breaking space before »": re.compile(rf"(?<![{NO_BREAK}])»"),
}


def french_texts() -> list[str]:
    """Every French text of the pages' catalogue (each plural form), tags and placeholders left out."""
    with open(CATALOGUE, "rb") as file:
        catalogue = read_po(file, locale="fr")
    texts = []
    for message in catalogue:
        if message.id:
            forms = message.string if isinstance(message.string, tuple) else (message.string,)
            texts += [TAGS_AND_PLACEHOLDERS.sub(" ", form) for form in forms]
    return texts


@pytest.mark.parametrize("rule", RULES)
def test_french_texts_follow_french_typography(rule):
    offending = [text for text in french_texts() if RULES[rule].search(text)]
    assert offending == [], f"{rule}: {offending[:5]}"


@pytest.mark.parametrize(("lang", "day", "written"), [
    ("fr", dt.date(2026, 12, 1), "1er décembre 2026"), ("fr", dt.date(2026, 11, 23), "23 novembre 2026"),
    ("en", dt.date(2026, 12, 1), "1 December 2026"), ("en", dt.date(2026, 11, 23), "23 November 2026"),
])
def test_dates_are_written_as_each_language_writes_them(app, lang, day, written):
    with app.test_request_context(f"/?lang={lang}"):
        assert long_date(day) == written and long_date(day.isoformat()) == written


@pytest.mark.parametrize(("lang", "calque"), [("fr", "Il y a un problème"), ("fr", "Pas pour vous en ce moment"), ("fr", "Pourquoi à cette place"),
                                              ("fr", "Merci de nous l’avoir dit"), ("fr", "Aucun pistage"), ("fr", "pistage")])
def test_the_calques_are_gone_from_the_pages(client, lang, calque):
    urls = ["/", f"/results?{query(YOUNG)}", "/check?age=300", "/privacy"]
    for url in urls:
        assert calque.casefold() not in page(client.get(f"{url}{'&' if '?' in url else '?'}lang={lang}")).all_text.casefold()
    assert not any(calque.casefold() in text.casefold() for text in french_texts())  # nor on any other page
