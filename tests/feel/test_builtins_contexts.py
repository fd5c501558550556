"""Context built-ins (DMN 1.5 10.3.4.8), boolean built-ins and conversions, through the registry."""

from __future__ import annotations

from decimal import Decimal as D
from typing import Any

import pytest
from builtin_calls import ERR, call

from service.feel.builtins import BUILTINS
from service.feel.env import Env
from service.feel.values import (
    Date,
    DateTime,
    DaysTimeDuration,
    Range,
    Time,
    YearsMonthsDuration,
)


@pytest.mark.parametrize(
    ("name", "args", "expected"),
    [
        ("get value", ({"a": D(1)}, "a"), D(1)),
        ("get value", ({"a": D(1)}, "b"), None),
        ("get value", (None, "a"), ERR),
        ("get value", ({"a": D(1)}, D(1)), ERR),
        (
            "get entries",
            ({"a": "foo", "b": "bar"},),
            [{"key": "a", "value": "foo"}, {"key": "b", "value": "bar"}],
        ),
        ("get entries", ({},), []),
        ("get entries", ([D(1)],), ERR),
        ("get entries", ({"a": D(1)}, {"b": D(2)}), ERR),
        (
            "context",
            ([{"key": "a", "value": D(1)}, {"key": "b", "value": None}],),
            {"a": D(1), "b": None},
        ),
        ("context", ({"key": "a", "value": D(1)},), {"a": D(1)}),
        ("context", ([{"key": "a", "value": D(1)}, {"key": "a", "value": D(2)}],), ERR),
        ("context", ([{"key": D(1), "value": D(1)}],), ERR),
        ("context", ([{"key": "a"}],), ERR),
        ("context", ([],), {}),
        ("context put", ({}, "a", D(1)), {"a": D(1)}),
        (
            "context put",
            ({"a": D(1), "b": D(2), "c": D(3)}, "b", D(3)),
            {"a": D(1), "b": D(3), "c": D(3)},
        ),
        ("context put", ({}, "a", None), {"a": None}),
        ("context put", ({}, None, D(1)), ERR),
        ("context put", (None, "a", D(1)), ERR),
        ("context put", ([], "a", D(1)), ERR),
        ("context put", ({}, "a"), ERR),
        (
            "context put",
            ({"x": D(1), "y": {"a": D(0)}}, ["y", "a"], D(2)),
            {"x": D(1), "y": {"a": D(2)}},
        ),
        (
            "context put",
            ({"x": D(1), "y": {"a": D(0)}}, ["y", "b"], D(2)),
            {"x": D(1), "y": {"a": D(0), "b": D(2)}},
        ),
        ("context put", ({}, ["y", "b"], D(2)), {"y": {"b": D(2)}}),
        ("context put", ({"y": {"a": D(0)}}, ["y", "a", "b"], D(2)), ERR),
        ("context put", ({"y": {}}, ["y", None], D(2)), ERR),
        ("context put", ({"y": {}}, [], D(2)), ERR),
        ("context merge", ([{"a": D(1)}, {"b": D(2)}],), {"a": D(1), "b": D(2)}),
        ("context merge", ([{"a": D(1)}, {"a": D(2)}],), {"a": D(2)}),
        ("context merge", ([{"a": {"aa": D(1)}}, {"a": {"bb": D(2)}}],), {"a": {"bb": D(2)}}),
        ("context merge", ({"a": D(1)},), {"a": D(1)}),
        ("context merge", ([{"a": D(1)}, D(2)],), ERR),
        ("context merge", (None,), ERR),
    ],
)
def test_context_functions(name: str, args: tuple[Any, ...], expected: Any) -> None:
    assert call(name, *args) == expected


def test_context_put_leaves_its_argument_unchanged() -> None:
    original = {"a": {"b": D(1)}}
    assert call("context put", original, ["a", "b"], D(2)) == {"a": {"b": D(2)}}
    assert original == {"a": {"b": D(1)}}


