"""The answers each profile field can take, and the classes of answers that a set of rule tests cannot tell apart.

Shared by the decision tables (eligibility at request time) and `rules check` (the analysis of the whole answer
space): both rest on the same fact, that two answers no test tells apart lead every rule to the same decision.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from typing import Any, Protocol

from .conditions import AllOf, AnyOf, Condition, Confirm, FieldTest, NotOf
from .profile import FIELD_VALUES, MAX_AGE, MIN_AGE, OPTIONAL_FIELDS, RULE_FIELDS

Answer = object  # a field's answer: an int (age), a str, a bool, a tuple (several choices), or None (not answered)


class Test(Protocol):
    """Anything that splits a field's answers in two: the answers it accepts and the others."""

    @property
    def accepts(self) -> frozenset[Any]:
        """The answers it accepts."""


def field_answers() -> dict[str, tuple[Answer, ...]]:
    """Every answer of every field a rule may test; None (not answered) first for the optional ones."""
    answers: dict[str, tuple[Answer, ...]] = {"age": tuple(range(MIN_AGE, MAX_AGE + 1))}
    for name, values in FIELD_VALUES.items():
        answers[name] = ((None,) if name in OPTIONAL_FIELDS else ()) + tuple(values)
    return answers


FIELD_ANSWERS = field_answers()


def leaves_with_polarity(node: Condition, negated: bool = False) -> Iterator[tuple[FieldTest, bool]]:
    """Each field test with whether it sits under an odd number of `not`s."""
    if isinstance(node, FieldTest):
        yield node, negated
    elif isinstance(node, NotOf):
        yield from leaves_with_polarity(node.not_, not negated)
    elif isinstance(node, (AllOf, AnyOf)):
        for part in node.all if isinstance(node, AllOf) else node.any:
            yield from leaves_with_polarity(part, negated)
    elif not isinstance(node, Confirm):
        raise TypeError(f"unknown condition {node!r}")


def confirms(node: Condition) -> Iterator[Confirm]:
    """Every `confirm` of a condition, in the order of the file."""
    if isinstance(node, Confirm):
        yield node
    elif isinstance(node, NotOf):
        yield from confirms(node.not_)
    elif isinstance(node, (AllOf, AnyOf)):
        for part in node.all if isinstance(node, AllOf) else node.any:
            yield from confirms(part)


def answer_classes(name: str, tests: Sequence[Test]) -> list[list[Answer]]:
    """The answers of field `name` grouped by what `tests` (tests on that field) say of them, in answer order.

    Not answering is a class of its own (every test on it is UNKNOWN); one test-free field is a single class."""
    groups: dict[tuple[bool, ...] | None, list[Answer]] = {}
    accepted = [test.accepts for test in tests]
    for answer in FIELD_ANSWERS[name]:
        key = None if answer is None and tests else tuple(answer in accepts for accepts in accepted)
        groups.setdefault(key, []).append(answer)
    return list(groups.values())


def fields_read(tests: Iterable[FieldTest]) -> list[str]:
    """The fields some test reads, in the order of RULE_FIELDS."""
    read = {test.field for test in tests}
    return [name for name in RULE_FIELDS if name in read]
