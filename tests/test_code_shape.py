"""The house rules of issue 12 that a reader checks by eye, checked for them: small modules, short functions, each
saying on its first line what it is for."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from recommender.settings import ROOT

MODULES = sorted((ROOT / "recommender").rglob("*.py"))
MAX_MODULE_LINES = 300
MAX_FUNCTION_LINES = 40


def _functions(tree: ast.AST):
    return [node for node in ast.walk(tree) if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef))]


@pytest.mark.parametrize("path", MODULES, ids=lambda path: str(path.relative_to(ROOT)))
def test_a_module_is_small_and_says_what_it_is_for(path: Path):
    text = path.read_text(encoding="utf-8")
    tree = ast.parse(text)
    assert text.count("\n") <= MAX_MODULE_LINES, f"{path.name}: {text.count(chr(10))} lines (at most {MAX_MODULE_LINES})"
    assert ast.get_docstring(tree), f"{path.name}: the module's first line should say what it is for"
    long = [f"{node.name} ({node.end_lineno - node.lineno + 1} lines, line {node.lineno})" for node in _functions(tree)
            if node.end_lineno - node.lineno + 1 > MAX_FUNCTION_LINES]
    assert not long, f"{path.name}: functions over {MAX_FUNCTION_LINES} lines: {', '.join(long)}"
