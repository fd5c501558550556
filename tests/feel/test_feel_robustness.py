"""Robustness: any text either compiles or raises FeelSyntaxError; evaluation never raises."""

from __future__ import annotations

import contextlib
import decimal

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from service.feel import Env, FeelSyntaxError, compile_expression, compile_unary_tests

PIECES = [
    "1", "2.5", ".5", "0", "-", "+", "*", "/", "**", "(", ")", "[", "]", "{", "}", ",", ":",
    ".", "..", "=", "!=", "<", "<=", ">", ">=", '"s"', '@"2024-01-01"', '@"P1D"', "x", "xs",
    "ctx", "item", "?", "if", "then", "else", "for", "in", "return", "some", "every",
    "satisfies", "and", "or", "not", "between", "instance", "of", "number", "function",
    "true", "false", "null", "date", "sum", "string length", "count", "a", "b", "list",
    "<", ">", "->", "external", "partial", "'",
]  # fmt: skip

VARIABLES = {
    "x": decimal.Decimal(3),
    "xs": [decimal.Decimal(1), decimal.Decimal(2)],
    "ctx": {"a": decimal.Decimal(1), "b": "two"},
}

texts = st.lists(st.sampled_from(PIECES), min_size=1, max_size=14).map(" ".join)


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(texts)
def test_expressions_compile_or_fail_cleanly_and_never_raise(text: str) -> None:
    try:
        compiled = compile_expression(text, VARIABLES)
    except FeelSyntaxError as exc:
        assert 0 <= exc.span[0] <= len(text)
        return
    compiled(Env(dict(VARIABLES)))


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(texts, st.sampled_from([None, decimal.Decimal(2), "s", True, [decimal.Decimal(1)]]))
def test_unary_tests_compile_or_fail_cleanly_and_never_raise(text: str, value: object) -> None:
    try:
        compiled = compile_unary_tests(text, VARIABLES)
    except FeelSyntaxError:
        return
    assert compiled(value, Env(dict(VARIABLES))) in (True, False)


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=30))
def test_arbitrary_text_never_crashes_the_parser(text: str) -> None:
    with contextlib.suppress(FeelSyntaxError):
        compile_expression(text)
