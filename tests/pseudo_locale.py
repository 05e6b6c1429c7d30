"""A pseudo-locale, built for the test and never committed: every catalogue string and every data text wrapped in
⟦ ⟧, as a third language would be added (one catalogue, one more key per data text). Run as
`python -m tests.pseudo_locale FOLDER` in a fresh interpreter (the languages are read at import), it prints, as JSON,
every visible string of the pages and every text of the API's answers that came from neither.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import sys
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urlencode, urlsplit

import yaml

ROOT = Path(__file__).resolve().parents[1]
LANG = "eo"  # a code Babel knows (dates and numbers are formatted with its data), standing for "any new language"
OPEN, CLOSE = "⟦", "⟧"
BRAND = {"Pathways"}  # the service's name, the same in every language
ANSWERS = {"age": "19", "status": "job_seeker", "region": "32", "disability": "recognised", "education_level": "none", "executive": "false", "goals": "find_job"}


def wrap(text: str) -> str:
    return f"{OPEN}{text}{CLOSE}"


def build(folder: Path) -> None:
    """translations/ with an `eo` catalogue of wrapped source texts; rules/ and data/ with an `eo:` key per text."""
    sys.path.insert(0, str(ROOT / "translations"))
    import update  # translations/update.py: the project's own extraction
    from babel.messages.catalog import Catalog
    from babel.messages.mofile import write_mo
    from babel.messages.pofile import write_po

    shutil.copytree(ROOT / "translations", folder / "translations", ignore=shutil.ignore_patterns("*.py", "__pycache__"))
    catalog = Catalog(locale=LANG, project="Pathways", charset="utf-8")
    for message in update.extract():
        if message.id:
            ids = message.id if isinstance(message.id, (tuple, list)) else (message.id,)
            string = tuple(wrap(text) for text in (ids[0], ids[-1])) if len(ids) > 1 else wrap(ids[0])
            catalog.add(message.id, string, flags=message.flags)
    target = folder / "translations" / LANG / "LC_MESSAGES"
    target.mkdir(parents=True)
    with open(target / "messages.po", "wb") as po:
        write_po(po, catalog)
    with open(target / "messages.mo", "wb") as mo:
        write_mo(mo, catalog)
    for name in ("rules", "data"):
        shutil.copytree(ROOT / name, folder / name)
        for path in (folder / name).rglob("*.yaml"):
            data = yaml.safe_load(path.read_text(encoding="utf-8"))
            path.write_text(yaml.safe_dump(_with_pseudo_texts(data), allow_unicode=True, sort_keys=False), encoding="utf-8")


# Plain strings of the data that people read but that no language changes: legal citations, centres' and sources' names.
SAME_IN_EVERY_LANGUAGE = ("ref", "name")


def _with_pseudo_texts(value: object) -> object:
    """Every {fr, en} text gets its `eo` key, the English text wrapped; strings shown as they are get wrapped too, so
    that the check can tell they came from the data."""
    if isinstance(value, dict):
        found = {key: _with_pseudo_texts(item) for key, item in value.items()}
        found |= {key: wrap(item) for key, item in found.items() if key in SAME_IN_EVERY_LANGUAGE and isinstance(item, str)}
        if {"fr", "en"} <= set(found) and isinstance(found["en"], str):
            found[LANG] = wrap(found["en"])
        return found
    if isinstance(value, list):
        return [_with_pseudo_texts(item) for item in value]
    return value


class VisibleText(HTMLParser):
    """The strings of a page a person sees or hears: text outside scripts and styles, and the attributes read out."""

    READ_ATTRIBUTES = ("alt", "title", "aria-label", "placeholder")

    def __init__(self):
        super().__init__()
        self.texts: list[str] = []  # attributes, one each
        self.body: list[str] = []  # the text, in order: a translated sentence may hold links and emphasis
        self._skipping = 0
        self._href = ""

    def handle_starttag(self, tag, attrs):
        if tag in ("script", "style"):
            self._skipping += 1
        if tag == "a":
            self._href = dict(attrs).get("href") or ""
        self.texts += [value for name, value in attrs if name in self.READ_ATTRIBUTES and value]

    def handle_endtag(self, tag):
        if tag in ("script", "style"):
            self._skipping -= 1
        if tag == "a":
            self._href = ""

    def handle_data(self, data):
        if not self._skipping:
            shown_address = data.strip() and data.strip().rstrip("/") in self._href  # a link showing its address: the data's url
            self.body.append(" " if shown_address else data)


def leftover(text: str, allowed: set[str]) -> str:
    """What is left of a string once every wrapped part (nested ones included) is taken out, and the few things that
    come from neither on purpose: numbers, punctuation, the person's own answers, Babel's locale data."""
    previous = None
    while previous != text:
        previous, text = text, re.sub(f"{OPEN}[^{OPEN}{CLOSE}]*{CLOSE}", " ", text)
    words = [word for word in re.findall(r"[^\W\d_]+", text) if word not in allowed]
    return " ".join(words)


def locale_words() -> set[str]:
    """Words of Babel's data for the pseudo-locale (month names in dates) and the languages' own names."""
    from babel import Locale

    from recommender.domain.profile import LANGS

    locale = Locale.parse(LANG)
    words = {word for names in (locale.months["format"]["wide"], locale.days["format"]["wide"]) for name in names.values() for word in re.findall(r"[^\W\d_]+", name)}
    names = {word for lang in LANGS for word in re.findall(r"[^\W\d_]+", Locale.parse(lang).get_display_name(lang))}
    return words | names | {name.capitalize() for name in names} | BRAND


def pages(client) -> list[str]:
    """Every page a person can reach from the start page in the pseudo-locale, plus results, errors and stats."""
    answers = urlencode({**ANSWERS, "lang": LANG})
    queue = [f"/?lang={LANG}", f"/check?{answers}", f"/results?{answers}", f"/counsellor?{answers}", f"/privacy?lang={LANG}",
             f"/results?{urlencode({**ANSWERS, 'age': 'abc', 'lang': LANG})}", f"/nowhere?lang={LANG}", f"/stats?lang={LANG}"]
    seen: list[str] = []
    while queue and len(seen) < 60:
        url = queue.pop(0)
        if url in seen:
            continue
        seen.append(url)
        html = client.get(url).get_data(as_text=True)
        for link in re.findall(r'href="(/[^"]*)"', html.replace("&amp;", "&")):
            parts = urlsplit(link)
            if f"lang={LANG}" in parts.query and not parts.path.startswith(("/static", "/assets", "/api")):
                queue.append(link)
    return seen


def api_texts(client) -> list[tuple[str, str]]:
    """The texts people read in the API's answers, problems included, in the pseudo-locale."""
    body = {**ANSWERS, "age": 19, "executive": False, "goals": ["find_job"], "lang": LANG}
    calls = [
        client.post("/api/v1/recommendations", json=body),
        client.post("/api/v1/recommendations", json={**body, "age": 5, "status": "retired", "nationality": "x"}),
        client.post("/api/v1/recommendations", data="{", content_type="application/json", headers={"Accept-Language": LANG}),
        client.post("/api/v1/recommendations", data="age=19", content_type="application/x-www-form-urlencoded", headers={"Accept-Language": LANG}),
        client.post("/api/v1/feedback", json={**body, "service_id": "nope", "useful": True}),
        client.get(f"/api/v1/services?lang={LANG}"),
        client.get(f"/api/v1/services/nope?lang={LANG}"),
        client.get("/api/v1/services?lang=xx", headers={"Accept-Language": LANG}),
        client.get("/api/v1/nowhere", headers={"Accept-Language": LANG}),
        client.get("/api/v1/recommendations", headers={"Accept-Language": LANG}),
        client.get("/api/v1/services", headers={"Accept-Language": LANG, "Authorization": "Bearer wrong"}),
    ]
    return [(f"{call.request.method} {call.request.path} {call.status_code}", text) for call in calls for text in _read(call.get_json())]


