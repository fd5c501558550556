"""Aggregating list built-ins (DMN 1.5 10.3.4.4): a list (or items c1..cN) in, one value out.

min, max, sum, mean, median, stddev, mode, product, all, any. Each takes ``list`` or
variadic items: ``sum([1, 2])`` and ``sum(1, 2)`` are the same call. Numbers stay exact
Decimals; intermediate sums of squares use extra digits before rounding to 34.
"""

from __future__ import annotations

import decimal
from functools import cmp_to_key
from typing import Any

from service.feel import ops
from service.feel.builtins.args import expected, items_arg, list_or_items, numbers_arg
from service.feel.errors import invalid_argument, type_mismatch
from service.feel.values import FEEL_CONTEXT

# Working precision for sums of squares and other multi-step results.
_WIDE = decimal.Context(prec=60, rounding=decimal.ROUND_HALF_EVEN, Emin=-99999, Emax=99999)


def feel_order(fn: str) -> Any:
    """A sort key ordering FEEL values with ops.compare; incomparable values are an error."""

    def compare(a: Any, b: Any) -> int:
        result = ops.compare(a, b)
        if result is None:
            raise type_mismatch(
                f"{fn}(): cannot compare {ops.type_name(a)} with {ops.type_name(b)}"
            )
        return result

    return cmp_to_key(compare)


def _extreme(fn: str, items: list[Any], pick_greater: bool) -> Any:
    values = items_arg(fn, items)
    if not values:
        return None
    key = feel_order(fn)
    best = values[0]
    if len(values) == 1 and ops.compare(best, best) is None:
        raise expected(fn, "every item", "comparable", best)
    for value in values[1:]:
        if (key(value) > key(best)) if pick_greater else (key(value) < key(best)):
            best = value
    return best


@list_or_items("min")
def min_(items: list[Any]) -> Any:
    """min(list) / min(c1, ..., cN): the smallest item; null for an empty list."""
    return _extreme("min", items, pick_greater=False)


@list_or_items("max")
def max_(items: list[Any]) -> Any:
    """max(list) / max(c1, ..., cN): the greatest item; null for an empty list."""
    return _extreme("max", items, pick_greater=True)


def _sum(values: list[decimal.Decimal]) -> decimal.Decimal:
    total = decimal.Decimal(0)
    for value in values:
        total = _WIDE.add(total, value)
    return total


def _feel(value: decimal.Decimal) -> decimal.Decimal:
    try:
        return FEEL_CONTEXT.plus(value)
    except decimal.Overflow as exc:
        raise invalid_argument("result is too large for a FEEL number") from exc


@list_or_items("sum")
def sum_(items: list[Any]) -> decimal.Decimal | None:
    """sum(list) / sum(n1, ..., nN): the sum of the numbers; null for an empty list."""
    values = numbers_arg("sum", items)
    return _feel(_sum(values)) if values else None


@list_or_items("mean")
def mean(items: list[Any]) -> decimal.Decimal | None:
    """mean(list) / mean(n1, ..., nN): the arithmetic mean; null for an empty list."""
    values = numbers_arg("mean", items)
    if not values:
        return None
    return _feel(_WIDE.divide(_sum(values), len(values)))


@list_or_items("median")
def median(items: list[Any]) -> decimal.Decimal | None:
    """median(list): the middle number (mean of the two middle ones); null for an empty list."""
    values = sorted(numbers_arg("median", items))
    if not values:
        return None
    middle = len(values) // 2
    if len(values) % 2:
        return values[middle]
    return _feel(_WIDE.divide(_WIDE.add(values[middle - 1], values[middle]), 2))


@list_or_items("stddev")
def stddev(items: list[Any]) -> decimal.Decimal:
    """stddev(list): the sample standard deviation; needs at least two numbers."""
    values = numbers_arg("stddev", items)
    if len(values) < 2:
        raise invalid_argument("stddev() needs at least two numbers")
    average = _WIDE.divide(_sum(values), len(values))
    squares = decimal.Decimal(0)
    for value in values:
        deviation = _WIDE.subtract(value, average)
        squares = _WIDE.add(squares, _WIDE.multiply(deviation, deviation))
    return _feel(_WIDE.sqrt(_WIDE.divide(squares, len(values) - 1)))


@list_or_items("mode")
def mode(items: list[Any]) -> list[decimal.Decimal]:
    """mode(list): the most frequent numbers, ascending; [] for an empty list."""
    values = numbers_arg("mode", items)
    counts: dict[decimal.Decimal, int] = {}
    for value in values:
        counts[value] = counts.get(value, 0) + 1  # 2.5 and 2.50 are one key
    if not counts:
        return []
    most = max(counts.values())
    return sorted(value for value, n in counts.items() if n == most)


@list_or_items("product")
def product(items: list[Any]) -> decimal.Decimal:
    """product(list) / product(n1, ..., nN): the product; an empty list is an error."""
    values = numbers_arg("product", items)
    if not values:
        raise invalid_argument("product() of an empty list")
    result = decimal.Decimal(1)
    for value in values:
        result = _feel(_WIDE.multiply(result, value))
    return result


def _booleans(fn: str, items: list[Any]) -> list[bool | None]:
    values = items_arg(fn, items)
    for value in values:
        if value is not None and not isinstance(value, bool):
            raise expected(fn, "every item", "a boolean or null", value)
    return values


@list_or_items("all")
def all_(items: list[Any]) -> bool | None:
    """all(list): false if any item is false, true if all are true (or none), else null."""
    values = _booleans("all", items)
    if any(value is False for value in values):
        return False
    return True if all(value is True for value in values) else None


@list_or_items("any")
def any_(items: list[Any]) -> bool | None:
    """any(list): true if any item is true, false if all are false (or none), else null."""
    values = _booleans("any", items)
    if any(value is True for value in values):
        return True
    return False if all(value is False for value in values) else None
