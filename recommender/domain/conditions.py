"""Eligibility conditions: a small declarative language with three-valued logic.

A condition is a test on one profile field (`field`), a fact the questionnaire
cannot know (`confirm`), or a combination (`all`, `any`, `not`). It evaluates to
YES, NO or UNKNOWN (Kleene logic) and explains itself with the texts written
beside it in the rule file.

A fact that a follow-up question can settle is a test on its optional field, whose
`unknown` text is what the person reads while it is not answered:

    - field: retired
      in: [false]
      holds: {fr: ..., en: ...}
      fails: {fr: ..., en: ...}
      unknown: {fr: ..., en: ...}

A `confirm` is left for what no question can settle, and says why in `unaskable`
(for rule writers; `rules check` fails on a confirm without it):

    - confirm: {fr: ..., en: ...}
      unaskable: the one-year experience must relate to the diploma aimed at
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from dataclasses import field as dc_field
from typing import Annotated, Any

from pydantic import Discriminator, Field, PrivateAttr, Tag, ValidationInfo, field_validator, model_validator

from .profile import CHOICES, FIELD_VALUES, MAX_AGE, MIN_AGE, OPTIONAL_FIELDS, RULE_FIELDS, Profile
from .texts import Frozen, Text

NO, UNKNOWN, YES = 0, 1, 2


@dataclass(frozen=True)
class Said:
    """One text a condition says, with the field test it is about (None for a `confirm`), whether the person's answer
    is one that test accepts, and, for a failure, the text saying what would change it."""

    text: Text
    test: FieldTest | None = None
    inside: bool = True
    change: Text | None = None


@dataclass
class Outcome:
    """A condition's value and what explains it."""

    value: int
    holds: list[Said] = dc_field(default_factory=list)
    fails: list[Said] = dc_field(default_factory=list)
    unknowns: list[Said] = dc_field(default_factory=list)


class Node(Frozen):
    """What every condition does with a profile: its value, and its value explained.

    `outcome` explains the condition from its field tests' values, taken in the order of the file (the order of
    `leaves`): from a profile here, from a class of answers when the decision tables are made."""

    def explain(self, profile: Profile) -> Outcome:
        """The condition's value for a profile, with the texts that explain it."""
        return self.outcome(iter([leaf.value(profile) for leaf in self.leaves()]))

    def outcome(self, values: Iterator[int]) -> Outcome:
        """The condition explained, its field tests taking the next `values` in turn."""
        raise NotImplementedError

    def leaves(self) -> Iterator[FieldTest]:
        """The field tests below, in the order of the file."""
        raise NotImplementedError


class FieldTest(Node):
    """A test on one answer: `age` between `min` and `max`, or any other field `in` a list."""

    field: str
    min: int | None = None
    max: int | None = None
    in_: tuple[Any, ...] | None = Field(default=None, alias="in")
    holds: Text
    fails: Text
    change: Text | None = None
    unknown: Text | None = None
    _accepts: frozenset[Any] = PrivateAttr()

    @field_validator("field")
    @classmethod
    def _known_field(cls, name: str) -> str:
        """Only fields the questionnaire asks (goals steer ranking, never eligibility)."""
        if name not in RULE_FIELDS:
            raise ValueError(f"unknown field '{name}'; allowed: {', '.join(RULE_FIELDS)}")
        return name

    @field_validator("in_")
    @classmethod
    def _known_values(cls, values: tuple[Any, ...] | None, info: ValidationInfo) -> tuple[Any, ...] | None:
        """Each listed value exists for the field (region codes must be quoted: "01"; for a several-choice fact, its
        choices: the test holds when the person chose at least one of them)."""
        name = str(info.data.get("field"))
        allowed = CHOICES.get(name, FIELD_VALUES.get(name))
        if values is not None and allowed is not None:
            wrong = [v for v in values if v not in allowed or isinstance(v, bool) != isinstance(allowed[0], bool)]
            if wrong:
                raise ValueError(f"unknown value(s) {wrong} for '{info.data['field']}'; allowed: {', '.join(map(str, allowed))}")
        return values

    @field_validator("max")
    @classmethod
    def _ordered(cls, high: int | None, info: ValidationInfo) -> int | None:
        """An age range must be possible."""
        low = info.data.get("min")
        if high is not None and low is not None and low > high:
            raise ValueError(f"min ({low}) is greater than max ({high})")
        return high

    @model_validator(mode="after")
    def _check(self) -> FieldTest:
        """The test has the right shape for its field, and texts for every case."""
        if self.field == "age":
            if self.in_ is not None or (self.min is None and self.max is None):
                raise ValueError("an age test takes `min` and/or `max`, not `in`")
            low, high = self.min if self.min is not None else MIN_AGE, self.max if self.max is not None else MAX_AGE
            if low < MIN_AGE or high > MAX_AGE:
                raise ValueError(f"ages must lie between {MIN_AGE} and {MAX_AGE}")
            self._accepts = frozenset(range(low, high + 1))
        else:
            if self.min is not None or self.max is not None or not self.in_:
                raise ValueError(f"a test on '{self.field}' takes a non-empty `in` list, not min/max")
            listed = set(self.in_)
            several = self.field in CHOICES
            self._accepts = frozenset(a for a in FIELD_VALUES[self.field] if (listed & set(a) if several else a in listed))  # type: ignore[call-overload]
        if self.field in OPTIONAL_FIELDS and self.unknown is None:
            raise ValueError(f"'{self.field}' is optional: add an `unknown` text saying what to confirm when it is not answered")
        return self

    @property
    def accepts(self) -> frozenset[Any]:
        """The answers this test holds for."""
        return self._accepts

    def value(self, profile: Profile) -> int:
        """YES, NO, or UNKNOWN when an optional answer is missing."""
        answer = getattr(profile, self.field)
        if answer is None:
            return UNKNOWN
        return YES if answer in self._accepts else NO

    def outcome(self, values: Iterator[int]) -> Outcome:
        """The next value (this test's), with this test's own text."""
        value = next(values)
        if value == YES:
            return Outcome(YES, holds=[Said(self.holds, self)])
        if value == NO:
            return Outcome(NO, fails=[Said(self.fails, self, False, self.change)])
        return Outcome(UNKNOWN, unknowns=[] if self.unknown is None else [Said(self.unknown, self)])

    def leaves(self) -> Iterator[FieldTest]:
        """This test is a leaf."""
        yield self