READ_FIELDS = {"name", "summary", "why", "to_confirm", "why_not", "would_change", "ranking_reason", "text", "cost", "delivered_by", "title", "detail"}


def _read(value: object, field: str | None = None) -> list[str]:
    """The strings of a JSON answer under the fields a person reads (ids, codes, urls and dates are for machines)."""
    if isinstance(value, dict):
        return [text for key, item in value.items() for text in _read(item, key)]
    if isinstance(value, list):
        return [text for item in value for text in _read(item, field)]
    return [value] if isinstance(value, str) and field in READ_FIELDS else []


def start(folder: Path):
    """The app speaking the pseudo-locale too, on the rules and data of `folder`."""
    os.environ.update({"PATHWAYS_TRANSLATIONS_DIR": str(folder / "translations"), "DATABASE_URL": f"sqlite:///{folder / 'db.sqlite3'}",
                       "PATHWAYS_RANKER_FILE": str(folder / "ranker.npz")})
    from recommender import create_app

    return create_app({"TESTING": True, "RATELIMIT_ENABLED": False, "RULES_DIR": folder / "rules", "DATA_DIR": folder / "data"})


def main(folder: Path) -> None:
    """Serve the pseudo-locale and print every string that came from neither a catalogue nor the data."""
    app = start(folder)
    client, allowed = app.test_client(), locale_words()
    found: dict[str, list[str]] = {}
    visited = pages(client)
    for url in visited:
        parser = VisibleText()
        parser.feed(client.get(url).get_data(as_text=True))
        found[url] = sorted({left for text in [*parser.texts, "".join(parser.body)] if (left := leftover(text, allowed))})
    for where, text in api_texts(client):
        if left := leftover(text, allowed):
            found.setdefault(where, []).append(left)
    print(json.dumps({"visited": visited, "not_from_a_catalogue": {where: texts for where, texts in found.items() if texts}}, ensure_ascii=False))


if __name__ == "__main__":
    folder = Path(sys.argv[1])
    build(folder)
    main(folder)
