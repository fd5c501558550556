"""Numeric built-ins (DMN 1.5 10.3.4.5) called directly through the registry."""

from __future__ import annotations

from decimal import Decimal as D
from typing import Any

import pytest
from builtin_calls import ERR, call

from service.feel.values import DaysTimeDuration, YearsMonthsDuration


@pytest.mark.parametrize(
    ("name", "args", "expected"),
    [
        ("decimal", (D(1) / D(3), D(2)), D("0.33")),
        ("decimal", (D("1.5"), D(0)), D(2)),
        ("decimal", (D("2.5"), D(0)), D(2)),
        ("decimal", (D("0.515"), D(2)), D("0.52")),
        ("decimal", (D("1") / D("3"), D("2.5")), D("0.33")),
        ("decimal", (D("1234"), D(-2)), D(1200)),
        ("decimal", (D("1.5"),), ERR),
        ("floor", (D("1.5"),), D(1)),
        ("floor", (D("-1.5"),), D(-2)),
        ("floor", (D("-1.56"), D(1)), D("-1.6")),
        ("floor", (D("1.56"), None), ERR),
        ("floor", (None,), ERR),
        ("floor", ("1.5",), ERR),
        ("ceiling", (D("1.5"),), D(2)),
        ("ceiling", (D("-0.3333"),), D(0)),
        ("ceiling", (D("-1.56"), D(1)), D("-1.5")),
        ("round up", (D("5.5"), D(0)), D(6)),
        ("round up", (D("-5.5"), D(0)), D(-6)),
        ("round up", (D("1.121"), D(2)), D("1.13")),
        ("round down", (D("5.5"), D(0)), D(5)),
        ("round down", (D("-1.126"), D(2)), D("-1.12")),
        ("round down", (D("5.5"), D(6176)), D("5.5")),
        ("round down", (D("5.5"), D(6177)), ERR),
        ("round down", (D("5.5"), D(-6112)), ERR),
        ("round half up", (D("-5.5"), D(0)), D(-6)),
        ("round half up", (D("1.121"), D(2)), D("1.12")),
        ("round half down", (D("5.5"), D(0)), D(5)),
        ("round half down", (D("-1.126"), D(2)), D("-1.13")),
        ("abs", (D(-1),), D(1)),
        ("abs", (D(0),), D(0)),
        ("abs", ("-1",), ERR),
        ("abs", (True,), ERR),
        ("abs", (None,), ERR),
        ("abs", (YearsMonthsDuration(-12),), YearsMonthsDuration(12)),
        ("abs", (DaysTimeDuration(D(-86400)),), DaysTimeDuration(D(86400))),
        ("modulo", (D(10), D(4)), D(2)),
        ("modulo", (D(10), D(-4)), D(-2)),
        ("modulo", (D(-10), D(4)), D(2)),
        ("modulo", (D(-12), D(-5)), D(-2)),
        ("modulo", (D("-10.1"), D("4.5")), D("3.4")),
        ("modulo", (D("10.1"), D("-4.5")), D("-3.4")),
        ("modulo", (D(10), D(0)), ERR),
        ("modulo", (D("1E100"), D(3)), D(1)),
        ("modulo", (D("5.5"), D("0.25")), D(0)),
        ("modulo", (D("-1E-30"), D("1E30")), D("1E30")),
        ("modulo", (D(10), None), ERR),
        ("sqrt", (D(16),), D(4)),
        ("sqrt", (D(2),), D("1.414213562373095048801688724209698")),
        ("sqrt", (D(-1),), ERR),
        ("log", (D(0),), ERR),
        ("log", (D(-1),), ERR),
        ("exp", (D(0),), D(1)),
        ("odd", (D(-1),), True),
        ("odd", (D(0),), False),
        ("even", (D(-2),), True),
        ("even", (D("1.5"),), ERR),
        ("even", (True,), ERR),
    ],
)
def test_numeric(name: str, args: tuple[Any, ...], expected: Any) -> None:
    result = call(name, *args)
    assert result == expected
    assert type(result) is type(expected)


@pytest.mark.parametrize(
    ("name", "args", "expected"),
    [
        ("exp", (D(4),), D("54.59815003")),
        ("log", (D(4),), D("1.38629436")),
        ("exp", (D(-1),), D("0.36787944")),
    ],
)
def test_transcendental_close_to_tck_values(name: str, args: tuple[Any, ...], expected: D) -> None:
    assert abs(call(name, *args) - expected) < D("1e-8")


@pytest.mark.parametrize(
    ("name", "named", "expected"),
    [
        ("floor", {"n": D("1.56"), "scale": D(1)}, D("1.5")),
        ("floor", {"n": D("1.56")}, D(1)),
        ("floor", {"n": D("1.56"), "scal": D(1)}, ERR),
        ("decimal", {"n": D(15) / D(7), "scale": D(3)}, D("2.143")),
        ("round half up", {"n": D("5.5"), "scale": D(0)}, D(6)),
        ("round half up", {"scale": D(0)}, ERR),
        ("abs", {"n": D(-1)}, D(1)),
        ("abs", {"number": D(-1)}, ERR),
        ("exp", {"number": D(0)}, D(1)),
        ("modulo", {"dividend": D(10), "divisor": D(4)}, D(2)),
        ("even", {"number": D(4)}, True),
    ],
)
def test_named_arguments(name: str, named: dict[str, Any], expected: Any) -> None:
    assert call(name, **named) == expected


def test_results_keep_34_digits() -> None:
    third = D(1) / D(3)
    assert call("round half up", third, D(40)) == third
    assert call("decimal", D("9" * 34), D(-1)) == D("1E+34")


def test_arity_errors() -> None:
    assert call("abs") == ERR
    assert call("abs", D(1), D(1)) == ERR
    assert call("round down", D(1), D(1), D(2)) == ERR