def test_context_put_named_key_and_keys() -> None:
    nested = {"x": D(1), "y": {"a": D(0)}}
    assert call("context put", context={}, key="a", value=D(1)) == {"a": D(1)}
    assert call("context put", context=nested, keys=["y", "a"], value=D(2)) == {
        "x": D(1),
        "y": {"a": D(2)},
    }
    assert call("context put", context=nested, key=["y", "a"], value=D(2)) == ERR
    assert call("context put", context={}, ky="a", value=D(1)) == ERR


def _time(offset: int | None = None, zone: str | None = None) -> Time:
    return Time(23, 0, D(50), offset, zone)


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        ((D(1), D(1)), True),
        ((D(1), D("1.0")), True),
        ((D(1), D(2)), False),
        (("foo", "foo"), True),
        ((True, True), True),
        ((True, D(1)), False),
        ((None, None), True),
        ((Date(2012, 12, 25), Date(2012, 12, 25)), True),
        ((Date(2012, 12, 25), DateTime(Date(2012, 12, 25), Time(0, 0, D(0), 0))), False),
        ((_time(0), _time(0)), True),
        ((_time(), _time(0)), False),
        ((_time(zone="Australia/Melbourne"), _time(36000)), False),
        ((_time(3600), _time(7200)), False),
        ((DaysTimeDuration(D(86400)), DaysTimeDuration(D(86400))), True),
        ((YearsMonthsDuration(0), DaysTimeDuration(D(0))), False),
        (([D(1), "a"], [D(1), "a"]), True),
        (({"a": D(1)}, {"a": D(2)}), False),
        ((Range(D(1), D(2), True, True), Range(D(1), D(2), True, True)), True),
    ],
)
def test_is(args: tuple[Any, Any], expected: bool) -> None:
    assert call("is", *args) is expected


def test_is_named() -> None:
    assert call("is", value1=D(1), value2=D(1)) is True
    assert call("is", value1=D(1)) is False
    assert call("is", value2=D(1)) is False
    assert call("is", value1=D(1), value2=D(1), value3=D(1)) == ERR


@pytest.mark.parametrize(
    ("name", "args", "expected"),
    [
        ("not", (True,), False),
        ("not", (False,), True),
        ("not", (None,), None),
        ("not", (D(0),), ERR),
        ("not", ("true",), ERR),
        ("get or else", (None, D(1)), D(1)),
        ("get or else", ("a", D(1)), "a"),
        ("get or else", (None, None), None),
        ("number", ("1.000.000,01", ".", ","), D("1000000.01")),
        ("number", ("1,000,000.01", ",", "."), D("1000000.01")),
        ("number", ("1 000 000.01", " ", "."), D("1000000.01")),
        ("number", ("1000000.01", None, "."), D("1000000.01")),
        ("number", ("1,000,000", ",", None), D(1000000)),
        ("number", ("-12.5",), D("-12.5")),
        ("number", ("1,000,000.01", " ", "."), ERR),
        ("number", ("1,000,000.01", ":", "."), ERR),
        ("number", ("1,000,000.01", D(123), "."), ERR),
        ("number", ("1,000,000.00", ",", ","), ERR),
        ("number", ("foo,bar.001", ".", ","), ERR),
        ("number", ("1.000.000,01", "."), ERR),
        ("number", (None, ".", "."), ERR),
        ("number", (D(123), ".", "."), ERR),
        ("number", ("", None, None), ERR),
        ("string", (D("1.10"),), "1.1"),
        ("string", ("a",), "a"),
        ("string", (True,), "true"),
        ("string", (None,), None),
        ("string", ([D(1), "a"],), '[1, "a"]'),
    ],
)
def test_boolean_and_conversion(name: str, args: tuple[Any, ...], expected: Any) -> None:
    result = call(name, *args)
    assert result == expected
    assert type(result) is type(expected)


def test_number_named() -> None:
    named = {"from": "1.000.000,01", "decimal separator": ",", "grouping separator": "."}
    assert BUILTINS["number"].invoke(Env(), [], named) == D("1000000.01")
    assert call("number", **{"from": "1.000.000,01", "decimal sep": ","}) == ERR
