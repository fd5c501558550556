"""FEEL (DMN 1.5 chapter 10): parse, compile and evaluate expressions and unary tests.

The public API other packages use::

    parse_expression(text, names=()) -> nodes.Node
    parse_unary_tests(text, names=()) -> nodes.UnaryTests
    compile_expression(text, names=(), types=None) -> CompiledExpression   # (env) -> value
    compile_unary_tests(text, names=(), types=None) -> CompiledUnaryTests  # (value, env) -> bool
    evaluate(text, variables=None) -> value

``names`` are the variable names in scope (they may contain spaces); ``types`` maps custom
type names to type objects of :mod:`service.feel.types`.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from service.feel import builtins as _builtins  # noqa: F401 - registers the built-in functions
from service.feel import nodes
from service.feel.compiler import (
    CompiledExpression,
    CompiledUnaryTests,
    compile_expression,
    compile_unary_tests,
)
from service.feel.env import Env, FeelWarning
from service.feel.errors import FeelEvalError, FeelSyntaxError
from service.feel.parser import parse_expression as _parse_expression
from service.feel.parser import parse_unary_tests as _parse_unary_tests


def parse_expression(text: str, names: Iterable[str] = ()) -> nodes.Node:
    """The AST of the FEEL expression ``text``; FeelSyntaxError if it does not parse."""
    return _parse_expression(text, names)


def parse_unary_tests(text: str, names: Iterable[str] = ()) -> nodes.UnaryTests:
    """The AST of the FEEL unary tests ``text``; FeelSyntaxError if they do not parse."""
    return _parse_unary_tests(text, names)


def evaluate(text: str, variables: Mapping[str, Any] | None = None) -> Any:
    """Compile ``text`` and evaluate it once in a fresh Env holding ``variables``."""
    variables = dict(variables or {})
    return compile_expression(text, variables)(Env(variables))


__all__ = [
    "CompiledExpression",
    "CompiledUnaryTests",
    "Env",
    "FeelEvalError",
    "FeelSyntaxError",
    "FeelWarning",
    "compile_expression",
    "compile_unary_tests",
    "evaluate",
    "nodes",
    "parse_expression",
    "parse_unary_tests",
]
