"""Expected vs actual FEEL value in, (ok, detail of the first difference) out.

The TCK's rule: equal value *and* type (the string "1" is not the number 1, a date is not
a date and time), lists element by element, contexts key by key, null only equals null.
Numbers count as equal within 1e-8, as in the vendors' published results (some expected
values are rounded, ``exp(-1)`` is given as 0.36787944); never looser.
"""

from __future__ import annotations

import decimal
from typing import Any

from service.feel import values

TOLERANCE = decimal.Decimal("1e-8")

# Python class -> FEEL type name, for messages and the type check; bool before numbers.
_TYPE_NAMES: tuple[tuple[type, str], ...] = (
    (bool, "boolean"),
    (decimal.Decimal, "number"),
    (str, "string"),
    (values.Date, "date"),
    (values.Time, "time"),
    (values.DateTime, "date and time"),
    (values.YearsMonthsDuration, "years and months duration"),
    (values.DaysTimeDuration, "days and time duration"),
    (values.Range, "range"),
    (values.Function, "function"),
    (list, "list"),
    (dict, "context"),
)


def feel_type_name(value: Any) -> str:
    """The FEEL type of a Python value, or ``Python <class>`` for one outside the mapping."""
    if value is None:
        return "null"
    for cls, name in _TYPE_NAMES:
        if isinstance(value, cls):
            return name
    return f"Python {type(value).__name__}"


def describe(value: Any, limit: int = 80) -> str:
    """A short text for a value in a message: its FEEL type and a literal form."""
    name = feel_type_name(value)
    if value is None:
        return "null"
    if isinstance(value, bool):
        literal = "true" if value else "false"
    elif isinstance(value, str):
        literal = '"' + value.replace('"', '\\"') + '"'
    else:
        literal = _plain(value)
    if len(literal) > limit:
        literal = literal[: limit - 3] + "..."
    return f"{name} {literal}"


def _plain(value: Any) -> str:
    if isinstance(value, decimal.Decimal):
        return str(value)
    if isinstance(value, list):
        return "[" + ", ".join(_plain_item(item) for item in value) + "]"
    if isinstance(value, dict):
        return "{" + ", ".join(f"{key}: {_plain_item(item)}" for key, item in value.items()) + "}"
    return str(value)  # temporal values print in their ISO form


def _plain_item(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return '"' + value + '"'
    return _plain(value)


def compare(expected: Any, actual: Any, path: str = "result") -> tuple[bool, str]:
    """Whether ``actual`` matches ``expected``; when not, a message naming the first difference.

    ``path`` names the value in the message (``result[2].name``).
    """
    difference = first_difference(expected, actual, path)
    return (difference is None, difference or "")


def first_difference(expected: Any, actual: Any, path: str) -> str | None:
    """The message for the first place where ``actual`` differs from ``expected``, or None."""
    expected_type, actual_type = feel_type_name(expected), feel_type_name(actual)
    if expected_type != actual_type:
        return f"{path}: expected {describe(expected)}, got {describe(actual)}"
    if isinstance(expected, list):
        return _list_difference(expected, actual, path)
    if isinstance(expected, dict):
        return _context_difference(expected, actual, path)
    if isinstance(expected, decimal.Decimal):
        same = numbers_equal(expected, actual)
    else:
        same = expected is None or bool(expected == actual)
    return None if same else f"{path}: expected {describe(expected)}, got {describe(actual)}"


def numbers_equal(expected: decimal.Decimal, actual: decimal.Decimal) -> bool:
    """Two FEEL numbers are equal when they differ by at most 1e-8 (exactly, in decimal)."""
    if not (expected.is_finite() and actual.is_finite()):
        return expected == actual if not (expected.is_nan() or actual.is_nan()) else False
    with decimal.localcontext(values.FEEL_CONTEXT) as context:
        # Exact subtraction: enough digits for any two decimal128 values.
        context.prec = 20000
        context.traps[decimal.Inexact] = False
        return abs(expected - actual) <= TOLERANCE


def _list_difference(expected: list[Any], actual: list[Any], path: str) -> str | None:
    if len(expected) != len(actual):
        return (
            f"{path}: expected a list of {len(expected)} items, got {len(actual)}: "
            f"expected {describe(expected)}, got {describe(actual)}"
        )
    for index, (want, got) in enumerate(zip(expected, actual, strict=True)):
        difference = first_difference(want, got, f"{path}[{index}]")
        if difference is not None:
            return difference
    return None


def _context_difference(expected: dict[str, Any], actual: dict[str, Any], path: str) -> str | None:
    missing = [key for key in expected if key not in actual]
    if missing:
        return f"{path}: missing key {missing[0]!r} (got keys {sorted(actual)})"
    extra = [key for key in actual if key not in expected]
    if extra:
        return f"{path}: unexpected key {extra[0]!r} (expected keys {sorted(expected)})"
    for key, want in expected.items():
        difference = first_difference(want, actual[key], f"{path}.{key}")
        if difference is not None:
            return difference
    return None
