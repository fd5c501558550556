"""FEEL values as Python objects: the one mapping every layer of tablerx shares.

| FEEL type              | Python                                   |
|------------------------|------------------------------------------|
| null                   | ``None``                                 |
| number                 | ``decimal.Decimal`` (34 digits, HALF_EVEN) — never int or float |
| string                 | ``str``                                  |
| boolean                | ``bool``                                 |
| date                   | :class:`Date`                            |
| time                   | :class:`Time`                            |
| date and time          | :class:`DateTime`                        |
| years and months duration | :class:`YearsMonthsDuration`          |
| days and time duration | :class:`DaysTimeDuration`                |
| range                  | :class:`Range`                           |
| list                   | ``list``                                 |
| context                | ``dict[str, Any]`` (insertion ordered)   |
| function               | :class:`Function`                        |

Temporal values are our own classes because FEEL dates span years
-999,999,999 to 999,999,999 and times carry nanoseconds; Python's datetime stops at
year 9999 and microseconds.
"""

from __future__ import annotations

import decimal
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

# FEEL numbers: IEEE 754-2008 decimal128 — 34 significant digits, round half even.
FEEL_CONTEXT = decimal.Context(
    prec=34,
    rounding=decimal.ROUND_HALF_EVEN,
    Emin=-6143,
    Emax=6144,
    traps=[decimal.InvalidOperation, decimal.DivisionByZero, decimal.Overflow],
)

Number = decimal.Decimal


def number(value: int | str | decimal.Decimal) -> decimal.Decimal:
    """A FEEL number from an int, a numeric string or a Decimal, rounded to 34 digits."""
    return FEEL_CONTEXT.create_decimal(value)


@dataclass(frozen=True, slots=True)
class Date:
    """A calendar date in the proleptic Gregorian calendar; year may be negative or > 9999."""

    year: int
    month: int
    day: int


@dataclass(frozen=True, slots=True)
class Time:
    """A time of day.

    ``second`` holds seconds with their fraction (nanoseconds kept exactly).
    ``offset`` is the UTC offset in seconds, or None for a local time.
    ``zone`` is an IANA zone id (``Europe/Paris``) when one was given, else None;
    the offset of a zoned value is resolved when a date is known.
    """

    hour: int
    minute: int
    second: decimal.Decimal
    offset: int | None = None
    zone: str | None = None


@dataclass(frozen=True, slots=True)
class DateTime:
    """A date and time; its ``time`` carries the offset or zone, if any."""

    date: Date
    time: Time


@dataclass(frozen=True, slots=True)
class YearsMonthsDuration:
    """A years and months duration, held as a signed count of months."""

    months: int


@dataclass(frozen=True, slots=True)
class DaysTimeDuration:
    """A days and time duration, held as signed seconds with an exact fraction."""

    seconds: decimal.Decimal


@dataclass(frozen=True, slots=True)
class Range:
    """A FEEL range (interval). ``start`` or ``end`` None means unbounded on that side.

    ``[1..10]`` is Range(1, 10, True, True); the unary test ``< 10`` as a value is
    Range(None, 10, False, False).
    """

    start: Any
    end: Any
    start_included: bool
    end_included: bool


@dataclass(frozen=True, slots=True)
class Parameter:
    """A function parameter: its name and, when declared, its FEEL type name."""

    name: str
    type_name: str | None = None


@dataclass(frozen=True, slots=True, eq=False)
class Function:
    """A FEEL function value: built-in, user-defined (lambda), BKM or decision service.

    ``invoke(env, args, named)`` is called with either a list of positional
    arguments (``named`` is None) or a dict of named arguments (``args`` is empty).
    The function matches them to its parameters itself (so built-ins with optional
    parameters or several signatures decide in one place); a call that fits no
    signature returns None after ``env.warn(...)``. ``env`` is the caller's
    :class:`service.feel.env.Env`, used for warnings and the evaluation clock.
    """

    name: str
    parameters: Sequence[Parameter]
    invoke: Callable[[Any, list[Any], dict[str, Any] | None], Any]
    return_type: str | None = None
    extra: dict[str, Any] = field(default_factory=dict)


FeelValue = Any  # one of the Python types in the table above
