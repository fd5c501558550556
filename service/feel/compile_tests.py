"""Compiling unary tests: UnaryTests -> ``test(value, env) -> True | False | None``, plus analysis.

Semantics (DMN 1.5 10.3.2.9 and the TCK), for an input value ``v``:

- ``-`` matches everything; ``not(t1, t2)`` negates the disjunction of its tests (null stays null).
- ``< e``, ``<= e``, ``> e``, ``>= e``, ``= e``, ``!= e`` compare ``v`` with ``e``.
- ``[a..b]`` and the other intervals: ``v`` lies in the range (null end points give null).
- any other expression ``e`` (``?`` is bound to ``v``) is evaluated, then:
  a boolean is the answer itself, except that a constant boolean such as ``true`` tested
  against a boolean ``v`` means equality; a list matches when one of its items equals ``v``
  (or is a range holding it); a range matches when it holds ``v``; anything else must equal ``v``.
- a list of tests matches when one of them does (three-valued ``or``).

The analysis describes tests made only of constants, for the engine's indexes:
``("any",)``, ``("equals", (values...))``, ``("range", [Range, ...])``, ``("not", inner)``
or None for anything else (booleans are left out: their meaning depends on the input's type).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from service.feel import nodes as n
from service.feel import ops
from service.feel.compile_base import NOT_CONSTANT, CompilerBase, Fn, constant_value, fail
from service.feel.compile_ops import COMPARISON, make_range, range_of
from service.feel.env import Env
from service.feel.values import Range

Test = Callable[[Any, Env], Any]
Analysis = tuple[Any, ...] | None


def _matches_item(v: Any, item: Any) -> bool:
    if isinstance(item, Range):
        return ops.in_range(v, item) is True
    return ops.equal(v, item) is True


def expression_matches(v: Any, result: Any, uses_input: bool) -> bool | None:
    """Whether ``v`` satisfies an expression test that evaluated to ``result``.

    A boolean result is the answer (the spec: the expression is true with ``?`` bound to
    the input), except when the expression does not use the input and the input is a
    boolean or null: then it is a value the input must equal. So the cell ``true`` means
    "is true" in a yes/no column, and a null input (not assessed) never satisfies it.
    """
    if result is True or result is False:
        if not uses_input and (v is None or isinstance(v, bool)):
            return v is result
        return result
    if isinstance(result, list):
        return any(_matches_item(v, item) for item in result)
    if isinstance(result, Range):
        return ops.in_range(v, result)
    return ops.equal(v, result)


class TestsCompiler(CompilerBase):
    """``test_<Node>`` methods: each unary test node -> ``test(value, env)``."""

    def compile_In(self, node: n.In) -> Fn:
        """``x in tests``: the unary tests applied to ``x`` (three-valued)."""
        value, test = self.compile(node.value), self.compile_tests(node.tests)
        return lambda env: test(value(env), env)

    def compile_tests(self, node: n.UnaryTests) -> Test:
        """The test of a whole unary tests node (``?`` bound when any test uses it)."""
        tests = [self.compile_test(t) for t in node.tests]
        combined = tests[0] if len(tests) == 1 else _disjunction(tests)
        if node.negated:
            inner = combined

            def combined(v: Any, env: Env) -> Any:
                result = inner(v, env)
                return None if result is None else not result

        if not n.uses_name(node, "?"):
            return combined
        final = combined
        return lambda v, env: final(v, env.child({"?": v}))

    def compile_test(self, node: n.Node) -> Test:
        """Dispatch one positive unary test on its class."""
        method = getattr(self, "test_" + type(node).__name__, None)
        if method is None:
            return self.test_UnaryExpression(n.UnaryExpression(node, span=node.span))
        test: Test = method(node)
        return test

    def test_AnyTest(self, node: n.AnyTest) -> Test:
        """``-``: matches everything."""
        return lambda v, env: True

    def test_UnaryComparison(self, node: n.UnaryComparison) -> Test:
        """``< e`` and friends: compare the input with ``e``."""
        operand, op = self.compile(node.operand), COMPARISON[node.op]
        source, span = self.source, node.span
        known = constant_value(operand)
        if known is not NOT_CONSTANT:

            def test_constant(v: Any, env: Env) -> Any:
                try:
                    return op(v, known)
                except Exception as exc:
                    return fail(env, exc, source, span)

            return test_constant

        def test(v: Any, env: Env) -> Any:
            try:
                return op(v, operand(env))
            except Exception as exc:
                return fail(env, exc, source, span)

        return test

    def test_UnaryRange(self, node: n.UnaryRange) -> Test:
        """``[a..b]``: the input lies in the range (null end points: null)."""
        rng = node.range
        start, end = self.compile(rng.start), self.compile(rng.end)
        closed = (rng.start_included, rng.end_included)
        source, span = self.source, node.span
        analysis = self.analyse_test(node)
        if analysis is not None:
            return _in_constant_range(analysis[1][0], source, span)

        def test(v: Any, env: Env) -> Any:
            low, high = start(env), end(env)
            if low is None or high is None:
                return None
            try:
                return ops.in_range(v, make_range(low, high, *closed))
            except Exception as exc:
                return fail(env, exc, source, span)

        return test

    def test_UnaryExpression(self, node: n.UnaryExpression) -> Test:
        """Any other expression: see :func:`expression_matches`."""
        expression = self.compile(node.expression)
        uses_input = n.uses_name(node.expression, "?")
        source, span = self.source, node.span
        known = constant_value(expression)
        if known is not NOT_CONSTANT:  # read only: a constant list need not be copied

            def test_constant(v: Any, env: Env) -> Any:
                try:
                    return expression_matches(v, known, uses_input)
                except Exception as exc:
                    return fail(env, exc, source, span)

            return test_constant

        def test(v: Any, env: Env) -> Any:
            try:
                result = expression(env)
                if type(result) is list:  # ``x in L``: a scan of L (a constant one is short)
                    env.evaluation.spend(len(result))
                return expression_matches(v, result, uses_input)
            except Exception as exc:
                return fail(env, exc, source, span)

        return test

    # --- analysis -------------------------------------------------------------------------------

    def analyse(self, node: n.UnaryTests) -> Analysis:
        """The indexable description of ``node`` (see the module docstring), or None."""
        parts = [self.analyse_test(t) for t in node.tests]
        if any(p is None for p in parts):
            return None
        inner: Analysis
        if any(p == ("any",) for p in parts):
            inner = ("any",)
        elif all(p is not None and p[0] == "equals" for p in parts):
            inner = ("equals", _distinct(v for p in parts if p is not None for v in p[1]))
        elif all(p is not None and p[0] == "range" for p in parts):
            inner = ("range", [r for p in parts if p is not None for r in p[1]])
        else:
            return None
        return ("not", inner) if node.negated else inner

    def analyse_test(self, node: n.Node) -> Analysis:
        """The description of one positive unary test made of constants, or None."""
        if isinstance(node, n.AnyTest):
            return ("any",)
        if isinstance(node, n.UnaryComparison):
            value = self.constant_of(node.operand)
            if value is NOT_CONSTANT or value is None or isinstance(value, bool | list | dict):
                return None
            if node.op == "=":
                return ("equals", (value,))
            return None if node.op == "!=" else ("range", [range_of(node.op, value)])
        if isinstance(node, n.UnaryRange):
            low, high = self.constant_of(node.range.start), self.constant_of(node.range.end)
            if NOT_CONSTANT in (low, high) or low is None or high is None:
                return None
            closed = (node.range.start_included, node.range.end_included)
            try:
                return ("range", [make_range(low, high, *closed)])
            except Exception:  # an error at run time: not indexable
                return None
        if isinstance(node, n.UnaryExpression) and not n.uses_name(node, "?"):
            value = self.constant_of(node.expression)
            if value is NOT_CONSTANT or isinstance(value, bool | list | dict | Range):
                return None
            return ("equals", (value,))
        return None

    def constant_of(self, node: n.Node) -> Any:
        """The compile-time value of ``node``, or NOT_CONSTANT."""
        try:
            return constant_value(self.compile(node))
        except Exception:
            return NOT_CONSTANT


def _distinct(values: Any) -> tuple[Any, ...]:
    """Values without repeats, compared as FEEL does (a boolean never equals a number)."""
    out: list[Any] = []
    for value in values:
        if not any(type(value) is type(seen) and value == seen for seen in out):
            out.append(value)
    return tuple(out)


def _in_constant_range(rng: Range, source: str, span: tuple[int, int]) -> Test:
    def test(v: Any, env: Env) -> Any:
        try:
            return ops.in_range(v, rng)
        except Exception as exc:
            return fail(env, exc, source, span)

    return test


def _disjunction(tests: list[Test]) -> Test:
    def test(v: Any, env: Env) -> Any:
        found_null = False
        for t in tests:
            result = t(v, env)
            if result is True:
                return True
            if result is not False:
                found_null = True
        return None if found_null else False

    return test
