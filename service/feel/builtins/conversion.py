"""Conversion built-ins (DMN 1.5 10.3.4.1, not the temporal ones): values in, number or string out.

number(from, grouping separator, decimal separator) and string(from). The temporal
conversions (date, time, duration, ...) live in :mod:`temporal`.
"""

from __future__ import annotations

import decimal
import re
from typing import Any

from service.feel import ops
from service.feel.builtins.args import expected, string_arg
from service.feel.builtins.registry import builtin
from service.feel.errors import invalid_argument
from service.feel.values import number

_GROUPING = (" ", ",", ".")
_DECIMAL = (".", ",")
# A FEEL number as text once separators are normalised (an exponent is accepted for
# data coming from other systems).
_NUMBER = re.compile(r"[-+]?(?:[0-9]+(?:\.[0-9]+)?|\.[0-9]+)(?:[eE][-+]?[0-9]+)?")


def _separator(name: str, value: Any, allowed: tuple[str, ...]) -> str | None:
    if value is None:
        return None
    if not isinstance(value, str):
        raise expected("number", name, "a string", value)
    if value not in allowed:
        shown = ", ".join(repr(a) for a in allowed)
        raise invalid_argument(f"number(): {name} must be one of {shown} or null, got {value!r}")
    return value


@builtin("number", "from")
def number_from(from_: Any) -> decimal.Decimal:
    """number(from): the number written in ``from`` with a period as decimal separator."""
    return number_with_separators(from_, None, None)


@builtin("number", "from", "grouping separator", "decimal separator")
def number_with_separators(from_: Any, grouping: Any, decimal_separator: Any) -> decimal.Decimal:
    """number(from, grouping separator, decimal separator): a number written with separators."""
    text = string_arg("number", "from", from_)
    group = _separator("grouping separator", grouping, _GROUPING)
    point = _separator("decimal separator", decimal_separator, _DECIMAL)
    if group is not None and group == point:
        raise invalid_argument("number(): the grouping and decimal separators must differ")
    if group is not None:
        text = text.replace(group, "")
    if point is not None and point != ".":
        if "." in text:
            raise invalid_argument(f"number(): {from_!r} is not a number")
        text = text.replace(point, ".")
    if not _NUMBER.fullmatch(text):
        raise invalid_argument(f"number(): {from_!r} is not a number")
    return number(text)


@builtin("string", "from")
def string(from_: Any) -> str | None:
    """string(from): the value in FEEL notation (a string is returned as it is); null stays null."""
    if from_ is None:
        return None
    return ops.to_string(from_)
