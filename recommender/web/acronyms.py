"""Acronyms spelled out on their first use on a page: "reconnaissance de la qualité de travailleur handicapé
(<abbr title="…">RQTH</abbr>)", then `<abbr title="…">RQTH</abbr>` alone.

The list and the words come from the domain (domain/acronyms.py). A page remembers which acronyms it has spelled out
(`flask.g`, one request: one page, an htmx fragment being a page of its own), so that the texts of a page, filtered in
the order they are written, spell each one out once. Where a text already gives the words just before the acronym
("contrat d'engagement jeune (CEJ)"), they are not repeated; inside parentheses the words go first and the acronym in
brackets, as French typography nests them. Texts are escaped first: only the `<abbr>` elements are markup.
"""

from __future__ import annotations

import re

from flask import g
from markupsafe import Markup, escape

from ..domain.acronyms import ACRONYMS, expansion

ACRONYM = re.compile(r"(?<![\w&#-])(" + "|".join(sorted(ACRONYMS, key=len, reverse=True)) + r")(?![\w-])")
APOSTROPHES = str.maketrans({"’": "'"})
NEAR = 12  # how far before an acronym its words count as written with it ("(RQTH" after the words and a space)


def spelled_out(escaped: str, lang: str) -> Markup:
    """An escaped text with its acronyms marked, and spelled out where the page uses them first."""
    seen: set[str] = g.setdefault("acronyms_seen", set())
    spelled: list[str] = []

    def mark(found: re.Match[str]) -> str:
        """One acronym as the page shows it."""
        acronym, before = found.group(1), escaped[:found.start()]
        words = expansion(acronym, lang)
        abbr = f'<abbr title="{escape(words)}">{acronym}</abbr>'
        if acronym in seen:
            return abbr
        seen.add(acronym)
        if _written_before(before, words):
            return abbr
        if not before.strip() or before.rstrip().endswith((".", ":", "\u202f:")):
            words = words[0].upper() + words[1:]
        spelled.append(str(escape(words)))
        if before.count("(") > before.count(")"):
            return f"{spelled[-1]} [{abbr}]"
        return f"{spelled[-1]} ({abbr})"

    marked = ACRONYM.sub(mark, escaped)
    return Markup(_articles(marked, spelled) if lang == "en" else marked)


def _articles(marked: str, spelled: list[str]) -> str:
    """English articles agreeing with the words now written after them ("an RQTH" becomes "a recognition…")."""
    for words in spelled:
        article = "n " if words[0].lower() in "aeiou" else " "
        marked = re.sub(r"\b([Aa])n? (?=" + re.escape(words) + ")", lambda found, end=article: found.group(1) + end, marked)
    return marked


def marked(escaped: str, lang: str) -> Markup:
    """An escaped quotation (the title of a law) with its acronyms marked but left as written: it is not ours to
    reword, and it does not count as a first use."""
    return Markup(ACRONYM.sub(lambda found: f'<abbr title="{escape(expansion(found.group(1), lang))}">{found.group(1)}</abbr>', escaped))


def _written_before(before: str, words: str) -> bool:
    """Whether the text gives the acronym's words just before it ("… jeune (CEJ", "…jeune, CEJ")."""
    plain = str(escape(words)).translate(APOSTROPHES).casefold()
    near = before.translate(APOSTROPHES).replace("&#39;", "'").casefold()
    position = near.rfind(plain.replace("&#39;", "'"))
    return position >= 0 and len(near) - (position + len(plain.replace("&#39;", "'"))) <= NEAR
