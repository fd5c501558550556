"""FEEL operators on numbers, strings, booleans, lists, contexts and ranges (service.feel.ops)."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal as D
from typing import Any

import pytest

from service.feel import ops
from service.feel.errors import FeelEvalError
from service.feel.temporal import parse_literal
from service.feel.values import Function, Range

ERR = "error"  # the operator raised FeelEvalError


def run(fn: Callable[..., Any], *args: Any) -> Any:
    """The operator's result, or ERR when it raised a FEEL evaluation error."""
    try:
        return fn(*args)
    except FeelEvalError:
        return ERR


def same(result: Any, expected: Any) -> bool:
    """Equal in value and in type (a Decimal is not a bool, a string is not a number)."""
    return type(result) is type(expected) and result == expected


@pytest.mark.parametrize(
    ("fn", "a", "b", "expected"),
    [
        (ops.add, D(10), D(5), D(15)),
        (ops.add, D("1.2345"), D("2.234"), D("3.4685")),
        (ops.add, D("0.1"), D("0.2"), D("0.3")),
        (ops.add, "foo", "bar", "foobar"),
        (ops.add, D(1), None, None),
        (ops.add, None, "a", None),
        (ops.add, D(1), "1", ERR),
        (ops.add, True, D(1), ERR),
        (ops.add, [D(1)], [D(2)], ERR),
        (ops.subtract, D("1.1234"), D("-0.2345"), D("1.3579")),
        (ops.subtract, "a", "b", ERR),
        (ops.subtract, None, D(1), None),
        (ops.multiply, D(10), D(-10), D(-100)),
        (ops.multiply, D("1.5"), D(2), D(3)),
        (ops.multiply, {"a": D(1)}, D(2), ERR),
        (ops.divide, D(100), D(10), D(10)),
        (ops.divide, D(1), D(3), D("0.3333333333333333333333333333333333")),
        (ops.divide, D(1), D(0), ERR),
        (ops.divide, D(0), D(0), ERR),
        (ops.divide, D(1), None, None),
        (ops.power, D(5), D(2), D(25)),
        (ops.power, D(5), D(-2), D("0.04")),
        (ops.power, D("5.5"), D(2), D("30.25")),
        (ops.power, D(2), D(10), D(1024)),
        (ops.power, D(-2), D("0.5"), ERR),
        (ops.power, D(10), D(100000), ERR),
        (ops.power, D(0), D(-1), ERR),
        (ops.power, "2", D(2), ERR),
    ],
)
def test_arithmetic(fn: Callable[..., Any], a: Any, b: Any, expected: Any) -> None:
    assert same(run(fn, a, b), expected)


def test_power_with_fraction_is_close() -> None:
    assert abs(ops.power(D(5), D("2.55")) - D("60.58617166606")) < D("1e-8")


@pytest.mark.parametrize(
    ("a", "expected"),
    [(D(10), D(-10)), (D(-10), D(10)), (None, None), ("10", ERR), (True, ERR), ([D(1)], ERR)],
)
def test_negate(a: Any, expected: Any) -> None:
    assert run(ops.negate, a) == expected


_F = Function("f", [], lambda env, args, named: None)


@pytest.mark.parametrize(
    ("a", "b", "expected"),
    [
        (None, None, True),
        (True, True, True),
        (True, False, False),
        (True, None, False),
        (False, D(0), None),
        (D(123), D(123), True),
        (D("0"), D("0.00"), True),
        (D("-0"), D("0"), True),
        (D(12300), D("1.23e4"), True),
        (D(100), None, False),
        (D(100), "100", None),
        ("foo", "foo", True),
        ("foo", "Foo", False),
        ([D(1), D(2)], [D(1), D(2)], True),
        ([D(1), D(1), D(1)], [D(1), D(1), D(1), D(1)], False),
        ([D(1), D(2)], [D(2), D(1)], False),
        ([], [], True),
        ([], None, False),
        ([], D(0), None),
        ([D(1), "a"], [D(1), D(2)], None),
        ([D(1), "a"], [D(2), D(2)], False),
        ({}, {}, True),
        ({"a": D(1), "b": D(2)}, {"b": D(2), "a": D(1)}, True),
        ({"a": [D(3), D(4)]}, {"a": [D(3), D(4)], "b": "x"}, False),
        ({"a": {"b": "x"}}, {"a": {"b": "y"}}, False),
        ({}, [], None),
        (Range(D(1), D(10), True, True), Range(D(1), D(10), True, True), True),
        (Range(D(1), D(10), False, True), Range(D(1), D(10), True, True), False),
        (Range(D(1), D(2), True, True), Range(D(1), D(3), True, True), False),
        (_F, _F, True),
    ],
)
def test_equal(a: Any, b: Any, expected: bool | None) -> None:
    assert ops.equal(a, b) is expected
    assert ops.equal(b, a) is expected
    assert ops.not_equal(a, b) is (None if expected is None else not expected)


