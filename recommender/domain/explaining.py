"""The reasons of a decision as a counsellor writes them: one per answer, never nothing, and only changes that can happen.

A rule's tests explain themselves one by one ("You are 16 or older." "You are under 26."); a person reads one reason
per answer. So the texts about one field are merged: the ages a person's age passes become one range ("You are between
16 and 25", with what the rule's texts add after a colon), other fields' texts are joined in one line. A "possible"
service whose tests all wait for an answer still says why it is shown. A failure's change is kept only when the
person can come to pass that test (reach.py) and some reachable future opens the service at all.

All this runs when the decision tables are made (tables.py), once per class of answers: never per request.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

from .conditions import FieldTest, Said
from .i18n import LANGUAGES, N_, translate
from .profile import MAX_AGE, MIN_AGE
from .texts import Text
from .values import FIELD_ANSWERS

BETWEEN = N_("You are between %(low)d and %(high)d")
FROM = N_("You are %(low)d or older")
UNDER = N_("You are under %(limit)d")
MAY_OPEN = (N_("This service may be open to you: it depends on the point to check below."),
            N_("This service may be open to you: it depends on the points to check below."))
# What follows the colon of an age text ("You are 16 or older: you can have a personal training account.").
COLON = re.compile(r"\s*:\s*")


@dataclass(frozen=True)
class Reach:
    """What a person of a class of answers can come to: whether some reachable future opens the service (`opens`),
    whether one reachable change of one answer does (`near`), and whether a test's value can turn (`turns`)."""

    opens: bool
    near: bool
    turns: Callable[[FieldTest, bool], bool]


EVERYTHING = Reach(True, False, lambda test, inside: True)


def merged(said: Iterable[Said], ages: bool = False, strongest: bool = False) -> tuple[Text, ...]:
    """One text per field (in the order the fields first speak), and each `confirm` on its own; with `ages`, the ages
    that held as one range; with `strongest`, only the texts that say the most (the others follow from them)."""
    groups: dict[object, list[Said]] = {}
    for index, one in enumerate(said):
        key = one.test.field if one.test is not None else index
        if all(other.text != one.text for other in groups.get(key, [])):
            groups.setdefault(key, []).append(one)
    written: set[Text] = set()  # a text two answers share (a contract's and a length of service's) is said once
    kept = []
    for group in groups.values():
        new = [one for one in group if one.text not in written]
        written.update(one.text for one in group)
        if new:
            kept.append(new)
    return tuple(dict.fromkeys(_one_text(group, ages, strongest) for group in kept))


def _one_text(group: Sequence[Said], ages: bool, strongest: bool) -> Text:
    """The group's only text, the ages it holds as one range, or its (strongest) texts joined."""
    if len(group) == 1:
        return group[0].text
    if strongest and not (ages and group[0].test is not None and group[0].test.field == "age"):
        group = _strongest(group)
        if len(group) == 1:
            return group[0].text
    if ages and all(one.test is not None and one.test.field == "age" for one in group):
        held = _ages(group)
        if held is not None:
            return _age_text(*held, tails=[one.text for one in group])
    return _in_every_language(lambda lang: " ".join(one.text(lang) for one in group))


def _strongest(group: Sequence[Said]) -> list[Said]:
    """The texts that say the most of the person: those whose answers (the ones the text is true of) hold no other
    text's answers. "You have no job at the moment" says more than "You are not studying"."""
    def true_of(one: Said) -> frozenset[object]:
        """The answers a text is true of."""
        assert one.test is not None
        return one.test.accepts if one.inside else frozenset(FIELD_ANSWERS[one.test.field]) - one.test.accepts
    sets = [true_of(one) for one in group]
    return [one for one, mine in zip(group, sets) if not any(other < mine for other in sets)]


def _ages(group: Sequence[Said]) -> tuple[int, int] | None:
    """The ages that agree with every test of the group as the person's age does, if they are one range."""
    ages = set(range(MIN_AGE, MAX_AGE + 1))
    for one in group:
        assert one.test is not None
        ages &= one.test.accepts if one.inside else set(range(MIN_AGE, MAX_AGE + 1)) - one.test.accepts
    low, high = min(ages, default=0), max(ages, default=-1)
    return (low, high) if ages and len(ages) == high - low + 1 and (low, high) != (MIN_AGE, MAX_AGE) else None


def _age_text(low: int, high: int, tails: Sequence[Text]) -> Text:
    """"You are between 16 and 25", then what the rule's texts said after their colon."""
    def written(lang: str) -> str:
        """The range in one language."""
        if high == MAX_AGE:
            head = translate(lang, FROM, low=low)
        elif low == MIN_AGE:
            head = translate(lang, UNDER, limit=high + 1)
        else:
            head = translate(lang, BETWEEN, low=low, high=high)
        # What the texts add after their colon, in the languages whose punctuation is known (French and English).
        said = [COLON.split(tail(lang), maxsplit=1)[1].rstrip(".") for tail in tails
                if lang in ("fr", "en") and len(COLON.split(tail(lang), maxsplit=1)) == 2]
        colon = "\u202f: " if lang == "fr" else ": "
        return head + (colon + " ; ".join(dict.fromkeys(said)) if said else "") + "."
    return _in_every_language(written)


def why_shown(count: int) -> Text:
    """For a "possible" service none of whose tests holds yet: why it is shown all the same."""
    return _in_every_language(lambda lang: translate(lang, MAY_OPEN[0] if count == 1 else MAY_OPEN[1]))


def changes(fails: Iterable[Said], reach: Reach) -> tuple[Text, ...]:
    """The changes of the failed tests that can happen to the person, each once; none when nothing reachable opens
    the service."""
    if not reach.opens:
        return ()
    first: dict[str, Text] = {}  # the first change of each answer: the others say it again
    for one in fails:
        if one.change is not None and one.test is not None and reach.turns(one.test, one.inside):
            first.setdefault(one.test.field, one.change)
    return tuple(dict.fromkeys(first.values()))


def _in_every_language(write: Callable[[str], str]) -> Text:
    """A text written by `write` in each language the service speaks."""
    return Text(**{lang: write(lang) for lang in LANGUAGES})
