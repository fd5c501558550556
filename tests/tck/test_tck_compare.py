"""service.tck.compare: expected vs actual FEEL values, type included, numbers within 1e-8."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest

from service.feel.values import (
    Date,
    DateTime,
    DaysTimeDuration,
    Range,
    Time,
    YearsMonthsDuration,
)
from service.tck.compare import compare, describe, feel_type_name, numbers_equal

D = Decimal
DATE = Date(2017, 1, 1)
TIME = Time(12, 0, D(0), offset=3600)

SAME: list[tuple[Any, Any]] = [
    (None, None),
    (D(1), D("1.000")),
    (D("0.36787944"), D("0.3678794411714423215955237701614609")),
    (D("1e-8"), D(0)),
    (D("-5"), D("-5.000000009")),
    (D("123456789012345678901234567890.1234"), D("123456789012345678901234567890.1234")),
    ("abc", "abc"),
    ("", ""),
    (True, True),
    (False, False),
    (DATE, Date(2017, 1, 1)),
    (TIME, Time(12, 0, D("0.000"), offset=3600)),
    (DateTime(DATE, TIME), DateTime(Date(2017, 1, 1), TIME)),
    (YearsMonthsDuration(14), YearsMonthsDuration(14)),
    (DaysTimeDuration(D(90)), DaysTimeDuration(D("90.0"))),
    ([], []),
    ([D(1), "a", None], [D("1.0"), "a", None]),
    ([[D(1)], [D(2)]], [[D(1)], [D(2)]]),
    ({}, {}),
    ({"a": D(1), "b": {"c": "x"}}, {"b": {"c": "x"}, "a": D(1)}),
    ([{"a": None}], [{"a": None}]),
]

DIFFERENT: list[tuple[Any, Any, str]] = [
    (None, D(0), "result: expected null, got number 0"),
    (D(0), None, "result: expected number 0, got null"),
    (D(1), "1", 'result: expected number 1, got string "1"'),
    ("1", D(1), 'result: expected string "1", got number 1'),
    (D(1), True, "result: expected number 1, got boolean true"),
    (True, D(1), "result: expected boolean true, got number 1"),
    (D(0), False, "result: expected number 0, got boolean false"),
    (D(1), 1, "result: expected number 1, got Python int 1"),
    (D(1), 1.0, "result: expected number 1, got Python float 1.0"),
    (D("0.36787944"), D("0.36787945000001"), "result: expected number 0.36787944"),
    (D(1), D("1.0000000101"), "got number 1.0000000101"),
    (D(1), D("NaN"), "got number NaN"),
    ("abc", "abd", 'result: expected string "abc", got string "abd"'),
    ("a", "a ", 'expected string "a", got string "a "'),
    (True, False, "result: expected boolean true, got boolean false"),
    (DATE, DateTime(DATE, Time(0, 0, D(0))), "expected date 2017-01-01, got date and time 2017"),
    (DateTime(DATE, Time(0, 0, D(0))), DATE, "got date 2017-01-01"),
    (TIME, Time(12, 0, D(0)), "result: expected time 12:00:00+01:00, got time 12:00:00"),
    (YearsMonthsDuration(0), DaysTimeDuration(D(0)), "got days and time duration"),
    (Date(2017, 1, 1), Date(2017, 1, 2), "expected date 2017-01-01, got date 2017-01-02"),
    ([D(1)], D(1), "result: expected list [1], got number 1"),
    (D(1), [D(1)], "result: expected number 1, got list [1]"),
    ([D(1), D(2)], [D(1)], "result: expected a list of 2 items, got 1"),
    ([D(1), D(2)], [D(1), D(3)], "result[1]: expected number 2, got number 3"),
    ([[D(1)], [D(2)]], [[D(1)], [D(2), None]], "result[1]: expected a list of 1 items, got 2"),
    ({"a": D(1)}, {}, "result: missing key 'a'"),
    ({}, {"a": D(1)}, "result: unexpected key 'a'"),
    ({"a": {"b": D(1)}}, {"a": {"b": "1"}}, 'result.a.b: expected number 1, got string "1"'),
    ([{"name": "x"}], [{"name": None}], 'result[0].name: expected string "x", got null'),
    ({"a": D(1)}, [D(1)], "result: expected context {a: 1}, got list [1]"),
    (D(1), Range(D(1), D(2), True, True), "got range Range("),
]


@pytest.mark.parametrize(("expected", "actual"), SAME)
def test_equal_values_match(expected: Any, actual: Any) -> None:
    assert compare(expected, actual) == (True, "")


@pytest.mark.parametrize(("expected", "actual", "message"), DIFFERENT)
def test_different_values_name_the_first_difference(
    expected: Any, actual: Any, message: str
) -> None:
    ok, detail = compare(expected, actual)
    assert not ok
    assert message in detail


def test_path_starts_with_the_given_name() -> None:
    assert compare([D(1)], [D(2)], "Decision A") == (
        False,
        "Decision A[0]: expected number 1, got number 2",
    )


@pytest.mark.parametrize(
    ("left", "right", "equal"),
    [
        ("1", "1.00000001", True),
        ("1", "1.000000010000000000000000000000001", False),
        ("-1", "-0.99999999", True),
        ("1E+30", "1E+30", True),
        ("1E+30", "1.0000000000000000000000000000000001E+30", False),
        ("1E-6000", "-1E-6000", True),
        ("Infinity", "Infinity", True),
        ("NaN", "NaN", False),
    ],
)
def test_numbers_equal_within_1e_8(left: str, right: str, equal: bool) -> None:
    assert numbers_equal(D(left), D(right)) is equal


@pytest.mark.parametrize(
    ("value", "name"),
    [
        (None, "null"),
        (True, "boolean"),
        (D(1), "number"),
        ("x", "string"),
        ([], "list"),
        ({}, "context"),
        (Date(1, 1, 1), "date"),
        (DateTime(Date(1, 1, 1), Time(0, 0, D(0))), "date and time"),
        (3, "Python int"),
    ],
)
def test_feel_type_name(value: Any, name: str) -> None:
    assert feel_type_name(value) == name


def test_describe_shortens_long_values() -> None:
    text = describe("x" * 200, limit=20)
    assert (
        text.startswith('string "xxx') and text.endswith("...") and len(text) == len("string ") + 20
    )
