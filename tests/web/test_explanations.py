"""Every explanation the rules can give, for every class of answers that `rules check` enumerates, in both languages,
reads as a counsellor would write it: one reason per answer in a card, no "what would change" that cannot happen to
the person, ranking reasons that say something once, and every acronym of the fixed list spelled out on first use."""

from __future__ import annotations

import itertools
import re
from collections import Counter
from functools import cache
from html import unescape

import pytest
from flask import g

from recommender.domain.acronyms import ACRONYMS, expansion
from recommender.domain.analysis import representative_profiles
from recommender.domain.conditions import NO, FieldTest, NotOf
from recommender.domain.features import AUDIENCE_PHRASES
from recommender.domain.i18n import translate
from recommender.domain.profile import MAX_LIMIT, Profile
from recommender.domain.reach import one_step, reachable
from recommender.domain.values import FIELD_ANSWERS, leaves_with_polarity
from recommender.web.acronyms import ACRONYM
from recommender.web.french import french_terms

from ..conftest import TODAY
from .conftest import YOUNG, query

MID_CAREER = {"age": "45", "status": "employee", "region": "11", "disability": "none", "education_level": "level4", "executive": "false", "goals": ["change_career"]}
STUDENT = {"age": "24", "status": "student", "region": "04", "disability": "recognised", "education_level": "level5", "goals": ["choose_studies"]}
SENIOR = {"age": "58", "status": "job_seeker", "region": "84", "disability": "none", "education_level": "level7", "executive": "true", "goals": ["find_job"]}

LANGS = ("fr", "en")
# Age reasons merged into one ("Vous avez entre 16 et 25 ans"), whatever the rule's own wording.
AGE = re.compile(r"^(Vous avez (entre \d+ et \d+\sans|\d+\sans ou plus|moins de \d+\sans)|You are (between \d+ and \d+|\d+ or older|under \d+))")
# Audiences that say the same thing twice when a ranking reason names both (a counsellor names one of them).
SAME_PEOPLE = [{"status:job_seeker", "goal:find_job"}, {"public:young", "age:18-25"}, {"public:young", "age:16-17"},
               {"public:minors", "age:16-17"}, {"public:minors", "age:14-15"}, {"public:low_qualified", "education:none"},
               {"public:low_qualified", "education:level3"}, {"status:student", "goal:choose_studies"},
               {"status:pupil", "goal:choose_studies"}]


@pytest.fixture(scope="module")
def answers(recommender):
    """Every class of core answers (optional ones unanswered), answered in both languages, every service described."""
    book = recommender.knowledge.rules
    return [(profile, lang, recommender.recommend(profile, TODAY, lang, limit=MAX_LIMIT))
            for profile, _ in representative_profiles(book) for lang in LANGS]


def _nodes(node):
    """Every condition below `node` (itself included)."""
    yield node
    for part in getattr(node, "all", ()) or getattr(node, "any", ()) or ([node.not_] if isinstance(node, NotOf) else []):
        yield from _nodes(part)


@pytest.fixture(scope="module")
def fields_of_text(recommender):
    """Each text a rule's field test writes (held, failed, unknown), in both languages, with the field it is about."""
    about: dict[str, set[str]] = {}
    for rules in recommender.knowledge.rules.services.values():
        for version in rules.versions:
            for leaf, _ in leaves_with_polarity(version.eligible_when):
                for text in (leaf.holds, leaf.fails, leaf.unknown):
                    for lang in LANGS:
                        if text is not None:
                            about.setdefault(text(lang), set()).add(leaf.field)
    return about


def _fields(text: str, about: dict[str, set[str]]) -> set[str]:
    """The fields a reason is about: a rule's own text, reasons joined into one, or a merged age range."""
    if text not in about:
        found = {name for written, fields in list(about.items()) if len(written) > 12 and written in text for name in fields}
        about[text] = found | ({"age"} if AGE.match(text) else set())  # remembered: the same texts come back often
    return about[text]


