"""What can really change in a person's answers: the rule that keeps "what would change" and near misses honest.

A refused service is worth telling a person about only through changes that can happen to them. The rule, per answer:

- age only grows (from 19 one can reach 20, never 18): an age limit already passed is final;
- education level only rises (a diploma is never lost);
- status can change (one finds a job, loses it, starts training or studies), except that nobody who has left
  secondary school becomes a pupil again (back to education goes through a training or higher education);
- a disability not yet recognised can be recognised (an RQTH is asked from the MDPH); no disability, or a recognised
  one, stays as it is: a guidance service does not propose to fall ill, nor to lose a recognition;
- a recognition can be added to those one has (an RQTH besides an AAH), never taken away;
- region does not change: the answer is for where the person lives; moving is not a guidance service's advice;
- nationality, international protection and benefits stay as they are (they are not the person's to decide);
- retirement is final; the length of service only grows; the cadre status, the kind of contract, being out of work
  for a year and the wish to start a business or an apprenticeship can change;
- an unanswered fact may turn out to be anything (the person has not said), and no answer becomes unanswered.

A near miss is one answer away, by one step the person can take or will come to: any older age, the next education
level (a person without a diploma is near a service for CAP holders, not one for graduates), a status one takes up (a
job, self-employment, an apprenticeship, studies; registering as a job seeker when out of work) but never losing work,
and any other change above.

Age and education levels are ordered; `reachable` says whether an answer can become another. `refine` splits the
classes of answers that rule tests tell apart (values.answer_classes) until every answer of a class can reach the
same classes, so that a decision table's slot knows what its people can reach (tables.py makes it once, at load).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np
import numpy.typing as npt

from .profile import CHOICES, EDUCATION_LEVELS, FIELD_VALUES, OPTIONAL_FIELDS

Answer = object
Bools = npt.NDArray[np.bool_]
SENIORITY = FIELD_VALUES["seniority"]  # in the order of time
FIXED = frozenset({"region", "nationality", "international_protection", "benefits"})
TAKEN_UP = frozenset({"employee", "civil_servant", "self_employed", "apprentice", "student"})  # statuses one takes up
CAN_CHANGE = frozenset({"executive", "contract", "long_term_unemployed", "goal_apprenticeship", "goal_business"})


def _status(old: Answer, new: Answer) -> bool:
    """Any status, except a pupil again once out of secondary school."""
    return new != "pupil" or old == "pupil"


def _disability(old: Answer, new: Answer) -> bool:
    """Recognition can be obtained; nothing else changes."""
    return old == new or (old == "unrecognised" and new == "recognised")


def _ordered(order: Sequence[object]) -> Callable[[Answer, Answer], bool]:
    """A field whose answers only move up `order`."""
    return lambda old, new: order.index(new) >= order.index(old)


_RULES: dict[str, Callable[[Answer, Answer], bool]] = {
    "age": lambda old, new: int(new) >= int(old),  # type: ignore[call-overload]
    "status": _status,
    "disability": _disability,
    "education_level": _ordered(EDUCATION_LEVELS),
    "seniority": _ordered(SENIORITY),
    "retired": lambda old, new: old == new or new is True,
    "recognition": lambda old, new: set(old) <= set(new),  # type: ignore[call-overload]
}


def reachable(field: str, old: Answer, new: Answer) -> bool:
    """Whether answer `old` to `field` can become `new` (an answer can always stay what it is)."""
    if old == new:
        return True
    if new is None:
        return False  # an answer given does not become unanswered
    if old is None and field in OPTIONAL_FIELDS:
        return True  # not said: it may be anything
    if field in FIXED:
        return False
    if field in CAN_CHANGE:
        return True
    rule = _RULES.get(field)
    assert rule is not None or field in CHOICES, f"no reachability rule for '{field}'"
    return rule is not None and rule(old, new)


def one_step(field: str, old: Answer, new: Answer) -> bool:
    """Whether `old` can become `new` by a step the person takes, soon enough for a near miss: as `reachable`, but
    the education level by one level, and a status only one that is taken up."""
    if field == "education_level" and old is not None and new is not None:
        return 0 <= EDUCATION_LEVELS.index(str(new)) - EDUCATION_LEVELS.index(str(old)) <= 1
    if field == "status" and old != new:
        return new in TAKEN_UP or (old, new) == ("inactive", "job_seeker")
    return reachable(field, old, new)


def refine(field: str, classes: Sequence[Sequence[Answer]]) -> list[list[Answer]]:
    """`classes` split until each one's answers reach (and reach in one step) exactly the same classes, in the order
    of the answers."""
    current = [list(members) for members in classes]
    while True:
        split: list[list[Answer]] = []
        for members in current:
            groups: dict[tuple[bool, ...], list[Answer]] = {}
            for answer in members:
                key = tuple(any(can(field, answer, other) for other in target) for target in current for can in (reachable, one_step))
                groups.setdefault(key, []).append(answer)
            split.extend(groups.values())
        if len(split) == len(current):
            return current
        current = split


def class_reach(field: str, classes: Sequence[Sequence[Answer]], near: bool = False) -> list[list[bool]]:
    """For refined classes: whether the answers of class i can reach class j (with `near`, in one step)."""
    can = one_step if near else reachable
    return [[any(can(field, members[0], other) for other in target) for target in classes] for members in classes]


def futures(matrices: Sequence[Sequence[Sequence[bool]]], steps: Sequence[Sequence[Sequence[bool]]], passing: Bools) -> tuple[Bools, Bools]:
    """For a column's grid of slots (one axis per field, `matrices` its class reach, `steps` its reach in one step),
    from the slots that let the person in (`passing`): the slots from which some reachable future passes (`opens`),
    and those from which one step of one answer alone does (`near`)."""
    opens, near = passing, np.zeros_like(passing)
    for axis, (matrix, step) in enumerate(zip(matrices, steps)):
        opens = _along(np.array(matrix, dtype=np.int64), opens, axis)
        near = near | _along(np.array(step, dtype=np.int64), passing, axis)
    return opens, near


def _along(matrix: npt.NDArray[np.int64], grid: Bools, axis: int) -> Bools:
    """Slots from which a reachable class of the field on `axis` (the rest unchanged) is set in `grid`."""
    moved = np.moveaxis(grid, axis, 0)
    reached = (matrix @ moved.reshape(moved.shape[0], -1).astype(np.int64)) > 0
    return np.moveaxis(reached.reshape(moved.shape), 0, axis)
