"""Load YAML data files into plain Python values, remembering the line of every value.

Rules and catalogue files are written by people who are not programmers, so a
mistake must be reported as "file, line, what is wrong" rather than as a stack
trace. We keep a map from each value's path (as pydantic reports it) to its line.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, ValidationError
from pydantic_core import ErrorDetails

Loc = tuple[Any, ...]  # where a value sits: keys and list positions, as pydantic reports them


class DataFileError(Exception):
    """One or more problems in data files, each naming file, line and problem."""

    def __init__(self, problems: list[str]):
        """Keep every problem; the message is all of them, one a line."""
        super().__init__("\n".join(problems))
        self.problems = problems


@dataclass(frozen=True)
class SourceFile:
    """A parsed YAML file: its data and the line number of every value in it."""

    path: Path
    data: Any
    lines: dict[Loc, int]

    def line_of(self, loc: Loc) -> int:
        """The line of the deepest value along `loc` that exists in the file."""
        best = self.lines.get((), 1)
        prefix: Loc = ()
        for part in loc:
            candidate = prefix + (part,)
            if candidate in self.lines:
                prefix = candidate
                best = self.lines[candidate]
            # pydantic inserts union tags into locations; they are not in the file
        return best

    def problem(self, loc: Loc, message: str) -> str:
        """Format one problem as `file:line: message`."""
        return f"{self.path}:{self.line_of(loc)}: {message}"

    def validate(self, model: type[BaseModel], context: dict[str, Any] | None = None) -> Any:
        """Validate the data against a pydantic model, raising DataFileError with lines."""
        try:
            return model.model_validate(self.data, context=context)
        except ValidationError as error:
            errors = _without_cascades(error.errors())
            raise DataFileError([self.problem(tuple(e["loc"]), _describe(e)) for e in errors]) from None


def _without_cascades(errors: list[ErrorDetails]) -> list[ErrorDetails]:
    """Drop "too short" errors on lists whose items already failed: they only echo the real error."""
    def echoes(error: ErrorDetails) -> bool:
        """Whether an error only repeats a deeper one."""
        loc = tuple(error["loc"])
        return error["type"] == "too_short" and any(len(o["loc"]) > len(loc) and tuple(o["loc"][: len(loc)]) == loc for o in errors)
    return [error for error in errors if not echoes(error)]


def _describe(error: ErrorDetails) -> str:
    """A readable message for one pydantic error, naming the field."""
    loc = ".".join(str(part) for part in error["loc"] if not _is_union_tag(part))
    message = error["msg"].removeprefix("Value error, ")
    if error["type"] == "extra_forbidden":
        message = "unknown field (check its spelling)"
    return f"{loc}: {message}" if loc else message


def _is_union_tag(part: Any) -> bool:
    """Whether a location part is a tag pydantic added (it is not in the file)."""
    return isinstance(part, str) and part.startswith("condition:")


class _LineLoader(yaml.SafeLoader):
    """A safe loader; dates stay dates, everything else is plain YAML."""


# libyaml's parser when PyYAML has it (its wheels do): the same nodes and line marks, twelve times faster, which is
# most of the start-up time of a large catalogue.
_Composer = getattr(yaml, "CSafeLoader", _LineLoader)


def load_yaml(path: Path) -> SourceFile:
    """Parse one YAML file; a syntax error becomes a DataFileError naming the line."""
    text = path.read_text(encoding="utf-8")
    try:
        node = yaml.compose(text, Loader=_Composer)
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        line = mark.line + 1 if mark else 1
        raise DataFileError([f"{path}:{line}: not valid YAML: {getattr(error, 'problem', error)}"]) from None
    if node is None:
        raise DataFileError([f"{path}:1: the file is empty"])
    lines: dict[Loc, int] = {}
    loader = _LineLoader("")
    try:
        data = _to_python(node, (), lines, loader)
    except ValueError as error:
        raise DataFileError([f"{path}:{error.args[1]}: {error.args[0]}"]) from None
    return SourceFile(path=path, data=data, lines=lines)


def _to_python(node: yaml.Node, loc: Loc, lines: dict[Loc, int], loader: yaml.SafeLoader) -> Any:
    """Convert a composed node tree to Python values, recording each node's line."""
    lines[loc] = node.start_mark.line + 1
    if isinstance(node, yaml.MappingNode):
        result: dict[Any, Any] = {}
        for key_node, value_node in node.value:
            key = loader.construct_object(key_node, deep=True)
            if key in result:
                raise ValueError(f"the key '{key}' appears twice", key_node.start_mark.line + 1)
            result[key] = _to_python(value_node, loc + (key,), lines, loader)
        return result
    if isinstance(node, yaml.SequenceNode):
        return [_to_python(item, loc + (index,), lines, loader) for index, item in enumerate(node.value)]
    return loader.construct_object(node, deep=True)


def validate_files(paths: list[Path], model: type[BaseModel]) -> tuple[list[tuple[SourceFile, Any]], list[str], set[str]]:
    """Validate each file against `model`: what parsed, every problem, and the stems of files that did not."""
    parsed: list[tuple[SourceFile, Any]] = []
    problems: list[str] = []
    unreadable: set[str] = set()
    for path in paths:
        try:
            source = load_yaml(path)
            parsed.append((source, source.validate(model)))
        except DataFileError as error:
            problems.extend(error.problems)
            unreadable.add(path.stem)
    return parsed, problems, unreadable