def test_one_reason_per_answer_in_every_card(answers, fields_of_text):
    repeated = []
    for profile, lang, answer in answers:
        lists = [(r["id"], key, r[key]) for r in answer["recommendations"] for key in ("why", "to_confirm")]
        lists += [(r["id"], "why_not", r["why_not"]) for r in answer["not_eligible"]]
        for service, key, texts in lists:
            counts = Counter(name for text in texts for name in _fields(text, fields_of_text))
            twice = [name for name, count in counts.items() if count > 1]
            if twice:
                repeated.append(f"{service} {key} ({lang}, age {profile.age}, {profile.status}): {twice}: {texts}")
    assert not repeated, f"{len(repeated)} cards give two reasons about one answer, e.g.\n" + "\n".join(repeated[:5])


def test_every_recommendation_says_why_it_is_shown(answers):
    silent = {(r["id"], r["eligibility"], lang) for _, lang, answer in answers for r in answer["recommendations"] if not r["why"]}
    assert not silent, f"recommendations without a line of why: {sorted(silent)[:8]}"


def _changes(condition):
    """Each `change` text of a condition (in French) with the field tests it hangs on."""
    found: dict[str, list[FieldTest]] = {}
    for node in _nodes(condition):
        if isinstance(node, (FieldTest, NotOf)) and node.change is not None:
            found.setdefault(node.change("fr"), []).extend([node] if isinstance(node, FieldTest) else list(node.not_.leaves()))
    return found


def _futures(profile: Profile, fields: list[str], tests: list[FieldTest], can):
    """For each field a rule reads, the answers this person can come to have (as `can` says; ages: each of the rule's
    limits to come), as (field, answer) pairs."""
    choices = []
    for name in fields:
        now = getattr(profile, name)
        if name == "age":
            limits = {t.min for t in tests if t.field == "age" and t.min} | {t.max + 1 for t in tests if t.field == "age" and t.max}
            values = [now, *sorted(a for a in limits if now < a <= 99)]
        else:
            values = [now] if now is None else [v for v in FIELD_ANSWERS[name] if v is not None and can(name, now, v)]
        choices.append([(name, v) for v in values])
    return choices


def _opened(rules, profile: Profile, single: bool) -> bool:
    """Whether some future of these answers (when `single`: one answer changed by one step) opens the service."""
    fields = sorted({leaf.field for leaf, _ in leaves_with_polarity(rules.version_on(TODAY).eligible_when)})
    return _opened_from(rules, tuple((name, getattr(profile, name)) for name in fields), single)


@cache
def _opened_from(rules, answers: tuple, single: bool) -> bool:
    """`_opened`, for the answers the rule reads."""
    profile = Profile.model_construct(**dict(answers))
    version = rules.version_on(TODAY)
    tests = [leaf for leaf, _ in leaves_with_polarity(version.eligible_when)]
    fields = [name for name, _ in answers]
    now = dict(answers)
    if single:  # each answer changed alone
        futures = [{**now, **dict([change])} for options in _futures(profile, fields, tests, one_step) for change in options]
    else:
        futures = [dict(choice) for choice in itertools.product(*_futures(profile, fields, tests, reachable))]
    # The rule itself decides, without the tables.
    return any(version.eligible_when.value(Profile.model_construct(**future)) != NO for future in futures)


def test_what_would_change_can_happen_to_the_person_and_near_misses_are_one_reachable_change_away(recommender, answers):
    book = recommender.knowledge.rules
    wrong = []
    for profile, lang, answer in answers:
        if lang != "fr":
            continue
        for item in answer["not_eligible"]:
            rules = book.services[item["id"]]
            if rules.version_on(TODAY) is None:
                continue
            changes = _changes(rules.version_on(TODAY).eligible_when)
            for text in item["would_change"]:
                leaves = changes[text]
                can = any(reachable(t.field, getattr(profile, t.field), v) and v != getattr(profile, t.field)
                          for t in leaves for v in FIELD_ANSWERS[t.field] if v is not None)
                if not can or not _opened(rules, profile, False):
                    wrong.append(f"{item['id']} for age {profile.age}, {profile.status}, {profile.education_level}, {profile.disability}: {text}")
            if item.get("near_miss") != _opened(rules, profile, True):
                wrong.append(f"{item['id']} for age {profile.age}, {profile.status}: near_miss should be {not item.get('near_miss')}")
    assert not wrong, f"{len(wrong)} refusals propose what cannot happen or are flagged wrongly, e.g.\n" + "\n".join(wrong[:8])