@pytest.mark.parametrize(
    ("a", "b", "expected"),
    [
        (D(1), D(2), -1),
        (D(2), D("2.0"), 0),
        (D(3), D(-3), 1),
        ("a", "b", -1),
        ("b", "a", 1),
        ("", "", 0),
        (D(1), "1", None),
        (True, False, None),
        (None, D(1), None),
        ([D(1)], [D(2)], None),
    ],
)
def test_compare(a: Any, b: Any, expected: int | None) -> None:
    assert ops.compare(a, b) == expected
    order = ops.compare(a, b)
    expect = (lambda f: None) if order is None else (lambda f: f(order))
    assert ops.less_than(a, b) == expect(lambda o: o < 0)
    assert ops.less_equal(a, b) == expect(lambda o: o <= 0)
    assert ops.greater_than(a, b) == expect(lambda o: o > 0)
    assert ops.greater_equal(a, b) == expect(lambda o: o >= 0)


_YEAR_2020 = Range(parse_literal("2020-01-01"), parse_literal("2021-01-01"), True, False)


@pytest.mark.parametrize(
    ("value", "rng", "expected"),
    [
        (D(5), Range(D(1), D(10), True, True), True),
        (D(1), Range(D(1), D(10), False, True), False),
        (D(10), Range(D(1), D(10), True, False), False),
        (D(10), Range(D(1), D(10), True, True), True),
        (D(11), Range(D(1), D(10), True, True), False),
        (D(-100), Range(None, D(10), False, False), True),
        (D(100), Range(D(10), None, False, False), True),
        (D(5), Range(D(10), None, True, False), False),
        ("b", Range("a", "c", True, True), True),
        (None, Range(D(1), D(10), True, True), None),
        ("5", Range(D(1), D(10), True, True), None),
        (parse_literal("2020-06-01"), _YEAR_2020, True),
        (parse_literal("2021-01-01"), _YEAR_2020, False),
    ],
)
def test_in_range(value: Any, rng: Range, expected: bool | None) -> None:
    assert ops.in_range(value, rng) is expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (D("1.10"), "1.1"),
        (D("1E+2"), "100"),
        (D("-0.000"), "0"),
        (D("0.000001"), "0.000001"),
        (D("123456789012345678901234567890.5"), "123456789012345678901234567890.5"),
        (D("-2.50"), "-2.5"),
        ("abc", "abc"),
        (None, "null"),
        (True, "true"),
        ([D(1), "a", None], '[1, "a", null]'),
        ({"a": D(1), "b c": [D(2)]}, "{a: 1, b c: [2]}"),
        (Range(D(1), D(10), True, False), "[1..10)"),
        (Range(None, D(10), False, False), "< 10"),
        (Range(D(10), None, True, False), ">= 10"),
        (parse_literal("2018-12-10T10:30:00@Europe/Rome"), "2018-12-10T10:30:00@Europe/Rome"),
        (parse_literal("P1DT2H"), "P1DT2H"),
    ],
)
def test_to_string(value: Any, expected: str) -> None:
    assert ops.to_string(value) == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (None, "Null"),
        (True, "boolean"),
        (D(1), "number"),
        ("s", "string"),
        ([], "list"),
        ({}, "context"),
        (parse_literal("2018-12-10"), "date"),
        (parse_literal("2018-12-10T10:00:00"), "date and time"),
        (parse_literal("P1Y"), "years and months duration"),
    ],
)
def test_type_name(value: Any, expected: str) -> None:
    assert ops.type_name(value) == expected


def test_errors_carry_codes() -> None:
    with pytest.raises(FeelEvalError) as caught:
        ops.divide(D(1), D(0))
    assert caught.value.code == "FEEL_DIVISION_BY_ZERO"
    with pytest.raises(FeelEvalError) as caught:
        ops.add(D(1), "a")
    assert caught.value.code == "FEEL_TYPE_MISMATCH"
