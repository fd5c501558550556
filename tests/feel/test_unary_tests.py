"""Unary tests (decision table input entries): text -> test(value, env) and its analysis."""

from __future__ import annotations

import decimal
from typing import Any

import pytest

from service.feel import Env, FeelSyntaxError, compile_unary_tests
from service.feel.values import Date, Range


def D(text: str) -> decimal.Decimal:
    return decimal.Decimal(text)


VARS: dict[str, Any] = {"limit": D("10"), "allowed": ["a", "b"], "flag": True, "other": D("3")}


@pytest.mark.parametrize(
    ("tests", "value", "expected"),
    [
        ("-", D("1"), True),
        ("-", None, True),
        ("< 5", D("4"), True),
        ("< 5", D("5"), False),
        ("<= 5", D("5"), True),
        ("> limit", D("11"), True),
        (">= limit", D("9"), False),
        ("= 5", D("5"), True),
        ("!= 5", D("5"), False),
        ("[1..5]", D("5"), True),
        ("[1..5)", D("5"), False),
        ("(1..5]", D("1"), False),
        ("]1..5[", D("3"), True),
        # not(...) around intervals whose brackets do not pair: ]a..b], [a..b[, ]a..b[
        ("not(]1..5])", D("1"), True),
        ("not(]1..5])", D("2"), False),
        ("not([1..5[)", D("5"), True),
        ("not([1..5[)", D("0"), True),
        ("not(]0..0[)", None, False),
        ("not(7, ]1..5])", D("7"), False),
        ("not(7, ]1..5])", D("9"), True),
        ("[other..limit]", D("3"), True),
        ("5", D("5"), True),
        ("5", D("5.0"), True),
        ('"a", "b"', "b", True),
        ('"a", "b"', "c", False),
        ('"a", "b"', None, False),
        ('not("a", "b")', "c", True),
        ('not("a", "b")', "a", False),
        ("not(< 5)", D("7"), True),
        ("not(< 5)", None, False),  # null < 5 is null; not(null) is null: no match
        ("null", None, True),
        ("null", D("1"), False),
        ("not(null)", D("1"), True),
        ("< 5, > 10", D("11"), True),
        ("< 5, > 10", D("7"), False),
        ("< 5", "a", False),
        ("< 5", None, False),
        ("[1..5]", None, False),
        ('date("2024-01-01")', Date(2024, 1, 1), True),
        ('[@"2024-01-01"..@"2024-12-31"]', Date(2024, 6, 1), True),
        ('< date("2024-01-01")', Date(2023, 6, 1), True),
        # expressions using ?
        ("? > 5", D("6"), True),
        ("? > 5", D("5"), False),
        ("string length(?) < 3", "ab", True),
        ("string length(?) < 3", "abc", False),
        ("? > 1 and ? < 3", D("2"), True),
        ("not(? > 5)", D("6"), False),
        ('starts with(?, "ab")', "abc", True),
        # expressions giving a list: the input is one of its items
        ("allowed", "a", True),
        ("allowed", "z", False),
        ("[1, 2, 3]", D("2"), True),
        ("[[1..2], [5..6]]", D("5"), True),
        # booleans: a boolean expression is the answer, except a constant against a boolean
        # or null input, which must equal it (null is "not assessed", never "true")
        ("true", None, False),
        ("false", None, False),
        ("flag", None, False),
        ("? = true", None, False),
        ("true", True, True),
        ("true", False, False),
        ("false", False, True),
        ("flag", True, True),
        ("flag", False, False),
        ("other > 2", D("100"), True),
        ("other > 5", D("100"), False),
        ("? = true", True, True),
    ],
)
def test_matches(tests: str, value: Any, expected: bool) -> None:
    compiled = compile_unary_tests(tests, VARS)
    assert compiled(value, Env(dict(VARS))) is expected


@pytest.mark.parametrize(
    ("tests", "analysis"),
    [
        ("-", ("any",)),
        ("5", ("equals", (D("5"),))),
        ('"a", "b", "a"', ("equals", ("a", "b"))),
        ("null", ("equals", (None,))),
        ('date("2024-01-01")', ("equals", (Date(2024, 1, 1),))),
        ('@"2024-01-01"', ("equals", (Date(2024, 1, 1),))),
        ("= 3", ("equals", (D("3"),))),
        ("-5", ("equals", (D("-5"),))),
        ("[1..5]", ("range", [Range(D("1"), D("5"), True, True)])),
        (
            "< 5, >= 10",
            ("range", [Range(None, D("5"), False, False), Range(D("10"), None, True, False)]),
        ),
        ('not("a")', ("not", ("equals", ("a",)))),
        ("not([1..2])", ("not", ("range", [Range(D("1"), D("2"), True, True)]))),
        ("5, [1..2]", None),
        ("true", None),
        ("[1, 2]", None),
        ("? > 5", None),
        ("limit", None),
        ("< limit", None),
        ("!= 5", None),
        ("[1..limit]", None),
        ("now()", None),
    ],
)
def test_analysis(tests: str, analysis: Any) -> None:
    assert compile_unary_tests(tests, VARS).analysis == analysis


def test_three_valued_result() -> None:
    compiled = compile_unary_tests("< 5")
    assert compiled.test(None, Env()) is None
    assert compiled.test(D("1"), Env()) is True


def test_errors_in_a_test_give_no_match_and_a_warning() -> None:
    env = Env()
    compiled = compile_unary_tests("? + 1 > 2")
    assert compiled("text", env) is False
    assert [w.code for w in env.evaluation.warnings] == ["FEEL_TYPE_MISMATCH"]


def test_source_and_node() -> None:
    compiled = compile_unary_tests("< 5")
    assert compiled.source == "< 5"
    assert compiled.node.span == (0, 3)


@pytest.mark.parametrize("text", ["", "< ", "[1..", "not(1", "1,"])
def test_syntax_errors(text: str) -> None:
    with pytest.raises(FeelSyntaxError):
        compile_unary_tests(text)
