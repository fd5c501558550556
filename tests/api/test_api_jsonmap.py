"""JSON <-> FEEL: exact decimals both ways, ISO 8601 temporals where declared, refusals."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest

from service.api import jsonmap
from service.api.jsonmap import BodyError, JsonTypeError
from service.feel.values import (
    FEEL_CONTEXT,
    Date,
    DateTime,
    DaysTimeDuration,
    Function,
    Range,
    Time,
    YearsMonthsDuration,
)

ZERO = Decimal(0)
LONG = "0.1000000000000000000000000000000001"  # 34 significant digits: float would lose them


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        (b'{"a": 0.1}', {"a": Decimal("0.1")}),
        (b'{"a": 1}', {"a": Decimal(1)}),
        (b'{"a": 1e400}', {"a": Decimal("1e400")}),
        (b'{"a": ' + LONG.encode() + b"}", {"a": Decimal(LONG)}),
        (b'{"a": [1, "x", null, true]}', {"a": [Decimal(1), "x", None, True]}),
        (b"[]", []),
    ],
)
def test_parse_body_reads_numbers_as_exact_decimals(raw: bytes, expected: Any) -> None:
    assert jsonmap.parse_body(raw) == expected


@pytest.mark.parametrize(
    ("raw", "value"),
    [
        (b'{"a": "\\ud83d\\ude00"}', {"a": "\U0001f600"}),  # a pair: one character
        (b'{"a": "\\\\ud800"}', {"a": "\\ud800"}),  # an escaped backslash, then text
    ],
)
def test_parse_body_reads_surrogate_pairs_and_escaped_backslashes(raw: bytes, value: Any) -> None:
    assert jsonmap.parse_body(raw) == value


@pytest.mark.parametrize(
    ("raw", "code"),
    [
        (b'{"a": 1', "INVALID_JSON"),
        (b"", "INVALID_JSON"),
        (b'{"a": NaN}', "INVALID_JSON"),
        (b'{"a": Infinity}', "INVALID_JSON"),
        (b"\xff\xfe", "INVALID_JSON"),
        (b'{"a": 1, "a": 2}', "DUPLICATE_FIELD"),
        (b'{"x": {"b": 1, "b": 1}}', "DUPLICATE_FIELD"),
        (b'{"a": "\\ud800"}', "INVALID_JSON"),  # half of a UTF-16 pair: no text
        (b'{"a": ["x\\uDFFFy"]}', "INVALID_JSON"),
        (b'{"\\udc00": 1}', "INVALID_JSON"),
    ],
)
def test_parse_body_refuses(raw: bytes, code: str) -> None:
    with pytest.raises(BodyError) as caught:
        jsonmap.parse_body(raw)
    assert caught.value.code == code


@pytest.mark.parametrize(
    ("value", "feel_type", "expected"),
    [
        (Decimal("2.50"), "number", Decimal("2.50")),
        ("x", "string", "x"),
        (True, "boolean", True),
        ("2024-02-29", "date", Date(2024, 2, 29)),
        ("-0044-03-15", "date", Date(-44, 3, 15)),
        ("13:45:00", "time", Time(13, 45, Decimal(0))),
        ("13:45:00.5Z", "time", Time(13, 45, Decimal("0.5"), 0)),
        ("13:45:00+02:00", "time", Time(13, 45, Decimal(0), 7200)),
        ("2024-01-31T13:45:00", "date and time", DateTime(Date(2024, 1, 31), Time(13, 45, ZERO))),
        ("P1Y6M", "years and months duration", YearsMonthsDuration(18)),
        ("-P2M", "years and months duration", YearsMonthsDuration(-2)),
        ("P2DT3H", "days and time duration", DaysTimeDuration(Decimal(183600))),
        ("PT0.25S", "days and time duration", DaysTimeDuration(Decimal("0.25"))),
        ("2024-01-31", None, "2024-01-31"),  # untyped strings stay strings
        ([Decimal(1), {"a": Decimal("0.5")}], None, [Decimal(1), {"a": Decimal("0.5")}]),
        (None, "number", None),
    ],
)
def test_from_json(value: Any, feel_type: str | None, expected: Any) -> None:
    assert jsonmap.from_json(value, feel_type) == expected


@pytest.mark.parametrize(
    ("value", "feel_type"),
    [
        ("1", "number"),
        (True, "number"),  # a boolean is never a number
        (Decimal(1), "string"),
        (Decimal(1), "boolean"),
        ("yes", "boolean"),
        ("2024-02-30", "date"),
        ("2024-1-5", "date"),
        ("25:00:00", "time"),
        ("2024-01-31", "date and time"),
        ("2024-01-31T13:45", "date and time"),
        ("P1D", "years and months duration"),
        ("P1Y", "days and time duration"),
        ("P", "days and time duration"),
        ("13:45:00@Not/AZone", "time"),
    ],
)
def test_from_json_refuses(value: Any, feel_type: str) -> None:
    with pytest.raises(JsonTypeError):
        jsonmap.from_json(value, feel_type)


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (Decimal("0.1"), b"0.1"),
        (Decimal("2.50"), b"2.50"),
        (FEEL_CONTEXT.divide(Decimal(1), Decimal(3)), b"0.3333333333333333333333333333333333"),
        (Decimal("1E+2"), b"100"),
        (Decimal("123456789012345678901234567890.5"), b"123456789012345678901234567890.5"),
        (Decimal("1E-40"), b"1e-40"),
        (Decimal("1E-7"), b"0.0000001"),
        (Decimal("-1.50E+3"), b"-1500"),
        (Decimal("0.000123"), b"0.000123"),
        (Decimal("-0"), b"-0"),
        (Date(2024, 1, 31), b'"2024-01-31"'),
        (Time(9, 5, Decimal("7.25"), 3600), b'"09:05:07.25+01:00"'),
        (Time(9, 5, Decimal(0), None, "Europe/Paris"), b'"09:05:00@Europe/Paris"'),
        (DateTime(Date(2024, 1, 31), Time(0, 0, Decimal(0), 0)), b'"2024-01-31T00:00:00Z"'),
        (YearsMonthsDuration(14), b'"P1Y2M"'),
        (DaysTimeDuration(Decimal("-90061.5")), b'"-P1DT1H1M1.5S"'),
        (
            Range(Decimal(1), Decimal(5), True, False),
            b'{"start":1,"end":5,"start_included":true,"end_included":false}',
        ),
        ({"a": [None, True, "x"]}, b'{"a":[null,true,"x"]}'),
    ],
)
def test_to_json_and_dumps_keep_exact_text(value: Any, text: bytes) -> None:
    assert jsonmap.dumps(jsonmap.to_json(value)) == text
    # the direct path writes the same bytes, alone and nested in lists and contexts
    assert jsonmap.dumps_feel(value) == text
    assert jsonmap.dumps_feel({"v": [value, {"w": value}]}) == b'{"v":[%s,{"w":%s}]}' % (text, text)


def test_dumps_feel_writes_functions_as_null_and_refuses_what_has_no_json_form() -> None:
    function = Function("f", (), lambda env, args, named: None)
    assert jsonmap.dumps_feel({"f": function}) == jsonmap.dumps(jsonmap.to_json({"f": function}))
    with pytest.raises(TypeError):
        jsonmap.dumps_feel({"x": object()})


def test_round_trip_of_a_34_digit_decimal() -> None:
    raw = b'{"x": 12345678901234567890.12345678901234}'
    parsed = jsonmap.parse_body(raw)
    assert jsonmap.dumps(jsonmap.to_json(jsonmap.from_json(parsed["x"], "number"))) == (
        b"12345678901234567890.12345678901234"
    )
