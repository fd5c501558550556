"""FEEL compiler: source text -> compiled expression or unary tests (closures over an Env).

Compile once, evaluate many times: names are resolved, operators chosen and constants
folded here; evaluating is calling closures. The ``compile_<Node>`` methods live in one
module per family (:mod:`compile_ops`, :mod:`compile_calls`, :mod:`compile_iter`,
:mod:`compile_tests`) and :class:`Compiler` gathers them.

Evaluation never raises: a problem gives null and a :class:`FeelWarning` in the Env.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from service.feel import codegen as _codegen
from service.feel import nodes as n
from service.feel.compile_base import NOT_CONSTANT, Fn, constant_value, fail
from service.feel.compile_calls import CallsCompiler
from service.feel.compile_iter import IterCompiler
from service.feel.compile_ops import OpsCompiler
from service.feel.compile_tests import Analysis, Test, TestsCompiler
from service.feel.env import Env
from service.feel.errors import FeelSyntaxError
from service.feel.parser import parse_expression, parse_unary_tests


class Compiler(OpsCompiler, CallsCompiler, IterCompiler, TestsCompiler):
    """All ``compile_<Node>`` methods for one source text."""

    # Each node's closure by id(node), kept when the code generator will want them.
    closures: dict[int, Fn] | None = None

    def compile(self, node: n.Node) -> Fn:
        """The closure computing ``node`` (noted in ``closures`` when that is kept)."""
        fn = super().compile(node)
        if self.closures is not None:
            self.closures[id(node)] = fn
        return fn


class CompiledExpression:
    """A compiled FEEL expression: call it with an Env to get its value."""

    __slots__ = ("_fn", "node", "source")

    def __init__(self, source: str, node: n.Node, fn: Fn) -> None:
        self.source = source
        self.node = node
        self._fn = fn

    def __call__(self, env: Env) -> Any:
        try:
            return self._fn(env)
        except Exception as exc:  # the last line of defence: null, never a crash
            return fail(env, exc, self.source, self.node.span)

    @property
    def constant(self) -> Any:
        """The value when it is known without evaluating, else ``compile_base.NOT_CONSTANT``."""
        return constant_value(self._fn)

    def function(self) -> Fn:
        """The expression as a plain function of an Env, answering as calling this object
        does: cheaper to call, for evaluators kept by the engine."""
        fn = self._fn
        if constant_value(fn) is not NOT_CONSTANT:
            return fn  # a constant's closure cannot fail
        if getattr(fn, _codegen.GUARDED, False):
            return fn  # generated code has the same guard inside
        source, span = self.source, self.node.span

        def evaluate(env: Env) -> Any:
            try:
                return fn(env)
            except Exception as exc:  # the last line of defence: null, never a crash
                return fail(env, exc, source, span)

        return evaluate

    def __repr__(self) -> str:
        return f"CompiledExpression({self.source!r})"


class CompiledUnaryTests:
    """Compiled unary tests: call with (value, env); True when the value matches."""

    __slots__ = ("_test", "analysis", "node", "source")

    def __init__(self, source: str, node: n.UnaryTests, test: Test, analysis: Analysis) -> None:
        self.source = source
        self.node = node
        self._test = test
        self.analysis = analysis

    def __call__(self, value: Any, env: Env) -> bool:
        return self.test(value, env) is True

    def test(self, value: Any, env: Env) -> bool | None:
        """The three-valued result: True, False, or None when it cannot be decided."""
        try:
            result = self._test(value, env)
        except Exception as exc:
            fail(env, exc, self.source, self.node.span)
            return None
        return result if result is True or result is False else None

    def __repr__(self) -> str:
        return f"CompiledUnaryTests({self.source!r})"


def _compile(compiler: Compiler, node: n.Node, build: Any) -> Any:
    compiler.prepare(node)
    try:
        return build(node)
    except RecursionError as exc:
        raise FeelSyntaxError(
            "expression nested too deeply", compiler.source, (0, len(compiler.source))
        ) from exc


def compile_expression(
    text: str,
    names: Iterable[str] = (),
    types: Mapping[str, Any] | None = None,
    *,
    closed: bool = False,
    codegen: bool | None = None,
) -> CompiledExpression:
    """Compile the FEEL expression ``text``; FeelSyntaxError when it is not valid FEEL.

    With ``closed`` the caller promises that the Env the expression is evaluated in binds
    no name outside ``names``; the names of built-in functions are then resolved now.
    ``codegen`` chooses generated Python code (see :mod:`service.feel.codegen`) or the
    closures; by default, :data:`service.feel.codegen.ENABLED` chooses.
    """
    names = tuple(names)
    node = parse_expression(text, names, types or ())
    compiler = Compiler(text, names, types, closed)
    if codegen is None:
        codegen = _codegen.ENABLED
    if codegen:
        compiler.closures = {}
    fn = _compile(compiler, node, compiler.compile)
    if codegen and constant_value(fn) is NOT_CONSTANT:
        generated = _codegen.generate(compiler, node, compiler.closures or {})
        if generated is not None:
            fn = generated
    compiler.closures = None
    return CompiledExpression(text, node, fn)


def compile_unary_tests(
    text: str,
    names: Iterable[str] = (),
    types: Mapping[str, Any] | None = None,
    *,
    closed: bool = False,
) -> CompiledUnaryTests:
    """Compile the FEEL unary tests ``text`` (a decision table input entry); ``closed`` as
    for :func:`compile_expression`."""
    names = tuple(names)
    node = parse_unary_tests(text, names, types or ())
    compiler = Compiler(text, names, types, closed)
    test = _compile(compiler, node, compiler.compile_tests)
    return CompiledUnaryTests(text, node, test, compiler.analyse(node))


__all__ = [
    "NOT_CONSTANT",
    "CompiledExpression",
    "CompiledUnaryTests",
    "Compiler",
    "compile_expression",
    "compile_unary_tests",
]
