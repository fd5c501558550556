"""Argument checks shared by the built-in functions: FEEL values in, typed Python values out.

Each check returns the argument when it has the expected FEEL type and raises
FeelEvalError otherwise (the compiled call turns that into null plus a warning), so
a built-in reads as its spec text: ``n = number_arg("abs", "n", n)``.
"""

from __future__ import annotations

import decimal
from collections.abc import Callable
from typing import Any

from service.feel.builtins.registry import builtin
from service.feel.errors import FeelEvalError, invalid_argument, type_mismatch
from service.feel.ops import type_name
from service.feel.values import FEEL_CONTEXT, Function

# Scale limits of decimal128 (DMN 1.5 10.3.4.5: "scale ... in the range [-6111..6176]").
MIN_SCALE = -6111
MAX_SCALE = 6176
INTEGER_LIMIT = 10**18  # beyond any list or string length; see integer_arg


def expected(fn: str, param: str, wanted: str, value: Any) -> FeelEvalError:
    """The one "expected X, got Y" error of every built-in."""
    return type_mismatch(f"{fn}(): {param} must be {wanted}, got {type_name(value)}")


def is_number(value: Any) -> bool:
    """True for a FEEL number (bool is not one: it is not a Decimal)."""
    return isinstance(value, decimal.Decimal)


def number_arg(fn: str, param: str, value: Any) -> decimal.Decimal:
    """``value`` if it is a number."""
    if not isinstance(value, decimal.Decimal):
        raise expected(fn, param, "a number", value)
    return value


def string_arg(fn: str, param: str, value: Any) -> str:
    """``value`` if it is a string."""
    if not isinstance(value, str):
        raise expected(fn, param, "a string", value)
    return value


def boolean_arg(fn: str, param: str, value: Any) -> bool:
    """``value`` if it is a boolean."""
    if not isinstance(value, bool):
        raise expected(fn, param, "a boolean", value)
    return value


def context_arg(fn: str, param: str, value: Any) -> dict[str, Any]:
    """``value`` if it is a context."""
    if not isinstance(value, dict):
        raise expected(fn, param, "a context", value)
    return value


def function_arg(fn: str, param: str, value: Any) -> Function:
    """``value`` if it is a function."""
    if not isinstance(value, Function):
        raise expected(fn, param, "a function", value)
    return value


def list_arg(fn: str, param: str, value: Any) -> list[Any]:
    """``value`` as a list: another value becomes a singleton list (DMN 10.3.2.9.4); not null."""
    if value is None:
        raise expected(fn, param, "a list", value)
    return value if isinstance(value, list) else [value]


def integer_arg(fn: str, param: str, value: Any) -> int:
    """A number argument used as a count or position: its integer part.

    Magnitudes beyond ``INTEGER_LIMIT`` are clamped to it: no list or string is that long, so
    the result is the same, and the int stays small enough to print (Python refuses to format
    ints of over 4300 digits).
    """
    n = number_arg(fn, param, value)
    if not n.is_finite():
        raise invalid_argument(f"{fn}(): {param} must be finite")
    if abs(n) > INTEGER_LIMIT:
        return INTEGER_LIMIT if n > 0 else -INTEGER_LIMIT
    return int(n)


def scale_arg(fn: str, value: Any) -> int:
    """A ``scale`` argument: an integer in the decimal128 range."""
    number = number_arg(fn, "scale", value)
    # Compared as a Decimal before any int conversion, so a huge scale is refused cheaply.
    if not number.is_finite() or not MIN_SCALE - 1 < number < MAX_SCALE + 1:
        raise invalid_argument(f"{fn}(): scale {number} is outside [{MIN_SCALE}..{MAX_SCALE}]")
    return integer_arg(fn, "scale", number)


def items_arg(fn: str, items: list[Any]) -> list[Any]:
    """The items of a function taking ``list`` or ``c1, ..., cN``: one list argument is the list."""
    if not items:
        raise FeelEvalError("FEEL_ARITY", f"{fn}() needs at least one argument")
    if len(items) == 1:
        return list_arg(fn, "list", items[0])
    return items


def numbers_arg(fn: str, items: list[Any]) -> list[decimal.Decimal]:
    """Like :func:`items_arg`, and every item must be a number."""
    values = items_arg(fn, items)
    for value in values:
        number_arg(fn, "every item", value)
    return values


def count(n: int) -> decimal.Decimal:
    """A Python length or position as a FEEL number."""
    return FEEL_CONTEXT.create_decimal(n)


def charge(env: Any, items: Any) -> None:
    """Spend one step of the evaluation's time budget per item of ``items`` (when a list).

    For a built-in that goes through a whole list: one such call can be a great deal of
    work, and a loop calling it would otherwise read the clock only once every
    ``CHECK_EVERY`` calls (see :mod:`service.feel.env`). Charging too much costs nothing
    but an earlier reading of the clock, so C-level copies are charged like Python loops.
    """
    if type(items) is list:
        evaluation = env.evaluation
        evaluation.steps -= len(items)
        if evaluation.steps < 0:
            evaluation.check_deadline()


def list_or_items(name: str) -> Callable[[Callable[[list[Any]], Any]], Callable[[list[Any]], Any]]:
    """Register ``name(list)`` and ``name(c1, ..., cN)`` for one implementation taking the items.

    Named calls use ``list``; one positional argument is the list (a non-list item becomes a
    singleton list); two or more positional arguments are the items themselves. Either way
    the items are charged to the time budget (:func:`charge`).
    """

    def register(impl: Callable[[list[Any]], Any]) -> Callable[[list[Any]], Any]:
        def of_list(env: Any, lst: Any) -> Any:
            charge(env, lst)
            return impl([lst])

        def of_items(env: Any, items: list[Any]) -> Any:
            charge(env, items[0] if len(items) == 1 else items)
            return impl(items)

        builtin(name, "list", needs_env=True)(of_list)
        builtin(name, "*c", needs_env=True)(of_items)
        return impl

    return register