class Confirm(Node):
    """A fact no question settles (experience related to a diploma...): always to confirm."""

    confirm: Text
    unaskable: str | None = Field(default=None, min_length=10, description="Why no follow-up question can settle it.")

    def value(self, profile: Profile) -> int:
        """Always UNKNOWN: the answers cannot decide."""
        return UNKNOWN

    def outcome(self, values: Iterator[int]) -> Outcome:
        """The fact to confirm."""
        return Outcome(UNKNOWN, unknowns=[Said(self.confirm)])

    def leaves(self) -> Iterator[FieldTest]:
        """Nothing to test: a confirmation is not a field test."""
        return iter(())


class AllOf(Node):
    """Every condition must hold."""

    all: tuple[Condition, ...] = Field(min_length=1)

    def value(self, profile: Profile) -> int:
        """The weakest of the parts."""
        return min(part.value(profile) for part in self.all)

    def outcome(self, values: Iterator[int]) -> Outcome:
        """Failures explain a NO; open questions and what held explain the rest."""
        parts = [part.outcome(values) for part in self.all]
        value = min(part.value for part in parts)
        if value == NO:
            return Outcome(NO, fails=[f for p in parts if p.value == NO for f in p.fails])
        return Outcome(
            value,
            holds=[h for p in parts for h in p.holds],
            unknowns=[u for p in parts if p.value == UNKNOWN for u in p.unknowns],
        )

    def leaves(self) -> Iterator[FieldTest]:
        """All field tests below."""
        for part in self.all:
            yield from part.leaves()


class AnyOf(Node):
    """At least one condition must hold."""

    any: tuple[Condition, ...] = Field(min_length=1)

    def value(self, profile: Profile) -> int:
        """The strongest of the parts."""
        return max(part.value(profile) for part in self.any)

    def outcome(self, values: Iterator[int]) -> Outcome:
        """What held explains a YES; every failure explains a NO."""
        parts = [part.outcome(values) for part in self.any]
        value = max(part.value for part in parts)
        if value == YES:
            return Outcome(YES, holds=[h for p in parts if p.value == YES for h in p.holds])
        if value == UNKNOWN:
            return Outcome(UNKNOWN, unknowns=[u for p in parts if p.value == UNKNOWN for u in p.unknowns])
        return Outcome(NO, fails=[f for p in parts for f in p.fails])

    def leaves(self) -> Iterator[FieldTest]:
        """All field tests below."""
        for part in self.any:
            yield from part.leaves()


class NotOf(Node):
    """The condition must not hold; its `holds` text then explains the failure."""

    not_: Condition = Field(alias="not")
    change: Text | None = None

    def value(self, profile: Profile) -> int:
        """YES and NO swap; UNKNOWN stays."""
        return YES - self.not_.value(profile)

    def outcome(self, values: Iterator[int]) -> Outcome:
        """A failure of the inner part is why this holds, and the other way round."""
        inner = self.not_.outcome(values)
        if inner.value == YES:
            return Outcome(NO, fails=[Said(said.text, said.test, said.inside, self.change) for said in inner.holds])
        if inner.value == NO:
            return Outcome(YES, holds=[Said(said.text, said.test, said.inside) for said in inner.fails])
        return Outcome(UNKNOWN, unknowns=inner.unknowns)

    def leaves(self) -> Iterator[FieldTest]:
        """All field tests below."""
        yield from self.not_.leaves()


def _kind(data: Any) -> str | None:
    """Which kind of condition a mapping is, from the key it uses."""
    if isinstance(data, dict):
        for key in ("all", "any", "not", "confirm", "field"):
            if key in data:
                return f"condition:{key}"
        return None
    for kind, model in _KINDS.items():
        if isinstance(data, model):
            return kind
    return None


_KINDS = {"condition:all": AllOf, "condition:any": AnyOf, "condition:not": NotOf, "condition:confirm": Confirm, "condition:field": FieldTest}

Condition = Annotated[
    Annotated[AllOf, Tag("condition:all")] | Annotated[AnyOf, Tag("condition:any")] | Annotated[NotOf, Tag("condition:not")] | Annotated[Confirm, Tag("condition:confirm")] | Annotated[FieldTest, Tag("condition:field")],
    Discriminator(
        _kind,
        custom_error_type="condition",
        custom_error_message="a condition needs one of the keys all, any, not, confirm or field",
    ),
]

for _model in (AllOf, AnyOf, NotOf):
    _model.model_rebuild()
