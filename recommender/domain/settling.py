"""Which unanswered facts would settle a "possible" decision, for every slot of a decision table (made at load).

A fact settles a decision alone when some answer to it turns UNKNOWN into YES or NO. Some decisions need two facts
at once (a contract type *and* a length of service): such a pair settles jointly when some answer to both does,
while neither does alone. Bits say which: bit i of a slot's `alone` mask is OPTIONAL_FIELDS[i]; bit k of its `joint`
mask is the pair PAIRS[k]. A bit is set only where its facts are unanswered in that slot (their class 0).
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence

import numpy as np
import numpy.typing as npt

from .conditions import UNKNOWN
from .profile import OPTIONAL_FIELDS

PAIRS = tuple(itertools.combinations(range(len(OPTIONAL_FIELDS)), 2))  # pairs of facts, by position in OPTIONAL_FIELDS
assert len(OPTIONAL_FIELDS) < 63, "one bit per optional fact in an int64 mask"
Masks = npt.NDArray[np.int64]
Bools = npt.NDArray[np.bool_]


def settling(fields: Sequence[str], shape: Sequence[int], verdicts: npt.NDArray[np.int8]) -> tuple[Masks, npt.NDArray[np.object_]]:
    """The `alone` and `joint` masks of every slot of a column that reads `fields`, whose classes have `shape` and
    whose slots give `verdicts` (slot order: the first field varies slowest)."""
    grid = verdicts.reshape(shape)
    axes = {axis: OPTIONAL_FIELDS.index(name) for axis, name in enumerate(fields) if name in OPTIONAL_FIELDS}
    alone_masks = np.zeros(grid.shape, dtype=np.int64)
    alone: dict[int, Bools] = {}
    for axis, bit in axes.items():
        alone[axis] = _at_unanswered(grid.shape, [axis], _settled_by(grid, [axis]))
        alone_masks[alone[axis]] |= 1 << bit
    joint_masks = np.zeros(grid.shape, dtype=object)
    for first, second in itertools.combinations(sorted(axes), 2):
        both = _at_unanswered(grid.shape, [first, second], _settled_by(grid, [first, second])) & ~alone[first] & ~alone[second]
        joint_masks[both] = joint_masks[both] | 1 << PAIRS.index((axes[first], axes[second]))
    return alone_masks.reshape(-1), joint_masks.reshape(-1)


def _settled_by(grid: npt.NDArray[np.int8], axes: list[int]) -> Bools:
    """Where the facts on `axes` are unanswered (class 0) and the decision UNKNOWN: whether some answer to all of them
    gives YES or NO (the array has the grid's other axes)."""
    answered = tuple(slice(1, None) if axis in axes else slice(None) for axis in range(grid.ndim))
    unanswered = tuple(0 if axis in axes else slice(None) for axis in range(grid.ndim))
    decided: Bools = (grid[answered] != UNKNOWN).any(axis=tuple(axes)) & (grid[unanswered] == UNKNOWN)
    return decided


def _at_unanswered(shape: tuple[int, ...], axes: list[int], values: Bools) -> Bools:
    """`values` placed on the whole grid, where the facts on `axes` are unanswered (False elsewhere)."""
    placed = np.zeros(shape, dtype=bool)
    placed[tuple(0 if axis in axes else slice(None) for axis in range(len(shape)))] = values
    return placed