def test_ranking_reasons_name_people_once_and_are_absent_rather_than_vague(answers):
    phrases = {lang: {translate(lang, phrase): name for name, phrase in AUDIENCE_PHRASES.items()} for lang in LANGS}
    bad = set()
    for _, lang, answer in answers:
        for r in answer["recommendations"]:
            reason = r["ranking_reason"]
            if reason is None:
                continue
            named = {name for phrase, name in phrases[lang].items() if phrase in reason}
            if not reason.strip() or not named or any(pair <= named for pair in SAME_PEOPLE):
                bad.add((lang, reason))
    assert not bad, f"{len(bad)} vague or repeated ranking reasons, e.g. {sorted(bad)[:6]}"



_WORDS = {acronym: re.compile(rf"(?<![\w-]){acronym}(?![\w-])") for acronym in ACRONYMS}


def _unexplained(html: str, lang: str) -> list[str]:
    """The acronyms of the fixed list that a page (its <main>) uses without their words on first use, or anywhere
    outside an <abbr> giving them."""
    main = html[html.find("<main"):html.rfind("</main>")] if "<main" in html else html
    text = unescape(re.sub(r"<[^>]+>", "", main)).replace("’", "'")
    wrong = []
    for acronym, word in _WORDS.items():
        first = word.search(text)
        if first is None:
            continue
        words = expansion(acronym, lang).replace("’", "'").casefold()
        before = text[max(0, first.start() - len(words) - 15):first.start()].casefold()
        if words not in before:
            wrong.append(f"{acronym} first used without its words: …{text[max(0, first.start() - 80):first.end()]}")
        bare = len(word.findall(text)) - main.count(f'">{acronym}</abbr>')
        if bare:
            wrong.append(f"{acronym} used {bare} times outside an <abbr>")
    return wrong


def _page_texts(answer):
    """An answer's texts in the order the results page writes them (services, then the near misses)."""
    for r in answer["recommendations"]:
        yield from (r["name"], r["summary"], r["ranking_reason"], *r["why"], *r["to_confirm"], *(s["text"] for s in r["next_steps"]), r["cost"])
    for r in answer["not_eligible"]:
        if r["near_miss"]:
            yield from (r["name"], *r["why_not"], *r["would_change"])


def test_every_acronym_is_spelled_out_where_a_page_first_uses_it_for_every_class_of_answers(app, answers):
    wrong = set()
    for lang in LANGS:
        with app.test_request_context(f"/results?lang={lang}"):
            app.preprocess_request()
            pages = {tuple(text for text in _page_texts(answer) if text and ACRONYM.search(text))
                     for _, said, answer in answers if said == lang}  # classes often give the same page: read it once
            for texts in pages:
                g.pop("acronyms_seen", None)  # each answer is a page of its own
                shown = "\n".join(str(french_terms(text)) for text in texts)
                wrong.update(_unexplained(shown, lang))
    assert not wrong, f"{len(wrong)} acronyms not spelled out, e.g. {sorted(wrong)[:6]}"


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("who", [YOUNG, MID_CAREER, STUDENT, SENIOR], ids=["19-job-seeker", "45-employee", "24-student-reunion", "58-cadre"])
def test_the_results_and_print_pages_spell_out_every_acronym_on_first_use(client, who, lang):
    for path in ("/results", "/results/print"):
        html = client.get(f"{path}?{query(who, lang=lang)}").get_data(as_text=True)
        assert not _unexplained(html, lang), (path, _unexplained(html, lang))
